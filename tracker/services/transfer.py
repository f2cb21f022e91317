"""CSV export and import of the timeline, through the headless CSV module."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, TextIO, TypeVar, cast

from tracker import dates
from tracker.clock import FixedClock
from tracker.domain import (
    Attendance,
    EventFilter,
    EventKind,
    EventStatus,
    EventView,
    FollowUpStatus,
    Precision,
    Role,
    When,
)
from tracker.errors import UserError
from tracker.exporting import csv as timeline_csv
from tracker.services import import_worker
from tracker.services.bulk_import import BulkImport, Memo, move_sequence_past_ids
from tracker.services.context import Context
from tracker.services.csv_lines import write_to
from tracker.services.csv_rows import csv_records, write_sqlite_csv
from tracker.services.events import EventService
from tracker.services.tags import clean_tags
from tracker.services.views import date_only
from tracker.textsafe import has_control, refuse_controls

BATCH_ROWS = 2_500  # records read column by column at a time (see `_RowReader.rows`)


def event_row(view: EventView) -> dict[str, str]:
    """One CSV row for an event, every cell a string."""
    span = dates.to_json(view.when)
    return {
        "id": str(view.id),
        "start": span["start"],
        "end": span["end"],
        "when": view.when.label,
        "precision": view.when.precision.value,
        "kind": view.kind.value,
        "title": view.title,
        "status": view.status.value,
        "location": view.location,
        "participants": timeline_csv.format_participants(
            (p.name, p.role.value, p.attendance.value) for p in view.participants
        ),
        "follow_ups_open": str(view.open_follow_ups),
        "follow_ups": timeline_csv.format_follow_ups(
            timeline_csv.FollowUpCell(
                text=f.text,
                status=f.status.value,
                done_on=f.done_on.isoformat() if f.done_on else None,
                due=f.due.label if f.due else None,
                owner=f.owner_name,
            )
            for f in view.follow_ups
        ),
        "source": view.source,
        "tags": timeline_csv.join_tags(view.tags),
        "summary": view.summary,
        "notes": view.notes,
    }


class TimelineRows(Iterator[dict[str, str]]):
    """`TransferService.rows`: the filtered timeline's CSV rows, read when first asked for;
    `write_csv` writes them all without building the dicts."""

    def __init__(self, ctx: Context, flt: EventFilter) -> None:
        self.ctx = ctx
        self.flt = flt
        self._rows: Iterator[dict[str, str]] | None = None

    def __next__(self) -> dict[str, str]:
        if self._rows is None:
            self._rows = self._read()
        return next(self._rows)

    def _read(self) -> Iterator[dict[str, str]]:
        with self.ctx.read() as session:
            for cells in csv_records(self.ctx, session, self.flt):
                yield timeline_csv.Record.of(cells)

    def write_csv(self, out: TextIO, *, excel: bool = False) -> int:
        """The header and every row, as `timeline_csv.write_rows` would write them."""
        with self.ctx.read() as session:
            if session.get_bind().dialect.name != "sqlite":
                records = (
                    timeline_csv.Record.of(c) for c in csv_records(self.ctx, session, self.flt)
                )
                return timeline_csv.write_rows(records, out, excel=excel)
            timeline_csv.write_rows((), out, excel=excel)  # the BOM and the header
            return write_sqlite_csv(self.ctx, session, self.flt, out)


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class _DryRun(Exception):
    """Raised inside the import transaction to roll a dry run back."""


class ImportRejected(UserError):
    """The file had bad rows; nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        n = len(problems)
        super().__init__(f"{n} bad row{'s' if n != 1 else ''}; nothing was imported")


@dataclass
class ImportReport:
    rows: int = 0
    added: int = 0
    skipped: int = 0  # already present (same title and dates)
    follow_ups: int = 0
    created_stakeholders: list[str] = field(default_factory=list)
    dry_run: bool = False


class _Row(NamedTuple):
    """A checked row, ready to be decided on (a tuple: a big import makes many)."""

    line: int
    id: int | None
    title: str
    kind: EventKind
    when: When
    status: EventStatus
    location: str
    participants: list[tuple[str, Role, Attendance]]
    follow_ups: list[timeline_csv.FollowUpCell]
    source: str
    tags: tuple[str, ...]
    summary: str
    notes: str


