"""Read, label, preview and compare the fuzzy dates staffers type ("late May 2022", "Q2", "+2w")."""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta

from tracker.domain import Precision, When

__all__ = [
    "DateOrder",
    "DateParseError",
    "at_own_offset",
    "describe",
    "is_past",
    "overlaps",
    "parse_when",
    "rebuild",
    "span",
    "stored_cells",
    "to_json",
]

DateOrder = Literal["mdy", "dmy"]

# What a date field takes, for people (the help screen lists it): an example and what it means.
VOCABULARY: tuple[tuple[str, str], ...] = (
    ("May 13, 2022 · 2022-05-13", "that day"),
    ("May 13, 2022 2:30pm", "an instant, in your zone unless one is given"),
    ("late May 2022 · early May · mid-May", "21–31, 1–10, 11–20 May"),
    ("May 2022 · Q2 2022 · 2022", "the month, quarter, year"),
    ("June 6-10, 2022 · Oct 2021 - Apr 2022", "a range"),
    ("today · in 3 days · +2w · this week · last year", "relative to today"),
    ("May (no year)", "its nearest occurrence"),
)

_EXAMPLES = 'expected e.g. "May 13, 2022", "late May 2022", "Q2 2022"'
_TWO_DIGIT_HORIZON = 20  # a two-digit year never lands more than this many years after today
_NEARBY_YEARS = 4  # how far a yearless "May 13" or "Feb 29" may be placed from today's year

_MONTHS = (  # not calendar.month_name, which follows the process locale
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ABBRS = tuple(name[:3] for name in _MONTHS)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DateParseError(ValueError):
    """Text the tracker cannot read as a date; the one-line message names the input."""

    def __init__(self, text: str, reason: str = _EXAMPLES) -> None:
        self.text = " ".join(text.split())
        self.reason = reason
        super().__init__(f'cannot read "{self.text}" as a date: {reason}')


class _Invalid(Exception):
    """A recognised shape holding impossible values; the message becomes the error's reason."""


@dataclass(frozen=True, slots=True)
class _Context:
    today: date
    order: DateOrder
    local_tz: tzinfo


@dataclass(frozen=True, slots=True)
class _Interval:
    """A parsed interval before it gets its label."""

    start: date
    end: date
    precision: Precision
    start_at: datetime | None = None
    tz: str | None = None


@dataclass(frozen=True, slots=True)
class _Yearless:
    """An expression written without a year ("late May"): its interval in a given year."""

    build: Callable[[int], _Interval | None]


_Parsed = _Interval | _Yearless


@dataclass(frozen=True, slots=True)
class _DaySpec:
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


# --- the grammar, over normalized text (lower case, single spaces, "-" for every dash) ---


class _Lazy:
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

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._pattern().finditer(text)


_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_DAY = r"(?P<day>\d{1,2})" + _ORD
_YEAR = r"(?P<year>\d{4}|'\d{2})"  # standing alone or after a month: "2022", "May '22"
_OPT_YEAR = r"(?:,? " + _YEAR + r")?"
_DAY_YEAR = r"(?:,? (?P<year>\d{4}|'?\d{2}))?"  # after a day: "May 13, 2022", "May 13, 22"
_WEEKDAY = (
    r"(?P<wd>monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu"
    r"|friday|fri|saturday|sat|sunday|sun)"
)
_WD_PREFIX = r"(?:" + _WEEKDAY + r"\.?,? )?"
_SEP = r"(?: ?- ?| ?\.\. ?| to | through | thru | until | till )"

_ISO_DAY = _Lazy(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
_TEXT_MDY = _Lazy(_WD_PREFIX + _MON + " " + _DAY + _DAY_YEAR)
_TEXT_DMY = _Lazy(_WD_PREFIX + r"(?:the )?" + _DAY + r" (?:of )?" + _MON + _DAY_YEAR)
_NUMERIC = _Lazy(_WD_PREFIX + r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?")
_RELATIVE_WEEKDAY = _Lazy(r"(?:(?P<which>this|next|last) )?" + _WEEKDAY)
_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}

_TIME_SEP = _Lazy(r",? at |,? |t")
_ZONE = r"(?P<zone>z|utc|gmt|[+-]\d{1,2}(?::?\d{2}(?::\d{2})?)?)"
_TIME = _Lazy(
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::00)?)?(?: ?(?P<ampm>[ap])\.?m\.?)?"
    r"(?: ?" + _ZONE + r")?"
)
_OFFSET = _Lazy(r"(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2})(?::(?P<s>\d{2}))?)?")

