"""Timeline CSV records read straight from the database, a batch of events at a time.

An export writes every event once and shows nothing on screen, so it skips the views the
TUI gets: the events stream in timeline order as plain tuples, and each batch's participants,
tags and follow-ups arrive in one query apiece. The cells are exactly `event_row`'s (the
golden-file and round-trip tests compare the two paths).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import queue
import re
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session

from tracker import dates
from tracker.domain import EventFilter, FollowUpStatus, Precision
from tracker.exporting import csv as timeline_csv
from tracker.services.context import Context
from tracker.services.queries import TIMELINE_ORDER, event_conditions, is_sqlite
from tracker.services.views import ROLE_ORDER, WhenCache
from tracker.storage.models import Event, EventTag, FollowUp, Participation, Stakeholder

BATCH = 2000  # events per round of participant / tag / follow-up queries
MMAP_BYTES = 2**32  # the export maps up to 4 GiB of the database file (address space)
_OPEN = FollowUpStatus.OPEN.value
_PRECISIONS = {precision.value: precision for precision in Precision}


def _text(column: Any) -> Any:
    """The stored text of an enum column, without building enum members."""
    return type_coerce(column, String)


_E = Event.__table__.c  # Core columns: plain rows, no ORM loading step
_P = Participation.__table__
_T = EventTag.__table__
_F = FollowUp.__table__
_S = Stakeholder.__table__
_EVENTS = (
    _E.id,
    _text(_E.start_date),  # dates and instants as stored: most are only a cache key here
    _text(_E.end_date),
    _text(_E.precision),
    _text(_E.start_at),
    _text(_E.end_at),
    _E.tz,
    _text(_E.kind),
    _E.title,
    _text(_E.status),
    _E.location,
    _E.source,
    _E.summary,
    _E.notes,
)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _instant(value: Any) -> dt.datetime | None:
    """A stored UTC instant: a naive text on SQLite, an aware datetime elsewhere."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


class _Spans:
    """The four date cells of each distinct stored interval, computed once per export."""

    def __init__(self, ctx: Context, names: _Names) -> None:
        self._ctx = ctx
        self.names = names
        self._whens = WhenCache(ctx)
        self._cells: dict[tuple[Any, ...], tuple[str, str, str, str]] = {}
        self._heads: dict[tuple[Any, ...], str] = {}

    def cells(self, key: tuple[Any, ...]) -> tuple[str, str, str, str]:
        found = self._cells.get(key)
        if found is None:
            start, end, precision, start_at, end_at, tz = key
            if start_at is None:
                when = self._whens.get(_date(start), _date(end), precision)
            else:  # one of a kind: rebuilt directly, not kept
                when = self._ctx.rebuild(
                    _date(start),
                    _date(end),
                    _PRECISIONS[precision],
                    _instant(start_at),
                    _instant(end_at),
                    tz,
                )
            span = dates.to_json(when)
            found = (span["start"], span["end"], when.label, when.precision.value)
            if start_at is None:  # instants are unique to their event: not worth keeping
                self._cells[key] = found
        return found

    def head(self, key: tuple[Any, ...]) -> str:
        """`start,end,when,precision` as written to the file (the label quoted if need be)."""
        found = self._heads.get(key)
        if found is None:
            first, last, label, precision = self.cells(key)
            found = f"{first},{last},{_cell(label)},{precision}"
            if key[3] is None:
                self._heads[key] = found
        return found

    def due(self, start: Any, end: Any, precision: str) -> str:
        key = (start, end, precision)
        found = self._cells.get(key)
        if found is None:
            label = self._whens.get(_date(start), _date(end), precision).label
            found = self._cells[key] = (label, "", "", "")
        return found[0]


def csv_records(ctx: Context, session: Session, flt: EventFilter) -> Iterator[list[str]]:
    """Each filtered event as its CSV cells in `timeline_csv.COLUMNS` order, timeline order."""
    sqlite = is_sqlite(session)
    columns = (*_EVENTS, _participants_cell(), _tags_cell()) if sqlite else _EVENTS
    query = select(*columns)
    conditions = event_conditions(session, flt)
    if conditions:
        query = query.where(and_(*conditions))
    query = query.order_by(*TIMELINE_ORDER).execution_options(yield_per=BATCH)
    spans = _Spans(ctx, _Names(session))
    for batch in session.execute(query).partitions(BATCH):
        if sqlite:
            yield from _aggregated_records(session, batch, spans)
        else:
            yield from _records(session, batch, spans)


