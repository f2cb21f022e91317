"""What every service shares: the engine, the clock, the settings and date reading."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tracker.services.reading import DateReader
from tracker.storage.engine import sqlite_path, transaction

if TYPE_CHECKING:
    from tracker.services.timeline import VersionWatch


class WriteCount:
    """How many write transactions this process has run: cached reads compare it."""

    def __init__(self) -> None:
        self.value = 0


@dataclass(frozen=True, kw_only=True)
class Context(DateReader):
    """The engine with the date reading every service shares."""

    engine: Engine
    writes: WriteCount = field(default_factory=WriteCount, compare=False, repr=False)
    # Called after each write transaction commits (see `tracker.services.changes`).
    after_write: list[Callable[[], None]] = field(default_factory=list, compare=False, repr=False)

    @functools.cached_property
    def versions(self) -> VersionWatch | None:
        """What tells cached reads that the data changed (SQLite files only)."""
        from tracker.services.timeline import VersionWatch

        path = sqlite_path(self.engine)
        return VersionWatch(path) if path is not None else None

    def close(self) -> None:
        if "versions" in self.__dict__ and self.versions is not None:
            self.versions.close()
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with transaction(self.engine, write=False) as session:
            yield session

    @contextmanager
    def write(self, *, foreign_keys: bool = True) -> Iterator[Session]:
        """A write transaction (`foreign_keys=False`: see `transaction`)."""
        try:
            with transaction(self.engine, write=True, foreign_keys=foreign_keys) as session:
                yield session
        finally:
            self.writes.value += 1
        for hook in self.after_write:  # committed (a failed write raised above)
            with contextlib.suppress(Exception):  # what was written stays written
                hook()
