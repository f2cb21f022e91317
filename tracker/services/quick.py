"""Quick reads: the timeline of a SQLite file already at the schema head, without SQLAlchemy.

`QuickReads.open` answers only for a plain SQLite file whose schema needs no migration (None
otherwise: the full services then open it, migrating as before). Its views are the ones
`EventService.list` and `EventService.window` give, built from `tracker.storage.lite`'s rows
the way `tracker.services.views` builds them; tests hold the two paths to the same answers.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import gc
import sqlite3
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from enum import StrEnum
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TextIO, TypeVar, cast

from tracker import dates
from tracker.clock import Clock, clock_for
from tracker.domain import (
    ROLE_ORDER,
    Attendance,
    EventFilter,
    EventKind,
    EventLine,
    EventLines,
    EventStatus,
    EventView,
    ParticipantView,
    Precision,
    Role,
    StakeholderKind,
    TimelineKey,
    When,
    Window,
)
from tracker.services.reading import DateReader
from tracker.settings import Settings
from tracker.storage import lite

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class Unreadable(Exception):
    """A stored value these reads do not parse the way SQLAlchemy would (none that tracker
    writes): the caller takes the full path, which reads it, or reports it, as before."""


_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")


def _members(enum: type[_E]) -> dict[str, _E]:
    return {member.value: member for member in enum}


_KINDS = _members(EventKind)
_STATUSES = _members(EventStatus)
_PRECISIONS = _members(Precision)
_ROLES = _members(Role)
_ATTENDANCES = _members(Attendance)
_STAKEHOLDER_KINDS = _members(StakeholderKind)


class QuickReads:
    """Reads of one SQLite file in one read-only transaction; close it when done."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        settings: Settings,
        clock: Clock,
        second: sqlite3.Connection | None = None,
    ) -> None:
        self.reader = DateReader(clock=clock, settings=settings)
        self._connection = connection
        self._second = second  # on the same snapshot, for a second thread (`lines`)
        self._whens: dict[tuple[Any, ...], When] = {}
        self._instants: dict[Any, dt.datetime] = {}

    @classmethod
    def open(
        cls, settings: Settings, clock: Clock | None = None, *, twins: bool = False
    ) -> QuickReads | None:
        """Quick reads of the configured database, or None when it must take the full path
        (not a SQLite file, not there yet, or not at the schema head). With `twins`, on two
        connections that read the same snapshot (`lite.open_twins`), when it can."""
        path = lite.sqlite_file(settings.db_url)
        if path is None:
            return None
        opened = lite.open_twins(path) if twins else (lite.open_at_head(path), None)
        if opened is None or opened[0] is None:
            return None
        clock = clock or clock_for(settings.today, settings.local_tz)
        return cls(opened[0], settings, clock, opened[1])

    @property
    def twinned(self) -> bool:
        """Whether a second connection reads along (opened with `twins`, and it could be)."""
        return self._second is not None

    def close(self, *, in_background: bool = False) -> threading.Thread | None:
        """Close the connections. `in_background`: in a thread of their own, for a command
        that is done reading and has its output still to write. Closing unmaps the pages of
        the file each connection read (tens of milliseconds after a month of a million
        events), which then happens alongside; the interpreter waits for the thread before
        it exits (the thread is returned)."""
        if in_background:
            closing = threading.Thread(target=self.close, name="tracker-quick-close")
            closing.start()
            return closing
        self._connection.close()
        if self._second is not None:
            self._second.close()
        return None

    @staticmethod
    def covers(flt: EventFilter) -> bool:
        """Whether `list` and `lines` read `flt`: dates, kinds, statuses and tags, not names
        or words."""
        searched = bool(flt.search and flt.search.strip())
        return not (flt.with_names or flt.stakeholder_ids or searched)

    def list(
        self, flt: EventFilter = EventFilter(), *, limit: int | None = None
    ) -> builtins.list[EventView]:
        """What `EventService.list(flt, limit=limit)` returns, for a filter it `covers`."""
        listing = self._listing(flt)
        with collector_paused():
            return self._views(lite.list_events(self._connection, listing, limit))

    def lines(self, flt: EventFilter = EventFilter(), *, limit: int | None = None) -> EventLines:
        """`EventLines.of(EventLine.of(view) for view in list(flt, limit=limit))`, read
        without building views: a line needs a third of what a view does (no texts, tags,
        or participants' details). Opened with `twins`, a whole listing's participants are
        read on the second connection, in a thread of their own, while this one reads the
        events."""
        listing = self._listing(flt)
        aside = None
        if self._second is not None and limit is None:
            read = partial(lite.listed_participant_names, self._second, listing)
            aside = _Aside(lambda: _grouped_names(read()))
        try:
            with collector_paused():
                lines = self._lines(listing, limit, aside)
        finally:
            if aside is not None:
                aside.join()  # its connection is closed with this one's
        if lines is None:  # the SQL order is the views' only where each key is its name case-folded
            return EventLines.of(EventLine.of(view) for view in self.list(flt, limit=limit))
        return lines

    def _lines(
        self, listing: lite.Listing, limit: int | None, aside: _Aside[_Names | None] | None
    ) -> EventLines | None:
        """The lines; None when the participants' names need sorting again."""
        rows = lite.list_events(self._connection, listing, limit, columns=lite.LINE_COLUMNS)
        if not rows:
            return EventLines()
        ids, titles, kinds, *_, statuses = zip(*rows, strict=True)
        counts = lite.open_follow_ups(self._connection, ids)
        with _stored_values():  # worked out while the participants are read
            _, _, *columns = self._heads(rows, ids, titles, kinds, statuses)
            members_of_kinds, whens, members_of_statuses = map(tuple, columns)
        if aside is not None:
            grouped = aside.result()
        else:
            grouped = _grouped_names(lite.participant_names(self._connection, ids))
        if grouped is None:
            return None
        return EventLines(
            ids,
            titles,
            members_of_kinds,
            whens,
            members_of_statuses,
            tuple(map(grouped.get, ids, repeat(()))),
            tuple(map(counts.get, ids, repeat(0))),
        )

    def export_csv(
        self,
        target: Path | TextIO,
        flt: EventFilter = EventFilter(),
        *,
        excel: bool = False,
        replace: bool = True,
    ) -> int:
        """What `TransferService.export_csv(target, flt, excel=excel, replace=replace)`
        writes, for a filter it `covers`, without loading SQLAlchemy. Returns the row count."""
        from tracker.exporting import csv as timeline_csv
        from tracker.services import csv_lines

        listing = self._listing(flt)
        read = partial(lite.export_batches, self._connection, listing)

        def write(out: TextIO) -> int:
            timeline_csv.write_rows((), out, excel=excel)  # the BOM and the header
            with collector_paused():
                return csv_lines.write_batches(
                    read, csv_lines.Spans(self.reader.settings.date_order), out
                )

        return csv_lines.write_to(target, write, replace=replace)

    def _listing(self, flt: EventFilter) -> lite.Listing:
        if not self.covers(flt):
            raise ValueError("quick reads list by dates, kinds, statuses and tags only")
        return lite.Listing(
            date_from=flt.date_from,
            date_to=flt.date_to,
            kinds=tuple(kind.value for kind in flt.kinds),
            statuses=tuple(status.value for status in flt.statuses),
            tags=tuple(dict.fromkeys(tag.strip().lower() for tag in flt.tags)),
        )

    def window(self, anchor: dt.date | None = None, *, before: int = 0, after: int = 100) -> Window:
        """What `EventService.window(EventFilter(), anchor, before=before, after=after)`
        returns for a day (or None: the start): the unfiltered timeline around it."""
        earlier, later = lite.timeline_window(self._connection, anchor, before=before, after=after)
        rows = earlier[:before][::-1] + later[:after]
        return self.as_window(
            rows, more_before=len(earlier) > before, more_after=len(later) > after
        )

    def as_window(self, rows: Sequence[lite.Row], *, more_before: bool, more_after: bool) -> Window:
        """`EVENT_COLUMNS` rows, consecutive in a timeline, as its `Window`."""
        with collector_paused():
            views = self._views(rows)
        return Window(
            rows=tuple(views),
            keys=tuple(TimelineKey(_day(row[3]), row[6], row[0]) for row in rows),
            more_before=more_before,
            more_after=more_after,
        )

    # -- rows to views -------------------------------------------------------------------

    def _views(self, rows: Sequence[lite.Row]) -> builtins.list[EventView]:
        """Views as `tracker.services.views.load_event_views` builds them (not `full`)."""
        if not rows:
            return []
        found = lite.details(self._connection, [row[0] for row in rows])
        with _stored_values():
            people = _participants(found.participants)
            (ids, titles, kinds, _, _, _, _, _, _, _, statuses, *texts, created, updated) = zip(
                *rows, strict=True
            )
            return _build(
                EventView,
                len(rows),
                (
                    *self._heads(rows, ids, titles, kinds, statuses),
                    *texts,  # location, summary, notes, source
                    map(found.tags.get, ids, repeat(())),
                    map(people.get, ids, repeat(())),
                    repeat(()),  # follow-ups: only a full view has them
                    map(found.open_follow_ups.get, ids, repeat(0)),
                    map(self._instant, created),
                    map(self._instant, updated),
                ),
            )

    def _heads(
        self,
        rows: Sequence[lite.Row],
        ids: Sequence[Any],
        titles: Sequence[Any],
        kinds: Sequence[Any],
        statuses: Sequence[Any],
    ) -> tuple[Iterable[Any], ...]:
        """The fields a view and a line begin with (id, title, kind, when, status), one
        column each, from `rows` and their columns."""
        return (
            ids,
            titles,
            map(_KINDS.__getitem__, kinds),
            map(self._when, rows),
            map(_STATUSES.__getitem__, statuses),
        )

    def _when(self, row: lite.Row) -> When:
        """The event's interval and label, rebuilt once per distinct stored interval."""
        key = row[3:6] + row[7:10]
        when = self._whens.get(key)
        if when is None:
            start, end, precision, start_at, end_at, tz = key
            when = self._whens[key] = dates.rebuild(
                _day(start),
                _day(end),
                _PRECISIONS[precision],
                None if start_at is None else self._instant(start_at),
                None if end_at is None else self._instant(end_at),
                tz,
                order=self.reader.settings.date_order,
            )
        return when

    def _instant(self, text: Any) -> dt.datetime:
        """A stored instant as SQLAlchemy reads it (ISO text; naive means UTC)."""
        instant = self._instants.get(text)
        if instant is None:
            try:
                parsed = dt.datetime.fromisoformat(text)
            except (TypeError, ValueError):
                raise Unreadable(f"unexpected stored instant {text!r}") from None
            if parsed.tzinfo is None:
                instant = parsed.replace(tzinfo=dt.UTC)
            else:
                instant = parsed.astimezone(dt.UTC)
            self._instants[text] = instant
        return instant