# -- SQLite: participants and tags joined into their cells by the database -------------------

_ROLE_RANK = case(ROLE_ORDER, value=_P.c.role, else_=9)


def _participants_cell(event_id: Any = _E.id, outer: Any = Event.__table__) -> Any:
    """`Name (role, attendance); ...` in the views' order: role rank, then name (a stored
    name_key is its name case-folded, and SQLite compares text by code point like Python)."""
    cell = _S.c.name + " (" + _text(_P.c.role) + ", " + _text(_P.c.attendance) + ")"
    ordered = (
        select(cell.label("cell"))
        .select_from(_P.join(_S, _S.c.id == _P.c.stakeholder_id))
        .where(_P.c.event_id == event_id)
        .order_by(_ROLE_RANK, _S.c.name_key, _P.c.role)
        .correlate(outer)
        .subquery()
    )
    return select(func.group_concat(ordered.c.cell, "; ")).scalar_subquery()


def _tags_cell(event_id: Any = _E.id, outer: Any = Event.__table__) -> Any:
    ordered = (
        select(_T.c.tag)
        .where(_T.c.event_id == event_id)
        .order_by(_T.c.tag)
        .correlate(outer)
        .subquery()
    )
    return select(func.group_concat(ordered.c.tag, ", ")).scalar_subquery()


def _aggregated_records(
    session: Session, batch: Sequence[Any], spans: _Spans
) -> Iterator[list[str]]:
    """Rows whose participants (14) and tags (15) cells SQLite already aggregated."""
    follow_ups, open_counts = _follow_ups(session, [row[0] for row in batch], spans)
    for row in batch:
        yield _record(row, spans, row[14] or "", row[15] or "", follow_ups, open_counts)


def _record(
    row: Any,
    spans: _Spans,
    people: str,
    tags: str,
    follow_ups: dict[int, str],
    open_counts: dict[int, int],
) -> list[str]:
    """One CSV record in COLUMNS order from an event row and its child cells."""
    event_id = row[0]
    first, last, label, precision_text = spans.cells(row[1:7])
    return [
        str(event_id),
        first,
        last,
        label,
        precision_text,
        row[7],
        row[8],
        row[9],
        row[10],
        people,
        str(open_counts.get(event_id, 0)),
        follow_ups.get(event_id, ""),
        row[11],
        tags,
        row[12],
        row[13],
    ]


# -- SQLite, writing a file: the database works while Python writes -----------------------

_SPECIAL = re.compile('[,"\r\n]')  # what makes csv's QUOTE_MINIMAL quote a cell
_MAY_GUARD = frozenset("'=+-@\t\r")


def _cell(text: str | None) -> str:
    """One CSV cell as `timeline_csv.write_rows` writes it: neutralised, quoted if need be."""
    if not text:
        return ""
    if text[0] in _MAY_GUARD:
        text = timeline_csv.neutralise(text)
    if _SPECIAL.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'


def _chunk_statement(session: Session, flt: EventFilter) -> Select[Any]:
    """The next BATCH filtered events after a key, as one JSON array of arrays.

    One row of one column: SQLite computes it in a single step, during which Python's
    sqlite3 module lets other threads run (it holds the GIL again for each row otherwise).
    """
    after = tuple_(
        bindparam("after_start", type_=Date),
        bindparam("after_time", type_=Integer),
        bindparam("after_id", type_=Integer),
    )
    page = select(
        _E.id, _E.start_date, _E.end_date, _E.precision, _E.start_at, _E.end_at, _E.tz,
        _E.kind, _E.title, _E.status, _E.location, _E.source, _E.summary, _E.notes,
        _E.sort_time,
    )  # fmt: skip
    conditions = event_conditions(session, flt)
    page = page.where(tuple_(*TIMELINE_ORDER) > after, *conditions)
    e = page.order_by(*TIMELINE_ORDER).limit(BATCH).subquery("e")
    row = func.json_array(
        *(e.c[name] for name in _ROW_COLUMNS),
        _participants_cell(e.c.id, e),
        _tags_cell(e.c.id, e),
        _follow_ups_json(e.c.id, e),
    )
    return select(func.json_group_array(row)).select_from(e)


