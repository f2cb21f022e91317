"""The grammar, over normalized text (lower case, single spaces, "-" for every dash)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo

from dateutil.relativedelta import relativedelta

from tracker.dates.common import (
    NEARBY_YEARS,
    Context,
    DateOrder,
    DateParseError,
    Interval,
    Invalid,
    Lazy,
    Parsed,
    Yearless,
    check_day,
    checked_year,
    days_interval,
    merge_ends,
    month_interval,
    month_number,
    part_interval,
    quarter_interval,
    week_interval,
    written_year,
    year_interval,
)
from tracker.dates.days import DAY_YEAR, MON, ORD, day_spec, place
from tracker.dates.forms import read_more
from tracker.dates.labels import finish
from tracker.dates.times import (
    read_bare_time,
    read_time,
    read_time_first,
    read_time_range,
    time_span,
)
from tracker.dates.words import explain
from tracker.domain import Precision, When

_YEAR = r"(?P<year>\d{4}|'\d{2})"  # standing alone or after a month: "2022", "May '22"
_OPT_YEAR = r"(?:(?:,? |-)" + _YEAR + r")?"  # "May 2022", "Mar-2020"
_SEP = r"(?: ?- ?| ?\.\. ?| to | through | thru | until | till )"
_WEEK_OF = Lazy(r"(?:the )?week of (?P<day>.+)")
_ISO_WEEK = Lazy(r"(?P<year>\d{4})-?w(?P<week>\d{1,2})")
_PART = Lazy(
    r"(?:the )?(?:(?P<part>early|mid|late)[- ]?|(?P<of>beginning|start|middle|end) of )"
    + MON
    + _OPT_YEAR
)
_PART_OF = {"beginning": "early", "start": "early", "middle": "mid", "end": "late"}
_MONTH = Lazy(MON + _OPT_YEAR)
_ISO_MONTH = Lazy(r"(?P<year>\d{4})-(?P<month>\d{1,2})")
_NUMERIC_MONTH = Lazy(r"(?P<month>\d{1,2})/(?P<year>\d{4})")
_QUARTER = (
    Lazy(r"q(?P<q>\d+)" + _OPT_YEAR),
    Lazy(_YEAR + r"[ -]?q(?P<q>\d+)"),
)
_HALF = (
    Lazy(r"h(?P<h>[12])" + _OPT_YEAR),
    Lazy(_YEAR + r"[ -]?h(?P<h>[12])"),
    Lazy(r"(?:the )?(?P<h>first|second|1st|2nd) half(?: of)?" + _OPT_YEAR),
)
_YEAR_ONLY = Lazy(_YEAR)
_NUMBER_WORDS = (
    "a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve",
)  # fmt: skip
_N = r"(?P<n>\d+|an?|" + "|".join(_NUMBER_WORDS[1:]) + ")"
_IN = Lazy(r"in " + _N + r" (?P<unit>day|week|month|year)s?")
_AGO = Lazy(_N + r" (?P<unit>day|week|month|year)s? ago")
_SHORT = Lazy(r"(?P<sign>[+-]) ?(?P<n>\d+) ?(?P<unit>d|w|m|y|days?|weeks?|months?|years?)")
_THIS = Lazy(r"(?P<which>this|next|last) (?P<unit>week|month|quarter|year)")
_THIS_UNKNOWN = Lazy(r"(?P<which>this|next|last) (?P<word>.+)")
_STEP = {"this": 0, "next": 1, "last": -1}
_COMPACT_MDY = Lazy(MON + r" (?P<d1>\d{1,2})" + ORD + _SEP + r"(?P<d2>\d{1,2})" + ORD + DAY_YEAR)
_COMPACT_DMY = Lazy(
    r"(?P<d1>\d{1,2})" + ORD + _SEP + r"(?P<d2>\d{1,2})" + ORD + r" (?:of )?" + MON + DAY_YEAR
)
_RANGE_SEP = Lazy(_SEP)
_BETWEEN_SEP = Lazy(r" and ")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


def parse_when(
    text: str,
    *,
    today: date,
    order: DateOrder = "mdy",
    local_tz: tzinfo = UTC,
    fiscal_start: int = 10,
) -> When:
    """Read `text` as an interval of inclusive dates with a precision and a canonical label.

    Understood (case-insensitive, extra spaces and a trailing period ignored):
    exact days ("May 13, 2022", "13th of May 2022", "Sept. 30, 2021", "2022-05-13", "5/13/2022",
    and as data files write them: "20220513", "2022/05/13", "13.05.2022", always day-first),
    times ("May 13, 2022 at 2:30 PM", "2pm May 13", "June 7 at noon", "2022-05-13T14:30-04:00",
    "20220513143000" in UTC, "3pm ET" today; ET, CT, MT, PT and their EST/EDT... after a
    time), time ranges ("June 6, 2022 9:00–10:30 AM", "June 6 2022 9am-12pm ET", "June 6 2022
    9:00 AM - June 7 2022 5:00 PM"), months and parts of months ("May 2022", "Mar-2020",
    "2022-05", "early/mid/late May 2022", "end of May 2022", "end of month"), quarters and
    halves ("Q2 2022", "Q2-2022", "2022 Q2", "2Q22", "H1 2022"), fiscal years ("FY2023",
    "FY23", "Q4 FY2022": the twelve months ending in that year, starting in `fiscal_start`,
    October by default) and "CY2023", years, thirds of years ("early 2023": January–April,
    "mid-2023": May–August, "late 2023" or "end of the year": September–December, "early
    next year"), seasons (northern meteorological: "spring 2023" March–May, "summer" June–
    August, "fall"/"autumn" September–November, "winter 2022" December 2022–February 2023),
    weeks ("week of May 9, 2022", "2022-W19"), ranges ("June 6-10, 2022", "May 30 - June 2,
    2022", "2022-06-06..2022-06-10", "Oct 2021 - Apr 2022", "from May 1 to May 3, 2022"),
    relative forms ("today", "in 3 days", "in two weeks", "2 months ago", "+2w", "-3d",
    "next week", "last month", "this quarter", "next tuesday", "the 6th"). A leading "by",
    "no later than", "on" or "the morning of" is dropped; "COB" is 5 pm. A leading "~", "c.",
    "ca." or "circa" marks the date approximate (its label then starts "c. ").

    Numeric days follow `order` ("mdy": 5/13/2022, "dmy": 13/5/2022) and are never read the
    other way round; ISO dates are always year-month-day. A day, month or part of a month
    written without a year is its occurrence nearest to `today` (a tie goes to the future).
    A two-digit year ("5/13/22", "May 13, 22", "'22") is placed in the 100-year window that
    ends 10 years after today: with today in 2026, "22" is 2022, "36" is 2036, "41" is 1941.
    A time without a zone is in `local_tz`; its `tz` is then the zone's IANA key ("UTC" for
    UTC) or, for other zones, its offset; a US zone by name is stored as "ET", "CT", "MT" or
    "PT". A wall time the zone skips is refused; one it gives twice is the first. Raises
    DateParseError naming `text`, and where it can the word not understood, otherwise.
    """
    if isinstance(today, datetime):
        today = today.date()
    context = Context(today, order, local_tz, fiscal_start)
    normalized, approximate = _normalize(text), False
    if normalized[:1] in _LEAD_FIRST or "cob" in normalized:
        normalized, approximate = _lead_words(normalized)
    try:
        found = _parse(normalized, context)
    except Invalid as exc:
        raise DateParseError(text, str(exc)) from None
    except OverflowError:  # a relative date past year 1 or 9999 ("tomorrow" on 9999-12-31)
        raise DateParseError(text, "that is out of range") from None
    if found is None:
        raise DateParseError(text, explain(normalized, text))
    return finish(found, order, approximate) if approximate else finish(found, order)


_APPROXIMATE = ("~", "c. ", "c.", "ca. ", "ca.", "circa ")
_LEAD = ("by ", "on ", "no later than ", "the morning of ", "the afternoon of ", "the evening of ")
_COB = "5pm"  # close of business: 17:00 in the local zone
_LEAD_FIRST = frozenset("~cbnot")  # the first letters of what `_lead_words` takes off


def _lead_words(text: str) -> tuple[str, bool]:
    """`text` without an approximate marker ("c. May 2022", "~2019"), a leading "by", "on",
    "no later than" or "the morning of", and with "COB" made 5 pm; and whether it was marked
    approximate."""
    approximate = False
    if text[:1] in "~c":
        for marker in _APPROXIMATE:
            if text.startswith(marker):
                text, approximate = text[len(marker) :].lstrip(), True
                break
    if text[:1] in "bont":
        for word in _LEAD:
            if text.startswith(word):
                text = text[len(word) :]
                break
    if "cob" in text:
        if text == "cob":
            text = f"today {_COB}"
        elif text.startswith("cob "):
            text = f"{text[4:].removeprefix('on ')} {_COB}"
        elif text.endswith(" cob"):
            text = f"{text[:-4].rstrip(',')} {_COB}"
    return text, approximate


def _normalize(text: str) -> str:
    text = text.translate(_DASHES).lower()
    text = re.sub(r"\s*,\s*", ", ", text)
    text = " ".join(text.split())
    return text.removesuffix(".").rstrip()


def _parse(text: str, context: Context) -> Interval | None:
    """A single expression if the whole text is one, else a range; the first problem wins."""
    problem: Invalid | None = None
    try:
        single = _parse_single(text, context)
    except Invalid as exc:
        single, problem = None, exc
    if single is not None:
        return _resolve(single, context.today)
    if (
        problem is None
        and (text[:1].isdigit() or text.startswith(("noon", "midnight")))
        and (bare := read_bare_time(text, context)) is not None
    ):
        return bare
    try:
        found = _read_range(text, context)
    except Invalid as exc:
        raise (problem or exc) from None
    if found is None and problem is not None:
        raise problem
    return found


def _parse_single(text: str, context: Context) -> Parsed | None:
    for reader in _READERS:
        found = reader(text, context)
        if found is not None:
            return found
    return None


def _read_day(text: str, context: Context) -> Parsed | None:
    spec = day_spec(text, context)
    if spec is None:
        return None
    return place(spec, lambda day: Interval(day, day, Precision.DAY))


def _read_less_common(text: str, context: Context) -> Parsed | None:
    """The forms read after the common ones, each behind a cheap test of the text."""
    found = read_more(text, context)
    if found is None and (":" in text or "m" in text or "noon" in text):
        found = read_time_range(text, context) or read_time_first(text, context)
    return found


def _read_week(text: str, context: Context) -> Parsed | None:
    if match := _ISO_WEEK.fullmatch(text):
        year, week = int(match["year"]), int(match["week"])
        try:
            return week_interval(date.fromisocalendar(year, week, 1))
        except ValueError:
            raise Invalid(f"{year} has no week {week}") from None
    if (match := _WEEK_OF.fullmatch(text)) and (spec := day_spec(match["day"], context)):
        return place(spec, week_interval)
    return None


def _read_part(text: str, context: Context) -> Parsed | None:
    if (match := _PART.fullmatch(text)) is None:
        return None
    part, month = match["part"] or _PART_OF[match["of"]], month_number(match["mon"])
    return _at_year(
        written_year(match["year"], context), lambda year: part_interval(year, month, part)
    )


def _read_month(text: str, context: Context) -> Parsed | None:
    if match := _MONTH.fullmatch(text):
        month = month_number(match["mon"])
        return _at_year(
            written_year(match["year"], context), lambda year: month_interval(year, month)
        )
    if match := _ISO_MONTH.fullmatch(text) or _NUMERIC_MONTH.fullmatch(text):
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise Invalid(f"month {month} does not exist")
        return _at_year(
            written_year(match["year"], context), lambda year: month_interval(year, month)
        )
    return None


def _read_quarter(text: str, context: Context) -> Parsed | None:
    if (match := _first_match(_QUARTER, text)) is None:
        return None
    quarter = int(match["q"])
    if not 1 <= quarter <= 4:
        raise Invalid(f"quarter {quarter} does not exist (Q1 to Q4)")
    return _at_year(
        written_year(match["year"], context), lambda year: quarter_interval(year, quarter)
    )


def _read_half(text: str, context: Context) -> Parsed | None:
    if (match := _first_match(_HALF, text)) is None:
        return None
    first = match["h"] in ("1", "first", "1st")

    def half(year: int) -> Interval:
        if first:
            return Interval(date(year, 1, 1), date(year, 6, 30), Precision.MONTHS)
        return Interval(date(year, 7, 1), date(year, 12, 31), Precision.MONTHS)

    return _at_year(written_year(match["year"], context), half)


def _first_match(patterns: tuple[Lazy, ...], text: str) -> re.Match[str] | None:
    return next((match for pattern in patterns if (match := pattern.fullmatch(text))), None)


def _read_year(text: str, context: Context) -> Parsed | None:
    if match := _YEAR_ONLY.fullmatch(text):
        return year_interval(checked_year(written_year(match["year"], context)))
    return None


def _number(word: str) -> int:
    return 1 if word == "an" else _NUMBER_WORDS.index(word) or 1


def _read_relative(text: str, context: Context) -> Parsed | None:
    today = context.today
    if match := _IN.fullmatch(text) or _AGO.fullmatch(text) or _SHORT.fullmatch(text):
        count = int(match["n"]) if match["n"].isdigit() else _number(match["n"])
        backwards = text.endswith(" ago") or text.startswith("-")
        day = _shift(today, -count if backwards else count, match["unit"])
        return Interval(day, day, Precision.DAY)
    if match := _THIS.fullmatch(text):
        step, unit = _STEP[match["which"]], match["unit"]
        if unit == "week":
            return week_interval(today + timedelta(weeks=step))
        if unit == "year":
            return year_interval(checked_year(today.year + step))
        months = 3 if unit == "quarter" else 1
        first = _shift(date(today.year, today.month, 1), step * months, "months")
        if unit == "quarter":
            return quarter_interval(first.year, (first.month - 1) // 3 + 1)
        return month_interval(first.year, first.month)
    return None


def _read_unknown_relative(text: str, context: Context) -> Parsed | None:
    if match := _THIS_UNKNOWN.fullmatch(text):
        which, word = match["which"], match["word"]
        raise Invalid(
            f'expected a weekday, week, month, quarter or year after "{which}", not "{word}"'
        )
    return None


_READERS: tuple[Callable[[str, Context], Parsed | None], ...] = (
    _read_relative,
    _read_day,
    read_time,
    _read_week,
    _read_part,
    _read_month,
    _read_quarter,
    _read_half,
    _read_year,
    _read_less_common,
    _read_unknown_relative,
)


def _read_range(text: str, context: Context) -> Interval | None:
    separators = _RANGE_SEP
    if text.startswith("from "):
        text = text[5:]
    elif text.startswith("between "):
        text, separators = text[8:], _BETWEEN_SEP
    if match := _COMPACT_MDY.fullmatch(text) or _COMPACT_DMY.fullmatch(text):
        return _resolve(_compact_range(match, context), context.today)
    found: set[Interval] = set()
    problem: Invalid | None = None
    for sep in separators.finditer(text):
        try:
            first = _parse_single(text[: sep.start()], context)
            last = _parse_single(text[sep.end() :], context)
            if first is not None and last is not None:
                found.add(_join(first, last, context.today))
        except Invalid as exc:
            problem = problem or exc
    if len(found) > 1:
        raise Invalid("it reads as more than one range; write both ends in full")
    if found:
        return found.pop()
    if problem is not None:
        raise problem
    return None


def _compact_range(match: re.Match[str], context: Context) -> Parsed:
    """Two days of one month: "June 6-10, 2022" or "6-10 June 2022"."""
    month, first, last = month_number(match["mon"]), int(match["d1"]), int(match["d2"])
    year = written_year(match["year"], context)
    check_day(year, month, first)
    check_day(year, month, last)
    if last < first:
        raise Invalid("the range ends before it starts")
    return _at_year(year, lambda y: days_interval(date(y, month, first), date(y, month, last)))


def _join(first: Parsed, last: Parsed, today: date) -> Interval:
    """Combine two range ends; a yearless end takes its year from the other end."""
    if isinstance(first, Interval):
        end = last if isinstance(last, Interval) else _end_after(first, last)
        if end is None:
            raise Invalid("the range ends before it starts")
        return _combine(first, end)
    if isinstance(last, Interval):
        for year in (last.end.year, last.end.year - 1):
            start = _try(first.build, year)
            if start is not None and start.start <= last.end:
                return _combine(start, last)
        raise Invalid("the range ends before it starts")
    start_of, end_of = first, last

    def both(year: int) -> Interval | None:
        start = _try(start_of.build, year)
        end = None if start is None else _end_after(start, end_of)
        return None if start is None or end is None else _combine(start, end)

    return _nearest(both, today)


def _end_after(start: Interval, end: Yearless) -> Interval | None:
    for year in (start.start.year, start.start.year + 1):
        found = _try(end.build, year)
        if found is not None and found.end >= start.start:
            return found
    return None


def _combine(first: Interval, last: Interval) -> Interval:
    if first.precision is Precision.MINUTE and last.precision is Precision.MINUTE:
        return time_span(first, last)
    if Precision.MINUTE in (first.precision, last.precision):
        raise Invalid("a range from a time to a day is not supported; give both ends a time")
    if last.end < first.start:
        raise Invalid("the range ends before it starts")
    return merge_ends(first.start, last.end, first.precision, last.precision)


def _resolve(parsed: Parsed, today: date) -> Interval:
    return parsed if isinstance(parsed, Interval) else _nearest(parsed.build, today)


def _nearest(build: Callable[[int], Interval | None], today: date) -> Interval:
    """The occurrence nearest to today among nearby years; a tie goes to the future."""
    years = range(today.year - NEARBY_YEARS, today.year + NEARBY_YEARS + 1)
    found = [interval for year in years if (interval := _try(build, year)) is not None]
    if not found:
        raise Invalid(f"it does not occur within {NEARBY_YEARS} years of {today.year}")
    return min(
        found, key=lambda interval: (_distance(interval, today), -interval.start.toordinal())
    )


def _distance(interval: Interval, today: date) -> int:
    if interval.start > today:
        return (interval.start - today).days
    return max((today - interval.end).days, 0)


def _try(build: Callable[[int], Interval | None], year: int) -> Interval | None:
    try:
        return build(year)
    except (ValueError, OverflowError):
        return None


def _at_year(year: int | None, make: Callable[[int], Interval]) -> Parsed:
    if year is None:
        return Yearless(make)
    try:
        return make(checked_year(year))
    except (ValueError, OverflowError):
        raise Invalid("that is out of range") from None


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
        raise Invalid("that is out of range") from None
    return shifted
