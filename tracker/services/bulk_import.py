"""Adding checked CSV rows in bulk, with the answers the row-by-row import gave.

The row-by-row way (a savepoint, an ORM flush and a few name lookups per row) costs
milliseconds a row. Here every row is first decided in memory: skipped as already present
(same lower-cased title and dates, as the database's `lower()` sees the stored titles), or
rejected with the same one-line reason, or accepted with its stakeholders resolved the way
`resolve_stakeholder(..., create=True)` resolves them (names and aliases looked up a batch
at a time, new stakeholders created in order of first use). Then the rows go in, a table
at a time: through Core executemany on any database (`_CoreStore`), or on SQLite straight
through the driver with the ids known in advance and the indexes built after the load
(`_SqliteStore`). Both store the same rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.orm import Session

from tracker.domain import Attendance, FollowUpStatus, Role, StakeholderKind, When
from tracker.errors import Ambiguous, UserError
from tracker.services.events import sort_time
from tracker.services.names import clean_name, fold, folded_names, name_key
from tracker.storage.models import (
    Event,
    EventTag,
    FollowUp,
    Participation,
    Stakeholder,
    StakeholderAlias,
    span_class,
)

if TYPE_CHECKING:
    from tracker.services.transfer import ImportReport, RowProblem, _Row

CHUNK = 500  # values per IN (...) lookup
SQLITE_DRIVER = True  # SQLite through its driver (`_SqliteStore`); if not, through Core
BULK_INDEX_FROM = 500  # from this many new events, indexes are built after the load
# SQLite's page cache while the rows go in: up to the whole database a 100k-event import
# makes (~130 MB). Its pages are touched all over (new events' ids are scattered); with less,
# they are written out to the log mid-load and read back, a fifth of the writing's time.
LOAD_CACHE_KIB = 256 * 1024
FTS_DEFAULTS = {"hashsize": 1024 * 1024, "automerge": 4}  # FTS5's own, for these options
# While a big import's text is indexed (see `_fts_load_settings`).
FTS_LOAD_SETTINGS = {"hashsize": 16 * 1024 * 1024, "automerge": 0}
_ID = re.compile(r"^#(\d+)$")

_E = cast(Table, Event.__table__)
_T = cast(Table, EventTag.__table__)
_P = cast(Table, Participation.__table__)
_F = cast(Table, FollowUp.__table__)
_K = TypeVar("_K")
_V = TypeVar("_V")
_S = cast(Table, Stakeholder.__table__)
_A = cast(Table, StakeholderAlias.__table__)


@dataclass(eq=False)
class _Person:
    """A stakeholder as the import knows it; `id` is None until a new one is inserted."""

    name: str
    name_key: str
    kind: StakeholderKind
    id: int | None = None


@dataclass(slots=True)
class _Accepted:
    row: _Row
    people: list[tuple[_Person, Role, Attendance]]
    owners: list[_Person | None]
    due: list[tuple[dt.date, dt.date, Any] | None]
    event_id: int | None = None


@dataclass
class _Resolver:
    """`resolve_stakeholder(session, text, create=True)` for many texts in one import."""

    session: Session
    created: list[str]
    insert: Callable[[list[_Person]], None]  # gives the new people their ids
    _matches: dict[str, list[_Person]] = field(default_factory=dict)
    _by_id: dict[int, _Person] = field(default_factory=dict)
    _pending: list[_Person] = field(default_factory=list)
    # The answers `resolve` gave to names (not to `#id`s): a caller may look here first.
    answers: dict[str, _Person] = field(default_factory=dict)
    # Everybody by each folded name and alias (accents ignored), read once if needed.
    _folded: dict[str, list[_Person | int]] | None = None

    def preload(self, texts: Iterable[str]) -> None:
        keys: set[str] = set()
        ids: set[int] = set()
        for text in texts:
            match = _ID.match(text.strip())
            if match:
                ids.add(int(match[1]))
            else:
                keys.add(name_key(text))
        keys -= self._matches.keys()
        found: dict[str, dict[int, _Person]] = {key: {} for key in keys}
        ordered = sorted(keys)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            for person in self._people(_S.c.name_key.in_(chunk)):
                found[person.name_key][person.id or 0] = person
            aliased = select(_A.c.alias_key, _A.c.stakeholder_id).where(_A.c.alias_key.in_(chunk))
            owners = self.session.execute(aliased).all()
            people = {p.id: p for p in self._people(_S.c.id.in_({o[1] for o in owners}))}
            for alias_key, stakeholder_id in owners:
                found[alias_key][stakeholder_id] = people[stakeholder_id]
        for key, by_id in found.items():
            self._matches[key] = sorted(by_id.values(), key=lambda p: (p.name_key, p.id))
        wanted = sorted(ids - self._by_id.keys())
        for start in range(0, len(wanted), CHUNK):
            for person in self._people(_S.c.id.in_(wanted[start : start + CHUNK])):
                assert person.id is not None
                self._by_id[person.id] = person

    def _people(self, condition: Any) -> list[_Person]:
        rows = self.session.execute(
            select(_S.c.id, _S.c.name, _S.c.name_key, _S.c.kind).where(condition)
        )
        return [
            _Person(name, key, kind, stakeholder_id) for stakeholder_id, name, key, kind in rows
        ]

    def resolve(self, text: str) -> _Person:
        """As `resolve_stakeholder(..., create=True)`: a name's answer never changes within
        an import once given (the one it creates is what it finds next), so it is kept."""
        known = self.answers.get(text)
        if known is not None:
            return known
        person = self._resolve(text)
        if not _ID.match(text.strip()):
            self.answers[text] = person
        return person

    def _resolve(self, text: str) -> _Person:
        match = _ID.match(text.strip())
        if match:  # `#12`: the stakeholder with that id, as it stands at this row
            self.flush()
            wanted = int(match[1])
            if wanted not in self._by_id:
                for person in self._people(_S.c.id == wanted):
                    self._by_id[wanted] = person
            found = self._by_id.get(wanted)
            return found if found is not None else self._create(text)
        key = name_key(text)
        if key not in self._matches:
            self.preload([text])
        matches = self._matches[key]
        if len(matches) > 1:
            exact = [p for p in matches if p.name_key == key]
            if len(exact) == 1:
                return exact[0]
            listed = "; ".join(f"{p.name} ({p.kind}, #{p.id})" for p in matches)
            raise Ambiguous(f"{text!r} could be {listed} — use the full name or #id")
        if matches:
            return matches[0]
        same = self._same_but_accents(text)
        if len(same) > 1:
            listed = "; ".join(f"{p.name} ({p.kind}, #{p.id})" for p in same)
            raise Ambiguous(f"{text!r} could be {listed} — use the full name or #id")
        if same:
            self._matches[key] = same
            return same[0]
        return self._create(text)

    def _same_but_accents(self, text: str) -> list[_Person]:
        """As `resolve_stakeholder`: who has `text` as a name or alias but for accents."""
        if self._folded is None:
            self._folded = {}
            for stakeholder_id, _, folded in folded_names(self.session):
                self._folded.setdefault(folded, []).append(stakeholder_id)
            for person in self._pending:
                self._folded.setdefault(fold(person.name), []).append(person)
        found = list(dict.fromkeys(self._folded.get(fold(text), [])))
        ids = [i for i in found if isinstance(i, int)]
        people = [p for p in found if isinstance(p, _Person)]
        if ids:
            people += sorted(self._people(_S.c.id.in_(ids)), key=lambda p: (p.name_key, p.id))
        return list({id(p) if p.id is None else p.id: p for p in people}.values())

    def _create(self, text: str) -> _Person:
        name = clean_name(text)
        person = _Person(name, name_key(name), StakeholderKind.OTHER)
        self._matches[person.name_key] = [person]
        if self._folded is not None:
            self._folded.setdefault(fold(name), []).append(person)
        self._pending.append(person)
        self.created.append(name)
        return person

    def flush(self) -> None:
        """Insert the stakeholders created so far, in order, and learn their ids."""
        if not self._pending:
            return
        self.insert(self._pending)
        for person in self._pending:
            assert person.id is not None
            self._by_id[person.id] = person
        self._pending.clear()


def stored_lower(session: Session) -> Any:
    """How the database's lower() folds a title: ASCII only on SQLite, fully elsewhere."""
    if session.get_bind().dialect.name == "sqlite":
        # bytes.lower() folds A-Z only, and UTF-8 puts nothing else in that byte range.
        return lambda text: text.encode().lower().decode()
    return str.lower


