"""What every service shares: the engine, the clock, the settings and date reading."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tracker import dates
from tracker.clock import Clock
from tracker.domain import Precision, When
from tracker.errors import UserError
from tracker.settings import Settings
from tracker.storage.engine import sqlite_path, transaction

if TYPE_CHECKING:
    from tracker.services.timeline import VersionWatch


class WriteCount:
    """How many write transactions this process has run: cached reads compare it."""

    def __init__(self) -> None:
        self.value = 0


@dataclass(frozen=True)
class Context:
    engine: Engine
    clock: Clock
    settings: Settings
    writes: WriteCount = field(default_factory=WriteCount, compare=False, repr=False)

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
    def write(self) -> Iterator[Session]:
        try:
            with transaction(self.engine, write=True) as session:
                yield session
        finally:
            self.writes.value += 1

    def today(self) -> dt.date:
        return self.clock.today()

    def parse_when(self, text: str, until: str | None = None) -> When:
        """Read a fuzzy date (and an optional end) the way the user configured."""
        try:
            when = dates.parse_when(
                text,
                today=self.today(),
                order=self.settings.date_order,
                local_tz=self.settings.local_tz,
            )
            if until:
                last = dates.parse_when(
                    until,
                    today=self.today(),
                    order=self.settings.date_order,
                    local_tz=self.settings.local_tz,
                )
                when = dates.span(when, last, order=self.settings.date_order)
        except dates.DateParseError as exc:
            raise UserError(str(exc)) from None
        return when

    def parse_day_bound(self, text: str, *, end: bool) -> dt.date:
        """A filter bound: `--from Q2 2022` starts on April 1, `--to Q2 2022` ends June 30."""
        when = self.parse_when(text)
        return when.end if end else when.start

    def rebuild(
        self,
        start: dt.date,
        end: dt.date,
        precision: Precision,
        start_at: dt.datetime | None = None,
        end_at: dt.datetime | None = None,
        tz: str | None = None,
    ) -> When:
        return dates.rebuild(
            start, end, precision, start_at, end_at, tz, order=self.settings.date_order
        )