class TransferService:
    def __init__(self, ctx: Context, events: EventService) -> None:
        self.ctx = ctx
        self.events = events

    def rows(self, flt: EventFilter = EventFilter()) -> Iterator[dict[str, str]]:
        """Each filtered event's CSV cells (the same as `event_row` of its full view)."""
        return TimelineRows(self.ctx, flt)

    def export_csv(
        self,
        target: Path | TextIO,
        flt: EventFilter = EventFilter(),
        *,
        excel: bool = False,
        replace: bool = True,
    ) -> int:
        """Write the filtered timeline; a path is written atomically, an existing file
        refused unless `replace` (see `exporting.files`). Returns the row count."""
        return write_to(target, lambda out: self._write(out, flt, excel), replace=replace)

    def _write(self, out: TextIO, flt: EventFilter, excel: bool) -> int:
        rows = self.rows(flt)
        if isinstance(rows, TimelineRows):
            return rows.write_csv(out, excel=excel)
        return timeline_csv.write_rows(rows, out, excel=excel)

    def import_csv(
        self, path: Path, *, dry_run: bool = False, columns: dict[str, str] | None = None
    ) -> ImportReport:
        """Validate every row, then add them all in one transaction (or nothing at all).

        `columns` fills timeline columns from a file of another layout (see read_rows)."""
        with _cycle_collection_paused():
            if import_worker.wanted(self.ctx, path):
                # A big file on a SQLite file: read and decided by another process while
                # this one writes (see import_worker); one transaction all the same.
                report = ImportReport(dry_run=dry_run)
                try:
                    # Every reference it writes is to a row this import numbered itself or
                    # found under the write lock: no need for SQLite to look each one up.
                    with self.ctx.write(foreign_keys=False) as session:
                        import_worker.load(self.ctx, session, path, columns, report)
                        if dry_run:
                            raise _DryRun
                except _DryRun:
                    pass
                return report
            reader = _RowReader(self.ctx)
            parsed, problems = reader.read(path, columns)
            report = ImportReport(rows=len(parsed), dry_run=dry_run)
            try:
                with self.ctx.write() as session:
                    BulkImport(session, report, problems, reader.due).run(parsed)
                    if problems:
                        raise ImportRejected(sorted(problems, key=lambda p: p.line))
                    move_sequence_past_ids(session)
                    if dry_run:
                        raise _DryRun
            except _DryRun:
                pass
        return report