_WEEK_OF = _Lazy(r"(?:the )?week of (?P<day>.+)")
_ISO_WEEK = _Lazy(r"(?P<year>\d{4})-?w(?P<week>\d{1,2})")
_PART = _Lazy(
    r"(?:the )?(?:(?P<part>early|mid|late)[- ]?|(?P<of>beginning|start|middle|end) of )"
    + _MON
    + _OPT_YEAR
)
_PART_OF = {"beginning": "early", "start": "early", "middle": "mid", "end": "late"}
_MONTH = _Lazy(_MON + _OPT_YEAR)
_ISO_MONTH = _Lazy(r"(?P<year>\d{4})-(?P<month>\d{1,2})")
_NUMERIC_MONTH = _Lazy(r"(?P<month>\d{1,2})/(?P<year>\d{4})")
_QUARTER = (_Lazy(r"q(?P<q>\d+)" + _OPT_YEAR), _Lazy(_YEAR + r"[ -]?q(?P<q>\d+)"))
_HALF = (
    _Lazy(r"h(?P<h>[12])" + _OPT_YEAR),
    _Lazy(_YEAR + r"[ -]?h(?P<h>[12])"),
    _Lazy(r"(?:the )?(?P<h>first|second|1st|2nd) half(?: of)?" + _OPT_YEAR),
)
_YEAR_ONLY = _Lazy(_YEAR)

_IN = _Lazy(r"in (?P<n>\d+|an?|one) (?P<unit>day|week|month|year)s?")
_AGO = _Lazy(r"(?P<n>\d+|an?|one) (?P<unit>day|week|month|year)s? ago")
_SHORT = _Lazy(r"(?P<sign>[+-]) ?(?P<n>\d+) ?(?P<unit>d|w|m|y|days?|weeks?|months?|years?)")
_THIS = _Lazy(r"(?P<which>this|next|last) (?P<unit>week|month|quarter|year)")
_THIS_UNKNOWN = _Lazy(r"(?P<which>this|next|last) (?P<word>.+)")
_STEP = {"this": 0, "next": 1, "last": -1}

_COMPACT_MDY = _Lazy(
    _MON + r" (?P<d1>\d{1,2})" + _ORD + _SEP + r"(?P<d2>\d{1,2})" + _ORD + _DAY_YEAR
)
_COMPACT_DMY = _Lazy(
    r"(?P<d1>\d{1,2})" + _ORD + _SEP + r"(?P<d2>\d{1,2})" + _ORD + r" (?:of )?" + _MON + _DAY_YEAR
)
_RANGE_SEP = _Lazy(_SEP)
_BETWEEN_SEP = _Lazy(r" and ")

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


def parse_when(text: str, *, today: date, order: DateOrder = "mdy", local_tz: tzinfo = UTC) -> When:
    """Read `text` as an interval of inclusive dates with a precision and a canonical label.

    Understood (case-insensitive, extra spaces and a trailing period ignored):
    exact days ("May 13, 2022", "13th of May 2022", "Sept. 30, 2021", "2022-05-13", "5/13/2022"),
    times ("May 13, 2022 at 2:30 PM", "2022-05-13T14:30-04:00"), months and parts of months
    ("May 2022", "2022-05", "early/mid/late May 2022", "end of May 2022"), quarters and halves
    ("Q2 2022", "2022 Q2", "H1 2022"), years, weeks ("week of May 9, 2022", "2022-W19"),
    ranges ("June 6-10, 2022", "May 30 - June 2, 2022", "2022-06-06..2022-06-10",
    "Oct 2021 - Apr 2022", "from May 1 to May 3, 2022"), relative forms ("today", "in 3 days",
    "2 months ago", "+2w", "-3d", "next week", "last month", "this quarter", "next tuesday")
    and "by X", which means X.

    Numeric days follow `order` ("mdy": 5/13/2022, "dmy": 13/5/2022) and are never read the
    other way round; ISO dates are always year-month-day. A day, month or part of a month
    written without a year is its occurrence nearest to `today` (a tie goes to the future).
    A two-digit year ("5/13/22", "May 13, 22", "'22") is placed in the 100-year window that
    ends 20 years after today: with today in 2026, "22" is 2022, "46" is 2046, "99" is 1999.
    A time without a zone is in `local_tz`; its `tz` is then the zone's IANA key ("UTC" for
    UTC) or, for other zones, its offset. Raises DateParseError naming `text` otherwise.
    """
    if isinstance(today, datetime):
        today = today.date()
    context = _Context(today, order, local_tz)
    normalized = _normalize(text)
    if normalized.startswith("by "):
        normalized = normalized[3:]
    try:
        found = _parse(normalized, context)
    except _Invalid as exc:
        raise DateParseError(text, str(exc)) from None
    except OverflowError:  # a relative date past year 1 or 9999 ("tomorrow" on 9999-12-31)
        raise DateParseError(text, "that is out of range") from None
    if found is None:
        raise DateParseError(text)
    return _finish(found, order)


