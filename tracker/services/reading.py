"""Reading dates the way the user configured them: today, fuzzy dates, filter bounds, labels.

Light on purpose (no SQLAlchemy): `tracker.services.quick` reads with it as the services do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker import dates
from tracker.clock import Clock
from tracker.domain import Precision, When
from tracker.errors import UserError
from tracker.settings import Settings


@dataclass(frozen=True)
class DateReader:
    """Dates as the user writes them, read by this clock and these settings."""

    clock: Clock
    settings: Settings

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
                fiscal_start=self.settings.fiscal_start,
            )
            if until:
                last = dates.parse_when(
                    until,
                    today=self.today(),
                    order=self.settings.date_order,
                    local_tz=self.settings.local_tz,
                    fiscal_start=self.settings.fiscal_start,
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
