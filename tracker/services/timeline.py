"""The timeline as a scrolling view reads it: keyset windows, a plan per filter, cached counts.

A window is the rows just before and from an anchor (a date, or a row's TimelineKey) in
timeline order, read with `WHERE (start_date, sort_time, id) >= anchor ... LIMIT n`: its cost
does not grow with how far down the timeline it is, unlike OFFSET. What it costs to fill a
window under a filter depends on the filter's selectivity, so each window is planned (on
SQLite; PostgreSQL has statistics and plans for itself):

* a filter that keeps few events (a stakeholder, a tag, a rare word, a short date range):
  start from those events and sort them;
* a filter that keeps many: walk the timeline index in order, test each row, stop when the
  window is full; short search prefixes are then asked of the FTS index row by row (its
  prefix indexes answer those cheaply), longer ones gathered once.

Counts (`count`, `locate`) are exact and cached until the data changes: this
process's writes are counted, other processes' commits show in SQLite's `data_version`.

A search typed into the filter box alone is read by `tracker.services.searching` first (on
SQLite, without SQLAlchemy's statements); what it cannot answer comes here.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import sqlite3
import threading
from array import array
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, select, tuple_
from sqlalchemy.orm import Session

from tracker.domain import EventFilter, TimelineKey, Window
from tracker.services.context import Context
from tracker.services.queries import (
    TIMELINE_ORDER,
    Access,
    Driver,
    Plan,
    SearchPlan,
    Unindexed,
    clean_tags,
    date_conditions,
    event_conditions,
    has_search,
    is_sqlite,
    names_matches,
    stakeholder_ids,
    text_matches,
)
from tracker.services.views import EVENT_COLUMNS, load_event_views
from tracker.storage.models import Event, EventTag, Participation
from tracker.storage.search import FTS_PREFIXES, fts_query

# The cost model, measured on SQLite 3.40 (benchmarks/README.md): starting from a set of M
# events costs about M * START_COST row reads (read, then sort); walking the timeline to fill
# a window of L rows when a filter keeps M of N events reads about L * N / M index entries.
START_COST = 2
# Asking FTS5 about one row costs about this many index entries of a walk, but only when
# every word is short enough for its prefix indexes; gathering all matches costs 1 per match.
FTS_ROW_COST = 150
# A participant-name test per row (a join of about four participations) vs gathering them.
NAMES_ROW_COST = 30


Anchor = TimelineKey | dt.date | None


# -- planning ------------------------------------------------------------------------------


def _capped_count(session: Session, ids: Select[Any], cap: int) -> int:
    """How many rows `ids` has, counting no further than `cap`."""
    return int(session.scalar(select(func.count()).select_from(ids.limit(cap).subquery())) or 0)


def _short_prefixes(text: str) -> bool:
    """Whether FTS5's prefix indexes hold every word of a search (cheap to test per row)."""
    longest = max(FTS_PREFIXES, default=0)
    return all(len(word) <= longest for word in text.split())


@dataclass(frozen=True)
class _Planned:
    plan: Plan
    extra: tuple[ColumnElement[bool], ...] = ()