class _RowReader:
    """One import's reading of a CSV file into checked rows.

    A big file repeats its cells (the same dates, people, tags and due dates on many rows), so
    each distinct text is read once per import. A date's reading depends on more than its
    text: on today (relative dates, a month without a year), the date order and the local
    zone, and these are part of every date memo's key (the reading is done on the key's
    day, even if the clock has moved on since).
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._settings = (ctx.settings.date_order, ctx.settings.local_tz)
        self._days: dict[dt.date, Context] = {}
        # (start, end, precision, when, today, date order, zone) -> the event's dates
        self._whens: Memo[tuple[Any, ...], When] = Memo(self._read_when)
        # (due text, today, date order, zone) -> a follow-up's due dates
        self._dues: Memo[tuple[Any, ...], tuple[dt.date, dt.date, Precision]] = Memo(
            lambda key: date_only(self._on(key[1]).parse_when(key[0]))
        )
        self._people = Memo(_read_participant)
        # A kind or status as written (as stored, or any case and blanks around it).
        self._kinds: Memo[str, EventKind] = Memo(
            lambda text: _KINDS.get(text) or _enum(EventKind, text, "kind")
        )
        self._statuses: Memo[str, EventStatus] = Memo(
            lambda text: _STATUSES.get(text) or _enum(EventStatus, text, "status")
        )
        self._tags: Memo[str, tuple[str, ...]] = Memo(
            lambda cell: tuple(clean_tags(timeline_csv.split_tags(cell)))
        )
        self.bytes_read = 0

    def read(
        self, path: Path, columns: dict[str, str] | None = None
    ) -> tuple[list[_Row], list[RowProblem]]:
        parsed: list[_Row] = []
        problems: list[RowProblem] = []
        for rows, found in self.chunks(path, columns):
            parsed += rows
            problems += found
        return parsed, problems

    def chunks(
        self, path: Path, columns: dict[str, str] | None = None, size: int = 0, first: int = 0
    ) -> Iterator[tuple[list[_Row], list[RowProblem]]]:
        """The file's checked rows and its problems, `size` records at a time (0: all at
        once; the first chunk `first` records if given); `bytes_read` tells how far into
        the file each chunk ends."""
        parsed: list[_Row] = []
        problems: list[RowProblem] = []
        batch: list[tuple[int, Sequence[str]]] = []  # records not checked yet
        wanted = first or size
        try:
            with path.expanduser().open(encoding="utf-8-sig", newline="") as handle:
                for line, cells, problem in timeline_csv.read_cells(handle, columns):
                    if problem:
                        problems.append(RowProblem(line, problem))
                    else:
                        batch.append((line, cells))
                    if wanted and len(parsed) + len(batch) + len(problems) >= wanted:
                        self.bytes_read = cast(BinaryIO, handle.buffer).tell()
                        parsed += self.rows(batch, problems)
                        yield parsed, problems
                        parsed, problems, batch, wanted = [], [], [], size
                    elif len(batch) >= BATCH_ROWS:
                        parsed += self.rows(batch, problems)
                        batch = []
                self.bytes_read = cast(BinaryIO, handle.buffer).tell()
        except FileNotFoundError:
            raise UserError(f"no such file: {path}") from None
        except IsADirectoryError:
            raise UserError(f"{path} is a folder, not a CSV file") from None
        except UnicodeDecodeError as exc:
            raise UserError(
                f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
        except ValueError as exc:
            raise UserError(f"{path}: {exc}") from None
        parsed += self.rows(batch, problems)
        yield parsed, problems

    def rows(
        self, batch: Sequence[tuple[int, Sequence[str]]], problems: list[RowProblem]
    ) -> list[_Row]:
        """`row` for each (line, cells) of `batch`: the checked rows, each bad record's
        first problem added to `problems`. Read column by column (`_columns`) when every
        record is good, the common case; record by record when one is not, or when the
        day changed meanwhile (relative dates read as on the day each row is read)."""
        if not batch:
            return []
        today = self.ctx.clock.today()
        try:
            rows = self._columns(batch, today)
        except (UserError, ValueError):  # as `row` raises them: one of the records is bad
            pass
        else:
            if self.ctx.clock.today() == today:
                return rows
        rows = []
        row = self.row
        for line, cells in batch:
            try:
                rows.append(row(line, cells))
            except (UserError, ValueError) as exc:
                problems.append(RowProblem(line, str(exc)))
        return rows

    def _columns(self, batch: Sequence[tuple[int, Sequence[str]]], today: dt.date) -> list[_Row]:
        """`row` for every record of `batch`, a column at a time (the loops mostly in C
        rather than Python's per-row steps); raises at any problem, without saying which
        record has it (`rows` then reads them one by one)."""
        lines, records = zip(*batch, strict=True)
        (
            ids,
            starts,
            ends,
            writtens,
            precisions,
            kinds,
            titles,
            statuses,
            locations,
            participants_cells,
            _,
            follow_ups_cells,
            sources,
            tags,
            summaries,
            notes,
        ) = zip(*records, strict=True)
        if has_control("".join(chain.from_iterable(records))):
            raise ValueError("a cell holds a control character")
        strip = str.strip
        cleaned_titles = list(map(" ".join, map(str.split, titles)))
        if not all(cleaned_titles):
            raise UserError("the title is empty")
        whens = list(
            map(
                self._whens.__getitem__,
                zip(
                    map(strip, starts),
                    map(strip, ends),
                    map(strip, precisions),
                    map(strip, writtens),
                    repeat(today),
                    *map(repeat, self._settings),
                ),
            )
        )
        held, planned = EventStatus.HELD, EventStatus.PLANNED
        stated = self._statuses.__getitem__
        status_list = [
            stated(text) if text else (held if when.end < today else planned)
            for text, when in zip(map(strip, statuses), whens, strict=True)
        ]
        participants = list(map(self._participants, participants_cells))
        follow_ups = [self._follow_ups(cell, today) for cell in follow_ups_cells]
        id_texts = list(map(strip, ids))
        if not all(map(str.isdigit, filter(None, id_texts))):
            raise ValueError("an id is not a whole number")
        return list(
            map(
                tuple.__new__,
                repeat(_Row),
                zip(
                    lines,
                    [int(text) if text else None for text in id_texts],
                    cleaned_titles,
                    map(self._kinds.__getitem__, kinds),
                    whens,
                    status_list,
                    map(strip, locations),
                    participants,
                    follow_ups,
                    map(strip, sources),
                    map(self._tags.__getitem__, tags),
                    map(strip, summaries),
                    map(strip, notes),
                    strict=True,
                ),
            )
        )

    def row(self, line: int, cells: Sequence[str]) -> _Row:
        """One record's cells, in the order of `timeline_csv.COLUMNS`, checked (the first
        problem raised, in the order of the checks below)."""
        (
            id_text,
            start,
            end,
            written,
            precision,
            kind_text,
            title,
            status_text,
            location,
            participants_cell,
            _,
            follow_ups_cell,
            source,
            tags,
            summary,
            notes,
        ) = cells
        refuse_controls(zip(timeline_csv.COLUMNS, cells, strict=True))
        title = " ".join(title.split())
        if not title:
            raise UserError("the title is empty")
        kind = self._kinds[kind_text]
        today = self.ctx.clock.today()  # each row as on the day it is read
        # Exact columns (start, end, precision) win; otherwise the `when` text is read.
        when = self._whens[
            (
                start.strip(),
                end.strip(),
                precision.strip(),
                written.strip(),
                today,
                *self._settings,
            )
        ]
        status_text = status_text.strip()
        status = (
            self._statuses[status_text]
            if status_text
            else (EventStatus.HELD if when.end < today else EventStatus.PLANNED)
        )
        participants = self._participants(participants_cell)
        follow_ups = self._follow_ups(follow_ups_cell, today)
        id_text = id_text.strip()
        if id_text and not id_text.isdigit():
            raise UserError(f"id {id_text!r} is not a whole number")
        return _Row(
            line,
            int(id_text) if id_text else None,
            title,
            kind,
            when,
            status,
            location.strip(),
            participants,
            follow_ups,
            source.strip(),
            self._tags[tags],
            summary.strip(),
            notes.strip(),
        )

    def _participants(self, cell: str) -> list[tuple[str, Role, Attendance]]:
        """A participants cell's people, read in order (raising at the first unreadable)."""
        if not cell:
            return []
        return list(map(self._people.__getitem__, filter(None, map(str.strip, cell.split(";")))))

    def _follow_ups(self, cell: str, today: dt.date) -> list[timeline_csv.FollowUpCell]:
        """A follow-ups cell's items, their statuses and due dates checked (as on `today`)."""
        items = timeline_csv.parse_follow_ups(cell)  # [] for an empty cell
        for item in items:
            if item.status not in _FOLLOW_UP_STATUSES:
                _enum(FollowUpStatus, item.status, "follow-up status")
            if item.due:
                self._dues[(item.due, today, *self._settings)]
        return items

    def due(self, text: str) -> tuple[dt.date, dt.date, Precision]:
        """A follow-up's due as stored (dates and precision)."""
        return self._dues[(text, self.ctx.today(), *self._settings)]

    def _on(self, day: dt.date) -> Context:
        """The context reading dates as on `day`."""
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = dataclasses.replace(self.ctx, clock=FixedClock.on(day))
        return found

    def _read_when(self, key: tuple[Any, ...]) -> When:
        start, end, precision_text, written, today, *_ = key
        ctx = self._on(today)
        if start and precision_text:
            precision = _enum(Precision, precision_text, "precision")
            try:
                return _exact(ctx, start, end or start, precision, written)
            except (ValueError, UserError):
                raise UserError(
                    f"start/end {start!r}/{end!r} are not ISO dates for precision {precision}"
                ) from None
        if written:
            return ctx.parse_when(written)
        if start:
            return ctx.parse_when(start, end or None)
        raise UserError("no date: fill 'start' or 'when'")


