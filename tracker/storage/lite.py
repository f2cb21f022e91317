"""Reading a SQLite file at the schema head with the standard library's sqlite3: no SQLAlchemy.

A read-only command (`event list`, the TUI's first screen) spends most of a short run
importing SQLAlchemy. When the database is a SQLite file whose schema is already at the head
of the migrations, nothing needs migrating and the few queries such a read makes can go
straight to sqlite3: `open_at_head` opens the file read-only inside one read transaction, or
says it cannot (anything else takes the SQLAlchemy path, which migrates as before). The SQL
here mirrors `tracker.services.queries` and `tracker.services.views` for the filters it
covers; tests compare the two on real files.

The head is read from the migration files themselves (`scripted_head`, as the start-up check
of `tracker.storage.migrations` does), so a new migration needs no second edit here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.domain import ROLE_ORDER

BUSY_TIMEOUT_MS = 10_000  # how long a statement waits for another connection's lock
MAX_SPAN_CLASS = 22  # span_class of the longest interval a date can hold (< 2**22 days)
# Large enough to map the whole file of a million events: pages are then read in place
# instead of copied in by a system call each (a third faster for the random reads here).
MMAP_BYTES = 4 << 30

EVENT_COLUMNS = (
    "id, title, kind, start_date, end_date, precision, sort_time, start_at, end_at, tz, status, "
    "location, summary, notes, source, created_at, updated_at"
)
"""The columns of `tracker.services.views.EVENT_COLUMNS`, in that order, as stored."""
LINE_COLUMNS = (
    "id, title, kind, start_date, end_date, precision, sort_time, start_at, end_at, tz, status"
)
"""The first of `EVENT_COLUMNS`: what a line of a list shows (`tracker.domain.EventLine`)."""
TIMELINE_ORDER = "start_date, sort_time, id"
TIMELINE_ORDER_DESC = "start_date DESC, sort_time DESC, id DESC"

Row = tuple[Any, ...]


# -- the schema head, without Alembic ------------------------------------------------------


def script_location() -> Path:
    """The migrations folder: inside the installed wheel, or `db/` in a source checkout."""
    packaged = Path(__file__).resolve().parents[1] / "_migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "db"


_REVISION = re.compile(r"^revision(?:\s*:[^=]*)?=\s*[\"']([^\"']+)[\"']\s*$", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)
_QUOTED = re.compile(r"^[\"']([^\"']+)[\"']$")


@functools.lru_cache(maxsize=4)
def scripted_head(location: str) -> str | None:
    """The single head of the migration files, read as text; None when unsure."""
    revisions: set[str] = set()
    parents: set[str] = set()
    try:
        files = sorted((Path(location) / "versions").glob("*.py"))
        for path in files:
            text = path.read_text(encoding="utf-8")
            revision, down = _REVISION.search(text), _DOWN.search(text)
            if revision is None or down is None:
                return None
            revisions.add(revision[1])
            if down[1] != "None":
                parent = _QUOTED.match(down[1])
                if parent is None:  # a merge point or anything else: let Alembic read it
                    return None
                parents.add(parent[1])
    except OSError:
        return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def sqlite_file(url: str) -> Path | None:
    """The file a plain `sqlite:///PATH` URL names; None for any other URL (memory, URI
    filenames, query options, other databases), which only SQLAlchemy reads the same way."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    database = url[len(prefix) :]
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    if any(c in database for c in "?#%"):
        return None
    return Path(database).expanduser()


def foreign_tables(path: Path) -> list[str]:
    """The tables of an existing SQLite file that has no tracker schema version (empty for
    a tracker database, a new or empty file, or one that cannot be read here). Asked before
    the engine opens a file, which would switch it to WAL: another program's file is left
    exactly as it was."""
    if not path.is_file() or path.stat().st_size == 0:
        return []
    try:
        connection = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return []
    try:
        names = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
    except sqlite3.Error:
        return []
    finally:
        connection.close()
    return [] if "alembic_version" in names else names


def has_json1(connection: sqlite3.Connection) -> bool:
    """Whether this SQLite has JSON1, which these reads pass lists of ids through."""
    try:
        connection.execute("SELECT value FROM json_each('[]')").fetchall()
    except sqlite3.Error:
        return False
    return True