_Sameness = tuple[Any, ...]


def _same(lower_title: str, row: _Row) -> _Sameness:
    """A row is already present when an event has its title, dates, place and texts: two
    different engagements on the same days under one title (two meetings in Glasgow) are not
    the same row, but importing a file twice adds nothing."""
    return (lower_title, row.when.start, row.when.end, row.location, row.summary, row.notes)


class _Participants(dict[tuple[str, Role, Attendance], tuple[_Person, Role, Attendance]]):
    """A participant as read (name, role, attendance) -> as decided (person, role,
    attendance). A name's answer never changes within an import (`_Resolver.resolve`), so it
    is kept; an `#id`'s is not (it is the stakeholder with that id as it stands at its row)."""

    def __init__(self, people: _Resolver) -> None:
        super().__init__()
        self.people = people

    def __missing__(self, part: tuple[str, Role, Attendance]) -> tuple[_Person, Role, Attendance]:
        name, role, attendance = part
        decided = (self.people.resolve(name), role, attendance)
        if name in self.people.answers:
            self[part] = decided
        return decided


class BulkImport:
    """One import's decisions and writes (see the module docstring)."""

    def __init__(
        self,
        session: Session,
        report: ImportReport,
        problems: list[RowProblem],
        due_of: Any,
        sink: Callable[[Load], None] | None = None,
    ) -> None:
        self.session = session
        self.report = report
        self.problems = problems
        self.due_of = due_of  # text -> (start, end, precision), as date_only(parse_when(text))
        now = dt.datetime.now(dt.UTC)
        self.store: _CoreStore | _SqliteStore = (
            _SqliteStore(session.connection(), now, sink)
            if sink is not None or (SQLITE_DRIVER and session.get_bind().dialect.name == "sqlite")
            else _CoreStore(session, now)
        )
        self.people = _Resolver(session, report.created_stakeholders, self.store.add_people)
        self.present: set[_Sameness] = set()  # the rows decided so far, and stored ones
        self.participants = _Participants(self.people)

    def run(self, rows: Sequence[_Row]) -> None:
        accepted = self._decide_all(rows)
        if self.problems:
            return
        self.people.flush()
        self.store.write(accepted)

    def _decide_all(self, rows: Sequence[_Row]) -> list[_Accepted]:
        """Decide `rows`, after the rows of earlier calls (an import a chunk at a time)."""
        from tracker.services.transfer import RowProblem

        present = self.present
        present.update(self._present(rows))
        lower = stored_lower(self.session)
        known = self.people.answers  # names answered in earlier chunks need no lookup
        names = set(map(_FIRST, chain.from_iterable(map(_PARTICIPANTS, rows))))
        names.update(item.owner for row in rows for item in row.follow_ups if item.owner)
        self.people.preload(names.difference(known))
        accepted: list[_Accepted] = []
        decide = self._decide
        follow_ups = skipped = 0
        for row in rows:
            when = row.when
            title = row.title
            same = (title.lower(), when.start, when.end, row.location, row.summary, row.notes)
            if same in present:  # `_same`
                skipped += 1
                continue
            try:
                accepted.append(decide(row))
            except UserError as exc:
                self.problems.append(RowProblem(row.line, exc.message))
                continue
            present.add(same if title.isascii() else _same(lower(title), row))
            follow_ups += len(row.follow_ups)
        self.report.skipped += skipped
        self.report.added += len(accepted)
        self.report.follow_ups += follow_ups
        return accepted

    def _present(self, rows: Sequence[_Row]) -> set[_Sameness]:
        """What identifies the stored events on the rows' start days as already imported."""
        days = sorted({row.when.start for row in rows})
        present: set[_Sameness] = set()
        for start in range(0, len(days), CHUNK):
            query = select(
                func.lower(_E.c.title),
                _E.c.start_date,
                _E.c.end_date,
                _E.c.location,
                _E.c.summary,
                _E.c.notes,
            ).where(_E.c.start_date.in_(days[start : start + CHUNK]))
            present.update(tuple(found) for found in self.session.execute(query))
        return present

    def _decide(self, row: _Row) -> _Accepted:
        resolve = self.people.resolve
        people: list[tuple[_Person, Role, Attendance]] = []
        if row.participants:
            try:
                people = list(map(self.participants.__getitem__, row.participants))
            except UserError:
                people = []
            if not people or (len(people) > 1 and len(set(map(_FIRST, people))) < len(people)):
                # Something is wrong with this row: the first problem in the order in which
                # the participants are read is the one to report.
                people = self._participants(row)
        owners: list[_Person | None] = []
        due: list[tuple[dt.date, dt.date, Any] | None] = []
        for item in row.follow_ups:
            due.append(self.due_of(item.due) if item.due else None)
            owners.append(resolve(item.owner) if item.owner else None)
        return _Accepted(row, people, owners, due)

    def _participants(self, row: _Row) -> list[tuple[_Person, Role, Attendance]]:
        """The row's participants one by one, raising at the first unresolved or repeated."""
        known, resolve = self.people.answers, self.people.resolve
        people: list[tuple[_Person, Role, Attendance]] = []
        seen: set[_Person] = set()
        for name, role, attendance in row.participants:
            person = known.get(name) or resolve(name)
            if person in seen:
                raise UserError(f"{person.name} is listed twice among the participants")
            seen.add(person)
            people.append((person, role, attendance))
        return people


