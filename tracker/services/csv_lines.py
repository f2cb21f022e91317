"""Timeline CSV lines from the JSON batches SQLite makes of its stored rows.

A SQLite export gets each batch of events, participants, tags and follow-ups already in
their cells, as one JSON text per batch: one statement a batch, during which Python's
sqlite3 module lets other threads run. A reading thread waits for the database while
this one parses, formats and writes the batch before: on two cores they overlap, and the
database's share is the longer one. The statement comes from the services
(`csv_rows.write_sqlite_csv`, any filter) or from the quick reads (`lite.export_batches`,
the filters they cover, without SQLAlchemy). Nothing here imports SQLAlchemy.

The bytes are those of `timeline_csv.write_rows` over `event_row` of each event's view
(the golden-file, round-trip and fast-path tests compare the paths).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import operator
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from tracker import dates
from tracker.domain import FollowUpStatus, Precision
from tracker.errors import UserError
from tracker.exporting import csv as timeline_csv

_OPEN = FollowUpStatus.OPEN.value
_MINUTE = Precision.MINUTE.value
_MAY_GUARD = timeline_csv.MAY_GUARD  # first characters `neutralise` may act on
_quoted = timeline_csv.quoted


def write_to(target: Path | TextIO, write: Callable[[TextIO], int], *, replace: bool = True) -> int:
    """`write(handle)` into `target`: a path is written atomically (whole or not at all),
    its folder's problems reported as one line; an existing file is refused unless
    `replace`. Returns what `write` returns."""
    if not isinstance(target, Path):
        return write(target)
    try:
        with timeline_csv.atomic_text_file(target, replace=replace) as handle:
            return write(handle)
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None


def stored_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def stored_instant(value: Any) -> dt.datetime:
    """A stored UTC instant: a text on SQLite (read as naive: UTC), a datetime elsewhere."""
    if isinstance(value, dt.datetime):
        return value
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is None else moment.replace(tzinfo=None)


class Spans:
    """The date cells of stored intervals: each distinct interval of days is labelled once
    per export (a timeline repeats them), each time of day as it comes (one of a kind)."""

    def __init__(self, order: dates.DateOrder) -> None:
        self._order = order
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
            stored_date(start), stored_date(end), precision, order=self._order
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
            stored_instant(start_at),
            None if end_at is None or end_at == start_at else stored_instant(end_at),
            tz,
            order=self._order,
        )

    def due(self, start: Any, end: Any, precision: str) -> str:
        """A follow-up's due date as written: the label of its interval."""
        return (self.days.get((start, end, precision)) or self.day(start, end, precision))[2]


def write_batches(read: Callable[[], Iterator[str]], spans: Spans, out: TextIO) -> int:
    """Write the header-less CSV lines of the batches `read()` yields (each one JSON array
    of `BATCH_COLUMNS` arrays, read on a thread of its own); returns how many lines."""
    batches: queue.Queue[str | BaseException | None] = queue.Queue(3)
    stop = threading.Event()

    def reading() -> None:
        """The database's share: its JSON handed over as is (the writing thread parses it;
        this one only waits for SQLite, without the GIL)."""
        try:
            for text in read():
                if stop.is_set():
                    break
                batches.put(text)
            batches.put(None)
        except BaseException as exc:  # handed to the writing thread, raised there
            batches.put(exc)

    reader = threading.Thread(target=reading, name="csv-export-reader", daemon=True)
    reader.start()
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
    return count


BATCH_COLUMNS = (
    "id", "start_date", "end_date", "precision", "start_at", "end_at", "tz", "kind", "title",
    "status", "location", "participants", "source", "tags", "summary", "notes", "follow_ups",
)  # fmt: skip
"""What each array of a batch holds: the event's stored columns, its participants and tags
cells ('' for none), and its follow-ups as arrays of `FOLLOW_UP_COLUMNS`."""

FOLLOW_UP_COLUMNS = (
    "id", "text", "status", "done_on", "due_start", "due_end", "due_precision", "owner",
)  # fmt: skip
"""A follow-up's array: its stored columns, and its owner's name (null for none)."""


def _batch_lines(rows: list[list[Any]], spans: Spans) -> str:
    """The CSV lines of one batch of `BATCH_COLUMNS` arrays."""
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


def _follow_up_cell(items: list[list[Any]], spans: Spans) -> tuple[str, int]:
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


__all__ = [
    "BATCH_COLUMNS",
    "FOLLOW_UP_COLUMNS",
    "Spans",
    "stored_date",
    "stored_instant",
    "write_batches",
    "write_to",
]