_Names = dict[int, tuple[str, ...]]


def _grouped_names(rows: Sequence[lite.Row]) -> _Names | None:
    """`lite.participant_names` rows as each event's names; None when their order is not
    the services' (a name key that is not its name case-folded: not one tracker writes)."""
    event_ids, names, keys = zip(*rows, strict=True) if rows else ((), (), ())
    if list(map(str.casefold, names)) != list(keys):
        return None
    grouped: _Names = {}
    start = 0
    for event_id, count in Counter(event_ids).items():  # in order: by event
        grouped[event_id] = names[start : start + count]
        start += count
    return grouped


class _Aside(threading.Thread, Generic[_T]):
    """`read()` in a thread of its own, started at once; `result` waits for it."""

    def __init__(self, read: Callable[[], _T]) -> None:
        super().__init__(name="tracker-quick-read", daemon=True)
        self._read = read
        self._value: _T | None = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._value = self._read()
        except BaseException as exc:  # raised again in the thread that waits for it
            self._error = exc

    def result(self) -> _T:
        """What `read` returned; or what it raised, raised here."""
        self.join()
        if self._error is not None:
            raise self._error
        return cast("_T", self._value)


@contextlib.contextmanager
def _stored_values() -> Iterator[None]:
    """A value these reads do not know (an enum member, say) as Unreadable."""
    try:
        yield
    except (KeyError, TypeError) as exc:
        raise Unreadable(f"unexpected stored value {exc}") from None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while many views are built and used: a
    listing creates hundreds of thousands of objects (none in cycles), and each collection
    on the way would walk all of those still alive again (a third of the build at a month
    of a million events). Collection resumes, if it was on, when the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _participants(rows: Sequence[lite.Row]) -> dict[int, tuple[ParticipantView, ...]]:
    """Each event's participants in the services' order (`tracker.services.views`: by role
    rank and case-folded name, ties as their SQL listed them: by role, name key, and then
    as the primary key). `lite.details` lists them by rank and name key, which is that
    order wherever the name key is the name case-folded (as tracker writes it); the events
    of a participant whose key is not are sorted again here."""
    if not rows:
        return {}
    event_ids, stakeholder_ids, names, keys, kinds, roles, attendances = zip(*rows, strict=True)
    if list(map(str.casefold, names)) != list(keys):
        rows = _resorted(rows)
        event_ids, stakeholder_ids, names, keys, kinds, roles, attendances = zip(*rows, strict=True)
    counts = Counter(event_ids)  # in the order of the rows: by event
    views = _build(
        ParticipantView,
        len(rows),
        (
            stakeholder_ids,
            names,
            map(_STAKEHOLDER_KINDS.__getitem__, kinds),
            map(_ROLES.__getitem__, roles),
            map(_ATTENDANCES.__getitem__, attendances),
        ),
    )
    people: dict[int, tuple[ParticipantView, ...]] = {}
    start = 0
    for event_id, count in counts.items():
        people[event_id] = tuple(views[start : start + count])
        start += count
    return people