# -- the rows to write, the same for every database ---------------------------------------


@dataclass(frozen=True)
class _TableRows:
    """Rows for one table, each a tuple of values in the order of `columns`."""

    table: Table
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


_STAKEHOLDER_COLUMNS = (
    *("id", "name", "name_key", "kind", "title", "affiliation_id", "country", "notes"),
    *("created_at", "updated_at"),
)
_EVENT_COLUMNS = (
    *("id", "title", "kind", "status", "location", "summary", "notes", "source"),
    *("start_date", "end_date", "precision", "start_at", "end_at", "tz", "sort_time"),
    *("span_class", "created_at", "updated_at"),
)
_TAG_COLUMNS = ("event_id", "tag")
_PARTICIPATION_COLUMNS = ("event_id", "stakeholder_id", "role", "attendance")
_FOLLOW_UP_COLUMNS = (
    *("text", "status", "done_on", "notes", "event_id", "due_start", "due_end"),
    *("due_precision", "owner_id", "created_at", "updated_at"),
)


def _people_rows(people: Iterable[_Person], now: dt.datetime) -> _TableRows:
    """New stakeholders (with `id` None where the database is to number them)."""
    rows = [(p.id, p.name, p.name_key, p.kind, "", None, "", "", now, now) for p in people]
    return _TableRows(_S, _STAKEHOLDER_COLUMNS, rows)


