"""Timeline CSV: RFC 4180 rows, spreadsheet-safe cells, atomic files, and the reader back."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import IO, NamedTuple, TextIO, cast

from tracker.exporting.files import atomic_file

COLUMNS: tuple[str, ...] = (
    "id",
    "start",
    "end",
    "when",
    "precision",
    "kind",
    "title",
    "status",
    "location",
    "participants",
    "follow_ups_open",
    "follow_ups",
    "source",
    "tags",
    "summary",
    "notes",
)
REQUIRED: tuple[str, ...] = ("title", "kind")

# OWASP CSV injection: cells a spreadsheet would run as a formula. Their full-width forms
# count too (some spreadsheets read them as the ASCII ones), and so does a formula behind
# invisible characters: zero-width space, non-joiner, joiner, word joiner, and the BOM.
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_GUARDED = re.compile(f"^'*[{_INVISIBLE}]*[{re.escape(''.join(_DANGEROUS))}]")


MAY_GUARD = frozenset("'" + _INVISIBLE + "".join(_DANGEROUS))  # first characters _GUARDED matches


def neutralise(cell: str) -> str:
    """Prefix a quote to a cell a spreadsheet would take as a formula (reversible)."""
    if not cell or cell[0] not in MAY_GUARD:
        return cell
    return "'" + cell if _GUARDED.match(cell) else cell


def restore(cell: str) -> str:
    """Undo exactly what `neutralise` did."""
    return cell[1:] if cell.startswith("'") and _GUARDED.match(cell[1:]) else cell


# -- cells that hold lists -----------------------------------------------------------------

_PARTICIPANT = re.compile(r"^(?P<name>.+?)\s*\((?P<role>[a-z]+),\s*(?P<attendance>[a-z]+)\)$")


def format_participants(people: Iterable[tuple[str, str, str]]) -> str:
    return "; ".join(f"{name} ({role}, {attendance})" for name, role, attendance in people)


def parse_participants(cell: str) -> list[tuple[str, str | None, str | None]]:
    """`Name (role, attendance); Name2` -> [(name, role, attendance)]; role/attendance optional."""
    return [parse_participant(part) for part in split_participants(cell)]


def split_participants(cell: str) -> list[str]:
    """The cell's participants, one text each (`Name (role, attendance)` or just `Name`)."""
    return [part for part in map(str.strip, cell.split(";")) if part]


def parse_participant(part: str) -> tuple[str, str | None, str | None]:
    """One of `split_participants`: (name, role, attendance); role/attendance optional."""
    match = _PARTICIPANT.match(part)
    if match:
        return match["name"].strip(), match["role"], match["attendance"]
    return part, None, None


@dataclass(frozen=True, slots=True)
class FollowUpCell:
    text: str
    status: str
    done_on: str | None = None  # ISO date
    due: str | None = None  # a fuzzy-date label
    owner: str | None = None


_DUE = " — due "
_OWNER = " — owner "
_FOLLOW_UP = re.compile(
    r"^\[(?P<status>[a-z]+)(?: (?P<done>\d{4}-\d{2}-\d{2}))?\] (?P<rest>.+)$", re.DOTALL
)


def format_follow_ups(items: Iterable[FollowUpCell]) -> str:
    """One line per follow-up: `[open] text — due July 2022 — owner Microsoft`."""
    return "\n".join(
        follow_up_line(item.status, item.done_on, item.text, item.due, item.owner) for item in items
    )


def follow_up_line(
    status: str, done_on: str | None, text: str, due: str | None, owner: str | None
) -> str:
    """One follow-up's line of `format_follow_ups` (`[done 2022-06-01] ...` once done)."""
    line = f"[{status} {done_on}] " if done_on else f"[{status}] "
    line += " ".join(text.split())
    if due:
        line += _DUE + due
    if owner:
        line += _OWNER + owner
    return line