def span(first: When, last: When, *, order: DateOrder = "mdy") -> When:
    """The interval from the start of `first` to the end of `last` (`--when W --until W2`)."""
    if last.end < first.start:
        raise DateParseError(
            f"{first.label} until {last.label}", f"{last.label} is before {first.label}"
        )
    return _finish(_merge(first.start, last.end, first.precision, last.precision), order)


def rebuild(
    start: date,
    end: date,
    precision: Precision,
    start_at: datetime | None = None,
    end_at: datetime | None = None,
    tz: str | None = None,
    *,
    order: DateOrder = "mdy",
) -> When:
    """Reconstruct a When, label included, from stored columns (naive instants count as UTC).

    A one-day DAYS becomes DAY, a one-month MONTHS becomes MONTH, and MINUTE without an
    instant falls back to DAY/DAYS, so that every label reads back as what it describes.
    """
    precision = Precision(precision)
    if precision is Precision.MINUTE and start_at is None:
        precision = _days(start, end).precision
    if precision is Precision.MINUTE and start_at is not None:
        start_at = _as_utc(start_at)
        end_at = start_at if end_at is None else _as_utc(end_at)
    else:
        start_at = end_at = tz = None
    if precision is Precision.DAYS and start == end:
        precision = Precision.DAY
    if precision is Precision.MONTHS and (start.year, start.month) == (end.year, end.month):
        precision = Precision.MONTH
    label = _label(start, end, precision, start_at, tz, order)
    return When(start, end, precision, label, start_at, end_at, tz)


def at_own_offset(start_at: datetime, end_at: datetime, *, order: DateOrder = "mdy") -> When | None:
    """`rebuild(start_at.date(), end_at.date(), MINUTE, start_at, end_at, tz)` for a time
    written with its UTC offset, `tz` being that offset ("+02:00"), built straight from the
    written wall time; None unless the offset is whole minutes within 14 hours (the offsets
    a stored `tz` names as such), for `rebuild` to answer."""
    offset = start_at.utcoffset()
    if offset is None or offset.microseconds or offset.seconds % 60 or abs(offset) >= _MAX_OFFSET:
        return None
    tz = _offset_text(offset)
    if order == "dmy":
        clock = f"{start_at.hour:02d}:{start_at.minute:02d}"
    else:
        hour = start_at.hour
        clock = f"{hour % 12 or 12}:{start_at.minute:02d} {'AM' if hour < 12 else 'PM'}"
    day = start_at.date()
    return When(
        day,
        end_at.date(),
        Precision.MINUTE,
        f"{_long_day(day, order)} {clock} {tz}",
        start_at.astimezone(UTC),
        end_at.astimezone(UTC),
        tz,
    )


def at_local_time(start_at: datetime, local_tz: tzinfo, *, order: DateOrder = "mdy") -> When | None:
    """The time `start_at` (aware, a whole minute) as `parse_when` reads it written without
    a zone in `local_tz`: `rebuild` with the zone `parse_when` names for such a time. Where
    its label has no offset, `parse_when` of that label in `local_tz` gives this very When
    (the CSV import compares it with a label written so, rather than reading each one).
    None for a time with seconds, or at a wall time with seconds (a zone's local mean
    time), which no label carries."""
    wall = start_at.astimezone(local_tz)
    if start_at.second or start_at.microsecond or wall.second or wall.microsecond:
        return None
    zone = _local_zone_name(local_tz, wall.replace(fold=0))  # as `parse_when` places it
    at = start_at.astimezone(UTC)
    return rebuild(wall.date(), wall.date(), Precision.MINUTE, at, at, zone, order=order)


_MAX_OFFSET = timedelta(hours=15)  # "+14:59" is the furthest a stored offset reads back


def describe(when: When) -> str:
    """A compact, day-first preview of the concrete interval: "21–31 May 2022", "13 May 2022"."""
    if when.precision is Precision.MINUTE and when.start_at is not None:
        zone, _ = _zone(when.tz)
        local = _as_utc(when.start_at).astimezone(zone)
        offset = _offset_text(local.utcoffset()).replace("-", "\u2212")
        return f"{local.day} {_ABBRS[local.month - 1]} {local.year:04d} {local:%H:%M} {offset}"
    start, end = when.start, when.end
    end_text = f"{end.day} {_ABBRS[end.month - 1]} {end.year:04d}"
    if start == end:
        return end_text
    if start.year != end.year:
        return f"{start.day} {_ABBRS[start.month - 1]} {start.year:04d} – {end_text}"
    if start.month != end.month:
        return f"{start.day} {_ABBRS[start.month - 1]} – {end_text}"
    return f"{start.day}–{end_text}"