def open_at_head(path: Path) -> sqlite3.Connection | None:
    """`path` opened read-only, inside a read transaction, when its schema is at the head of
    the migrations; None when it is not (or does not exist, or cannot be read here). The
    transaction holds one snapshot of the file for every read made with the connection
    until it is closed: close it soon."""
    head = scripted_head(str(script_location()))
    if head is None or not path.is_file():
        return None
    connection = _connect(path)
    if connection is None:
        return None
    try:
        connection.execute("BEGIN")
        stored = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        connection.close()
        return None
    if stored != [(head,)] or not has_json1(connection):
        connection.close()
        return None
    return connection


def open_twins(path: Path) -> tuple[sqlite3.Connection, sqlite3.Connection | None] | None:
    """`open_at_head(path)`, and a second connection reading the same snapshot of the file,
    for a second thread to read at once (SQLite runs one statement at a time on each
    connection). The second is None when it cannot be opened, when this SQLite is built
    for one thread only, or when a commit may have come between the two transactions' first
    reads: the first then reads alone."""
    second = _connect(path) if sqlite3.threadsafety else None
    before = None
    with contextlib.suppress(sqlite3.Error):
        before = data_version(second) if second is not None else None
    first = open_at_head(path)
    if second is not None and (
        first is None or before is None or not begin_if_unchanged(second, before)
    ):
        second.close()
        second = None
    return None if first is None else (first, second)


def data_version(connection: sqlite3.Connection) -> int:
    """SQLite's count of the commits other connections made to the file, as `connection`
    last saw it (each new read transaction of the connection brings it up to date)."""
    return int(connection.execute("PRAGMA data_version").fetchone()[0])


def begin_if_unchanged(connection: sqlite3.Connection, version: int) -> bool:
    """Begin a read transaction on `connection` and say whether its snapshot is the one
    `data_version(connection)` read as `version`: nothing was committed since. When it is
    not, the transaction is ended again."""
    try:
        connection.execute("BEGIN")
        if data_version(connection) == version:
            return True
        connection.execute("ROLLBACK")
    except sqlite3.Error:
        pass
    return False


