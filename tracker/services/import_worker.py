"""A big CSV import on a SQLite file, read in one process while another writes.

Reading and checking the rows and deciding each one (`BulkImport`) is Python's work; the
writing is mostly SQLite's. On one process they take turns. Here a second process (the
worker) reads the file a chunk at a time, decides the rows and binds their values, and
sends each chunk's INSERT statements with their rows to this one, which runs them in its
write transaction as they come, while the worker goes on with the next chunk.

Still one transaction: this process begins it (IMMEDIATE, holding the write lock) before
the worker starts, and commits only after the worker has said it is done. The worker only
reads, in a transaction of its own that begins after this one's: in WAL mode it sees the
database as it was when the import began, which is what the decisions are made against in
one process too (the rows decided earlier in the import are known to it in memory, as
they are there). Any bad row: the worker reports every one and this transaction is rolled
back, so nothing is written.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from tracker.clock import Clock
from tracker.services import bulk_import, import_start
from tracker.services.context import Context
from tracker.settings import Settings
from tracker.storage.engine import make_engine, sqlite_path

if TYPE_CHECKING:
    from tracker.services.transfer import ImportReport, RowProblem

WORKER_FROM_BYTES = import_start.WORKER_FROM_BYTES  # smaller files: read in this process
CHUNK_ROWS = 2_500  # records the worker reads and decides before sending their rows
FIRST_CHUNK_ROWS = 1_000  # a smaller first chunk: the writing starts sooner
TEXT_INDEX_EVERY = 20_000  # new events whose text is indexed in one statement
INDEXES_BEFORE_END = 20_000  # from this many events before the expected end, each chunk
# that comes builds one of the indexes set aside (see `_Writer`)


def wanted(ctx: Context, path: Path) -> bool:
    """Whether to import `path` with a worker: a big file, into a SQLite file in WAL mode
    (the worker reads while this process writes), the driver path on, a clock that can
    be handed to another process."""
    if not bulk_import.SQLITE_DRIVER or sqlite_path(ctx.engine) is None:
        return False
    try:
        if path.expanduser().stat().st_size < WORKER_FROM_BYTES:
            return False
        pickle.dumps((ctx.clock, ctx.settings))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return False  # the reading in this process reports what is wrong with the file
    with ctx.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        connection.rollback()
    return str(mode).lower() == "wal"


@dataclass(frozen=True)
class _Job:
    settings: Settings
    clock: Clock
    path: Path
    columns: dict[str, str] | None
    chunk_rows: int = CHUNK_ROWS  # as this process has them (the worker's module is fresh)
    first_chunk_rows: int = FIRST_CHUNK_ROWS


def load(
    ctx: Context,
    session: Session,
    path: Path,
    columns: dict[str, str] | None,
    report: ImportReport,
) -> None:
    """Import `path` in `session`'s write transaction (see the module docstring); fills
    `report`, raises ImportRejected (every bad row, nothing written) or the worker's error."""
    from tracker.services.transfer import ImportRejected

    connection = session.connection()  # BEGIN IMMEDIATE: the worker's snapshot comes after
    # The process the command started as it began (see import_start), or a new one.
    worker = import_start.take(path) or import_start.start()
    receiving = worker.receiving
    try:
        worker.jobs.send(_Job(ctx.settings, ctx.clock, path, columns, CHUNK_ROWS, FIRST_CHUNK_ROWS))
        with (
            bulk_import._page_cache(connection, bulk_import.LOAD_CACHE_KIB),
            contextlib.ExitStack() as stack,  # on success the remaining indexes are built
        ):
            writer = _Writer(connection, stack)
            for message in _messages(receiving):
                if message[0] == "load":
                    _, expected, statements = message
                    writer.load(expected, statements)
                    continue
                _, done, problems = message
                if problems:
                    raise ImportRejected(sorted(problems, key=lambda p: p.line))
                writer.finish()
                for name in ("rows", "added", "skipped", "follow_ups"):
                    setattr(report, name, getattr(done, name))
                report.created_stakeholders[:] = done.created_stakeholders
    finally:
        worker.stop()