def plan_window(session: Session, flt: EventFilter, people: list[int], limit: int) -> _Planned:
    """How to fill `limit` rows of `flt` cheaply (SQLite); see the module docstring."""
    if not is_sqlite(session):
        return _Planned(Plan())
    total = int(session.scalar(select(func.max(Event.id))) or 0)
    limit = max(limit, 1)
    walk = limit * total  # M * (L * N / M): what walking costs, times the set size
    start_cap = math.isqrt(walk // START_COST) + 1  # sets below this are cheaper to start from
    candidates: list[tuple[int, str]] = []
    for stakeholder_id in people:
        involved = select(Participation.event_id).where(
            Participation.stakeholder_id == stakeholder_id
        )
        candidates.append((_capped_count(session, involved, start_cap), f"with:{stakeholder_id}"))
    for tag in clean_tags(flt):
        tagged = select(EventTag.event_id).where(EventTag.tag == tag)
        candidates.append((_capped_count(session, tagged, start_cap), f"tag:{tag}"))
    search = SearchPlan(Access.PROBE, Access.PROBE)
    if flt.search and has_search(flt):
        match = fts_query(flt.search)
        text_cap = math.isqrt(walk * FTS_ROW_COST) + 1
        names_cap = math.isqrt(walk * NAMES_ROW_COST) + 1
        by_text = _capped_count(session, text_matches(match), text_cap) if match else 0
        by_name = _capped_count(session, names_matches(session, flt.search), names_cap)
        candidates.append((by_text + by_name, "search"))
        search = SearchPlan(
            text=Access.ROW
            if by_text >= text_cap and _short_prefixes(flt.search)
            else Access.PROBE,
            names=Access.ROW if by_name >= names_cap else Access.PROBE,
        )
    if flt.date_from is not None and flt.date_to is not None:
        widest = session.scalar(select(func.max(Event.span_class)))
        dated = select(Event.id).where(
            *date_conditions(flt, Plan(driver=Driver.DATES), widest=widest)
        )
        candidates.append((_capped_count(session, dated, start_cap), "dates"))
    size, smallest = min(candidates, default=(start_cap, ""))
    if size < start_cap:
        if smallest == "dates":
            return _Planned(Plan(driver=Driver.DATES, sets=Access.PROBE, search=search))
        return _Planned(Plan(driver=Driver.SET, driving=smallest, sets=Access.PROBE, search=search))
    extra: tuple[ColumnElement[bool], ...] = ()
    if flt.date_from is not None:  # the walk can start where the longest event could begin
        widest = session.scalar(select(func.max(Event.span_class)))
        earliest = flt.date_from.toordinal() - ((1 << int(widest or 0)) - 1)
        if earliest >= 1:
            extra = (Event.start_date >= dt.date.fromordinal(earliest),)
    return _Planned(Plan(driver=Driver.TIMELINE, sets=Access.ROW, search=search), extra)


# -- selective filters: their matches, in memory --------------------------------------

MATCHES_CAP = 250_000  # a filter keeping more is read through the indexes instead


class Days:
    """Where each start day begins in the whole timeline: one GROUP BY over the timeline
    index (a few tens of milliseconds at a million events), then any day's position is a
    bisection instead of a count."""

    def __init__(self, days: list[int], firsts: list[int], total: int) -> None:
        self._days = days  # distinct start days (ordinals), ascending
        self._firsts = firsts  # the position each of those days begins at
        self.total = total

    @classmethod
    def build(cls, session: Session) -> Days:
        # One row, one step: Python's sqlite3 gives the GIL back at every row it steps to,
        # and with the TUI's other threads busy each row would wait its turn.
        listed = (
            session.connection()
            .exec_driver_sql(
                "SELECT group_concat(day || ':' || n) FROM (SELECT start_date AS day, count(*) AS n"
                " FROM events GROUP BY start_date ORDER BY start_date)"
            )
            .scalar()
        )
        days, firsts, position = [], [], 0
        for item in listed.split(",") if listed else ():
            day, count = item.split(":")
            days.append(dt.date.fromisoformat(day).toordinal())
            firsts.append(position)
            position += int(count)
        return cls(days, firsts, position)

    def first_on_or_after(self, day: dt.date) -> int:
        """The position of the first event starting on or after `day`."""
        index = bisect.bisect_left(self._days, day.toordinal())
        return self._firsts[index] if index < len(self._firsts) else self.total


class TimelineOrder:
    """The whole timeline's order, in memory: event ids by position and each id's position
    (8 MB at a million events, about a second to build once per data version). It puts any
    selective filter in timeline order from its event ids alone, which the indexes give
    without reading a single event row."""

    def __init__(self, ids: array[int], days: Days) -> None:
        self.ids = ids  # position -> event id
        self.days = days
        self.rank = array("i", bytes(4 * (max(ids, default=0) + 1)))  # event id -> position
        deque(map(self.rank.__setitem__, ids, range(len(ids))), maxlen=0)  # a loop in C

    @classmethod
    def build(cls, session: Session, days: Days) -> TimelineOrder:
        raw = (
            session.connection()
            .exec_driver_sql(
                "SELECT group_concat(id) FROM "
                "(SELECT id FROM events ORDER BY start_date, sort_time, id)"
            )
            .scalar()
        )
        return cls(array("i", map(int, raw.split(","))) if raw else array("i"), days)

    def __len__(self) -> int:
        return len(self.ids)

    def first_on_or_after(self, day: dt.date) -> int:
        return self.days.first_on_or_after(day)

    def position_of(self, event_id: int) -> int | None:
        if 0 <= event_id < len(self.rank):
            position = self.rank[event_id]
            if position < len(self.ids) and self.ids[position] == event_id:
                return position
        return None

    def positions(self, ids: Iterable[int]) -> Iterator[int]:
        """The positions of those of `ids` that are in the timeline."""
        rank, order, size, top = self.rank, self.ids, len(self.ids), len(self.rank)
        for event_id in ids:
            if 0 <= event_id < top:
                position = rank[event_id]
                if position < size and order[position] == event_id:
                    yield position


class Matches:
    """The events a selective filter keeps, marked in the whole timeline's order: one byte
    per event (1 MB at a million), set where it matches. Marking costs no sort; the count,
    a day's index and a page are scans of those bytes in C (`count`, `find`)."""

    def __init__(self, marks: bytearray, order: TimelineOrder) -> None:
        self.marks = marks
        self.order = order
        self._total = marks.count(1)

    @classmethod
    def of(cls, order: TimelineOrder, positions: Iterable[int]) -> Matches:
        """The matches at `positions` of `order` (in any order, repeats allowed)."""
        marks = bytearray(len(order))
        deque(map(marks.__setitem__, positions, repeat(1)), maxlen=0)
        return cls(marks, order)

    def __len__(self) -> int:
        return self._total

    def ids(self, start: int, stop: int) -> list[int]:
        """The event ids of matches `start` to `stop` (indexes in the filtered timeline)."""
        start, stop = max(start, 0), min(stop, self._total)
        if start >= stop:
            return []
        marks, ids = self.marks, self.order.ids
        position = self._select(start)
        found = [ids[position]]
        for _ in range(stop - start - 1):
            position = marks.find(1, position + 1)
            found.append(ids[position])
        return found

    def _select(self, index: int) -> int:
        """The timeline position of match `index`: halving by counts, then stepping."""
        marks = self.marks
        low, high, before = 0, len(marks), 0  # matches before `low`: `before`
        while high - low > 256:
            middle = (low + high) // 2
            count = marks.count(1, low, middle)
            if before + count > index:
                high = middle
            else:
                low, before = middle, before + count
        position = low - 1
        for _ in range(index - before + 1):
            position = marks.find(1, position + 1)
        return position

    def index(
        self, anchor: Anchor, stored: Callable[[int], tuple[dt.date, int] | None] = lambda i: None
    ) -> int | None:
        """The index of the first match at or after `anchor`. A key is placed by its event's
        position when `stored(id)` (that event's start and sort time) agrees with it; any
        other key gives None: only the indexes can place it."""
        if anchor is None:
            return 0
        if isinstance(anchor, dt.date):
            return self.marks.count(1, 0, self.order.first_on_or_after(anchor))
        position = self.order.position_of(anchor.id)
        if position is None or stored(anchor.id) != (anchor.start, anchor.sort_time):
            return None
        return self.marks.count(1, 0, position)

    def around(
        self,
        anchor: Anchor,
        before: int,
        after: int,
        stored: Callable[[int], tuple[dt.date, int] | None] = lambda i: None,
    ) -> tuple[list[int], bool, bool] | None:
        """A window's event ids (up to `before` matches before `anchor` and `after` from
        it, in timeline order) and whether more lie before and after them; None when the
        anchor cannot be placed (see `index`)."""
        at = self.index(anchor, stored)
        if at is None:
            return None
        first = max(at - before, 0) if anchor is not None else 0
        last = min(at + after, len(self))
        return self.ids(first, last), first > 0, last < len(self)


def gather_matches(
    session: Session, flt: EventFilter, people: list[int], order: Callable[[], TimelineOrder]
) -> Matches | None:
    """The matches of `flt` when one of its filters keeps at most MATCHES_CAP events
    (SQLite; None otherwise: no such filter, too many, or another database)."""
    if not is_sqlite(session):
        return None
    if not (flt.kinds or flt.statuses or flt.date_from or flt.date_to):
        ids = _set_ids(session, flt, people, MATCHES_CAP)  # from indexes alone: no event rows
        if ids is None:
            return None
    else:
        sizes = _set_sizes(session, flt, people, MATCHES_CAP)
        if not sizes or min(sizes)[0] > MATCHES_CAP:
            return None
        smallest = min(sizes)[1]
        if smallest == "dates":
            plan = Plan(driver=Driver.DATES, sets=Access.PROBE, search=SearchPlan(Access.PROBE))
        else:
            search = (
                SearchPlan() if smallest == "search" else SearchPlan(Access.PROBE, Access.PROBE)
            )
            plan = Plan(driver=Driver.SET, driving=smallest, sets=Access.PROBE, search=search)
        query = select(Event.id).where(*event_conditions(session, flt, plan, people=people))
        ids = set(session.execute(query).scalars())
    timeline = order()
    return Matches.of(timeline, timeline.positions(ids))


def _set_ids(session: Session, flt: EventFilter, people: list[int], cap: int) -> set[int] | None:
    """The events every set-like filter of `flt` keeps (with, tag, search), intersected;
    None when one of them keeps more than `cap` (each is read no further than that)."""
    queries: list[list[Select[Any]]] = [
        [select(Participation.event_id).where(Participation.stakeholder_id == person)]
        for person in people
    ]
    queries += [[select(EventTag.event_id).where(EventTag.tag == tag)] for tag in clean_tags(flt)]
    if flt.search and has_search(flt):
        match = fts_query(flt.search)
        queries.append(
            [names_matches(session, flt.search)] + ([text_matches(match)] if match else [])
        )
    if not queries:  # nothing set-like (a blank search): every event, not none
        return None
    sets: list[set[int]] = []
    for parts in queries:
        found: set[int] = set()
        for query in parts:
            found.update(session.execute(query.limit(cap + 1)).scalars())
            if len(found) > cap:
                return None
        sets.append(found)
    sets.sort(key=len)
    result = sets[0] if sets else set()
    for other in sets[1:]:
        result &= other
    return result


def _set_sizes(
    session: Session, flt: EventFilter, people: list[int], cap: int
) -> list[tuple[int, str]]:
    """How many events each set-like filter of `flt` keeps, counting no further than `cap`."""
    sizes: list[tuple[int, str]] = []
    for stakeholder_id in people:
        involved = select(Participation.event_id).where(
            Participation.stakeholder_id == stakeholder_id
        )
        sizes.append((_capped_count(session, involved, cap + 1), f"with:{stakeholder_id}"))
    for tag in clean_tags(flt):
        tagged = select(EventTag.event_id).where(EventTag.tag == tag)
        sizes.append((_capped_count(session, tagged, cap + 1), f"tag:{tag}"))
    if flt.search and has_search(flt):
        match = fts_query(flt.search)
        by_text = _capped_count(session, text_matches(match), cap + 1) if match else 0
        by_name = 0
        if by_text <= cap:
            by_name = _capped_count(session, names_matches(session, flt.search), cap + 1)
        sizes.append((by_text + by_name, "search"))
    if flt.date_from is not None and flt.date_to is not None:
        widest = session.scalar(select(func.max(Event.span_class)))
        dated = select(Event.id).where(
            *date_conditions(flt, Plan(driver=Driver.DATES), widest=widest)
        )
        sizes.append((_capped_count(session, dated, cap + 1), "dates"))
    return sizes


def rows_by_id(session: Session, ids: list[int]) -> list[Any]:
    """The `EVENT_COLUMNS` rows of `ids`, in that order."""
    found = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for row in session.execute(select(*EVENT_COLUMNS).where(Event.id.in_(chunk))):
            found[row[0]] = row
    return [found[i] for i in ids if i in found]


def stored_key(session: Session, event_id: int) -> tuple[dt.date, int] | None:
    """The stored (start_date, sort_time) of an event, or None if it is gone."""
    row = session.execute(
        select(Event.start_date, Event.sort_time).where(Event.id == event_id)
    ).first()
    return None if row is None else (row[0], row[1])


def window_of(
    ctx: Context, session: Session, matches: Matches, anchor: Anchor, before: int, after: int
) -> Window | None:
    found = matches.around(anchor, before, after, lambda event_id: stored_key(session, event_id))
    if found is None:
        return None
    ids, more_before, more_after = found
    rows = rows_by_id(session, ids)
    return Window(
        rows=tuple(load_event_views(ctx, session, rows)),
        keys=tuple(key_of(row) for row in rows),
        more_before=more_before,
        more_after=more_after,
    )


# -- windows -------------------------------------------------------------------------------


def _key_columns(plan: Plan) -> tuple[Any, Any, Any]:
    if plan.driver is Driver.TIMELINE or plan.driver is Driver.ANY:
        return Event.start_date, Event.sort_time, Event.id
    return Unindexed(Event.start_date), Unindexed(Event.sort_time), Unindexed(Event.id)


def _rows(
    session: Session,
    conditions: list[ColumnElement[bool]],
    bound: ColumnElement[bool] | None,
    *,
    descending: bool,
    limit: int,
    offset: int = 0,
) -> list[Any]:
    query = select(*EVENT_COLUMNS)
    where = [*conditions, bound] if bound is not None else conditions
    if where:
        query = query.where(and_(*where))
    order = [column.desc() for column in TIMELINE_ORDER] if descending else TIMELINE_ORDER
    query = query.order_by(*order).limit(limit)
    if offset:
        query = query.offset(offset)
    return list(session.execute(query).all())


def _bounds(
    anchor: Anchor, columns: tuple[Any, Any, Any]
) -> tuple[ColumnElement[bool] | None, ColumnElement[bool] | None]:
    """(rows from the anchor on, rows before it) as conditions; None means no bound."""
    start, sort_time, event_id = columns
    if anchor is None:
        return None, None
    if isinstance(anchor, dt.date):
        return start >= anchor, start < anchor
    key = tuple_(start, sort_time, event_id)
    value = tuple_(anchor.start, anchor.sort_time, anchor.id)
    return key >= value, key < value


def key_of(row: Any) -> TimelineKey:
    return TimelineKey(row[3], row[6], row[0])


def read_window(
    ctx: Context,
    session: Session,
    flt: EventFilter,
    anchor: Anchor,
    *,
    before: int,
    after: int,
) -> Window:
    people = stakeholder_ids(session, flt)
    planned = plan_window(session, flt, people, max(before, after))
    conditions = event_conditions(session, flt, planned.plan, people=people)
    conditions += list(planned.extra)
    from_anchor, before_anchor = _bounds(anchor, _key_columns(planned.plan))
    later = _rows(session, conditions, from_anchor, descending=False, limit=after + 1)
    earlier: list[Any] = []
    if before and anchor is not None:
        earlier = _rows(session, conditions, before_anchor, descending=True, limit=before + 1)
    more_after, more_before = len(later) > after, len(earlier) > before
    rows = earlier[:before][::-1] + later[:after]
    return Window(
        rows=tuple(load_event_views(ctx, session, rows)),
        keys=tuple(key_of(row) for row in rows),
        more_before=more_before,
        more_after=more_after,
    )


class Checkpoints:
    """Places in one filtered timeline whose offsets are known: offset -> the bound that
    the row at that offset is the first at or after (its own key, or a day). Pages near one
    are read from it by key instead of counting off rows from the start."""

    NEAR = 2000  # how far from a checkpoint a page is still read from it
    MAX = 20_000

    def __init__(self) -> None:
        self._at: dict[int, Anchor] = {}
        self._offsets: list[int] = []
        self._lock = threading.Lock()

    def add(self, offset: int, bound: Anchor) -> None:
        with self._lock:
            if len(self._offsets) >= self.MAX:
                self._at.clear()
                self._offsets.clear()
            if offset not in self._at:
                bisect.insort(self._offsets, offset)
            self._at[offset] = bound

    def nearest(self, offset: int) -> tuple[int, Anchor] | None:
        with self._lock:
            index = bisect.bisect_right(self._offsets, offset)
            near = [self._offsets[i] for i in (index - 1, index) if 0 <= i < len(self._offsets)]
            near = [o for o in near if abs(o - offset) <= self.NEAR]
            if not near:
                return None
            best = min(near, key=lambda o: (abs(o - offset), o > offset))
            return best, self._at[best]


def read_page(
    ctx: Context,
    session: Session,
    flt: EventFilter,
    offset: int,
    limit: int,
    checkpoints: Checkpoints,
) -> list[Any]:
    """`limit` rows (EVENT_COLUMNS) from `offset`, read by key from the nearest checkpoint
    when there is one (before it or after it), else by counting off `offset` rows."""
    people = stakeholder_ids(session, flt)
    known = checkpoints.nearest(offset)
    reach = limit + (abs(offset - known[0]) if known else offset)
    planned = plan_window(session, flt, people, reach)
    conditions = event_conditions(session, flt, planned.plan, people=people)
    conditions += list(planned.extra)
    columns = _key_columns(planned.plan)
    if known is None:
        rows = _rows(session, conditions, None, descending=False, limit=limit, offset=offset)
    elif known[0] <= offset:
        from_bound, _ = _bounds(known[1], columns)
        rows = _rows(
            session, conditions, from_bound, descending=False, limit=limit, offset=offset - known[0]
        )
    else:  # the page ends at or before the checkpoint: read back from it, then on
        from_bound, before_bound = _bounds(known[1], columns)
        back = known[0] - offset
        rows = _rows(session, conditions, before_bound, descending=True, limit=back)[::-1]
        rows = rows[:limit]
        if limit > back:
            rows += _rows(session, conditions, from_bound, descending=False, limit=limit - back)
    for index, row in enumerate(rows):
        checkpoints.add(offset + index, key_of(row))
    return rows


# -- cached counts -------------------------------------------------------------------------

_T = TypeVar("_T")


class VersionWatch:
    """SQLite's `PRAGMA data_version`, asked of one connection that never writes: it
    changes whenever any other connection (this process's or another's) commits."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def value(self) -> int:
        with self._lock:
            if self._connection is None:
                self._connection = sqlite3.connect(
                    self._path, check_same_thread=False, isolation_level=None
                )
            row = self._connection.execute("PRAGMA data_version").fetchone()
            return int(row[0])

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def data_version(ctx: Context, session: Session) -> Hashable | None:
    """A value that changes whenever the data may have: None when that cannot be known
    cheaply (not a SQLite file), and nothing is cached then."""
    watch = ctx.versions
    if watch is None:
        return None
    return (watch.value(), ctx.writes.value)


class ReadCache:
    """Small, thread-safe memo of counts and page keys, keyed by data version."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable | None, compute: Callable[[], _T]) -> _T:
        if key is None:
            return compute()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                value: _T = self._items[key]
                return value
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def peek(self, key: Hashable | None) -> tuple[bool, Any]:
        """(True, the value) when `key` is cached, else (False, None); computes nothing."""
        if key is None:
            return False, None
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return True, self._items[key]
        return False, None

    def checkpoints(self, key: Hashable | None) -> Checkpoints:
        if key is None:
            return Checkpoints()
        return self.get(("checkpoints", key), Checkpoints)


__all__ = [
    "Anchor",
    "Checkpoints",
    "Days",
    "Matches",
    "ReadCache",
    "TimelineKey",
    "TimelineOrder",
    "VersionWatch",
    "Window",
    "data_version",
    "gather_matches",
    "plan_window",
    "read_page",
    "read_window",
    "rows_by_id",
    "stored_key",
    "window_of",
]
