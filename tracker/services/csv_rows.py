"""Timeline CSV records read straight from the database, a batch of events at a time.

An export writes every event once and shows nothing on screen, so it skips the views the
TUI gets: the events stream in timeline order as plain tuples, and each batch's participants,
tags and follow-ups arrive in one query apiece (a SQLite export to a file gets each batch,
children included, in one statement: `write_sqlite_csv`). The cells are exactly
`event_row`'s (the golden-file, round-trip and fast-path tests compare the paths).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import operator
import queue
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
from tracker.services.views import ROLE_ORDER
from tracker.storage.models import Event, EventTag, FollowUp, Participation, Stakeholder

BATCH = 2000  # events per round of participant / tag / follow-up queries
MMAP_BYTES = 2**32  # the export maps up to 4 GiB of the database file (address space)
_OPEN = FollowUpStatus.OPEN.value
_MINUTE = Precision.MINUTE.value


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


def _instant(value: Any) -> dt.datetime:
    """A stored UTC instant: a text on SQLite (read as naive: UTC), a datetime elsewhere."""
    if isinstance(value, dt.datetime):
        return value
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is None else moment.replace(tzinfo=None)


class _Spans:
    """The date cells of stored intervals: each distinct interval of days is labelled once
    per export (a timeline repeats them), each time of day as it comes (one of a kind)."""

    def __init__(self, ctx: Context, names: _Names) -> None:
        self.names = names
        self._order = ctx.settings.date_order
        self.days: dict[tuple[Any, ...], tuple[str, str, str, str]] = {}
        self.heads: dict[tuple[Any, ...], str] = {}

    def cells(self, key: tuple[Any, ...]) -> tuple[str, str, str, str]:
        """`start, end, when, precision` of the stored columns `start_date .. tz`."""
        start, end, precision, start_at, end_at, tz = key
        if start_at is not None and precision == _MINUTE:
            return self.instant(start_at, end_at, tz)
        return self.days.get((start, end, precision)) or self.day(start, end, precision)

    def day(self, start: Any, end: Any, precision: str) -> tuple[str, str, str, str]:
        """The cells of an interval of whole days."""
        found = self.days[start, end, precision] = dates.stored_cells(
            _date(start), _date(end), precision, order=self._order
        )
        return found

    def head(self, start: Any, end: Any, precision: str) -> str:
        """`day`'s cells joined as they are written to the file."""
        found = self.heads[start, end, precision] = _joined(
            self.days.get((start, end, precision)) or self.day(start, end, precision)
        )
        return found

    def instant(self, start_at: Any, end_at: Any, tz: str | None) -> tuple[str, str, str, str]:
        """The cells of a time of day."""
        return dates.stored_cells(
            dt.date.min,  # unused: a time's cells come from its instants
            dt.date.min,
            _MINUTE,
            _instant(start_at),
            None if end_at is None or end_at == start_at else _instant(end_at),
            tz,
            order=self._order,
        )

    def due(self, start: Any, end: Any, precision: str) -> str:
        """A follow-up's due date as written: the label of its interval."""
        return (self.days.get((start, end, precision)) or self.day(start, end, precision))[2]


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
    # One printf costs SQLite less than four concatenations (each a new string).
    cell = func.printf("%s (%s, %s)", _S.c.name, _text(_P.c.role), _text(_P.c.attendance))
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

_MAY_GUARD = timeline_csv.MAY_GUARD  # first characters `neutralise` may act on
_quoted = timeline_csv.quoted


def _chunk_statement(session: Session, flt: EventFilter) -> Select[Any]:
    """The next BATCH filtered events after a key, as one JSON array of arrays, and the key
    of the last of them (None if fewer were left).

    One row: SQLite computes it in a single step, during which Python's sqlite3 module lets
    other threads run (it holds the GIL again for each row otherwise). Each array holds
    `_ROW_COLUMNS` with the participants and tags cells ('' for none) after location and
    source, then the event's follow-ups as arrays.
    """
    after = tuple_(
        bindparam("after_start", type_=Date),
        bindparam("after_time", type_=Integer),
        bindparam("after_id", type_=Integer),
    )
    conditions = [tuple_(*TIMELINE_ORDER) > after, *event_conditions(session, flt)]
    page = select(*(_E[name] for name in _ROW_COLUMNS)).where(*conditions)
    e = page.order_by(*TIMELINE_ORDER).limit(BATCH).subquery("e")
    # Found on the index alone: the reading thread asks for the next batch without parsing
    # this one (the writing thread does).
    last = (
        select(func.json_array(*TIMELINE_ORDER))
        .where(*conditions)
        .order_by(*TIMELINE_ORDER)
        .offset(BATCH - 1)
        .limit(1)
        .scalar_subquery()
    )
    row = func.json_array(
        *(e.c[name] for name in _ROW_COLUMNS[:11]),
        func.ifnull(_participants_cell(e.c.id, e), ""),
        *(e.c[name] for name in _ROW_COLUMNS[11:12]),
        func.ifnull(_tags_cell(e.c.id, e), ""),
        *(e.c[name] for name in _ROW_COLUMNS[12:]),
        _follow_ups_json(e.c.id, e),
    )
    return select(func.json_group_array(row), last).select_from(e)