def _connect(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to `path`, for reads in explicit transactions."""
    try:
        connection = sqlite3.connect(
            path.absolute().as_uri() + "?mode=ro",
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # transactions are begun here, explicitly
            check_same_thread=False,
        )
    except sqlite3.Error:
        return None
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    except sqlite3.Error:
        connection.close()
        return None
    return connection


# -- the timeline --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listing:
    """What `list_events` can filter on: the date-range, kind, status and tag filters of
    `EventFilter`, with tags already cleaned (stripped, lower case, no repeats)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def list_events(
    connection: sqlite3.Connection,
    listing: Listing,
    limit: int | None,
    *,
    columns: str = EVENT_COLUMNS,
) -> list[Row]:
    """`columns` rows (`EVENT_COLUMNS` or `LINE_COLUMNS`) of the events `listing` keeps, in
    timeline order."""
    sql, params = _listed(connection, listing, columns)
    sql += f" ORDER BY {TIMELINE_ORDER}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return connection.execute(sql, params).fetchall()


def _listed(
    connection: sqlite3.Connection, listing: Listing, columns: str
) -> tuple[str, list[Any]]:
    """`SELECT columns` of the events `listing` keeps, in no order, with its parameters."""
    where, params = _conditions(connection, listing)
    sql = f"SELECT {columns} FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql, params


def _conditions(connection: sqlite3.Connection, listing: Listing) -> tuple[list[str], list[Any]]:
    """The WHERE terms of `tracker.services.queries.event_conditions` (its whole-result plan)
    for the filters of `listing`, with their parameters."""
    where: list[str] = []
    params: list[Any] = []
    date_from, date_to = listing.date_from, listing.date_to
    if date_from is not None:
        where.append("end_date >= ?")
        params.append(date_from.isoformat())
    if date_to is not None:
        where.append("start_date <= ?")
        params.append(date_to.isoformat())
    if date_from is not None and date_to is not None:
        # One short range of ix_events_span_dates per length class (migrations 0003, 0005).
        widest = connection.execute("SELECT max(span_class) FROM events").fetchone()[0]
        last = MAX_SPAN_CLASS if widest is None else min(int(widest), MAX_SPAN_CLASS)
        terms: list[str] = []
        first = date_from.toordinal()
        for k in range(max(last, 0) + 1):
            reach = (1 << k) - 1
            if first - reach < 1:  # reaches back past year 1: the rest, unbounded
                terms.append("(span_class >= ? AND start_date <= ?)")
                params += [k, date_to.isoformat()]
                break
            earliest = dt.date.fromordinal(first - reach)
            terms.append("(span_class = ? AND start_date BETWEEN ? AND ?)")
            params += [k, earliest.isoformat(), date_to.isoformat()]
        where.append("(" + " OR ".join(terms) + ")")
    for column, values in (("kind", listing.kinds), ("status", listing.statuses)):
        if values:
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params += values
    for tag in listing.tags:
        where.append("id IN (SELECT event_id FROM event_tags WHERE tag = ?)")
        params.append(tag)
    return where, params


Key = tuple[str, int, int]
"""A row's place in timeline order as stored: (start_date, sort_time, id)."""


def timeline_window(
    connection: sqlite3.Connection, day: dt.date | None, *, before: int, after: int
) -> tuple[list[Row], list[Row]]:
    """The unfiltered timeline around `day`: up to `before + 1` rows starting before it
    (nearest first) and up to `after + 1` from it on; the extra row of each tells whether
    more lie beyond. With no day, the start of the timeline and nothing before."""
    later = _in_order(connection, EVENT_COLUMNS, *_from(day, False), False, after + 1)
    earlier: list[Row] = []
    if before and day is not None:
        earlier = _in_order(connection, EVENT_COLUMNS, *_from(day, True), True, before + 1)
    return earlier, later


def _from(anchor: dt.date | Key | None, descending: bool) -> tuple[list[str], list[Any]]:
    """The rows from `anchor` on (descending: before it), as conditions."""
    if anchor is None:
        return [], []
    if isinstance(anchor, dt.date):
        return [f"start_date {'<' if descending else '>='} ?"], [anchor.isoformat()]
    return [f"(start_date, sort_time, id) {'<' if descending else '>='} (?, ?, ?)"], list(anchor)


def _in_order(
    connection: sqlite3.Connection,
    columns: str,
    where: list[str],
    params: list[Any],
    descending: bool,
    limit: int,
    offset: int = 0,
) -> list[Row]:
    """`columns` of the events `where` keeps, in timeline order (descending: backwards)."""
    sql = f"SELECT {columns} FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {TIMELINE_ORDER_DESC if descending else TIMELINE_ORDER} LIMIT ? OFFSET ?"
    return connection.execute(sql, [*params, limit, offset]).fetchall()


# -- searching ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Search:
    """A text search as `tracker.services.queries.search_condition` asks it: the event's
    text matches `match` (an FTS5 expression; None: no text can), or a participant is one of
    the stakeholders whose names contain the text, given as their ids or, when there are
    too many to list, as the LIKE pattern their name keys match."""

    match: str | None
    names: tuple[int, ...] | str


def _search_test(search: Search) -> tuple[str, list[Any]]:
    """The search as one test of an `events` row (EXISTS lookups: nothing gathered)."""
    terms: list[str] = []
    params: list[Any] = []
    if search.match is not None:
        terms.append(
            "EXISTS (SELECT 1 FROM events_fts WHERE events_fts.rowid = events.id "
            "AND events_fts MATCH ?)"
        )
        params.append(search.match)
    if isinstance(search.names, str):
        terms.append(
            "EXISTS (SELECT 1 FROM participations p JOIN stakeholders s "
            "ON s.id = p.stakeholder_id WHERE p.event_id = events.id "
            "AND s.name_key LIKE ? ESCAPE '\\')"
        )
        params.append(search.names)
    elif search.names:
        terms.append(
            # `+`: SQLite would otherwise look up each listed stakeholder for each row
            "EXISTS (SELECT 1 FROM participations p WHERE p.event_id = events.id "
            "AND +p.stakeholder_id IN (SELECT value FROM json_each(?)))"
        )
        params.append(_id_list(search.names))
    return ("(" + " OR ".join(terms) + ")" if terms else "0"), params


def search_walk(
    connection: sqlite3.Connection,
    search: Search,
    anchor: dt.date | Key | None,
    *,
    descending: bool,
    limit: int,
    budget: int,
) -> tuple[list[Row], bool]:
    """Up to `limit` `EVENT_COLUMNS` rows that `search` keeps among the `budget` rows of
    the whole timeline from `anchor` on (descending: the `budget` before it, nearest first),
    each tested as the walk reaches it; and whether those rows reach the timeline's end
    (else rows beyond them may match too)."""
    where, params = _from(anchor, descending)
    past = _in_order(connection, "start_date, sort_time, id", where, params, descending, 1, budget)
    if past:  # the first row past the budget: the walk stops short of it
        where = [*where, f"(start_date, sort_time, id) {'>' if descending else '<'} (?, ?, ?)"]
        params = [*params, *past[0]]
    test, tested = _search_test(search)
    rows = _in_order(
        connection, EVENT_COLUMNS, [*where, test], [*params, *tested], descending, limit
    )
    return rows, not past


def text_count(connection: sqlite3.Connection, match: str, cap: int) -> int:
    """How many events' text matches the FTS5 expression `match`, counting up to `cap`."""
    return int(
        connection.execute(
            "SELECT count(*) FROM (SELECT rowid FROM events_fts WHERE events_fts MATCH ? LIMIT ?)",
            (match, cap),
        ).fetchone()[0]
    )


def involving_ids(
    connection: sqlite3.Connection, stakeholder_ids: Sequence[int], cap: int
) -> list[int]:
    """The events `stakeholder_ids` take part in, one id per participation, at most `cap`
    of them (so a count up to `cap` as well)."""
    if not stakeholder_ids:
        return []
    return _ids(
        connection,
        "SELECT event_id AS id FROM participations "
        "WHERE stakeholder_id IN (SELECT value FROM json_each(?)) LIMIT ?",
        (_id_list(stakeholder_ids), cap),
    )


def text_ids(connection: sqlite3.Connection, match: str) -> list[int]:
    """The events whose text matches the FTS5 expression `match`."""
    return _ids(connection, "SELECT rowid AS id FROM events_fts WHERE events_fts MATCH ?", (match,))


def search_ids(connection: sqlite3.Connection, search: Search) -> list[int]:
    """The ids of every event `search` keeps (an event may be listed twice)."""
    found = [] if search.match is None else text_ids(connection, search.match)
    if isinstance(search.names, str):
        found += _ids(
            connection,
            "SELECT p.event_id AS id FROM participations p JOIN stakeholders s "
            "ON s.id = p.stakeholder_id WHERE s.name_key LIKE ? ESCAPE '\\'",
            (search.names,),
        )
    else:
        found += involving_ids(connection, search.names, -1)  # -1: no limit
    return found


def _ids(connection: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[int]:
    """The `id` column of `sql`'s rows, read as one text: one row, one step (a row at a
    time, Python would take the GIL back at each)."""
    (listed,) = connection.execute(f"SELECT group_concat(id) FROM ({sql})", params).fetchone()
    return list(map(int, listed.split(","))) if listed else []


def rows_by_ids(connection: sqlite3.Connection, ids: Sequence[int]) -> list[Row]:
    """The `EVENT_COLUMNS` rows of `ids`, in that order (ids not stored are left out)."""
    if not ids:
        return []
    found = {
        row[0]: row
        for row in connection.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE id IN (SELECT value FROM json_each(?))",
            (_id_list(ids),),
        )
    }
    return [found[i] for i in ids if i in found]


def stored_key(connection: sqlite3.Connection, event_id: int) -> Key | None:
    row = connection.execute(
        "SELECT start_date, sort_time, id FROM events WHERE id = ?", (event_id,)
    ).fetchone()
    return None if row is None else (row[0], row[1], row[2])


TERMS_TABLE = "temp.tracker_fts_terms"


def fts_terms(connection: sqlite3.Connection, prefix: str, limit: int) -> list[str] | None:
    """The terms of the search index that begin with `prefix` (as FTS5 stores them: lower
    case), or None when there are more than `limit`. Reads an `fts5vocab` table this
    connection keeps in its temporary schema (nothing is written to the file)."""
    if not prefix:
        return None
    connection.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TERMS_TABLE} USING fts5vocab(main, events_fts, row)"
    )
    following = prefix[:-1] + chr(ord(prefix[-1]) + 1) if ord(prefix[-1]) < 0x10FFFF else None
    sql = f"SELECT term FROM {TERMS_TABLE} WHERE term >= ?"
    params: list[Any] = [prefix]
    if following is not None:
        sql += " AND term < ?"
        params.append(following)
    terms = [row[0] for row in connection.execute(sql + " LIMIT ?", [*params, limit + 1])]
    return None if len(terms) > limit else terms