def _exact(ctx: Context, start: str, end: str, precision: Precision, written: str = "") -> When:
    """The dates of the exact columns: ISO days, or ISO instants with their offsets."""
    if precision is Precision.MINUTE:
        start_at = dt.datetime.fromisoformat(start)
        end_at = dt.datetime.fromisoformat(end)
        if start_at.tzinfo is None or end_at.tzinfo is None:
            raise ValueError("a time needs its UTC offset")
        by_offset = dates.at_own_offset(
            start_at, end_at, order=ctx.settings.date_order
        ) or ctx.rebuild(
            start_at.date(),
            end_at.date(),
            precision,
            start_at.astimezone(dt.UTC),
            end_at.astimezone(dt.UTC),
            _offset_text(start_at.utcoffset()),
        )
        # The label keeps the zone as the user wrote it. One that spells out this very
        # offset reads back as `by_offset` (labels read back as what they describe), and
        # one without an offset is read in the local zone: it can only come back to this
        # instant if the local zone has this offset at that wall time. Only the rest
        # need reading.
        if written and written != by_offset.label:
            wall = start_at.replace(tzinfo=None)
            local = ctx.settings.local_tz.utcoffset(wall)
            offset_written = _OFFSET_AT_END.search(written)
            if offset_written or local == start_at.utcoffset():
                # Most often the label is the one this time has in the local zone, without
                # an offset (as exported): that reads back as `at_local_time` unread.
                if not offset_written and end_at == start_at:
                    in_zone = dates.at_local_time(
                        start_at, ctx.settings.local_tz, order=ctx.settings.date_order
                    )
                    if in_zone is not None and in_zone.label == written:
                        return in_zone
                when = ctx.parse_when(written)
                if when.start_at == start_at and when.end_at == end_at:
                    return when
        return by_offset
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if last < first:
        raise UserError(f"end {end} is before start {start}")
    return ctx.rebuild(first, last, precision)