_ROW_COLUMNS = (
    "id", "start_date", "end_date", "precision", "start_at", "end_at", "tz", "kind", "title",
    "status", "location", "source", "summary", "notes", "sort_time",
)  # fmt: skip


def _follow_ups_json(event_id: Any, outer: Any) -> Any:
    owner = _S.alias("owner")
    item = func.json_array(
        _F.c.id, _F.c.text, _F.c.status, _F.c.done_on, _F.c.due_start, _F.c.due_end,
        _F.c.due_precision, owner.c.name,
    )  # fmt: skip
    return (
        select(func.json_group_array(item))
        .select_from(_F.outerjoin(owner, owner.c.id == _F.c.owner_id))
        .where(_F.c.event_id == event_id)
        .correlate(outer)
        .scalar_subquery()
    )


def write_sqlite_csv(ctx: Context, session: Session, flt: EventFilter, out: TextIO) -> int:
    """Write the header-less CSV lines of the filtered timeline; returns how many.

    The bytes are those of `write_rows(csv_records(...))`. The database reads and joins
    one batch (participants and tags into their cells, follow-ups alongside) on a second
    thread while this one formats and writes the batch before: on two cores they overlap.
    """
    statement = _chunk_statement(session, flt)
    connection = session.connection()
    raw = connection.connection.driver_connection
    assert raw is not None
    # An export reads every page of the file in random order: mapping the file into memory
    # saves a copy per page read (about a third of SQLite's time here). Only for this
    # connection and this export: the TUI's resident memory stays small.
    raw.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    batches: queue.Queue[list[Any] | BaseException | None] = queue.Queue(3)
    stop = threading.Event()

    def read() -> None:
        key: dict[str, Any] = {"after_start": dt.date.min, "after_time": -2, "after_id": 0}
        try:
            while not stop.is_set():
                rows = json.loads(connection.execute(statement, key).scalar_one() or "[]")
                if not rows:
                    break
                batches.put(rows)
                last = rows[-1]
                key = {
                    "after_start": _date(last[1]),
                    "after_time": last[14],
                    "after_id": last[0],
                }
            batches.put(None)
        except BaseException as exc:  # handed to the writing thread, raised there
            batches.put(exc)

    reader = threading.Thread(target=read, name="csv-export-reader", daemon=True)
    reader.start()
    spans = _Spans(ctx, _Names(session))
    count = 0
    try:
        while (rows := batches.get()) is not None:
            if isinstance(rows, BaseException):
                raise rows
            lines = []
            for row in rows:
                follow_ups, open_count = _follow_up_cell(row[17], spans)
                lines.append(
                    f"{row[0]},{spans.head(tuple(row[1:7]))},{row[7]},"
                    f"{_cell(row[8])},{row[9]},{_cell(row[10])},{_cell(row[15])},"
                    f"{open_count},{_cell(follow_ups)},"
                    f"{_cell(row[11])},{_cell(row[16])},{_cell(row[12])},{_cell(row[13])}\r\n"
                )
            out.write("".join(lines))
            count += len(rows)
    finally:
        stop.set()
        while reader.is_alive():  # unblock a reader waiting on a full queue, then wait
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.05)
        reader.join()
        raw.execute("PRAGMA mmap_size = 0")
    return count


def _follow_up_cell(items: list[list[Any]], spans: _Spans) -> tuple[str, int]:
    """The follow-ups cell of one event, from its JSON items, and how many are open."""
    if not items:
        return "", 0
    if len(items) > 1:
        items.sort(key=lambda item: item[0])
    cells = []
    open_count = 0
    for _, text, status, done_on, due_start, due_end, due_precision, owner in items:
        due = None
        if due_start is not None and due_end is not None and due_precision is not None:
            due = spans.due(due_start, due_end, due_precision)
        open_count += status == _OPEN
        cells.append(
            timeline_csv.FollowUpCell(
                text=text, status=status, done_on=done_on or None, due=due, owner=owner
            )
        )
    return timeline_csv.format_follow_ups(cells), open_count