def _messages(receiving: Pipe) -> Iterator[tuple[Any, ...]]:
    """The worker's messages up to its last ("done"); its failure raised here."""
    while True:
        try:
            message = receiving.recv()
        except EOFError:
            raise RuntimeError("the CSV import's reading process stopped unexpectedly") from None
        if message[0] == "failed":
            raise message[1]
        yield message
        if message[0] == "done":
            return


class _Writer:
    """This process's share: the worker's statements run in order, the new events' text
    indexed every TEXT_INDEX_EVERY of them (as `_SqliteStore.write` does for a whole load,
    the indexes set aside until the end when the import is big; see `_Indexing`).

    FTS5 writes out what one statement indexed as a segment of its own, and more segments
    mean more merging, so the text goes in big batches; but whatever is left when the last
    chunk arrives is indexed after it, while nothing else runs. So within TEXT_INDEX_EVERY
    of the events the first chunk led to expect, it goes in batches of a quarter of that.
    Likewise the indexes set aside: within INDEXES_BEFORE_END of the expected end, each
    chunk that comes builds one of them (a short step: the worker's next chunk still fits
    in the pipe meanwhile), and the rows after it keep it up."""

    def __init__(self, connection: Connection, stack: contextlib.ExitStack) -> None:
        self.connection = connection
        self.stack = stack  # where the indexing is entered, once the first chunk tells
        self.indexing: bulk_import._Indexing | None = None
        self.new_ids: list[int] = []
        self.loaded = 0  # new events so far

    def load(self, expected: int, load: bulk_import.Load) -> None:
        statements, new_ids = load
        if self.indexing is None:  # the first chunk's estimate of the file's new events
            # The big tables' indexes are built after the load. Tags' and follow-ups' are
            # kept up as the rows come: this process has time to spare while the worker
            # reads, and none once the last chunk is in.
            tables = [table.name for table in (bulk_import._E, bulk_import._P)]
            indexing = bulk_import._Indexing(self.connection, expected, tables)
            self.indexing = self.stack.enter_context(indexing)
        for bound in statements:
            bulk_import.execute(self.connection, bound)
        self.new_ids += new_ids
        self.loaded += len(new_ids)
        # Near the end, the text is indexed in smaller batches: less is left for after.
        near_end = self.loaded >= expected - TEXT_INDEX_EVERY
        if len(self.new_ids) >= (TEXT_INDEX_EVERY // 4 if near_end else TEXT_INDEX_EVERY):
            self.indexing.index_text(self.new_ids)
            self.new_ids = []
        if self.loaded >= expected - INDEXES_BEFORE_END:
            self.indexing.build_one()

    def finish(self) -> None:
        if self.indexing is not None:
            self.indexing.after_events(self.new_ids)
            self.new_ids = []


def _work(sending: Pipe, job: _Job) -> None:
    """The worker process: read, check and decide the file's rows a chunk at a time and
    send their statements; then ("done", report, problems), or ("failed", error)."""
    from tracker.services.transfer import ImportReport, _RowReader

    gc.disable()  # as in `_cycle_collection_paused`: millions of objects, no cycles
    ctx = Context(engine=make_engine(job.settings.db_url), clock=job.clock, settings=job.settings)
    problems: list[RowProblem] = []
    report = ImportReport()
    try:
        with ctx.read() as session:
            reader = _RowReader(ctx)
            size = max(job.path.expanduser().stat().st_size, 1)
            expected = 0

            def send(load: bulk_import.Load) -> None:
                if not problems:  # once a row is bad nothing will be written
                    sending.send(("load", expected, load))

            bulk = bulk_import.BulkImport(session, report, problems, reader.due, sink=send)
            for rows, found in reader.chunks(
                job.path, job.columns, job.chunk_rows, job.first_chunk_rows
            ):
                if not expected:
                    read = len(rows) + len(found)
                    expected = read * size // max(reader.bytes_read, 1)
                report.rows += len(rows)
                problems += found
                bulk.run(rows)
        sending.send(("done", report, problems))
    except BaseException as exc:  # handed to the writing process, raised there
        with contextlib.suppress(OSError):  # the writing process may have stopped already
            try:
                sending.send(("failed", exc))
            except (pickle.PicklingError, TypeError, AttributeError):  # its text, then
                sending.send(("failed", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        sending.close()
        ctx.engine.dispose()