# -- what a listed event carries -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Details:
    """Participants, tags and open follow-up counts of some events, as stored.

    `participants` rows are (event_id, stakeholder_id, name, name_key, kind, role,
    attendance), by event and then in `PARTICIPANT_ORDER`; `tags` maps event ids to their
    tags, sorted; `open_follow_ups` maps event ids to how many of their follow-ups are open.
    """

    participants: list[Row]
    tags: dict[int, tuple[str, ...]]
    open_follow_ups: dict[int, int]


_RANK = " ".join(f"WHEN '{role}' THEN {rank}" for role, rank in ROLE_ORDER.items())
PARTICIPANT_ORDER = f"CASE p.role {_RANK} ELSE 9 END, s.name_key, p.role, p.stakeholder_id"
"""An event's participants by role rank, then name key: the services' order (by rank and
case-folded name, ties by role, name key and then as the primary key lists them) whenever
each name key is its name case-folded, which is how tracker writes them."""


def details(connection: sqlite3.Connection, ids: Sequence[int]) -> Details:
    """What `tracker.services.views.load_event_views` reads for a list of events."""
    if not ids:
        return Details([], {}, {})
    listed = _id_list(ids)
    participants = connection.execute(
        "SELECT p.event_id, p.stakeholder_id, s.name, s.name_key, s.kind, p.role, p.attendance "
        "FROM participations p JOIN stakeholders s ON s.id = p.stakeholder_id "
        "WHERE p.event_id IN (SELECT value FROM json_each(?)) "
        f"ORDER BY p.event_id, {PARTICIPANT_ORDER}",
        (listed,),
    ).fetchall()
    tagged: dict[int, list[str]] = {}
    for event_id, tag in connection.execute(
        "SELECT event_id, tag FROM event_tags WHERE event_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY event_id, tag",
        (listed,),
    ):
        tagged.setdefault(event_id, []).append(tag)
    tags = {event_id: tuple(names) for event_id, names in tagged.items()}
    return Details(participants, tags, _open_follow_ups(connection, listed))