def to_json(when: When) -> dict[str, str]:
    """`{"start", "end", "precision", "label"}`; MINUTE bounds are ISO datetimes in their zone."""
    start, end = when.start.isoformat(), when.end.isoformat()
    if when.precision is Precision.MINUTE and when.start_at is not None:
        zone, _ = _zone(when.tz)
        start = _as_utc(when.start_at).astimezone(zone).isoformat()
        end = _as_utc(when.end_at or when.start_at).astimezone(zone).isoformat()
    return {"start": start, "end": end, "precision": when.precision.value, "label": when.label}


def stored_cells(
    start: date,
    end: date,
    precision: Precision | str,
    start_at: datetime | None = None,
    end_at: datetime | None = None,
    tz: str | None = None,
    *,
    order: DateOrder = "mdy",
) -> tuple[str, str, str, str]:
    """`start, end, label, precision` of `to_json(rebuild(...))` for stored columns.

    A time of day is one of a kind (nothing to reuse), so an export asks for thousands of
    them: those are written straight from the instant, without building the When.
    """
    if start_at is not None and precision in _MINUTE:
        zone, explicit = _zone(tz)
        start_at = _as_utc(start_at)
        local = start_at.astimezone(zone)
        first = local.isoformat()
        last = first if end_at is None else _as_utc(end_at).astimezone(zone).isoformat()
        label = _local_label(local, start_at, zone, explicit, order)
        return first, last, label, _MINUTE_TEXT
    when = rebuild(start, end, Precision(precision), order=order)
    return when.start.isoformat(), when.end.isoformat(), when.label, when.precision.value


_MINUTE_TEXT = Precision.MINUTE.value
_MINUTE = frozenset({Precision.MINUTE, _MINUTE_TEXT})


def overlaps(when: When, date_from: date | None, date_to: date | None) -> bool:
    """Whether the interval meets the inclusive window [date_from, date_to] (None: unbounded)."""
    return (date_from is None or when.end >= date_from) and (
        date_to is None or when.start <= date_to
    )


def is_past(when: When, today: date) -> bool:
    """Whether the whole interval is over by `today`."""
    return today > when.end


# --- parsing ---


def _normalize(text: str) -> str:
    text = text.translate(_DASHES).lower()
    text = re.sub(r"\s*,\s*", ", ", text)
    text = " ".join(text.split())
    return text.removesuffix(".").rstrip()


def _parse(text: str, context: _Context) -> _Interval | None:
    """A single expression if the whole text is one, else a range; the first problem wins."""
    problem: _Invalid | None = None
    try:
        single = _parse_single(text, context)
    except _Invalid as exc:
        single, problem = None, exc
    if single is not None:
        return _resolve(single, context.today)
    try:
        found = _read_range(text, context)
    except _Invalid as exc:
        raise (problem or exc) from None
    if found is None and problem is not None:
        raise problem
    return found


def _parse_single(text: str, context: _Context) -> _Parsed | None:
    for reader in _READERS:
        found = reader(text, context)
        if found is not None:
            return found
    return None


def _read_day(text: str, context: _Context) -> _Parsed | None:
    spec = _day_spec(text, context)
    if spec is None:
        return None
    return _place(spec, lambda day: _Interval(day, day, Precision.DAY))


def _read_time(text: str, context: _Context) -> _Parsed | None:
    found = _split_time(text, context)
    if found is None:
        return None
    spec, match = found
    hour, minute = _clock_time(match)
    written = match["zone"]
    zone = context.local_tz if written is None else _written_zone(written)

    def at(day: date) -> _Interval:
        wall = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        tz = _local_zone_name(zone, wall) if written is None else _offset_text(wall.utcoffset())
        return _Interval(day, day, Precision.MINUTE, wall.astimezone(UTC), tz)

    return _place(spec, at)


def _split_time(text: str, context: _Context) -> tuple[_DaySpec, re.Match[str]] | None:
    """A day followed by a time of day ("2:30 pm", "14:30", "14:30-04:00")."""
    for sep in _TIME_SEP.finditer(text):
        head, match = text[: sep.start()], _TIME.fullmatch(text, sep.end())
        if match is None or (sep.group() == "t" and not _ISO_DAY.fullmatch(head)):
            continue
        if match["minute"] is None and match["ampm"] is None:
            continue  # a bare number is not a time
        spec = _day_spec(head, context)
        if spec is not None:
            return spec, match
    return None


def _read_week(text: str, context: _Context) -> _Parsed | None:
    if match := _ISO_WEEK.fullmatch(text):
        year, week = int(match["year"]), int(match["week"])
        try:
            return _week(date.fromisocalendar(year, week, 1))
        except ValueError:
            raise _Invalid(f"{year} has no week {week}") from None
    if (match := _WEEK_OF.fullmatch(text)) and (spec := _day_spec(match["day"], context)):
        return _place(spec, _week)
    return None