def _resorted(rows: Sequence[lite.Row]) -> builtins.list[lite.Row]:
    """`rows` with each event's participants in the services' order, whatever the keys."""
    return sorted(rows, key=lambda row: (row[0], *_services_order(row)))


def _services_order(row: lite.Row) -> tuple[Any, ...]:
    """(rank, case-folded name), ties in the SQL order of `tracker.services.views`."""
    _, stakeholder_id, name, key, _, role, _ = row
    return (ROLE_ORDER.get(role, 9), name.casefold(), role, key, stakeholder_id)


_V = TypeVar("_V", bound="DataclassInstance")


def _build(cls: type[_V], count: int, columns: Iterable[Iterable[Any]]) -> builtins.list[_V]:
    """`count` instances of the frozen, slotted dataclass `cls`, from one column of values
    per field (in field order): `cls(*row)` for each row, without `__init__`'s per-field
    `object.__setattr__`, field by field in loops that run in C (a month of a million
    events builds some 65,000 views; this way takes about a third of the time)."""
    views = builtins.list(map(object.__new__, repeat(cls, count)))
    for field, column in zip(fields(cls), columns, strict=True):
        deque(map(getattr(cls, field.name).__set__, views, column), maxlen=0)
    return views


def _day(text: Any) -> dt.date:
    """A stored day as SQLAlchemy reads it (ISO text)."""
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise Unreadable(f"unexpected stored date {text!r}") from None


__all__ = ["QuickReads", "Unreadable", "collector_paused"]