def participant_names(connection: sqlite3.Connection, ids: Sequence[int]) -> list[Row]:
    """(event_id, name, name_key) of the participants of `ids`, by event and then in
    `PARTICIPANT_ORDER`: what a line of a list shows of them."""
    if not ids:
        return []
    return connection.execute(
        f"{_NAMES_OF} (SELECT value FROM json_each(?)) ORDER BY p.event_id, {PARTICIPANT_ORDER}",
        (_id_list(ids),),
    ).fetchall()


_NAMES_OF = (
    "SELECT p.event_id, s.name, s.name_key "
    "FROM participations p JOIN stakeholders s ON s.id = p.stakeholder_id WHERE p.event_id IN"
)
"""`participant_names`' rows, for the events of the list or subquery that follows."""


def listed_participant_names(connection: sqlite3.Connection, listing: Listing) -> list[Row]:
    """`participant_names` of the events `list_events(connection, listing, None)` keeps,
    found by the listing instead of by their ids, for a second thread to read while the
    first reads the events. SQLite sorts them whole before the first comes back; the thread
    holds no GIL for all that time (a sort by event group would hand it back every row)."""
    events, params = _listed(connection, listing, "id")
    return connection.execute(
        f"{_NAMES_OF} ({events}) ORDER BY +p.event_id, {PARTICIPANT_ORDER}", params
    ).fetchall()


# -- the CSV export -----------------------------------------------------------------------

EXPORT_BATCH = 2000  # events a statement of `export_batches` reads

