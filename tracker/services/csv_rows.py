"""Timeline CSV records read straight from the database, a batch of events at a time.

An export writes every event once and shows nothing on screen, so it skips the views the
TUI gets: the events stream in timeline order as plain tuples, and each batch's participants,
tags and follow-ups arrive in one query apiece (a SQLite export to a file gets each batch,
children included, in one statement: `write_sqlite_csv`). The cells are exactly
`event_row`'s (the golden-file, round-trip and fast-path tests compare the paths).
"""

from __future__ import annotations

import datetime as dt
import json
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

from tracker.domain import EventFilter, FollowUpStatus
from tracker.exporting import csv as timeline_csv
from tracker.services.context import Context
from tracker.services.csv_lines import Spans, stored_date, write_batches
from tracker.services.queries import TIMELINE_ORDER, event_conditions, is_sqlite
from tracker.services.views import ROLE_ORDER
from tracker.storage.lite import MMAP_BYTES  # the export maps up to 4 GiB of the file
from tracker.storage.models import Event, EventTag, FollowUp, Participation, Stakeholder

BATCH = 2000  # events per round of participant / tag / follow-up queries
_OPEN = FollowUpStatus.OPEN.value


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


def csv_records(ctx: Context, session: Session, flt: EventFilter) -> Iterator[list[str]]:
    """Each filtered event as its CSV cells in `timeline_csv.COLUMNS` order, timeline order."""
    sqlite = is_sqlite(session)
    columns = (*_EVENTS, _participants_cell(), _tags_cell()) if sqlite else _EVENTS
    query = select(*columns)
    conditions = event_conditions(session, flt)
    if conditions:
        query = query.where(and_(*conditions))
    query = query.order_by(*TIMELINE_ORDER).execution_options(yield_per=BATCH)
    spans = Spans(ctx.settings.date_order)
    names = _Names(session)
    for batch in session.execute(query).partitions(BATCH):
        if sqlite:
            yield from _aggregated_records(session, batch, spans, names)
        else:
            yield from _records(session, batch, spans, names)


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
        .order_by(_ROLE_RANK, _S.c.name_key, _P.c.role, _P.c.stakeholder_id)
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
    session: Session, batch: Sequence[Any], spans: Spans, names: _Names
) -> Iterator[list[str]]:
    """Rows whose participants (14) and tags (15) cells SQLite already aggregated."""
    follow_ups, open_counts = _follow_ups(session, [row[0] for row in batch], spans, names)
    for row in batch:
        yield _record(row, spans, row[14] or "", row[15] or "", follow_ups, open_counts)


def _record(
    row: Any,
    spans: Spans,
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


def _chunk_statement(session: Session, flt: EventFilter) -> Select[Any]:
    """The next BATCH filtered events after a key, as one JSON array of arrays, and the key
    of the last of them (None if fewer were left).

    One row: SQLite computes it in a single step, during which Python's sqlite3 module lets
    other threads run (it holds the GIL again for each row otherwise). Each array holds
    `csv_lines.BATCH_COLUMNS`. The quick reads' `lite.export_batches` is this statement for
    the filters they cover (the fast-path tests compare the two).
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
    """Write the header-less CSV lines of the filtered timeline; returns how many (see
    `csv_lines.write_batches`: one statement a batch, read on a second thread)."""
    statement = _chunk_statement(session, flt)
    connection = session.connection()
    raw = connection.connection.driver_connection
    assert raw is not None

    def read() -> Iterator[str]:
        key: dict[str, Any] = {"after_start": dt.date.min, "after_time": -2, "after_id": 0}
        while True:
            text, last = connection.execute(statement, key).one()
            yield text
            if last is None:  # fewer than BATCH events were left
                return
            start, sort_time, event_id = json.loads(last)
            key = {"after_start": stored_date(start), "after_time": sort_time, "after_id": event_id}

    # An export reads every page of the file in random order: mapping the file into memory
    # saves a copy per page read (about a third of SQLite's time here). Only for this
    # connection and this export: the TUI's resident memory stays small.
    raw.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    try:
        return write_batches(read, Spans(ctx.settings.date_order), out)
    finally:
        raw.execute("PRAGMA mmap_size = 0")


def _format_follow_ups(rows: Sequence[Any], spans: Spans) -> tuple[dict[int, str], dict[int, int]]:
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
                done_on=stored_date(done_on).isoformat() if done_on else None,
                due=due,
                owner=owner,
            )
        )
    cells = {event_id: timeline_csv.format_follow_ups(listed) for event_id, listed in items.items()}
    return cells, open_counts


# -- elsewhere: each batch's participants and tags in one query apiece -----------------------


def _records(
    session: Session, batch: Sequence[Any], spans: Spans, names: _Names
) -> Iterator[list[str]]:
    ids = sorted(row[0] for row in batch)  # in rowid order: the child rows sit near each other
    people = _participants(session, ids, names)
    tags = _tags(session, ids)
    follow_ups, open_counts = _follow_ups(session, ids, spans, names)
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
    session: Session, ids: list[int], spans: Spans, names: _Names
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
    owners = names.need({row[8] for row in rows if row[8] is not None})
    return _format_follow_ups(
        [(*row[1:8], owners[row[8]][0] if row[8] is not None else None) for row in rows], spans
    )
