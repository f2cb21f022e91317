"""Engines and transactions: SQLite PRAGMAs, IMMEDIATE write transactions, PostgreSQL alike."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tracker.errors import Cancelled, UserError
from tracker.exporting.files import OWNER_ONLY, create_private_file, process_alive

_BEGIN_OPTION = "tracker_begin"
# How long a statement waits for another process's write lock (a big import holds it for
# its whole transaction) before the database is reported busy.
BUSY_TIMEOUT_MS = 120_000


def make_engine(url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout, foreign keys and explicit BEGINs.

    A SQLite file that is not there is created readable by its owner only (SQLite gives its
    WAL and shared-memory files the same permissions); its folder must exist. A URL that
    cannot be read, or names a driver that is not installed, is a UserError."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            return create_engine(parsed, pool_pre_ping=True, **kwargs)
    except ValueError as exc:  # make_url's ArgumentError is one; a port that is not a number
        raise UserError(f"cannot read the database URL: {_url_problem(exc)}") from None
    except ImportError as exc:
        raise UserError(
            f"the database driver {exc.name or parsed.get_driver_name()!r} is not installed; "
            "install it or name another driver in the URL"
        ) from None

    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).expanduser()
        if not path.parent.is_dir():
            raise UserError(f"no folder {path.parent} for the database; create it first")
        create_private_file(path)
        # LIFO: the connection just returned is the next one lent, its page cache warm.
        kwargs.setdefault("pool_use_lifo", True)
    engine = create_engine(
        parsed,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite, which otherwise defers BEGIN until
        # the first write: a read-modify-write between two processes then loses updates.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


@contextmanager
def transaction(engine: Engine, *, write: bool, foreign_keys: bool = True) -> Iterator[Session]:
    """One unit of work: a session in a single transaction, committed on success.

    Writes on SQLite begin IMMEDIATE, taking the write lock before the first read, so two
    processes doing read-modify-write serialise instead of overwriting each other.
    `foreign_keys=False` has SQLite not check each written reference against its row, for
    a writer whose references are known to be good (see `_foreign_keys_off`).
    """
    try:
        with engine.connect() as connection:
            sqlite = engine.dialect.name == "sqlite"
            if write and sqlite:
                connection = connection.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
            with (
                _foreign_keys_off(connection) if sqlite and not foreign_keys else nullcontext(),
                Session(bind=connection, expire_on_commit=False) as session,
                session.begin(),
            ):
                yield session
    except OperationalError as exc:
        if write and _locked(exc.orig):  # waited the whole busy timeout for the write lock
            raise Busy(busy_message(sqlite_path(engine))) from None
        raise


class Busy(UserError):
    """Another process held the database's write lock for longer than a write waits."""


def _locked(exc: BaseException | None) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and str(exc).startswith("database is locked")


def busy_message(path: Path | None) -> str:
    """The database is busy, and what holds it when a long write left a note (`writing`)."""
    holder = _holder(path) if path is not None else None
    return f"the database is busy: another process is writing ({holder or 'an import?'}); try again"


def writer(engine: Engine) -> str | None:
    """What holds the database's write lock for a long while, when it left a note
    (`writing`): "an import of big.csv, process 123"; else None."""
    path = sqlite_path(engine)
    return _holder(path) if path is not None else None


def _note(path: Path) -> Path:
    return path.with_name(f".{path.name}.tracker-writer")


@contextmanager
def writing(engine: Engine, what: str) -> Iterator[None]:
    """While a long write runs ("an import of big.csv"), a note next to the SQLite file says
    so, for another writer kept waiting to name it (`busy_message`)."""
    path = sqlite_path(engine)
    note = _note(path) if path is not None else None
    if note is not None:
        try:
            note.unlink(missing_ok=True)
            fd = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n{what}\n")
        except OSError:
            note = None
    try:
        yield
    finally:
        if note is not None and _holder_pid(note) == os.getpid():
            note.unlink(missing_ok=True)


def _holder_pid(note: Path) -> int | None:
    try:
        first = note.read_text(encoding="utf-8").split("\n", 1)[0]
    except (OSError, ValueError):
        return None
    return int(first) if first.isdigit() else None


def _holder(path: Path) -> str | None:
    note = _note(path)
    pid = _holder_pid(note)
    if pid is None or not process_alive(pid):
        return None
    try:
        what = note.read_text(encoding="utf-8").split("\n")[1].strip()
    except (OSError, ValueError, IndexError):
        return None
    return f"{what}, process {pid}" if what else f"process {pid}"


@contextmanager
def _foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite's foreign key checks off for this connection's next transaction.

    The setting can only change outside a transaction: it is set on the driver's connection
    before the session begins one, and put back after the commit or rollback, before the
    connection goes back to the pool. SQLite then stops looking up each new row's parents
    (about a third of the time a big import spends inserting participants and tags); what
    is stored stays the same.
    """
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


INTERRUPT_STEPS = 20_000  # about a millisecond of SQLite's work


@contextmanager
def interruptible(
    session: Session, stop: Callable[[], bool], every: int = 20_000
) -> Iterator[None]:
    """Let a long read be abandoned: on SQLite the statement running when `stop()` turns
    true is interrupted (every `every` virtual-machine steps it is asked) and Cancelled is
    raised. Elsewhere the read simply runs to its end."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    every = INTERRUPT_STEPS
    raw.set_progress_handler(lambda: 1 if stop() else 0, every)
    try:
        yield
    except (OperationalError, sqlite3.OperationalError):  # through SQLAlchemy or straight
        if stop():
            raise Cancelled from None
        raise
    finally:
        raw.set_progress_handler(None, every)


def _url_problem(exc: ValueError) -> str:
    text = " ".join(str(exc).split())
    if "int()" in text:  # urllib's or SQLAlchemy's reading of the port
        return "its port is not a number"
    return text[:200]


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    """The file behind a SQLite engine, or None for memory and other databases."""
    if not is_sqlite(engine):
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()
