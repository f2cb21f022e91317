"""The grammar, over normalized text (lower case, single spaces, "-" for every dash)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo

from dateutil.relativedelta import relativedelta

from tracker.dates.common import (
    NEARBY_YEARS,
    WEEKDAY_NAMES,
    Context,
    DateOrder,
    DateParseError,
    DaySpec,
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
from tracker.dates.forms import read_more
from tracker.dates.labels import finish, long_day
from tracker.dates.times import clock, clock_time, instant, time_span
from tracker.dates.words import explain
from tracker.domain import Precision, When

_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_DAY = r"(?P<day>\d{1,2})" + _ORD
_YEAR = r"(?P<year>\d{4}|'\d{2})"  # standing alone or after a month: "2022", "May '22"
_OPT_YEAR = r"(?:(?:,? |-)" + _YEAR + r")?"  # "May 2022", "Mar-2020"
_DAY_YEAR = r"(?:,? (?P<year>\d{4}|'?\d{2}))?"  # after a day: "May 13, 2022", "May 13, 22"
_WEEKDAY = (
    r"(?P<wd>monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu"
    r"|friday|fri|saturday|sat|sunday|sun)"
)
_WD_PREFIX = r"(?:" + _WEEKDAY + r"\.?,? )?"
_SEP = r"(?: ?- ?| ?\.\. ?| to | through | thru | until | till )"
_ISO_DAY = Lazy(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
_TEXT_MDY = Lazy(_WD_PREFIX + _MON + " " + _DAY + _DAY_YEAR)
_TEXT_DMY = Lazy(_WD_PREFIX + r"(?:the )?" + _DAY + r" (?:of )?" + _MON + _DAY_YEAR)
_NUMERIC = Lazy(_WD_PREFIX + r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?")
_DATA_DAY = Lazy(  # data files: compact ISO, ISO with slashes, day-first with dots
    r"(?P<y1>\d{4})(?P<m1>\d{2})(?P<d1>\d{2})|(?P<y2>\d{4})/(?P<m2>\d{1,2})/(?P<d2>\d{1,2})"
    r"|(?P<d3>\d{1,2})\.(?P<m3>\d{1,2})\.(?P<y3>\d{4}|\d{2})"
)
_RELATIVE_WEEKDAY = Lazy(r"(?:(?P<which>this|next|last) )?" + _WEEKDAY)
_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_TIME_SEP = Lazy(r",? at |,? |t")
_ZONE = (
    r"(?P<zone>z|utc|gmt|[+-]\d{1,2}(?::?\d{2}(?::\d{2})?)?"
    r"|[ecmp]t|[ecmp][sd]t)"  # US zones by name: ET, EST, EDT, CT, ..., PDT
)
_CLOCK = (
    r"(?:(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?)?"
    r"(?: ?(?P<ampm>[ap])\.?m\.?)?|(?P<word>noon|midnight))"
)
_TIME = Lazy(_CLOCK + r"(?: ?" + _ZONE + r")?")
_TIME_RANGE = Lazy(  # "9:00-10:30 am", "9am-12pm et", "14:00 to 15:30"
    r"(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?(?: ?(?P<a1>[ap])\.?m\.?)?(?: ?- ?| to )"
    r"(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?(?: ?(?P<a2>[ap])\.?m\.?)?(?: ?" + _ZONE + r")?"
)
_TIME_FIRST_SEP = Lazy(r",? (?:on )?")
_WEEK_OF = Lazy(r"(?:the )?week of (?P<day>.+)")
_ISO_WEEK = Lazy(r"(?P<year>\d{4})-?w(?P<week>\d{1,2})")
_PART = Lazy(
    r"(?:the )?(?:(?P<part>early|mid|late)[- ]?|(?P<of>beginning|start|middle|end) of )"
    + _MON
    + _OPT_YEAR
)
_PART_OF = {"beginning": "early", "start": "early", "middle": "mid", "end": "late"}
_MONTH = Lazy(_MON + _OPT_YEAR)
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
_COMPACT_MDY = Lazy(
    _MON + r" (?P<d1>\d{1,2})" + _ORD + _SEP + r"(?P<d2>\d{1,2})" + _ORD + _DAY_YEAR
)
_COMPACT_DMY = Lazy(
    r"(?P<d1>\d{1,2})" + _ORD + _SEP + r"(?P<d2>\d{1,2})" + _ORD + r" (?:of )?" + _MON + _DAY_YEAR
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
    spec = _day_spec(text, context)
    if spec is None:
        return None
    return _place(spec, lambda day: Interval(day, day, Precision.DAY))


def _read_time(text: str, context: Context) -> Parsed | None:
    found = _split_time(text, context)
    if found is None:
        return None
    spec, match = found
    return _place(spec, _time_of(match, context))


def _read_less_common(text: str, context: Context) -> Parsed | None:
    """The forms read after the common ones, each behind a cheap test of the text."""
    found = read_more(text, context)
    if found is None and (":" in text or "m" in text or "noon" in text):
        found = _read_time_range(text, context) or _read_time_first(text, context)
    return found


def _read_time_range(text: str, context: Context) -> Parsed | None:
    """A day and two times of it: "June 6, 2022 9:00–10:30 AM", "June 6 2022 9am-12pm ET"."""
    if ":" not in text and "m" not in text:
        return None
    for sep in _TIME_SEP.finditer(text):
        match = _TIME_RANGE.fullmatch(text, sep.end())
        if match is None or not (match["m2"] or match["a2"]) or not (match["m1"] or match["a2"]):
            continue  # "6-10" is two days, not two times
        spec = _day_spec(text[: sep.start()], context)
        if spec is not None:
            return _place(spec, _two_times(match, context))
    return None


def _two_times(match: re.Match[str], context: Context) -> Callable[[date], Interval]:
    second = clock(match["h2"], match["m2"], match["a2"])
    first_half = match["a1"]
    if first_half is None and match["a2"]:  # "9:00-10:30 am": both in the morning
        first_half = match["a2"]
        if clock(match["h1"], match["m1"], first_half) > second:
            first_half = "a"  # "11-1 pm" starts at 11 am
    first = clock(match["h1"], match["m1"], first_half)
    if second <= first:
        raise Invalid("the time range ends before it starts; write both days past midnight")
    written = match["zone"]

    def at(day: date) -> Interval:
        start_at, tz = instant(day, *first, written, context.local_tz)
        end_at, _ = instant(day, *second, written, context.local_tz)
        return Interval(day, day, Precision.MINUTE, start_at, tz, end_at)

    return at


def _read_time_first(text: str, context: Context) -> Parsed | None:
    """A time before its day: "2pm June 6 2022", "2:30 pm on June 6"."""
    if not (text[:1].isdigit() or text.startswith(("noon", "midnight"))):
        return None
    for sep in _TIME_FIRST_SEP.finditer(text):
        match = _TIME.fullmatch(text[: sep.start()])
        if match is None or not (match["minute"] or match["ampm"] or match["word"]):
            continue
        if _dash_after_clock(match, ""):
            continue
        spec = _day_spec(text[sep.end() :], context)
        if spec is not None:
            return _place(spec, _time_of(match, context))
    return None


def _time_of(match: re.Match[str], context: Context) -> Callable[[date], Interval]:
    hour, minute = clock_time(match)
    written = match["zone"]

    def at(day: date) -> Interval:
        start_at, tz = instant(day, hour, minute, written, context.local_tz)
        return Interval(day, day, Precision.MINUTE, start_at, tz)

    return at


def read_bare_time(text: str, context: Context) -> Interval | None:
    """A time alone ("3pm EDT", "10:00 PT", "noon"): today at that time."""
    match = _TIME.fullmatch(text)
    if match is None or not (match["minute"] or match["ampm"] or match["word"]):
        return None
    if _dash_after_clock(match, ""):
        return None
    hour, minute = clock_time(match)
    day = context.today
    start_at, tz = instant(day, hour, minute, match["zone"], context.local_tz)
    return Interval(day, day, Precision.MINUTE, start_at, tz)


def _split_time(text: str, context: Context) -> tuple[DaySpec, re.Match[str]] | None:
    """A day followed by a time of day ("2:30 pm", "14:30", "14:30-04:00")."""
    for sep in _TIME_SEP.finditer(text):
        head, match = text[: sep.start()], _TIME.fullmatch(text, sep.end())
        if match is None or (sep.group() == "t" and not _ISO_DAY.fullmatch(head)):
            continue
        if match["minute"] is None and match["ampm"] is None and match["word"] is None:
            continue  # a bare number is not a time
        if _dash_after_clock(match, sep.group()):
            continue  # "14:00-15:30" is a time range; an offset is "T14:00-04:00" or " -04:00"
        spec = _day_spec(head, context)
        if spec is not None:
            return spec, match
    return None


def _dash_after_clock(match: re.Match[str], sep: str) -> bool:
    zone = match["zone"]
    return (
        zone is not None
        and zone[0] == "-"
        and sep != "t"
        and match["second"] is None
        and match.string[match.start("zone") - 1] != " "
    )


def _read_week(text: str, context: Context) -> Parsed | None:
    if match := _ISO_WEEK.fullmatch(text):
        year, week = int(match["year"]), int(match["week"])
        try:
            return week_interval(date.fromisocalendar(year, week, 1))
        except ValueError:
            raise Invalid(f"{year} has no week {week}") from None
    if (match := _WEEK_OF.fullmatch(text)) and (spec := _day_spec(match["day"], context)):
        return _place(spec, week_interval)
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
    _read_time,
    _read_week,
    _read_part,
    _read_month,
    _read_quarter,
    _read_half,
    _read_year,
    _read_less_common,
    _read_unknown_relative,
)


def _day_spec(text: str, context: Context) -> DaySpec | None:
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
            written_year(match["year"], context),
            month_number(match["mon"]),
            int(match["day"]),
        )
    elif match := _NUMERIC.fullmatch(text):
        first, second = int(match["a"]), int(match["b"])
        month, day = (first, second) if context.order == "mdy" else (second, first)
        if not 1 <= month <= 12:
            raise Invalid(f"month {month} does not exist; {_ORDER_HINT[context.order]}")
        year = written_year(match["year"], context)
    elif text[:1].isdigit() and (
        match := _DATA_DAY.fullmatch(text)
    ):  # "20190201", "2022/06/06", "06.06.2022"
        year = written_year(match["y1"] or match["y2"] or match["y3"], context)
        month = int(match["m1"] or match["m2"] or match["m3"])
        day = int(match["d1"] or match["d2"] or match["d3"])
    else:
        return None
    check_day(year, month, day)
    weekday = (
        _weekday_number(match["wd"]) if match.re.groupindex.get("wd") and match["wd"] else None
    )
    return DaySpec(month, day, year, weekday)


_ORDER_HINT = {
    "mdy": "dates are read month-first (TRACKER_DATE_ORDER=dmy for day-first)",
    "dmy": "dates are read day-first (TRACKER_DATE_ORDER=mdy for month-first)",
}


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


def _place(spec: DaySpec, make: Callable[[date], Interval]) -> Parsed:
    if spec.year is None:

        def build(year: int) -> Interval | None:
            day = spec.in_year(year)
            return None if day is None else make(day)

        return Yearless(build)
    day = spec.in_year(spec.year)
    if day is None:  # the day itself was checked: only a written weekday can disagree
        actual = date(spec.year, spec.month, spec.day)
        raise Invalid(f"{long_day(actual, 'mdy')} is a {WEEKDAY_NAMES[actual.weekday()]}")
    try:
        return make(day)
    except (ValueError, OverflowError):
        raise Invalid("that is out of range") from None


def _at_year(year: int | None, make: Callable[[int], Interval]) -> Parsed:
    if year is None:
        return Yearless(make)
    try:
        return make(checked_year(year))
    except (ValueError, OverflowError):
        raise Invalid("that is out of range") from None


def _weekday_number(name: str) -> int:
    return [weekday[:3].lower() for weekday in WEEKDAY_NAMES].index(name[:3])


def _weekday_date(which: str | None, weekday: int, today: date) -> date:
    ahead = weekday - today.weekday()
    if which == "next":
        return today + timedelta(days=ahead % 7 or 7)
    if which == "last":
        return today - timedelta(days=-ahead % 7 or 7)
    if which == "this":  # within today's Monday-to-Sunday week
        return today + timedelta(days=ahead)
    return today + timedelta(days=ahead % 7)  # a bare weekday: the coming one, today included


def _spec_of(day: date) -> DaySpec:
    return DaySpec(day.month, day.day, day.year)


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
