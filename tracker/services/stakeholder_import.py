"""Stakeholders read in from a CSV roster: every row checked first, then all written at once.

A row whose name or one of its aliases already names a stakeholder (ignoring case and
accents) is already present: skipped when every field is as stored, reported as differing
otherwise (never overwritten). Any bad row refuses the whole file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain import StakeholderDraft, StakeholderKind
from tracker.errors import UserError
from tracker.exporting.csv import (
    column_templates,
    fill_template,
    read_records,
    restore,
    template_columns,
)
from tracker.services.names import clean_name, fold, folded_names, name_key
from tracker.services.tags import clean_tags
from tracker.services.transfer import ImportRejected, RowProblem
from tracker.storage.models import Stakeholder, StakeholderAlias, StakeholderTag
from tracker.textsafe import refuse_controls_in

FIELDS: tuple[str, ...] = (
    "name",
    "kind",
    "title",
    "affiliation",
    "country",
    "aliases",
    "tags",
    "notes",
)


@dataclass
class StakeholderImportReport:
    rows: int = 0
    added: int = 0
    skipped: int = 0  # already present, every field the same
    differ: list[int] = field(default_factory=list)  # lines already present but different
    created: list[str] = field(default_factory=list)  # affiliations created (--create)


@dataclass(frozen=True)
class StakeholderRow:
    line: int
    cells: dict[str, str]
    problem: str | None = None


def stakeholder_templates(pairs: Iterable[str]) -> dict[str, str]:
    """`FIELD=TEMPLATE` options for a stakeholder file; braces name the file's columns."""
    try:
        return column_templates(
            pairs, FIELDS, what="a stakeholder field", example="name={full_name}"
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None


def read_stakeholder_rows(path: Path, columns: dict[str, str]) -> list[StakeholderRow]:
    """Each record of the file as stakeholder fields (filled from `columns`' templates),
    with the line it starts on. A header that cannot give a name is refused."""
    try:
        with path.expanduser().open(encoding="utf-8-sig", newline="") as handle:
            return list(_rows(handle, columns))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except ValueError as exc:  # a malformed record (read_records names the line)
        raise UserError(f"{path}: {exc}") from None


def _rows(handle: IO[str], columns: dict[str, str]) -> Iterator[StakeholderRow]:
    records = read_records(handle)
    try:
        _, header = next(records)
    except StopIteration:
        raise UserError("the file is empty (expected a header row)") from None
    header = [name.strip().lower() for name in header]
    for name, template in columns.items():
        for column in template_columns(template):
            if column.lower() not in header:
                raise UserError(
                    f"--column {name}={template}: the file has no column {column.strip()!r} "
                    f"(it has: {', '.join(header)})"
                )
    if "name" not in header and "name" not in columns:
        raise UserError(
            f"the header lacks name (fields: {', '.join(FIELDS)}); "
            "fill it from other columns with --column name=TEMPLATE"
        )
    width = len(header)
    for line, record in records:
        if not "".join(record).strip():
            continue
        problem = None
        if len(record) > width and "".join(record[width:]).strip():
            problem = f"{len(record)} cells but the header has {width} columns"
        cells = {n: restore(c) for n, c in zip(header, [*record, *[""] * width], strict=False)}
        for name, template in columns.items():
            cells[name] = fill_template(template, cells)
        yield StakeholderRow(line, {n: cells.get(n, "") for n in FIELDS}, problem)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


@dataclass
class _Checked:
    line: int
    draft: StakeholderDraft
    existing: int | None = None  # the stakeholder it names already


def import_rows(
    session: Session,
    rows: list[StakeholderRow],
    *,
    kind: StakeholderKind | None = None,
    create: bool = False,
) -> StakeholderImportReport:
    """Check every row, then add the new ones in `session` (the caller's one transaction).
    Raises ImportRejected, listing each bad row by line, when any row is bad."""
    report = StakeholderImportReport(rows=len(rows))
    problems: list[RowProblem] = []
    known: dict[str, int] = {}  # folded name or alias -> stakeholder id
    for stakeholder_id, _, folded in folded_names(session):
        known.setdefault(folded, stakeholder_id)
    checked: list[_Checked] = []
    in_file: dict[str, int] = {}  # folded name or alias -> line
    for row in rows:
        try:
            if row.problem:
                raise UserError(row.problem)
            item = _check(row, kind, known)
        except UserError as exc:
            problems.append(RowProblem(row.line, exc.message))
            continue
        names = [item.draft.name, *item.draft.aliases]
        repeated = [n for n in names if fold(n) in in_file]
        if repeated:
            what = "" if repeated[0] == item.draft.name else " (an alias here)"
            problems.append(
                RowProblem(
                    row.line,
                    f"{repeated[0]!r}{what} is in the file already "
                    f"(line {in_file[fold(repeated[0])]})",
                )
            )
            continue
        for n in names:
            in_file[fold(n)] = row.line
        checked.append(item)
    new = [item for item in checked if item.existing is None]
    new_lines = {fold(n): item.line for item in new for n in (item.draft.name, *item.draft.aliases)}
    for item in new:
        target = item.draft.affiliation
        if not target:
            continue
        if fold(target) in new_lines:
            if new_lines[fold(target)] == item.line:
                problems.append(RowProblem(item.line, f"{target!r} cannot be its own affiliation"))
        elif fold(target) not in known and create:
            try:
                clean_name(target, "affiliation")
            except UserError as exc:
                problems.append(RowProblem(item.line, exc.message))
        elif fold(target) not in known:
            problems.append(
                RowProblem(
                    item.line,
                    f"no stakeholder named {target!r} for the affiliation "
                    "(add it, or pass --create to add it as an organization)",
                )
            )
    problems += _loops(new, new_lines)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.line))
    present = [item for item in checked if item.existing is not None]
    if present:
        stored = _stored(session, {item.existing for item in present if item.existing})
        for item in present:
            target = item.draft.affiliation
            affiliation = known.get(fold(target), -1) if target else None
            if item.existing is not None and stored[item.existing] == _fields(
                item.draft, affiliation
            ):
                report.skipped += 1
            else:
                report.differ.append(item.line)
    _write(session, new, known, report)
    return report