def _event_rows(accepted: Iterable[_Accepted], now: dt.datetime) -> _TableRows:
    """The events (with `event_id` None where the database is to number them)."""
    rows = []
    for item in accepted:
        row, when = item.row, item.row.when
        rows.append(
            (
                item.event_id,
                row.title,
                row.kind,
                row.status,
                row.location,
                row.summary,
                row.notes,
                row.source,
                when.start,
                when.end,
                when.precision,
                when.start_at,
                when.end_at,
                when.tz,
                sort_time(when),
                span_class(when.start, when.end),
                now,
                now,
            )
        )
    return _TableRows(_E, _EVENT_COLUMNS, rows)


def _children(accepted: Sequence[_Accepted], now: dt.datetime) -> list[_TableRows]:
    """Tags, participations and follow-ups of events that have their ids; tags and
    participations in event order (their indexes' pages fill in order)."""
    tags: list[tuple[Any, ...]] = []
    participations: list[tuple[Any, ...]] = []
    follow_ups: list[tuple[Any, ...]] = []
    for item in accepted:
        event_id = item.event_id
        tags += [(event_id, tag) for tag in item.row.tags]
        participations += [
            (event_id, p.id, role, attendance) for p, role, attendance in item.people
        ]
        for cell, owner, due in zip(item.row.follow_ups, item.owners, item.due, strict=True):
            due_start, due_end, due_precision = due or (None, None, None)
            done_on = dt.date.fromisoformat(cell.done_on) if cell.done_on else None
            follow_ups.append(
                (
                    cell.text,
                    FollowUpStatus(cell.status),
                    done_on,
                    "",
                    event_id,
                    due_start,
                    due_end,
                    due_precision,
                    owner.id if owner else None,
                    now,
                    now,
                )
            )
    tags.sort(key=itemgetter(0))
    participations.sort(key=itemgetter(0))
    return [
        _TableRows(_T, _TAG_COLUMNS, tags),
        _TableRows(_P, _PARTICIPATION_COLUMNS, participations),
        _TableRows(_F, _FOLLOW_UP_COLUMNS, follow_ups),
    ]


# -- writing: any database through Core, SQLite through its driver -----------------------


class _CoreStore:
    """Core executemany, for any database; new rows are numbered by the database."""

    def __init__(self, session: Session, now: dt.datetime) -> None:
        self.session = session
        self.now = now

    def add_people(self, people: list[_Person]) -> None:
        """Insert new stakeholders in order; the database returns their ids in that order."""
        rows = _people_rows(people, self.now).dicts()
        for values in rows:
            del values["id"]
        statement = insert(_S).returning(_S.c.id, sort_by_parameter_order=True)
        for person, (stakeholder_id,) in zip(
            people, self.session.execute(statement, rows), strict=True
        ):
            person.id = stakeholder_id

    def write(self, accepted: list[_Accepted]) -> None:
        self._insert_events(accepted)
        for load in _children(accepted, self.now):
            if load.rows:
                self.session.execute(insert(load.table), load.dicts())

    def _insert_events(self, accepted: list[_Accepted]) -> None:
        """In file order, a run of rows at a time: rows keeping their file id (when no event
        has it yet, an earlier row's new one included) and rows taking the next id alternate
        as they did one by one."""
        taken = _stored_ids(self.session.connection(), accepted)
        run: list[_Accepted] = []
        run_keeps_ids = False
        for item in accepted:
            keeps = item.row.id is not None and item.row.id not in taken
            if run and keeps != run_keeps_ids:
                self._insert_run(run, run_keeps_ids, taken)
                run = []
                # The run just inserted may have been given this row's id.
                keeps = item.row.id is not None and item.row.id not in taken
            if keeps:
                assert item.row.id is not None
                taken.add(item.row.id)
                item.event_id = item.row.id
            run.append(item)
            run_keeps_ids = keeps
        if run:
            self._insert_run(run, run_keeps_ids, taken)

    def _insert_run(self, run: list[_Accepted], keeps_ids: bool, taken: set[int]) -> None:
        """Insert a run of events a thousand rows per statement (SQLAlchemy's "insert many
        values"); the database numbers new ones and returns their ids in parameter order."""
        rows = _event_rows(run, self.now).dicts()
        if keeps_ids:
            rows.sort(key=lambda values: int(values["id"]))
            self.session.execute(insert(_E), rows)
            return
        move_sequence_past_ids(self.session)  # as SQLite: the largest id so far, plus one
        for values in rows:
            del values["id"]
        statement = insert(_E).returning(_E.c.id, sort_by_parameter_order=True)
        for item, (event_id,) in zip(run, self.session.execute(statement, rows), strict=True):
            item.event_id = event_id
            taken.add(event_id)