def _read_part(text: str, context: _Context) -> _Parsed | None:
    if (match := _PART.fullmatch(text)) is None:
        return None
    part, month = match["part"] or _PART_OF[match["of"]], _month_number(match["mon"])
    return _at_year(_year(match["year"], context), lambda year: _part(year, month, part))


def _read_month(text: str, context: _Context) -> _Parsed | None:
    if match := _MONTH.fullmatch(text):
        month = _month_number(match["mon"])
        return _at_year(_year(match["year"], context), lambda year: _month(year, month))
    if match := _ISO_MONTH.fullmatch(text) or _NUMERIC_MONTH.fullmatch(text):
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise _Invalid(f"month {month} does not exist")
        return _at_year(_year(match["year"], context), lambda year: _month(year, month))
    return None


def _read_quarter(text: str, context: _Context) -> _Parsed | None:
    if (match := _first_match(_QUARTER, text)) is None:
        return None
    quarter = int(match["q"])
    if not 1 <= quarter <= 4:
        raise _Invalid(f"quarter {quarter} does not exist (Q1 to Q4)")
    return _at_year(_year(match["year"], context), lambda year: _quarter(year, quarter))


def _read_half(text: str, context: _Context) -> _Parsed | None:
    if (match := _first_match(_HALF, text)) is None:
        return None
    first = match["h"] in ("1", "first", "1st")

    def half(year: int) -> _Interval:
        if first:
            return _Interval(date(year, 1, 1), date(year, 6, 30), Precision.MONTHS)
        return _Interval(date(year, 7, 1), date(year, 12, 31), Precision.MONTHS)

    return _at_year(_year(match["year"], context), half)


def _first_match(patterns: tuple[_Lazy, ...], text: str) -> re.Match[str] | None:
    return next((match for pattern in patterns if (match := pattern.fullmatch(text))), None)


def _read_year(text: str, context: _Context) -> _Parsed | None:
    if match := _YEAR_ONLY.fullmatch(text):
        return _year_interval(_checked_year(_year(match["year"], context)))
    return None