def parse_follow_ups(cell: str) -> list[FollowUpCell]:
    if not cell:
        return []
    items = []
    for line in cell.splitlines():
        if not line.strip():
            continue
        match = _FOLLOW_UP.match(line.strip())
        if not match:
            raise ValueError(f"follow-up {line.strip()!r} is not like '[open] text — due WHEN'")
        rest, owner = match["rest"], None
        if _OWNER in rest:
            rest, owner = rest.rsplit(_OWNER, 1)
        due = None
        if _DUE in rest:
            rest, due = rest.rsplit(_DUE, 1)
        items.append(
            FollowUpCell(
                text=rest.strip(),
                status=match["status"],
                done_on=match["done"],
                due=due.strip() if due else None,
                owner=owner.strip() if owner else None,
            )
        )
    return items


def join_tags(tags: Iterable[str]) -> str:
    return ", ".join(tags)


def split_tags(cell: str) -> list[str]:
    return [tag.strip() for tag in re.split(r"[,;]", cell) if tag.strip()]


# -- writing -------------------------------------------------------------------------------


class Record(dict[str, str]):
    """A row whose keys are exactly `COLUMNS`, in that order (written without lookups)."""

    @classmethod
    def of(cls, cells: Sequence[str]) -> Record:
        return cls(zip(COLUMNS, cells, strict=True))


def write_rows(
    rows: Iterable[dict[str, str]], out: TextIO, *, excel: bool = False, batch: int = 1000
) -> int:
    """Write the header and `rows` to `out`; returns how many rows were written."""
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    count = 0
    pending: list[list[str]] = []
    for row in rows:
        cells = row.values() if type(row) is Record else [row.get(c, "") for c in COLUMNS]
        pending.append([neutralise(cell) for cell in cells])
        if len(pending) >= batch:
            writer.writerows(pending)
            count += len(pending)
            pending.clear()
    writer.writerows(pending)
    return count + len(pending)


def quoted(cell: str) -> str:
    """`cell` as `write_rows`' writer writes it (QUOTE_MINIMAL): in quotes, its own doubled,
    if it holds a comma, a quote or a line end. For lines built without the csv module."""
    if '"' in cell:
        return '"' + cell.replace('"', '""') + '"'
    if "," in cell or "\n" in cell or "\r" in cell:
        return '"' + cell + '"'
    return cell


@contextmanager
def atomic_text_file(path: Path, *, replace: bool = True) -> Iterator[TextIO]:
    """A file that appears at `path` complete or not at all (temp file, fsync, rename);
    readable by the owner only when new, with the permissions of the file it replaces
    otherwise. Without `replace`, an existing file is refused (see `files.atomic_file`)."""
    with atomic_file(path, replace=replace) as handle:
        yield cast(TextIO, handle)


# -- reading -------------------------------------------------------------------------------


class HeaderError(ValueError):
    pass


class RawRow(NamedTuple):
    line: int  # where the record starts in the file, counting the header as line 1
    cells: dict[str, str]
    problem: str | None = None