Bound = tuple[str, list[Sequence[Any]]]
"""An INSERT statement and its rows as the driver takes them, given column by column (the
rows are `zip(*columns)`): so they are built, pickled and read back a column at a time,
in loops that run in C rather than one Python step per row."""

Load = tuple[list[Bound], list[int]]
"""INSERT statements with their rows, in the order to run them, and the ids of the new
events among them."""


def execute(connection: Connection, bound: Bound) -> None:
    """Run the statement for each of its rows (none: nothing to do)."""
    sql, columns = bound
    if columns and columns[0]:
        connection.exec_driver_sql(sql, list(zip(*columns, strict=True)))


class _SqliteStore:
    """SQLite, through the driver's executemany in this transaction's connection.

    SQLite numbers a new row with the largest id plus one, so the ids are known here before
    anything is written (no RETURNING, children built at once). Values are bound by their
    column types' own bind processors, so the rows stored are the ones Core would store.
    A big import builds its indexes after the load rather than row by row (`_Indexing`).

    With a `sink`, nothing is written here: each call's statements and rows go to the sink
    (`import_worker`: this connection only reads, another one writes). Numbering then relies
    on the rows of earlier calls being known here, not on reading them back, which is why
    the largest ids and the ids taken are kept from call to call.
    """

    def __init__(
        self, connection: Connection, now: dt.datetime, sink: Callable[[Load], None] | None = None
    ) -> None:
        self.connection = connection
        self.now = now
        self.sink = sink
        self._largest_person: int | None = None
        self._largest_event: int | None = None
        self._taken: set[int] = set()
        self._rows: _BoundRows | None = None

    def add_people(self, people: list[_Person]) -> None:
        if self._largest_person is None:
            self._largest_person = self.connection.execute(select(func.max(_S.c.id))).scalar() or 0
        for offset, person in enumerate(people, start=1):
            person.id = self._largest_person + offset
        self._largest_person += len(people)
        bound = self._bound(_people_rows(people, self.now))
        if self.sink is not None:
            self.sink(([bound], []))
        else:
            execute(self.connection, bound)

    def write(self, accepted: list[_Accepted]) -> None:
        self._number_events(accepted)
        rows = self._rows or _BoundRows(self.connection.dialect, self.now)
        self._rows = rows
        ordered = sorted(accepted, key=_event_id)
        events, new_ids = rows.events(ordered)
        if self.sink is not None:
            self.sink(([events, *rows.children(accepted, ordered)], new_ids))
            return
        tables = [table.name for table in (_E, _T, _P, _F)]
        with (
            _page_cache(self.connection, LOAD_CACHE_KIB),
            _Indexing(self.connection, len(new_ids), tables) as indexing,
        ):
            execute(self.connection, events)
            # SQLite indexes the new events in a few long statements, during which Python's
            # sqlite3 module lets other threads run: this one prepares the other rows meanwhile.
            with ThreadPoolExecutor(max_workers=1) as helper:
                indexed = helper.submit(indexing.after_events, sorted(new_ids))
                children = rows.children(accepted, ordered)
                indexed.result()
            for bound in children:
                execute(self.connection, bound)

    def _number_events(self, accepted: list[_Accepted]) -> None:
        """Each row keeps its file id unless an event has it already (stored, or an earlier
        row's); otherwise it takes the largest id so far plus one, as SQLite would give it."""
        taken = self._taken
        taken.update(_stored_ids(self.connection, accepted))
        if self._largest_event is None:
            self._largest_event = self.connection.execute(select(func.max(_E.c.id))).scalar() or 0
        largest = self._largest_event
        for item in accepted:
            wanted = item.row.id
            event_id = wanted if wanted is not None and wanted not in taken else largest + 1
            taken.add(event_id)
            largest = max(largest, event_id)
            item.event_id = event_id
        self._largest_event = largest

    def _bound(self, load: _TableRows) -> Bound:
        """The INSERT statement for `load` and its rows as the driver takes them."""
        dialect = self.connection.dialect
        columns = [load.table.c[name] for name in load.columns]
        sql = _insert_sql(dialect, load.table, load.columns)
        if not load.rows:
            return sql, []
        values: list[Sequence[Any]] = list(zip(*load.rows, strict=True))
        for index, column in enumerate(columns):
            process = column.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                # Once per distinct value: the processors are pure, and these columns' equal
                # values (days, UTC instants, enum members and their text) bind alike.
                values[index] = list(map(Memo(process).__getitem__, values[index]))
        return sql, values