def _read_relative(text: str, context: _Context) -> _Parsed | None:
    today = context.today
    if match := _IN.fullmatch(text) or _AGO.fullmatch(text) or _SHORT.fullmatch(text):
        count = int(match["n"]) if match["n"].isdigit() else 1
        backwards = text.endswith(" ago") or text.startswith("-")
        day = _shift(today, -count if backwards else count, match["unit"])
        return _Interval(day, day, Precision.DAY)
    if match := _THIS.fullmatch(text):
        step, unit = _STEP[match["which"]], match["unit"]
        if unit == "week":
            return _week(today + timedelta(weeks=step))
        if unit == "year":
            return _year_interval(_checked_year(today.year + step))
        months = 3 if unit == "quarter" else 1
        first = _shift(date(today.year, today.month, 1), step * months, "months")
        if unit == "quarter":
            return _quarter(first.year, (first.month - 1) // 3 + 1)
        return _month(first.year, first.month)
    return None


def _read_unknown_relative(text: str, context: _Context) -> _Parsed | None:
    if match := _THIS_UNKNOWN.fullmatch(text):
        which, word = match["which"], match["word"]
        raise _Invalid(
            f'expected a weekday, week, month, quarter or year after "{which}", not "{word}"'
        )
    return None


_READERS: tuple[Callable[[str, _Context], _Parsed | None], ...] = (
    _read_relative,
    _read_day,
    _read_time,
    _read_week,
    _read_part,
    _read_month,
    _read_quarter,
    _read_half,
    _read_year,
    _read_unknown_relative,
)


def _day_spec(text: str, context: _Context) -> _DaySpec | None:
    """One calendar day as written, checked for impossible months and days."""
    today = context.today
    year: int | None
    if text in _RELATIVE_DAYS:
        return _spec_of(today + timedelta(days=_RELATIVE_DAYS[text]))
    if match := _RELATIVE_WEEKDAY.fullmatch(text):
        return _spec_of(_weekday_date(match["which"], _weekday_number(match["wd"]), today))
    if match := _ISO_DAY.fullmatch(text):
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    elif match := _TEXT_MDY.fullmatch(text) or _TEXT_DMY.fullmatch(text):
        year, month, day = (
            _year(match["year"], context),
            _month_number(match["mon"]),
            int(match["day"]),
        )
    elif match := _NUMERIC.fullmatch(text):
        first, second = int(match["a"]), int(match["b"])
        month, day = (first, second) if context.order == "mdy" else (second, first)
        if not 1 <= month <= 12:
            raise _Invalid(f"month {month} does not exist; {_ORDER_HINT[context.order]}")
        year = _year(match["year"], context)
    else:
        return None
    _check_day(year, month, day)
    weekday = (
        _weekday_number(match["wd"]) if match.re.groupindex.get("wd") and match["wd"] else None
    )
    return _DaySpec(month, day, year, weekday)


_ORDER_HINT = {
    "mdy": "dates are read month-first (TRACKER_DATE_ORDER=dmy for day-first)",
    "dmy": "dates are read day-first (TRACKER_DATE_ORDER=mdy for month-first)",
}


def _read_range(text: str, context: _Context) -> _Interval | None:
    separators = _RANGE_SEP
    if text.startswith("from "):
        text = text[5:]
    elif text.startswith("between "):
        text, separators = text[8:], _BETWEEN_SEP
    if match := _COMPACT_MDY.fullmatch(text) or _COMPACT_DMY.fullmatch(text):
        return _resolve(_compact_range(match, context), context.today)
    found: set[_Interval] = set()
    problem: _Invalid | None = None
    for sep in separators.finditer(text):
        try:
            first = _parse_single(text[: sep.start()], context)
            last = _parse_single(text[sep.end() :], context)
            if first is not None and last is not None:
                found.add(_join(first, last, context.today))
        except _Invalid as exc:
            problem = problem or exc
    if len(found) > 1:
        raise _Invalid("it reads as more than one range; write both ends in full")
    if found:
        return found.pop()
    if problem is not None:
        raise problem
    return None


def _compact_range(match: re.Match[str], context: _Context) -> _Parsed:
    """Two days of one month: "June 6-10, 2022" or "6-10 June 2022"."""
    month, first, last = _month_number(match["mon"]), int(match["d1"]), int(match["d2"])
    year = _year(match["year"], context)
    _check_day(year, month, first)
    _check_day(year, month, last)
    if last < first:
        raise _Invalid("the range ends before it starts")
    return _at_year(year, lambda y: _days(date(y, month, first), date(y, month, last)))


def _join(first: _Parsed, last: _Parsed, today: date) -> _Interval:
    """Combine two range ends; a yearless end takes its year from the other end."""
    if isinstance(first, _Interval):
        end = last if isinstance(last, _Interval) else _end_after(first, last)
        if end is None:
            raise _Invalid("the range ends before it starts")
        return _combine(first, end)
    if isinstance(last, _Interval):
        for year in (last.end.year, last.end.year - 1):
            start = _try(first.build, year)
            if start is not None and start.start <= last.end:
                return _combine(start, last)
        raise _Invalid("the range ends before it starts")
    start_of, end_of = first, last

    def both(year: int) -> _Interval | None:
        start = _try(start_of.build, year)
        end = None if start is None else _end_after(start, end_of)
        return None if start is None or end is None else _combine(start, end)

    return _nearest(both, today)


def _end_after(start: _Interval, end: _Yearless) -> _Interval | None:
    for year in (start.start.year, start.start.year + 1):
        found = _try(end.build, year)
        if found is not None and found.end >= start.start:
            return found
    return None


def _combine(first: _Interval, last: _Interval) -> _Interval:
    if Precision.MINUTE in (first.precision, last.precision):
        raise _Invalid("a range between two times is not supported; give one time or whole days")
    if last.end < first.start:
        raise _Invalid("the range ends before it starts")
    return _merge(first.start, last.end, first.precision, last.precision)


_MONTHLY = frozenset({Precision.MONTH, Precision.MONTHS, Precision.QUARTER, Precision.YEAR})


def _merge(start: date, end: date, first: Precision, last: Precision) -> _Interval:
    """Whole months when both ends are whole months, else days."""
    if first in _MONTHLY and last in _MONTHLY:
        one_month = (start.year, start.month) == (end.year, end.month)
        return _Interval(start, end, Precision.MONTH if one_month else Precision.MONTHS)
    return _days(start, end)


def _resolve(parsed: _Parsed, today: date) -> _Interval:
    return parsed if isinstance(parsed, _Interval) else _nearest(parsed.build, today)


def _nearest(build: Callable[[int], _Interval | None], today: date) -> _Interval:
    """The occurrence nearest to today among nearby years; a tie goes to the future."""
    years = range(today.year - _NEARBY_YEARS, today.year + _NEARBY_YEARS + 1)
    found = [interval for year in years if (interval := _try(build, year)) is not None]
    if not found:
        raise _Invalid(f"it does not occur within {_NEARBY_YEARS} years of {today.year}")
    return min(
        found, key=lambda interval: (_distance(interval, today), -interval.start.toordinal())
    )


def _distance(interval: _Interval, today: date) -> int:
    if interval.start > today:
        return (interval.start - today).days
    return max((today - interval.end).days, 0)


def _try(build: Callable[[int], _Interval | None], year: int) -> _Interval | None:
    try:
        return build(year)
    except (ValueError, OverflowError):
        return None


def _place(spec: _DaySpec, make: Callable[[date], _Interval]) -> _Parsed:
    if spec.year is None:

        def build(year: int) -> _Interval | None:
            day = spec.in_year(year)
            return None if day is None else make(day)

        return _Yearless(build)
    day = spec.in_year(spec.year)
    if day is None:  # the day itself was checked: only a written weekday can disagree
        actual = date(spec.year, spec.month, spec.day)
        raise _Invalid(f"{_long_day(actual, 'mdy')} is a {_WEEKDAYS[actual.weekday()]}")
    try:
        return make(day)
    except (ValueError, OverflowError):
        raise _Invalid("that is out of range") from None


def _at_year(year: int | None, make: Callable[[int], _Interval]) -> _Parsed:
    if year is None:
        return _Yearless(make)
    try:
        return make(_checked_year(year))
    except (ValueError, OverflowError):
        raise _Invalid("that is out of range") from None


# --- small readers and interval builders ---


def _month_number(name: str) -> int:
    return _ABBRS.index(name[:3].title()) + 1


def _weekday_number(name: str) -> int:
    return [weekday[:3].lower() for weekday in _WEEKDAYS].index(name[:3])


def _weekday_date(which: str | None, weekday: int, today: date) -> date:
    ahead = weekday - today.weekday()
    if which == "next":
        return today + timedelta(days=ahead % 7 or 7)
    if which == "last":
        return today - timedelta(days=-ahead % 7 or 7)
    if which == "this":  # within today's Monday-to-Sunday week
        return today + timedelta(days=ahead)
    return today + timedelta(days=ahead % 7)  # a bare weekday: the coming one, today included


def _spec_of(day: date) -> _DaySpec:
    return _DaySpec(day.month, day.day, day.year)


def _year(text: str | None, context: _Context) -> int | None:
    """A written year; two digits land in the 100 years ending 20 years after today."""
    if text is None:
        return None
    digits = text.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    latest = context.today.year + _TWO_DIGIT_HORIZON
    return latest - (latest - int(digits)) % 100


def _checked_year(year: int | None) -> int:
    if year is None or not 1 <= year <= 9999:
        raise _Invalid(f"year {year} is out of range")
    return year


def _check_day(year: int | None, month: int, day: int) -> None:
    if not 1 <= month <= 12:
        raise _Invalid(f"month {month} does not exist")
    if year is None:
        last = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    else:
        last = calendar.monthrange(_checked_year(year), month)[1]
    if not 1 <= day <= last:
        where = _MONTHS[month - 1] if year is None else f"{_MONTHS[month - 1]} {year}"
        raise _Invalid(f"{where} has no day {day}")


def _clock_time(match: re.Match[str]) -> tuple[int, int]:
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise _Invalid(f"{hour} {match['ampm']}m is not a time")
        hour = hour % 12 + (12 if match["ampm"] == "p" else 0)
    if hour > 23 or minute > 59:
        raise _Invalid(f"{hour}:{minute:02d} is not a time")
    return hour, minute


def _written_zone(text: str) -> tzinfo:
    if text in ("z", "utc", "gmt"):
        return UTC
    match = _OFFSET.fullmatch(text)
    hours = int(match["h"]) if match else 99
    if match is None or hours > 14 or int(match["m"] or 0) > 59 or int(match["s"] or 0) > 59:
        raise _Invalid(f"{text} is not a UTC offset")
    offset = timedelta(hours=hours, minutes=int(match["m"] or 0), seconds=int(match["s"] or 0))
    return timezone(-offset if match["sign"] == "-" else offset)


def _local_zone_name(zone: tzinfo, wall: datetime) -> str:
    """What to store as `tz` for a time written without a zone."""
    key = getattr(zone, "key", None)
    if isinstance(key, str) and key:
        return key
    offset = wall.utcoffset()
    if isinstance(zone, timezone) and offset == timedelta(0):
        return "UTC"
    return _offset_text(offset)


def _shift(day: date, count: int, unit: str) -> date:
    deltas = {
        "d": relativedelta(days=count),
        "w": relativedelta(weeks=count),
        "m": relativedelta(months=count),
        "y": relativedelta(years=count),
    }
    try:
        shifted: date = day + deltas[unit[0]]
    except (ValueError, OverflowError):
        raise _Invalid("that is out of range") from None
    return shifted


def _days(start: date, end: date) -> _Interval:
    return _Interval(start, end, Precision.DAY if start == end else Precision.DAYS)


def _week(day: date) -> _Interval:
    monday = day - timedelta(days=day.weekday())
    return _Interval(monday, monday + timedelta(days=6), Precision.WEEK)


def _part(year: int, month: int, part: str) -> _Interval:
    last = calendar.monthrange(year, month)[1]
    first_day, last_day = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}[part]
    return _Interval(
        date(year, month, first_day), date(year, month, last_day), Precision.PART_OF_MONTH
    )