_ROW_COLUMNS = (
    "id", "start_date", "end_date", "precision", "start_at", "end_at", "tz", "kind", "title",
    "status", "location", "source", "summary", "notes",
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
    thread while this one parses, formats and writes the batch before: on two cores they
    overlap, and the database's share is the longer one.
    """
    statement = _chunk_statement(session, flt)
    connection = session.connection()
    raw = connection.connection.driver_connection
    assert raw is not None
    # An export reads every page of the file in random order: mapping the file into memory
    # saves a copy per page read (about a third of SQLite's time here). Only for this
    # connection and this export: the TUI's resident memory stays small.
    raw.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    batches: queue.Queue[str | BaseException | None] = queue.Queue(3)
    stop = threading.Event()

    def read() -> None:
        """The database's share: one statement per batch, its JSON handed over as is (the
        writing thread parses it; this one only waits for SQLite, without the GIL)."""
        key: dict[str, Any] = {"after_start": dt.date.min, "after_time": -2, "after_id": 0}
        try:
            while not stop.is_set():
                text, last = connection.execute(statement, key).one()
                batches.put(text)
                if last is None:  # fewer than BATCH events were left
                    break
                start, sort_time, event_id = json.loads(last)
                key = {"after_start": _date(start), "after_time": sort_time, "after_id": event_id}
            batches.put(None)
        except BaseException as exc:  # handed to the writing thread, raised there
            batches.put(exc)

    reader = threading.Thread(target=read, name="csv-export-reader", daemon=True)
    reader.start()
    spans = _Spans(ctx, _Names(session))
    count = 0
    try:
        while (text := batches.get()) is not None:
            if isinstance(text, BaseException):
                raise text
            rows = json.loads(text)
            if rows:
                out.write(_batch_lines(rows, spans))
                count += len(rows)
    finally:
        stop.set()
        while reader.is_alive():  # unblock a reader waiting on a full queue, then wait
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.05)
        reader.join()
        raw.execute("PRAGMA mmap_size = 0")
    return count


def _batch_lines(rows: list[list[Any]], spans: _Spans) -> str:
    """The CSV lines of one batch of `_chunk_statement` arrays."""
    heads = spans.heads
    lines = []
    for (
        event_id, start, end, precision, start_at, end_at, tz, kind, title, status, location,
        people, source, tags, summary, notes, items,
    ) in rows:  # fmt: skip
        if start_at is not None and precision == _MINUTE:
            when = _joined(spans.instant(start_at, end_at, tz))
        else:
            when = heads.get((start, end, precision)) or spans.head(start, end, precision)
        follow_ups, open_count = _follow_up_cell(items, spans) if items else ("", 0)
        if (
            title[:1] in _MAY_GUARD
            or location[:1] in _MAY_GUARD
            or people[:1] in _MAY_GUARD
            or source[:1] in _MAY_GUARD
            or tags[:1] in _MAY_GUARD
            or summary[:1] in _MAY_GUARD
            or notes[:1] in _MAY_GUARD
            or event_id < 0
        ):  # rare: the cells a spreadsheet would run get their quote (see `neutralise`)
            event_id, title, location, people, source, tags, summary, notes = map(
                timeline_csv.neutralise,
                (str(event_id), title, location, people, source, tags, summary, notes),
            )
        lines.append(
            f"{event_id},{when},{kind},{_quoted(title)},{status},{_quoted(location)},"
            f"{_quoted(people)},{open_count},{_quoted(follow_ups)},{_quoted(source)},"
            f"{_quoted(tags)},{_quoted(summary)},{_quoted(notes)}\r\n"
        )
    return "".join(lines)


def _joined(cells: tuple[str, str, str, str]) -> str:
    """`start,end,when,precision` as written (only the label can need quotes)."""
    first, last, label, precision = cells
    return f"{first},{last},{_quoted(label)},{precision}"


def _follow_up_cell(items: list[list[Any]], spans: _Spans) -> tuple[str, int]:
    """The follow-ups cell of one event, from its JSON items, and how many are open."""
    if len(items) > 1:
        items.sort(key=_first)
    lines = []
    open_count = 0
    for _, text, status, done_on, due_start, due_end, due_precision, owner in items:
        due = None
        if due_start is not None and due_end is not None and due_precision is not None:
            due = spans.due(due_start, due_end, due_precision)
        open_count += status == _OPEN
        lines.append(timeline_csv.follow_up_line(status, done_on, text, due, owner))
    return "\n".join(lines), open_count


_first = operator.itemgetter(0)


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