class _BoundRows:
    """`_event_rows` and `_children` for the driver, already bound: the rows `_bound` makes
    of them, built a column at a time (`Bound`) rather than through `_TableRows`. A column's
    bind processor runs once per distinct value (as in `_bound`), and an event's dates once
    per distinct `When` (rows share them)."""

    def __init__(self, dialect: Any, now: dt.datetime) -> None:
        self.dialect = dialect
        binds = {
            table.name: self._processors(table, columns)
            for table, columns in (
                (_E, _EVENT_COLUMNS),
                (_T, _TAG_COLUMNS),
                (_P, _PARTICIPATION_COLUMNS),
                (_F, _FOLLOW_UP_COLUMNS),
            )
        }
        event = binds[_E.name]
        self.kind, self.status = event["kind"], event["status"]
        self.event_now = (event["created_at"](now), event["updated_at"](now))
        self.dates: Memo[When, tuple[Any, ...]] = Memo(
            lambda when: (
                event["start_date"](when.start),
                event["end_date"](when.end),
                event["precision"](when.precision),
                event["start_at"](when.start_at),
                event["end_at"](when.end_at),
                event["tz"](when.tz),
                event["sort_time"](sort_time(when)),
                event["span_class"](span_class(when.start, when.end)),
            )
        )
        part = binds[_P.name]
        self.role, self.attendance = part["role"], part["attendance"]
        follow = binds[_F.name]
        self.follow_up_status: Memo[str, Any] = Memo(
            lambda text: follow["status"](FollowUpStatus(text))
        )
        self.done_on: Memo[str | None, Any] = Memo(
            lambda text: follow["done_on"](dt.date.fromisoformat(text) if text else None)
        )
        self.due: Memo[Any, tuple[Any, Any, Any]] = Memo(
            lambda due: (
                follow["due_start"](due[0] if due else None),
                follow["due_end"](due[1] if due else None),
                follow["due_precision"](due[2] if due else None),
            )
        )
        self.follow_up_notes = follow["notes"]("")
        self.follow_up_now = (follow["created_at"](now), follow["updated_at"](now))
        # Columns whose values go in as they are: no processor, checked here once.
        plain = {
            _E.name: ("id", "title", "location", "summary", "notes", "source"),
            _T.name: _TAG_COLUMNS,
            _P.name: ("event_id", "stakeholder_id"),
            _F.name: ("text", "event_id", "owner_id"),
        }
        for table, names in plain.items():
            assert all(binds[table][name] is _as_is for name in names), table
        self.sql = {
            table.name: _insert_sql(dialect, table, columns)
            for table, columns in (
                (_E, _EVENT_COLUMNS),
                (_T, _TAG_COLUMNS),
                (_P, _PARTICIPATION_COLUMNS),
                (_F, _FOLLOW_UP_COLUMNS),
            )
        }

    def _processors(self, table: Table, columns: Sequence[str]) -> dict[str, Callable[[Any], Any]]:
        dialect = self.dialect
        found: dict[str, Callable[[Any], Any]] = {}
        for name in columns:
            process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            found[name] = _as_is if process is None else Memo(process).__getitem__
        return found

    def events(self, ordered: list[_Accepted]) -> tuple[Bound, list[int]]:
        """The events' INSERT (`ordered` by id), and their ids in that order."""
        ids = list(map(_EVENT_ID, ordered))
        sql = self.sql[_E.name]
        if not ids:
            return (sql, []), ids
        titles, kinds, statuses, locations, summaries, notes, sources, whens = zip(
            *map(_EVENT_FIELDS, map(_ROW, ordered)), strict=True
        )
        created, updated = self.event_now
        columns: list[Sequence[Any]] = [
            ids,
            titles,
            list(map(self.kind, kinds)),
            list(map(self.status, statuses)),
            locations,
            summaries,
            notes,
            sources,
            *zip(*map(self.dates.__getitem__, whens), strict=True),  # start_date ... span_class
            [created] * len(ids),
            [updated] * len(ids),
        ]
        return (sql, columns), ids

    def children(self, accepted: list[_Accepted], ordered: list[_Accepted]) -> list[Bound]:
        """Tags, participations and follow-ups as `_children` orders them, bound: the tags
        and participations of the events `ordered` by id, the follow-ups in file order."""
        ids = list(map(_EVENT_ID, ordered))
        tag_lists = list(map(_TAGS, map(_ROW, ordered)))
        tags: list[Sequence[Any]] = [
            list(chain.from_iterable(map(repeat, ids, map(len, tag_lists)))),
            list(chain.from_iterable(tag_lists)),
        ]
        people = list(map(_PEOPLE, ordered))
        participations: list[Sequence[Any]] = []
        flat = list(chain.from_iterable(people))
        if flat:
            persons, roles, attendances = zip(*flat, strict=True)
            participations = [
                list(chain.from_iterable(map(repeat, ids, map(len, people)))),
                list(map(_PERSON_ID, persons)),
                list(map(self.role, roles)),
                list(map(self.attendance, attendances)),
            ]
        follow_ups: list[tuple[Any, ...]] = []
        status, done_on, due_of = self.follow_up_status, self.done_on, self.due
        notes = self.follow_up_notes
        created, updated = self.follow_up_now
        for item in accepted:
            if item.row.follow_ups:
                event_id = item.event_id
                for cell, owner, due in zip(
                    item.row.follow_ups, item.owners, item.due, strict=True
                ):
                    follow_ups.append(
                        (
                            cell.text,
                            status[cell.status],
                            done_on[cell.done_on],
                            notes,
                            event_id,
                            *due_of[due],
                            owner.id if owner else None,
                            created,
                            updated,
                        )
                    )
        return [
            (self.sql[_T.name], tags),
            (self.sql[_P.name], participations),
            (self.sql[_F.name], list(zip(*follow_ups, strict=True))),
        ]