def _format_follow_ups(rows: Sequence[Any], spans: _Spans) -> tuple[dict[int, str], dict[int, int]]:
    items: dict[int, list[timeline_csv.FollowUpCell]] = defaultdict(list)
    open_counts: dict[int, int] = defaultdict(int)
    for event_id, text, status, done_on, due_start, due_end, due_precision, owner in rows:
        due = None
        if due_start is not None and due_end is not None and due_precision is not None:
            due = spans.due(due_start, due_end, due_precision)
        if status == _OPEN:
            open_counts[event_id] += 1
        items[event_id].append(
            timeline_csv.FollowUpCell(
                text=text,
                status=status,
                done_on=_date(done_on).isoformat() if done_on else None,
                due=due,
                owner=owner,
            )
        )
    cells = {event_id: timeline_csv.format_follow_ups(listed) for event_id, listed in items.items()}
    return cells, open_counts


# -- elsewhere: each batch's participants and tags in one query apiece -----------------------


def _records(session: Session, batch: Sequence[Any], spans: _Spans) -> Iterator[list[str]]:
    ids = sorted(row[0] for row in batch)  # in rowid order: the child rows sit near each other
    people = _participants(session, ids, spans.names)
    tags = _tags(session, ids)
    follow_ups, open_counts = _follow_ups(session, ids, spans)
    for row in batch:
        event_id = row[0]
        yield _record(
            row, spans, people.get(event_id, ""), tags.get(event_id, ""), follow_ups, open_counts
        )


class _Names:
    """Stakeholder names by id, read for the ids a batch needs and kept for the next."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[int, tuple[str, str]] = {}

    def need(self, ids: set[int]) -> dict[int, tuple[str, str]]:
        missing = sorted(ids - self._known.keys())
        for start in range(0, len(missing), BATCH):
            chunk = missing[start : start + BATCH]
            for stakeholder_id, name, key in self._session.execute(
                select(_S.c.id, _S.c.name, _S.c.name_key).where(_S.c.id.in_(chunk))
            ):
                self._known[stakeholder_id] = (name, key)
        return self._known


def _participants(session: Session, ids: list[int], names: _Names) -> dict[int, str]:
    rows = session.execute(
        select(_P.c.event_id, _P.c.stakeholder_id, _text(_P.c.role), _text(_P.c.attendance)).where(
            _P.c.event_id.in_(ids)
        )
    ).all()
    known = names.need({row[1] for row in rows})
    people: dict[int, list[tuple[int, str, str, str, str]]] = defaultdict(list)
    for event_id, stakeholder_id, role, attendance in rows:
        name, key = known[stakeholder_id]
        people[event_id].append((ROLE_ORDER.get(role, 9), name, role, key, attendance))
    cells = {}
    for event_id, listed in people.items():
        if len(listed) > 1:  # as the views order them: role rank, name; then role, name key
            listed.sort(key=lambda p: (p[0], p[1].casefold(), p[2], p[3]))
        cells[event_id] = "; ".join(f"{p[1]} ({p[2]}, {p[4]})" for p in listed)
    return cells


def _tags(session: Session, ids: list[int]) -> dict[int, str]:
    tags: dict[int, list[str]] = defaultdict(list)
    for event_id, tag in session.execute(
        select(_T.c.event_id, _T.c.tag).where(_T.c.event_id.in_(ids))
    ):
        tags[event_id].append(tag)
    return {event_id: timeline_csv.join_tags(sorted(listed)) for event_id, listed in tags.items()}


def _follow_ups(
    session: Session, ids: list[int], spans: _Spans
) -> tuple[dict[int, str], dict[int, int]]:
    query = select(
        _F.c.id,
        _F.c.event_id,
        _F.c.text,
        _text(_F.c.status),
        _F.c.done_on,
        _F.c.due_start,
        _F.c.due_end,
        _text(_F.c.due_precision),
        _F.c.owner_id,
    ).where(_F.c.event_id.in_(ids))
    rows = sorted(session.execute(query).all(), key=lambda row: row[0])
    owners = spans.names.need({row[8] for row in rows if row[8] is not None})
    return _format_follow_ups(
        [(*row[1:8], owners[row[8]][0] if row[8] is not None else None) for row in rows], spans
    )
