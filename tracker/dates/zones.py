"""Zones and UTC offsets: what a stored `tz` names and how an offset is written."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.dates.common import Invalid, Lazy

OFFSET = Lazy(r"(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2})(?::(?P<s>\d{2}))?)?")


MAX_OFFSET = timedelta(hours=15)  # "+14:59" is the furthest a stored offset reads back


def written_zone(text: str) -> tzinfo:
    if text in ("z", "utc", "gmt"):
        return UTC
    match = OFFSET.fullmatch(text)
    hours = int(match["h"]) if match else 99
    if match is None or hours > 14 or int(match["m"] or 0) > 59 or int(match["s"] or 0) > 59:
        raise Invalid(f"{text} is not a UTC offset")
    offset = timedelta(hours=hours, minutes=int(match["m"] or 0), seconds=int(match["s"] or 0))
    return timezone(-offset if match["sign"] == "-" else offset)


def local_zone_name(zone: tzinfo, wall: datetime) -> str:
    """What to store as `tz` for a time written without a zone."""
    key = getattr(zone, "key", None)
    if isinstance(key, str) and key:
        return key
    offset = wall.utcoffset()
    if isinstance(zone, timezone) and offset == timedelta(0):
        return "UTC"
    return offset_text(offset)


@functools.lru_cache(maxsize=256)  # a database holds a few zones; labels ask for them often
def zone_of(tz: str | None) -> tuple[tzinfo, bool]:
    """The zone a stored `tz` names, and whether a label must spell out the offset."""
    if tz is None:
        return UTC, True
    if tz == "UTC":
        return UTC, False
    if tz in US_ZONES:
        return ZoneInfo(US_ZONES[tz]), False
    if OFFSET.fullmatch(tz):
        try:
            return written_zone(tz), True
        except Invalid:
            return UTC, True
    try:
        return ZoneInfo(tz), False
    except (ZoneInfoNotFoundError, ValueError):
        return UTC, True


@functools.lru_cache(maxsize=256)  # a few offsets, asked for by every time label
def offset_text(offset: timedelta | None) -> str:
    seconds = int((offset or timedelta(0)).total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# US zones written by name after a time ("2:30 p.m. ET", "3pm EDT"): stored as the generic
# name ("ET"), which every label of that time then carries, so it reads back in any local zone.
US_ZONES = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}
ZONE_WORDS = {  # the written word: the generic name, and daylight (True), standard or either
    **{name.lower(): (name, None) for name in US_ZONES},
    **{f"{name[0]}dt".lower(): (name, True) for name in US_ZONES},
    **{f"{name[0]}st".lower(): (name, False) for name in US_ZONES},
}


def zone_word(local: datetime, tz: str) -> str:
    """How a label names the zone `tz` ("ET") at `local`: the generic name, or "EDT"/"EST"
    for a wall time the zone gives twice."""
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() == local.utcoffset():
        return tz
    return f"{tz[0]}{'D' if local.dst() else 'S'}T"


def near_shift(wall: datetime) -> bool:
    """Whether `wall` (aware, in its zone) may be a wall time the zone skips or gives twice;
    False is certain. A zone's changes are found once a year and kept: checking every time
    with `replace(fold=1)` cost a time label a tenth of its time."""
    global _last_shifts
    zone, year = wall.tzinfo, wall.year
    if type(zone) is ZoneInfo and 1 < year < 9999:  # the first and last years: checked
        last_zone, last_year, shifts = _last_shifts  # one read: another thread may replace it
        if last_zone is not zone or last_year != year:
            shifts = _shifts(zone, year)
            _last_shifts = (zone, year, shifts)
        for first, last in shifts:  # noqa: SIM110 (a loop: faster)
            if first <= wall < last:
                return True
        return False
    return not (zone is UTC or isinstance(zone, timezone))  # other zones: always checked


# the zone and year asked for last, and their changes: most texts read together share them
_last_shifts: tuple[tzinfo | None, int, tuple[tuple[datetime, datetime], ...]] = (None, 0, ())


@functools.lru_cache(maxsize=1024)
def _shifts(zone: ZoneInfo, year: int) -> tuple[tuple[datetime, datetime], ...]:
    """The wall times of `year` around each change of `zone`'s offset (a minute wider)."""
    step, second = timedelta(hours=6), timedelta(seconds=1)
    moment = datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=2)
    end = datetime(year, 12, 31, tzinfo=UTC) + timedelta(days=3)
    offset = moment.astimezone(zone).utcoffset()
    found = []
    while moment < end:
        after = moment + step
        new = after.astimezone(zone).utcoffset()
        if new != offset and offset is not None and new is not None:
            low, high = moment, after  # the change is in (low, high]
            while high - low > second:
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            walls = sorted((high + offset, high + new))
            first = walls[0].replace(tzinfo=zone) - timedelta(minutes=1)
            found.append((first, walls[1].replace(tzinfo=zone) + timedelta(minutes=1)))
        moment, offset = after, new
    return tuple(found)
