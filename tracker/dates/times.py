"""Times of day: a written clock, the instant it names in its zone, and ranges of two times.

A wall time the zone skips (2:30 AM on the day clocks go forward) is refused; one the zone
gives twice is the first, unless an offset or "EST"/"EDT" says which.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo

from tracker.dates.common import Interval, Invalid
from tracker.dates.zones import (
    ZONE_WORDS,
    local_zone_name,
    near_shift,
    offset_text,
    written_zone,
    zone_of,
)
from tracker.domain import Precision


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
