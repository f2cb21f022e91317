"""Starting a big CSV import's reading process (`import_worker`) as the command begins.

A fresh interpreter spends about half a second importing what the reading needs
(SQLAlchemy, the models, the services), and this process spends as long importing the same
before it can begin the import's transaction. Started first, the reading process imports
while this one does, on the other core; it then waits for its job, which
`import_worker.load` sends once the transaction has begun. If the import does not want it
after all (`import_worker.wanted`: not a SQLite file in WAL mode, say), it is stopped
unused.

This module imports only the standard library: importing it costs nothing that the command
would otherwise pay later.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection as Pipe
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

WORKER_FROM_BYTES = 4 * 1024 * 1024  # smaller files: read in the importing process
PIPE_BYTES = 1024 * 1024  # what the worker's pipe holds (as much as Linux lets anyone ask)


@dataclass
class Worker:
    """A started reading process: `jobs` takes its one job, `receiving` gives its messages."""

    process: BaseProcess
    jobs: Pipe
    receiving: Pipe

    def stop(self) -> None:
        """Close both ends (a worker waiting for its job ends at that) and wait for it."""
        self.jobs.close()
        self.receiving.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


def start() -> Worker:
    """A new reading process: it imports its modules, then waits for its job."""
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no SQLite state forked
    receiving, sending = spawn.Pipe(duplex=False)
    _widen(sending)
    take_job, jobs = spawn.Pipe(duplex=False)
    process = spawn.Process(
        target=_serve, args=(take_job, sending), name="tracker-import-reader", daemon=True
    )
    process.start()
    sending.close()
    take_job.close()
    return Worker(process, jobs, receiving)


def _widen(pipe: Pipe) -> None:
    """Let the pipe hold a whole message (`import_worker.CHUNK_ROWS` rows, about 1 MB),
    where the system allows (Linux; 64 KB otherwise): the worker then goes on with its next
    chunk while this process is still busy in SQLite, rather than waiting for it to read."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


_early: tuple[Path, Worker] | None = None


def start_early(path: Path, db_url: str) -> None:
    """Start the reading process for importing `path` into `db_url` now, if the import is
    likely to want one: a big file into a SQLite file."""
    global _early
    discard()
    if not db_url.startswith("sqlite") or ":memory:" in db_url or "mode=memory" in db_url:
        return
    try:
        if path.expanduser().stat().st_size < WORKER_FROM_BYTES:
            return
    except OSError:
        return  # the import reports what is wrong with the file
    _early = (path, start())


def take(path: Path) -> Worker | None:
    """The process started early for importing `path`, now the caller's to use and stop."""
    global _early
    if _early is None or _early[0] != path:
        return None
    worker = _early[1]
    _early = None
    return worker


def discard() -> None:
    """Stop a process started early that no import took."""
    global _early
    if _early is not None:
        worker = _early[1]
        _early = None
        worker.stop()


def _serve(take_job: Pipe, sending: Pipe) -> None:
    """The reading process: import while the job is being prepared, then do it (or end
    unused when the job's pipe closes)."""
    # No cyclic collection from here on, imports included: they are on the import's
    # critical path (this process only starts reading once they are done), and what they
    # and the reading build lives until the process ends (see `import_worker._work`).
    gc.disable()
    from tracker.services import import_worker, transfer  # noqa: F401 (imported meanwhile)

    try:
        job: Any = take_job.recv()
    except EOFError:  # not wanted after all
        sending.close()
        return
    finally:
        take_job.close()
    import_worker._work(sending, job)
    # Its last message sent and its pipe closed, the process has nothing left to do: it ends
    # here, without the interpreter's teardown (freeing the import's millions of objects one
    # by one, a fifth of a second that the importing process would wait for).
    os._exit(0)