def _as_is(value: _V) -> _V:
    return value


_FIRST = itemgetter(0)
_PARTICIPANTS = attrgetter("participants")
_ROW = attrgetter("row")
_PEOPLE = attrgetter("people")
_EVENT_ID = attrgetter("event_id")
_PERSON_ID = attrgetter("id")
_TAGS = attrgetter("tags")
_EVENT_FIELDS = attrgetter(
    "title", "kind", "status", "location", "summary", "notes", "source", "when"
)


def _event_id(item: _Accepted) -> int:
    return item.event_id or 0


def _insert_sql(dialect: Any, table: Table, names: Sequence[str]) -> str:
    quote = dialect.identifier_preparer.quote
    columns = [table.c[name] for name in names]
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)})"
        f" VALUES ({', '.join('?' * len(columns))})"
    )


class Memo(dict[_K, _V]):
    """`compute(key)` once per distinct key: `memo[key]`. A failed computation is not kept
    (the next row with that text fails again, with its own line)."""

    def __init__(self, compute: Callable[[_K], _V]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: _K) -> _V:
        value = self[key] = self.compute(key)
        return value


def move_sequence_past_ids(session: Session) -> None:
    """Explicit ids leave PostgreSQL's sequence behind; move it to the largest id, so the
    next event takes the id after it (as SQLite numbers rows)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.connection().exec_driver_sql(
        "SELECT setval(pg_get_serial_sequence('events', 'id'), "
        "COALESCE((SELECT MAX(id) FROM events), 1))"
    )


def _stored_ids(connection: Connection, accepted: Iterable[_Accepted]) -> set[int]:
    """Which of the rows' file ids stored events already have."""
    low, high = connection.execute(select(func.min(_E.c.id), func.max(_E.c.id))).one()
    if low is None:
        return set()
    wanted = sorted({i for item in accepted if (i := item.row.id) is not None and low <= i <= high})
    taken: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        query = select(_E.c.id).where(_E.c.id.in_(wanted[start : start + CHUNK]))
        taken.update(connection.execute(query).scalars())
    return taken


@contextlib.contextmanager
def _page_cache(connection: Connection, kib: int) -> Iterator[None]:
    """A larger page cache for the load: the pages it fills stay in memory until the commit
    rather than being written out and read back as the default 2 MB overflows. The size is
    the connection's own (not rolled back with a transaction), so it is put back after."""
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


