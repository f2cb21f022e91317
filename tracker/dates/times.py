"""Times of day: how they are written after (or before) a day, the instant a clock names in
its zone, and ranges of two times.

A wall time the zone skips (2:30 AM on the day clocks go forward) is refused; one the zone
gives twice is the first, unless an offset or "EST"/"EDT" says which.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo

from tracker.dates.common import Context, DaySpec, Interval, Invalid, Lazy, Parsed
from tracker.dates.days import ISO_DAY, day_spec, place
from tracker.dates.zones import (
    ZONE_WORDS,
    local_zone_name,
    near_shift,
    offset_text,
    written_zone,
    zone_of,
)
from tracker.domain import Precision

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


def read_time(text: str, context: Context) -> Parsed | None:
    found = _split_time(text, context)
    if found is None:
        return None
    spec, match = found
    return place(spec, _time_of(match, context))


def read_time_range(text: str, context: Context) -> Parsed | None:
    """A day and two times of it: "June 6, 2022 9:00–10:30 AM", "June 6 2022 9am-12pm ET"."""
    if ":" not in text and "m" not in text:
        return None
    for sep in _TIME_SEP.finditer(text):
        match = _TIME_RANGE.fullmatch(text, sep.end())
        if match is None or not (match["m2"] or match["a2"]) or not (match["m1"] or match["a2"]):
            continue  # "6-10" is two days, not two times
        spec = day_spec(text[: sep.start()], context)
        if spec is not None:
            return place(spec, _two_times(match, context))
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


def read_time_first(text: str, context: Context) -> Parsed | None:
    """A time before its day: "2pm June 6 2022", "2:30 pm on June 6"."""
    if not (text[:1].isdigit() or text.startswith(("noon", "midnight"))):
        return None
    for sep in _TIME_FIRST_SEP.finditer(text):
        match = _TIME.fullmatch(text[: sep.start()])
        if match is None or not (match["minute"] or match["ampm"] or match["word"]):
            continue
        if _dash_after_clock(match, ""):
            continue
        spec = day_spec(text[sep.end() :], context)
        if spec is not None:
            return place(spec, _time_of(match, context))
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
        if match is None or (sep.group() == "t" and not ISO_DAY.fullmatch(head)):
            continue
        if match["minute"] is None and match["ampm"] is None and match["word"] is None:
            continue  # a bare number is not a time
        if match["zone"] and _dash_after_clock(match, sep.group()):
            continue  # "14:00-15:30" is a time range; an offset is "T14:00-04:00" or " -04:00"
        spec = day_spec(head, context)
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


def clock(hour_text: str, minute_text: str | None, half: str | None) -> tuple[int, int]:
    """Hour and minute of "9", "10:30" with "a"/"p" for am/pm or None for a 24-hour clock."""
    hour, minute = int(hour_text), int(minute_text or 0)
    if half:
        if not 1 <= hour <= 12:
            raise Invalid(f"{hour} {half}m is not a time")
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        raise Invalid(f"{hour}:{minute:02d} is not a time")
    return hour, minute


def clock_time(match: re.Match[str]) -> tuple[int, int]:
    """The clock of a `_TIME` match: digits, "noon" or "midnight"; seconds must be zero."""
    hour, minute, second, word = match.group("hour", "minute", "second", "word")
    if word:
        return (12, 0) if word == "noon" else (0, 0)
    if second and (int(second) or int(match["fraction"] or 0)):
        raise Invalid("times are kept to the minute; this one has seconds")
    return clock(hour, minute, match["ampm"])


def instant(
    day: date, hour: int, minute: int, written: str | None, local_tz: tzinfo
) -> tuple[datetime, str]:
    """The UTC instant of a wall time on `day` in the written zone (else `local_tz`), and the
    `tz` to store with it."""
    if written is None:
        wall = datetime(day.year, day.month, day.day, hour, minute, tzinfo=local_tz)
        if near_shift(wall):
            _check_exists(wall, getattr(local_tz, "key", None) or "your zone")
        return wall.astimezone(UTC), local_zone_name(local_tz, wall)
    if written in ZONE_WORDS:
        name, daylight = ZONE_WORDS[written]
        wall = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone_of(name)[0])
        if near_shift(wall):
            _check_exists(wall, name)
        if daylight is not None and bool(wall.dst()) != daylight:
            other = wall.replace(fold=1)
            if bool(other.dst()) != daylight or other.utcoffset() == wall.utcoffset():
                which = ("standard", "daylight")
                raise Invalid(
                    f'"{written.upper()}" is {which[daylight]} time, but {name} is on '
                    f"{which[not daylight]} time then; write {name}"
                )
            wall = other
        return wall.astimezone(UTC), name
    zone = written_zone(written)
    wall = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    tz = offset_text(wall.utcoffset())
    local = wall.replace(tzinfo=local_tz)
    if near_shift(local):
        first, second = local.utcoffset(), local.replace(fold=1).utcoffset()
        twice = first is not None and second is not None and first > second
        if twice and wall.utcoffset() in (first, second):  # it says which of a time given twice
            tz = local_zone_name(local_tz, local)
    return wall.astimezone(UTC), tz


def _check_exists(wall: datetime, name: str) -> None:
    before, after = wall.utcoffset(), wall.replace(fold=1).utcoffset()
    if before is not None and after is not None and before < after:
        skipped = after - before
        minutes = int(skipped.total_seconds()) // 60
        amount = "an hour" if minutes == 60 else f"{minutes} minutes"
        raise Invalid(
            f"{wall:%H:%M} on {wall:%Y-%m-%d} does not exist in {name}: "
            f"the clocks go forward {amount} then"
        )


def time_span(first: Interval, last: Interval) -> Interval:
    """From the time `first` to the time (or end of the time range) `last`."""
    assert first.start_at is not None and last.start_at is not None
    end_at = last.end_at or last.start_at
    if end_at <= first.start_at:
        raise Invalid("the range ends before it starts")
    end_day = end_at.astimezone(zone_of(first.tz)[0]).date()
    return Interval(first.start, end_day, Precision.MINUTE, first.start_at, first.tz, end_at)
