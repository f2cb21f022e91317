"""The pieces every part of the date language shares: errors, intervals, names, builders."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal, NamedTuple

from dateutil.relativedelta import relativedelta

from tracker.domain import Precision

DateOrder = Literal["mdy", "dmy"]


EXAMPLES = 'expected e.g. "May 13, 2022", "late May 2022", "Q2 2022"'


TWO_DIGIT_HORIZON = 10  # a two-digit year never lands more than this many years after today


NEARBY_YEARS = 4  # how far a yearless "May 13" or "Feb 29" may be placed from today's year


MONTH_NAMES = (  # not calendar.month_name, which follows the process locale
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


MONTH_ABBRS = tuple(name[:3] for name in MONTH_NAMES)


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DateParseError(ValueError):
    """Text the tracker cannot read as a date; the one-line message names the input."""

    def __init__(self, text: str, reason: str = EXAMPLES) -> None:
        self.text = " ".join(text.split())
        self.reason = reason
        super().__init__(f'cannot read "{self.text}" as a date: {reason}')


class Invalid(Exception):
    """A recognised shape holding impossible values; the message becomes the error's reason."""


# Context, Interval and DaySpec are made for every text read: a plain slotted class and named
# tuples cost a third of frozen dataclasses to build.


@dataclass(slots=True)
class Context:
    """What a text is read against; not changed once made."""

    today: date
    order: DateOrder
    local_tz: tzinfo
    fiscal_start: int = 10  # the month a fiscal year starts in (US federal: October)


class Interval(NamedTuple):
    """A parsed interval before it gets its label."""

    start: date
    end: date
    precision: Precision
    start_at: datetime | None = None
    tz: str | None = None
    end_at: datetime | None = None  # a time range's end; None for one instant


@dataclass(frozen=True, slots=True)
class Yearless:
    """An expression written without a year ("late May"): its interval in a given year."""

    build: Callable[[int], Interval | None]


Parsed = Interval | Yearless


class DaySpec(NamedTuple):
    """A calendar day as written: maybe without its year, maybe with a weekday to check."""

    month: int
    day: int
    year: int | None = None
    weekday: int | None = None

    def in_year(self, year: int) -> date | None:
        try:
            day = date(year, self.month, self.day)
        except ValueError:
            return None
        return day if self.weekday in (None, day.weekday()) else None


class Lazy:
    """A regular expression compiled when first used: most runs read no date, or one or two
    forms, and compiling all of them took a few milliseconds of every start."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    def _pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return self._compiled

    def fullmatch(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self._pattern().fullmatch(text, pos)

    def search(self, text: str) -> re.Match[str] | None:
        return self._pattern().search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._pattern().finditer(text)


def month_number(name: str) -> int:
    return MONTH_ABBRS.index(name[:3].title()) + 1


def written_year(text: str | None, context: Context) -> int | None:
    """A written year; two digits land in the 100 years ending 10 years after today."""
    if text is None:
        return None
    digits = text.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    latest = context.today.year + TWO_DIGIT_HORIZON
    return latest - (latest - int(digits)) % 100


def checked_year(year: int | None) -> int:
    if year is None or not 1 <= year <= 9999:
        raise Invalid(f"year {year} is out of range")
    return year


def check_day(year: int | None, month: int, day: int) -> None:
    if not 1 <= month <= 12:
        raise Invalid(f"month {month} does not exist")
    if year is None:
        last = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    else:
        last = calendar.monthrange(checked_year(year), month)[1]
    if not 1 <= day <= last:
        where = MONTH_NAMES[month - 1] if year is None else f"{MONTH_NAMES[month - 1]} {year}"
        raise Invalid(f"{where} has no day {day}")


MONTHLY = frozenset({Precision.MONTH, Precision.MONTHS, Precision.QUARTER, Precision.YEAR})


def merge_ends(start: date, end: date, first: Precision, last: Precision) -> Interval:
    """Whole months when both ends are whole months, else days."""
    if first in MONTHLY and last in MONTHLY:
        one_month = (start.year, start.month) == (end.year, end.month)
        return Interval(start, end, Precision.MONTH if one_month else Precision.MONTHS)
    return days_interval(start, end)


def days_interval(start: date, end: date) -> Interval:
    return Interval(start, end, Precision.DAY if start == end else Precision.DAYS)


def week_interval(day: date) -> Interval:
    monday = day - timedelta(days=day.weekday())
    return Interval(monday, monday + timedelta(days=6), Precision.WEEK)


def part_interval(year: int, month: int, part: str) -> Interval:
    last = calendar.monthrange(year, month)[1]
    first_day, last_day = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}[part]
    return Interval(
        date(year, month, first_day), date(year, month, last_day), Precision.PART_OF_MONTH
    )


def month_interval(year: int, month: int) -> Interval:
    last = calendar.monthrange(year, month)[1]
    return Interval(date(year, month, 1), date(year, month, last), Precision.MONTH)


def quarter_interval(year: int, quarter: int) -> Interval:
    first, last = 3 * quarter - 2, 3 * quarter
    end = date(year, last, calendar.monthrange(year, last)[1])
    return Interval(date(year, first, 1), end, Precision.QUARTER)


def year_interval(year: int) -> Interval:
    return Interval(date(year, 1, 1), date(year, 12, 31), Precision.YEAR)


def months_interval(year: int, month: int, count: int) -> Interval:
    """`count` whole months from `month` of `year` (a fiscal year, a season, a part of a year)."""
    first = date(year, 1, 1) + relativedelta(months=month - 1)
    last = first + relativedelta(months=count - 1)
    end = date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
    return Interval(first, end, Precision.MONTH if count == 1 else Precision.MONTHS)
