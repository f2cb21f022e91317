"""The less common forms, read after the common ones: fiscal and calendar years, parts of
years, seasons, "the 6th", and the compact forms of data files ("20190201")."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

from tracker.dates.common import (
    Context,
    Interval,
    Invalid,
    Lazy,
    Parsed,
    Yearless,
    checked_year,
    months_interval,
    part_interval,
    quarter_interval,
    written_year,
    year_interval,
)
from tracker.domain import Precision

_Y = r"(?P<year>\d{4}|'?\d{2})"
_FISCAL = Lazy(
    r"(?:q(?P<q>[1-4]) )?fy ?-?" + _Y + r"(?: q(?P<q2>[1-4]))?"
)  # "FY2023", "FY23", "Q4 FY2022", "FY2022 Q4"
_CALENDAR_YEAR = Lazy(r"cy ?-?" + _Y)
_THIS_YEAR = r"(?:(?P<which>this|next|last) year|(?:the )?year|" + _Y + ")"
_YEAR_PART = Lazy(
    r"(?:the )?(?:(?P<part>early|mid|late)[- ]?|(?P<of>beginning|start|middle|end) of (?:the )?)"
    + _THIS_YEAR
)
_MONTH_PART = Lazy(
    r"(?:the )?(?P<of>beginning|start|middle|end) of (?:the |this )?(?P<next>next |last )?month"
)
_PART_OF = {"beginning": "early", "start": "early", "middle": "mid", "end": "late"}
_YEAR_THIRDS = {"early": 1, "mid": 5, "late": 9}  # January–April, May–August, September–December
_SEASON = Lazy(r"(?:the )?(?P<season>spring|summer|fall|autumn|winter)(?: of)?(?:,? " + _Y + ")?")
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}  # three months each
_THE_NTH = Lazy(r"the (?P<day>\d{1,2})(?:st|nd|rd|th)")
_STAMP = Lazy(r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})")
_SHORT_QUARTER = Lazy(r"(?P<q>[1-4])q(?P<year>\d{4}|\d{2})")
_STEP = {"this": 0, "next": 1, "last": -1, None: 0}

# words a prefilter looks for; text without one of them skips every reader here
_FIRST = frozenset("fcqelmbstaw")  # the first letters of the forms here
_KEYS = Lazy("fy|cy|early|mid|late|beginning|start|middle|end|the |" + "|".join(_SEASONS))


def read_more(text: str, context: Context) -> Parsed | None:
    """The forms of this module, or None (quickly, for text that holds none of their words)."""
    first = text[:1]
    if first.isdigit():
        if text.isdigit():
            return _read_stamp(text) if len(text) == 14 else None
        if match := _SHORT_QUARTER.fullmatch(text):  # "2Q22"
            year = checked_year(written_year(match["year"], context))
            return quarter_interval(year, int(match["q"]))
        return None
    if first not in _FIRST or _KEYS.search(text) is None:
        return None
    for reader in (_read_fiscal, _read_year_part, _read_month_part, _read_season, _read_nth):
        found = reader(text, context)
        if found is not None:
            return found
    return None


def fiscal_year(year: int, start_month: int) -> Interval:
    """Fiscal year `year`: the twelve months ending in `year` (US federal, start month 10:
    FY2023 is October 1, 2022 to September 30, 2023); a January start is the calendar year."""
    if start_month == 1:
        return months_interval(year, 1, 12)
    return months_interval(year - 1, start_month, 12)


def _read_fiscal(text: str, context: Context) -> Parsed | None:
    if match := _CALENDAR_YEAR.fullmatch(text):
        return year_interval(checked_year(written_year(match["year"], context)))
    if (match := _FISCAL.fullmatch(text)) is None:
        return None
    if match["q"] and match["q2"]:
        raise Invalid("write one quarter, before or after the fiscal year")
    year = checked_year(written_year(match["year"], context))
    whole = fiscal_year(year, context.fiscal_start)
    quarter = match["q"] or match["q2"]
    if quarter is None:
        return whole
    return months_interval(whole.start.year, whole.start.month + 3 * (int(quarter) - 1), 3)


def _read_year_part(text: str, context: Context) -> Parsed | None:
    if (match := _YEAR_PART.fullmatch(text)) is None:
        return None
    part = match["part"] or _PART_OF[match["of"]]
    if match["year"]:
        year = checked_year(written_year(match["year"], context))
    else:
        year = checked_year(context.today.year + _STEP[match["which"]])
    return months_interval(year, _YEAR_THIRDS[part], 4)


def _read_month_part(text: str, context: Context) -> Parsed | None:
    if (match := _MONTH_PART.fullmatch(text)) is None:
        return None
    step = {"next ": 1, "last ": -1, None: 0}[match["next"]]
    month = context.today.month - 1 + step
    year = checked_year(context.today.year + month // 12)
    return part_interval(year, month % 12 + 1, _PART_OF[match["of"]])


def _read_season(text: str, context: Context) -> Parsed | None:
    if (match := _SEASON.fullmatch(text)) is None:
        return None
    first = _SEASONS[match["season"]]

    def season(year: int) -> Interval:
        return months_interval(year, first, 3)

    if match["year"] is None:
        return Yearless(season)
    return season(checked_year(written_year(match["year"], context)))


def _read_nth(text: str, context: Context) -> Parsed | None:
    """ "the 6th": the 6th of this month, the last or the next, whichever is nearest."""
    if (match := _THE_NTH.fullmatch(text)) is None:
        return None
    day, today = int(match["day"]), context.today
    if not 1 <= day <= 31:
        raise Invalid(f"no month has a day {day}")
    found = []
    for step in (-1, 0, 1):
        month = today.month - 1 + step
        year, month = today.year + month // 12, month % 12 + 1
        if 1 <= year <= 9999 and day <= calendar.monthrange(year, month)[1]:
            found.append(date(year, month, day))
    if not found:
        raise Invalid(f"no month near today has a day {day}")
    nearest = min(found, key=lambda one: (abs((one - today).days), one < today))
    return Interval(nearest, nearest, Precision.DAY)


def _read_stamp(text: str) -> Interval | None:
    """ "20190201151500": a UTC instant as data files write it, to the minute."""
    if (match := _STAMP.fullmatch(text)) is None:
        return None
    try:
        year, month, day, hour, minute, second = (
            int(match[key]) for key in ("y", "mo", "d", "h", "mi", "s")
        )
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise Invalid(f"{text} is not a date and time (YYYYMMDDhhmmss)") from None
    if moment.second:
        raise Invalid("times are kept to the minute; this one has seconds")
    return Interval(moment.date(), moment.date(), Precision.MINUTE, moment, "+00:00")  # as "Z"