def _month(year: int, month: int) -> _Interval:
    last = calendar.monthrange(year, month)[1]
    return _Interval(date(year, month, 1), date(year, month, last), Precision.MONTH)


def _quarter(year: int, quarter: int) -> _Interval:
    first, last = 3 * quarter - 2, 3 * quarter
    end = date(year, last, calendar.monthrange(year, last)[1])
    return _Interval(date(year, first, 1), end, Precision.QUARTER)


def _year_interval(year: int) -> _Interval:
    return _Interval(date(year, 1, 1), date(year, 12, 31), Precision.YEAR)


# --- labels and zones ---


def _finish(interval: _Interval, order: DateOrder) -> When:
    start_at = interval.start_at
    return rebuild(
        interval.start,
        interval.end,
        interval.precision,
        start_at,
        start_at,
        interval.tz,
        order=order,
    )


def _label(
    start: date,
    end: date,
    precision: Precision,
    start_at: datetime | None,
    tz: str | None,
    order: DateOrder,
) -> str:
    month, year = _MONTHS[start.month - 1], f"{start.year:04d}"
    match precision:
        case Precision.MINUTE if start_at is not None:
            return _instant_label(start_at, tz, order)
        case Precision.WEEK:
            return f"week of {_long_day(start, order)}"
        case Precision.PART_OF_MONTH:
            part = "early " if start.day <= 10 else "mid-" if start.day <= 20 else "late "
            return f"{part}{month} {year}"
        case Precision.MONTH:
            return f"{month} {year}"
        case Precision.MONTHS:
            first, last = _ABBRS[start.month - 1], f"{_ABBRS[end.month - 1]} {end.year:04d}"
            return f"{first} – {last}" if start.year == end.year else f"{first} {year} – {last}"
        case Precision.QUARTER:
            return f"Q{(start.month - 1) // 3 + 1} {year}"
        case Precision.YEAR:
            return year
        case Precision.DAYS if start != end:
            return _days_label(start, end, order)
        case _:
            return _long_day(start, order)


