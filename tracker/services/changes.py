"""Whether someone else changed the data: a cheap token the app polls to refresh its screen.

`ChangeService.version()` returns a number that changes when another process (the CLI, a
second app, a colleague on the same database) commits, and not when this process's own
writes do (the app reloads after those by itself): each of this process's writes records,
right after its commit, the database's version as it then is (`Context.write`), and a
version equal to that one is this process's own.

SQLite: `PRAGMA data_version` on a connection that never writes (one pragma, no I/O beyond
the file's header). PostgreSQL: the snapshot's xmax (the next transaction id to be
assigned), which only advances when some transaction writes; a commit elsewhere on the
same server can give a refresh that was not needed, never a missed one.
"""

from __future__ import annotations

import threading

from sqlalchemy import text

from tracker.services.context import Context

_PG_VERSION = text("SELECT txid_snapshot_xmax(txid_current_snapshot())")


class ChangeService:
    """The token that tells an open screen to read its data again."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._last: int | None = None
        self._external = 0
        ctx.after_write.append(self._own_write)

    def current(self) -> int | None:
        """The database's change marker now (None: this database has none)."""
        watch = self.ctx.versions
        if watch is not None:
            return watch.value()
        if self.ctx.engine.dialect.name == "postgresql":
            with self.ctx.engine.connect() as connection:
                value = connection.execute(_PG_VERSION).scalar()
                return int(value) if value is not None else None
        return None

    def writer(self) -> str | None:
        """What another process is writing for a long while, when it said so (a CLI import
        leaves a note: "an import of big.csv, process 123"); else None."""
        from tracker.storage.engine import writer

        return writer(self.ctx.engine)

    def _own_write(self) -> None:
        """This process committed: the marker as it is now is ours (the app reloads after
        its own writes; a commit of another's that slipped in between is read by that
        reload too). Nothing to do until someone polls (the CLI never does)."""
        if self._last is None:
            return
        marker = self.current()
        with self._lock:
            self._last = marker

    def version(self) -> int:
        """How many times the data was seen changed by someone else since this started
        (cheap: call it from a worker thread every second or so)."""
        marker = self.current()
        with self._lock:
            if self._last is not None and marker != self._last:
                self._external += 1
            self._last = marker
            return self._external
