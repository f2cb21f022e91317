"""The one place that asks what time it is; tests pass a fixed clock instead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware (UTC)."""
        ...

    def today(self) -> dt.date:
        """Today's date in the user's zone."""
        ...


@dataclass(frozen=True)
class SystemClock:
    """The computer's clock; `tz` is the zone whose calendar says what today is."""

    tz: dt.tzinfo = dt.UTC

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        return dt.datetime.now(self.tz).date()


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped at one instant (tests, demos, `TRACKER_TODAY`)."""

    instant: dt.datetime

    def now(self) -> dt.datetime:
        return self.instant.astimezone(dt.UTC)

    def today(self) -> dt.date:
        return self.instant.date()

    @classmethod
    def on(cls, day: dt.date) -> FixedClock:
        return cls(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC))


def clock_for(today: dt.date | None, tz: dt.tzinfo) -> Clock:
    """The clock a run uses: fixed on `today` when one is set (TRACKER_TODAY), else the
    system's, with days in the user's zone."""
    return FixedClock.on(today) if today else SystemClock(tz)