def _long_day(day: date, order: DateOrder, *, abbreviated: bool = False) -> str:
    month = (_ABBRS if abbreviated else _MONTHS)[day.month - 1]
    if order == "dmy":
        return f"{day.day} {month} {day.year:04d}"
    return f"{month} {day.day}, {day.year:04d}"


def _days_label(start: date, end: date, order: DateOrder) -> str:
    if start.year != end.year:
        first, last = (_long_day(day, order, abbreviated=True) for day in (start, end))
        return f"{first} – {last}"
    first_month, last_month, year = _MONTHS[start.month - 1], _MONTHS[end.month - 1], end.year
    if order == "dmy":
        if start.month == end.month:
            return f"{start.day}–{end.day} {last_month} {year:04d}"
        return f"{start.day} {first_month} – {end.day} {last_month} {year:04d}"
    if start.month == end.month:
        return f"{first_month} {start.day}–{end.day}, {year:04d}"
    return f"{first_month} {start.day} – {last_month} {end.day}, {year:04d}"


def _instant_label(start_at: datetime, tz: str | None, order: DateOrder) -> str:
    """The wall time in the stored zone, with its offset unless the zone alone pins it down."""
    zone, explicit = _zone(tz)
    return _local_label(start_at.astimezone(zone), start_at, zone, explicit, order)


def _local_label(
    local: datetime, start_at: datetime, zone: tzinfo, explicit: bool, order: DateOrder
) -> str:
    """`_instant_label` once the instant (UTC) is in its zone (`local`)."""
    if not explicit and (
        local.fold or local.second or local.microsecond or start_at.second or start_at.microsecond
    ):  # a wall time the zone gives twice (or seconds, which the label drops): with its offset
        wall = local.replace(second=0, microsecond=0, fold=0)
        explicit = wall.astimezone(UTC) != start_at.replace(second=0, microsecond=0)
    if order == "dmy":
        clock = f"{local:%H:%M}"
    else:
        clock = f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
    text = f"{_long_day(local.date(), order)} {clock}"
    return f"{text} {_offset_text(local.utcoffset())}" if explicit else text


@functools.lru_cache(maxsize=256)  # a database holds a few zones; labels ask for them often
def _zone(tz: str | None) -> tuple[tzinfo, bool]:
    """The zone a stored `tz` names, and whether a label must spell out the offset."""
    if tz is None:
        return UTC, True
    if tz == "UTC":
        return UTC, False
    if _OFFSET.fullmatch(tz):
        try:
            return _written_zone(tz), True
        except _Invalid:
            return UTC, True
    try:
        return ZoneInfo(tz), False
    except (ZoneInfoNotFoundError, ValueError):
        return UTC, True


@functools.lru_cache(maxsize=256)  # a few offsets, asked for by every time label
def _offset_text(offset: timedelta | None) -> str:
    seconds = int((offset or timedelta(0)).total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