_EXPORT = f"""
SELECT json_group_array(json_array(
    e.id, e.start_date, e.end_date, e.precision, e.start_at, e.end_at, e.tz, e.kind, e.title,
    e.status, e.location,
    ifnull((SELECT group_concat(cell, '; ') FROM (
        SELECT printf('%s (%s, %s)', s.name, p.role, p.attendance) AS cell
        FROM participations p JOIN stakeholders s ON s.id = p.stakeholder_id
        WHERE p.event_id = e.id ORDER BY {PARTICIPANT_ORDER})), ''),
    e.source,
    ifnull((SELECT group_concat(tag, ', ') FROM (
        SELECT t.tag FROM event_tags t WHERE t.event_id = e.id ORDER BY t.tag)), ''),
    e.summary, e.notes,
    (SELECT json_group_array(json_array(
        f.id, f.text, f.status, f.done_on, f.due_start, f.due_end, f.due_precision, owner.name))
     FROM follow_ups f LEFT OUTER JOIN stakeholders owner ON owner.id = f.owner_id
     WHERE f.event_id = e.id))),
  (SELECT json_array(start_date, sort_time, id) FROM events WHERE {{conditions}}
   ORDER BY {TIMELINE_ORDER} LIMIT 1 OFFSET {{last}})
FROM (SELECT id, start_date, end_date, precision, start_at, end_at, tz, kind, title, status,
             location, source, summary, notes
      FROM events WHERE {{conditions}} ORDER BY {TIMELINE_ORDER} LIMIT {{batch}}) AS e
"""


def export_batches(connection: sqlite3.Connection, listing: Listing) -> Iterator[str]:
    """The events `listing` keeps, in timeline order, `EXPORT_BATCH` at a time: each batch
    one JSON array of arrays (`tracker.services.csv_lines.BATCH_COLUMNS`: the stored columns, the
    participants and tags cells, the follow-ups), computed by SQLite in one step (Python's
    sqlite3 module lets other threads run meanwhile). What the services' statement for a
    SQLite export (`csv_rows._chunk_statement`) reads, for the filters a `Listing` holds."""
    where, params = _conditions(connection, listing)
    conditions = " AND ".join(["(start_date, sort_time, id) > (?, ?, ?)", *where])
    sql = _EXPORT.format(conditions=conditions, last=EXPORT_BATCH - 1, batch=EXPORT_BATCH)
    key: tuple[Any, ...] = (dt.date.min.isoformat(), -2, 0)  # before the first event
    while True:
        text, last = connection.execute(sql, (*key, *params, *key, *params)).fetchone()
        yield text
        if last is None:  # fewer than EXPORT_BATCH events were left
            return
        key = tuple(json.loads(last))


def open_follow_ups(connection: sqlite3.Connection, ids: Sequence[int]) -> dict[int, int]:
    """How many follow-ups of each of `ids` are open (events with none are left out)."""
    return _open_follow_ups(connection, _id_list(ids)) if ids else {}


def _open_follow_ups(connection: sqlite3.Connection, listed: str) -> dict[int, int]:
    # not the (status, due) index: SQLite would walk every open follow-up
    return dict(
        connection.execute(
            "SELECT event_id, count(*) FROM follow_ups "
            "WHERE event_id IN (SELECT value FROM json_each(?)) AND +status = 'open' "
            "GROUP BY event_id",
            (listed,),
        ).fetchall()
    )


def _id_list(ids: Sequence[int]) -> str:
    """`ids` as one JSON array, in order: SQLite then walks each index in id order once,
    instead of once per batch of bound parameters."""
    return "[" + ",".join(map(str, sorted(ids))) + "]"


__all__ = [
    "BUSY_TIMEOUT_MS",
    "EVENT_COLUMNS",
    "LINE_COLUMNS",
    "MAX_SPAN_CLASS",
    "PARTICIPANT_ORDER",
    "Details",
    "Key",
    "Listing",
    "Search",
    "begin_if_unchanged",
    "data_version",
    "details",
    "export_batches",
    "fts_terms",
    "involving_ids",
    "list_events",
    "listed_participant_names",
    "open_at_head",
    "open_follow_ups",
    "open_twins",
    "participant_names",
    "rows_by_ids",
    "script_location",
    "scripted_head",
    "search_ids",
    "search_walk",
    "sqlite_file",
    "stored_key",
    "text_count",
    "text_ids",
    "timeline_window",
]