class _Indexing:
    """A big import's indexes, built after the load rather than kept up row by row.

    The FTS5 insert trigger would index new events one by one, writing its pending data
    out at every statement: it is set aside, and the new events' text indexed in one
    statement once they are in. When the load at least doubles the events, the loaded
    tables' other indexes go too and are built again after (sorting every entry once is
    cheaper than placing each new one in a scattered page). While the trigger is aside, the
    index has its load settings (`_fts_load_settings`: a larger hash, no merging), set once
    for every statement that indexes text rather than once per statement. All of it happens
    inside this transaction, so a failed import rolls the indexes back as they were; they
    are created again from their own stored SQL.
    """

    def __init__(self, connection: Connection, expected: int, tables: list[str]) -> None:
        self.connection = connection
        self.expected = expected  # new events (or as many as the import expects)
        self.tables = tables
        self.trigger: str | None = None
        # The FTS load settings while the trigger is aside (closed once the text is all in).
        self.fts_settings = contextlib.ExitStack()
        self.indexes: dict[str, list[tuple[str, str]]] = {}  # table -> (name, sql)

    def __enter__(self) -> _Indexing:
        if self.expected < BULK_INDEX_FROM:
            return self
        connection = self.connection
        self.trigger = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'events_fts_insert'"
        ).scalar()
        if self.trigger is not None:
            connection.exec_driver_sql("DROP TRIGGER events_fts_insert")
            self.fts_settings.enter_context(_fts_load_settings(connection))
        stored = connection.execute(select(func.count()).select_from(_E)).scalar() or 0
        if self.expected < stored:
            return self
        quote = connection.dialect.identifier_preparer.quote
        for name, table, sql in connection.exec_driver_sql(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' "
            f"AND sql IS NOT NULL AND tbl_name IN ({', '.join('?' * len(self.tables))}) "
            "ORDER BY name",
            tuple(self.tables),
        ).all():
            self.indexes.setdefault(table, []).append((name, sql))
            connection.exec_driver_sql(f"DROP INDEX {quote(name)}")
        return self

    def index_text(self, new_ids: Sequence[int]) -> None:
        """Index the text of these new events (in), if the insert trigger was set aside."""
        if self.trigger is None or not new_ids:
            return
        ordered = sorted(new_ids)
        connection = self.connection
        columns = [row[1] for row in connection.exec_driver_sql("PRAGMA table_info(events_fts)")]
        listed = ", ".join(columns)
        for start in range(0, len(ordered), 50_000):
            connection.exec_driver_sql(
                f"INSERT INTO events_fts(rowid, {listed}) SELECT id, {listed} FROM events "
                "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                (json.dumps(ordered[start : start + 50_000]),),
            )

    def after_events(self, new_ids: Sequence[int] = ()) -> None:
        """Once the new events are all in: index the text of `new_ids` (those not indexed
        yet), put the trigger back, then build the events' indexes."""
        self.index_text(new_ids)
        self.fts_settings.close()
        if self.trigger is not None:
            self.connection.exec_driver_sql(self.trigger)
            self.trigger = None
        self._build(_E.name)

    def _build(self, table: str) -> None:
        for _, sql in self.indexes.pop(table, []):
            self.connection.exec_driver_sql(sql)

    def build_one(self) -> None:
        """Build one of the indexes set aside, if any is left: the rows still to come keep
        it up (a load's last few thousand rows cost it less than its building does after
        the last one)."""
        if not self.indexes:
            return
        table, waiting = next(iter(self.indexes.items()))
        _, sql = waiting.pop(0)
        if not waiting:
            del self.indexes[table]
        self.connection.exec_driver_sql(sql)

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:  # after a failure the rollback brings every index back
            for table in list(self.indexes):
                self._build(table)


@contextlib.contextmanager
def _fts_load_settings(connection: Connection) -> Iterator[None]:
    """FTS5's settings for indexing a big load's text (`FTS_LOAD_SETTINGS`), put back as
    they were afterwards (they are stored in the index's config table).

    FTS5 gathers new terms in memory up to its `hashsize` (1 MB unless set), then writes
    them out as a segment; one big load with a larger hash writes fewer segments (half the
    indexing time for 100,000 events). It also merges segments as they pile up, every
    `automerge` (4) at one level, which for a load means reading back and writing again
    what it has just written (with the prefix indexes, a third of the indexing time): the
    load's segments are left as they are, and merged by later writes, a little at a time."""
    before: dict[str, object] = dict(
        connection.exec_driver_sql(
            "SELECT k, v FROM events_fts_config WHERE k IN ('hashsize', 'automerge')"
        ).all()
    )
    setting = "INSERT INTO events_fts(events_fts, rank) VALUES (?, ?)"
    for name, value in FTS_LOAD_SETTINGS.items():
        connection.exec_driver_sql(setting, (name, value))
    yield
    for name in FTS_LOAD_SETTINGS:
        if name in before:
            connection.exec_driver_sql(setting, (name, before[name]))
        else:  # as it was: FTS5's default, and no row for it
            connection.exec_driver_sql(setting, (name, FTS_DEFAULTS[name]))
            connection.exec_driver_sql("DELETE FROM events_fts_config WHERE k = ?", (name,))
