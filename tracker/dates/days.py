"""Calendar days as written ("May 13, 2022", "13/5", "next tuesday", "20220513"), placed in
their year; what every reader of a day, a time or a week starts from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from tracker.dates.common import (
    WEEKDAY_NAMES,
    Context,
    DaySpec,
    Interval,
    Invalid,
    Lazy,
    Parsed,
    Yearless,
    check_day,
    month_number,
    written_year,
)
from tracker.dates.labels import long_day

MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
ORD = r"(?:st|nd|rd|th)?"
_DAY = r"(?P<day>\d{1,2})" + ORD
DAY_YEAR = r"(?:,? (?P<year>\d{4}|'?\d{2}))?"  # after a day: "May 13, 2022", "May 13, 22"
_WEEKDAY = (
    r"(?P<wd>monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu"
    r"|friday|fri|saturday|sat|sunday|sun)"
)
_WD_PREFIX = r"(?:" + _WEEKDAY + r"\.?,? )?"
ISO_DAY = Lazy(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
_TEXT_MDY = Lazy(_WD_PREFIX + MON + " " + _DAY + DAY_YEAR)
_TEXT_DMY = Lazy(_WD_PREFIX + r"(?:the )?" + _DAY + r" (?:of )?" + MON + DAY_YEAR)
_NUMERIC = Lazy(_WD_PREFIX + r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?")
_DATA_DAY = Lazy(  # data files: compact ISO, ISO with slashes, day-first with dots
    r"(?P<y1>\d{4})(?P<m1>\d{2})(?P<d1>\d{2})|(?P<y2>\d{4})/(?P<m2>\d{1,2})/(?P<d2>\d{1,2})"
    r"|(?P<d3>\d{1,2})\.(?P<m3>\d{1,2})\.(?P<y3>\d{4}|\d{2})"
)
_RELATIVE_WEEKDAY = Lazy(r"(?:(?P<which>this|next|last) )?" + _WEEKDAY)
_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}


def day_spec(text: str, context: Context) -> DaySpec | None:
    """One calendar day as written, checked for impossible months and days."""
    today = context.today
    year: int | None
    if text in _RELATIVE_DAYS:
        return _spec_of(today + timedelta(days=_RELATIVE_DAYS[text]))
    if match := _RELATIVE_WEEKDAY.fullmatch(text):
        return _spec_of(_weekday_date(match["which"], _weekday_number(match["wd"]), today))
    if match := ISO_DAY.fullmatch(text):
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


def place(spec: DaySpec, make: Callable[[date], Interval]) -> Parsed:
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