def read_records(handle: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, its cells) for every record, the header included.

    `handle` should be opened with newline="" so quoted line breaks survive.
    A malformed file (an unclosed quote, say) raises ValueError naming the line.
    """
    reader = csv.reader(handle, strict=True)
    line = 1
    while True:
        start = line
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValueError(f"line {start}: {exc}") from None
        line = reader.line_num + 1
        yield start, record


_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def column_templates(
    pairs: Iterable[str],
    fields: Sequence[str] = COLUMNS,
    *,
    what: str = "a timeline column",
    example: str = "title={name}",
) -> dict[str, str]:
    """`FIELD=TEMPLATE` options as a mapping; TEMPLATE may name the file's columns in braces.
    Raises ValueError (one line) for a pair that is not one, or a FIELD not in `fields`."""
    columns: dict[str, str] = {}
    for pair in pairs:
        field, sep, template = pair.partition("=")
        field = field.strip().lower()
        if not sep or not field:
            raise ValueError(f"--column {pair!r} is not FIELD=TEMPLATE, e.g. {example}")
        if field not in fields:
            raise ValueError(f"--column {field!r} is not {what} ({', '.join(fields)})")
        columns[field] = template
    return columns


def template_columns(template: str) -> list[str]:
    """The file columns a `--column` template names in braces."""
    return [name.strip() for name in _PLACEHOLDER.findall(template)]


def fill_template(template: str, cells: dict[str, str]) -> str:
    """The template with the row's cells put in; separators left dangling by an empty cell
    ("{locale}, {country}" with no locale) are dropped from the ends."""
    filled = _PLACEHOLDER.sub(lambda m: cells.get(m[1].strip().lower(), ""), template)
    return filled.strip(" ,;") if _PLACEHOLDER.search(template) else filled.strip()


def read_rows(handle: IO[str], columns: dict[str, str] | None = None) -> Iterator[RawRow]:
    """Each timeline record with its line number; cells restored from their neutralised form.

    `handle` should be opened with newline="" and encoding "utf-8-sig" (a BOM is dropped).
    `columns` fills timeline columns from another layout: {"title": "{name} in {country}",
    "kind": "trip"} — braces name the file's own columns, anything else is taken as written.
    """
    header, records = _records(handle, columns)
    columns = columns or {}
    for start, record, problem in records:
        row = dict(zip(header, record, strict=False))
        if columns:
            row = {**row, **{field: fill_template(t, row) for field, t in columns.items()}}
        yield RawRow(start, row, problem)


def read_cells(
    handle: IO[str], columns: dict[str, str] | None = None
) -> Iterator[tuple[int, Sequence[str], str | None]]:
    """`read_rows` with each record's cells in the order of `COLUMNS` ("" for a column the
    file lacks) rather than in a dict: (line, cells, problem). A file with the timeline's
    own header (as `write_rows` writes it) gives its records as they are read."""
    if columns:
        for raw in read_rows(handle, columns):
            yield raw.line, [raw.cells.get(name, "") for name in COLUMNS], raw.problem
        return
    header, records = _records(handle, None)
    if header == list(COLUMNS):
        yield from records
        return
    # Another layout: the timeline's columns picked out of each record ("" after its end).
    where = {name: index for index, name in enumerate(header)}
    pick = itemgetter(*(where.get(name, len(header)) for name in COLUMNS))
    for start, record, problem in records:
        yield start, pick([*record, ""]), problem


def _records(
    handle: IO[str], columns: dict[str, str] | None
) -> tuple[list[str], Iterator[tuple[int, list[str], str | None]]]:
    """The checked header (names lower-cased), and each non-blank record after it as
    (line, cells restored, one for each of the header's names, problem or None)."""
    records = read_records(handle)
    try:
        _, header = next(records)
    except StopIteration:
        raise HeaderError("the file is empty (expected a header row)") from None
    except ValueError as exc:
        raise HeaderError(str(exc)) from None
    header = [name.strip().lstrip("\ufeff").lower() for name in header]
    columns = columns or {}
    for field, template in columns.items():
        for name in template_columns(template):
            if name.lower() not in header:
                raise HeaderError(
                    f"--column {field}={template}: the file has no column {name.strip()!r} "
                    f"(it has: {', '.join(header)})"
                )
    _check_header(header, filled=columns)
    return header, _checked(records, len(header))


def _checked(
    records: Iterator[tuple[int, list[str]]], width: int
) -> Iterator[tuple[int, list[str], str | None]]:
    for start, record in records:
        text = "".join(record)
        if not text.strip():  # no cell holds more than blanks
            continue
        problem = None
        if len(record) != width:
            if len(record) > width and "".join(record[width:]).strip():
                problem = f"{len(record)} cells but the header has {width} columns"
            if len(record) < width:
                record += [""] * (width - len(record))
            else:
                del record[width:]
        if "'" in text:
            record = [restore(cell) if cell[:1] == "'" else cell for cell in record]
        yield start, record, problem


def _check_header(header: Sequence[str], filled: Iterable[str] = ()) -> None:
    present = {*header, *filled}
    missing = [column for column in REQUIRED if column not in present]
    if "start" not in present and "when" not in present:
        missing.append("start or when")
    if missing:
        raise HeaderError(
            f"the header lacks {', '.join(missing)} (columns: {', '.join(COLUMNS)}); "
            "fill them from other columns with --column FIELD=TEMPLATE"
        )
    seen = set()
    for name in header:
        if name and name in seen:
            raise HeaderError(f"column {name!r} appears twice in the header")
        seen.add(name)