def _check(row: StakeholderRow, default: StakeholderKind | None, known: dict[str, int]) -> _Checked:
    cells = row.cells
    typed = cells["kind"].strip().lower()
    if not typed and default is None:
        raise UserError("kind is empty (fill it, or pass --kind for every row)")
    try:
        kind = StakeholderKind(typed) if typed else default
    except ValueError:
        raise UserError(
            f"kind {cells['kind'].strip()!r} is not one of {', '.join(StakeholderKind)}"
        ) from None
    assert kind is not None
    draft = StakeholderDraft(
        name=cells["name"],
        kind=kind,
        title=cells["title"].strip(),
        affiliation=" ".join(cells["affiliation"].split()) or None,
        country=cells["country"].strip(),
        aliases=_split(cells["aliases"]),
        tags=_split(cells["tags"]),
        notes=cells["notes"].strip(),
    )
    refuse_controls_in(draft)
    name = clean_name(draft.name)
    aliases = tuple(
        dict.fromkeys(
            a for a in (clean_name(a, "alias") for a in draft.aliases) if fold(a) != fold(name)
        )
    )
    tags = tuple(clean_tags(draft.tags))
    draft = StakeholderDraft(
        name, kind, draft.title, draft.affiliation, draft.country, aliases, tags, draft.notes
    )
    owners = {known[fold(n)] for n in (name, *aliases) if fold(n) in known}
    if len(owners) > 1:
        raise UserError(f"{name!r} and its aliases name {len(owners)} different stakeholders")
    return _Checked(row.line, draft, next(iter(owners), None))


def _loops(new: list[_Checked], lines: dict[str, int]) -> list[RowProblem]:
    by_line = {item.line: item for item in new}
    problems = []
    for item in new:
        seen = {item.line}
        current = item
        while current.draft.affiliation and fold(current.draft.affiliation) in lines:
            nxt = lines[fold(current.draft.affiliation)]
            if nxt in seen:
                if nxt == item.line and nxt != current.line:
                    problems.append(RowProblem(item.line, "its affiliation makes a loop"))
                break
            seen.add(nxt)
            current = by_line[nxt]
    return problems


def _fields(draft: StakeholderDraft, affiliation: int | None) -> tuple[object, ...]:
    return (
        name_key(draft.name),
        draft.kind,
        draft.title,
        affiliation,
        draft.country,
        frozenset(fold(a) for a in draft.aliases),
        frozenset(draft.tags),
        draft.notes,
    )


def _stored(session: Session, ids: set[int]) -> dict[int, tuple[object, ...]]:
    found = session.scalars(select(Stakeholder).where(Stakeholder.id.in_(ids))).all()
    out = {}
    for s in found:
        draft = StakeholderDraft(
            s.name,
            s.kind,
            s.title,
            None,
            s.country,
            tuple(a.alias for a in s.aliases),
            tuple(t.tag for t in s.tags),
            s.notes,
        )
        out[s.id] = _fields(draft, s.affiliation_id)
    return out


def _write(
    session: Session,
    new: list[_Checked],
    known: dict[str, int],
    report: StakeholderImportReport,
) -> None:
    made: dict[str, Stakeholder] = {}
    for item in new:
        d = item.draft
        stakeholder = Stakeholder(
            name=d.name,
            name_key=name_key(d.name),
            kind=d.kind,
            title=d.title,
            country=d.country,
            notes=d.notes,
        )
        stakeholder.aliases = [StakeholderAlias(alias=a, alias_key=name_key(a)) for a in d.aliases]
        stakeholder.tags = [StakeholderTag(tag=t) for t in d.tags]
        session.add(stakeholder)
        for n in (d.name, *d.aliases):
            made[fold(n)] = stakeholder
    for item in new:
        target = item.draft.affiliation
        if not target:
            continue
        key = fold(target)
        stakeholder = made[fold(item.draft.name)]
        if key in made:
            stakeholder.affiliation = made[key]
        elif key in known:
            stakeholder.affiliation_id = known[key]
        else:
            name = clean_name(target)
            created = Stakeholder(
                name=name, name_key=name_key(name), kind=StakeholderKind.ORGANIZATION
            )
            session.add(created)
            made[key] = created
            report.created.append(name)
            stakeholder.affiliation = created
    session.flush()
    report.added = len(new)