def _read_participant(part: str) -> tuple[str, Role, Attendance]:
    """One participant's text (stripped, not empty) as (name, role, attendance)."""
    # The form the exporter writes, "Name (role, attendance)" with a stored role and
    # attendance, is read here directly; what `parse_participant` would read otherwise.
    # Its pattern takes the last "(" (role and attendance hold none), no line break in
    # the name, blanks only between the comma and the attendance.
    if part[-1:] == ")" and "\n" not in part:
        paren = part.rfind("(")
        if paren > 0:
            role, _, attendance = part[paren + 1 : -1].partition(",")
            found_role = _ROLE_WORDS.get(role)
            found_attendance = _ATTENDANCE_WORDS.get(attendance.lstrip())
            if found_role is not None and found_attendance is not None:
                return part[:paren].strip(), found_role, found_attendance
    return _read_participant_slowly(part)


def _read_participant_slowly(part: str) -> tuple[str, Role, Attendance]:
    name, role, attendance = timeline_csv.parse_participant(part)
    return (
        name,
        _enum(Role, role, "role") if role else Role.PARTICIPANT,
        _enum(Attendance, attendance, "attendance") if attendance else Attendance.UNKNOWN,
    )


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while an import builds its rows.

    A big file becomes millions of small tuples, lists and strings that all live until the
    import ends; the collector would walk them all again each time the heap grows by a
    quarter (seconds on 100,000 rows) and find nothing to free. Reference counting still
    frees everything as usual; collection resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# A time's zone as `dates` reads it at the end of a `when` text (z, utc, gmt or an offset).
_OFFSET_AT_END = re.compile(  # an offset, or a US zone by name ("ET", "PDT"), ends the label
    r"(?:z|utc|gmt|[+-]\d{1,2}(?::?\d{2}(?::\d{2})?)?|\b[ecmp][sd]?t)\.?\s*$", re.I
)


def _offset_text(offset: dt.timedelta | None) -> str:
    seconds = int((offset or dt.timedelta()).total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


_E = TypeVar("_E", EventKind, EventStatus, Role, Attendance, Precision, FollowUpStatus)


_MEMBERS: dict[type[Any], dict[str, Any]] = {
    enum: {member.value: member for member in enum}
    for enum in (EventKind, EventStatus, Role, Attendance, Precision, FollowUpStatus)
}
_KINDS: dict[str, EventKind] = _MEMBERS[EventKind]
_STATUSES: dict[str, EventStatus] = _MEMBERS[EventStatus]
_FOLLOW_UP_STATUSES: dict[str, FollowUpStatus] = _MEMBERS[FollowUpStatus]
# Roles and attendances that `timeline_csv.parse_participant`'s pattern reads as such.
_ROLE_WORDS: dict[str, Role] = {
    value: member for value, member in _MEMBERS[Role].items() if re.fullmatch("[a-z]+", value)
}
_ATTENDANCE_WORDS: dict[str, Attendance] = {
    value: member for value, member in _MEMBERS[Attendance].items() if re.fullmatch("[a-z]+", value)
}


def _enum(enum: type[_E], value: str, what: str) -> _E:
    member: _E | None = _MEMBERS[enum].get(value)  # the common case: written as stored
    if member is not None:
        return member
    try:
        return enum(value.strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise UserError(f"unknown {what} {value.strip()!r} (one of: {allowed})") from None
