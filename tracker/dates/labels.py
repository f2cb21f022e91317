"""Labels: every interval written back the way a person would, and the previews and JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from tracker.dates.common import (
    MONTH_ABBRS,
    MONTH_NAMES,
    DateOrder,
    DateParseError,
    Interval,
    days_interval,
    merge_ends,
)
from tracker.dates.zones import (
    MAX_OFFSET,
    US_ZONES,
    as_utc,
    local_zone_name,
    near_shift,
    offset_text,
    zone_of,
    zone_word,
)
from tracker.domain import Precision, When


def span(first: When, last: When, *, order: DateOrder = "mdy") -> When:
    """The interval from the start of `first` to the end of `last` (`--when W --until W2`)."""
    if last.end < first.start:
        raise DateParseError(
            f"{first.label} until {last.label}", f"{last.label} is before {first.label}"
        )
    return finish(merge_ends(first.start, last.end, first.precision, last.precision), order)


def rebuild(
    start: date,
    end: date,
    precision: Precision,
    start_at: datetime | None = None,
    end_at: datetime | None = None,
    tz: str | None = None,
    *,
    order: DateOrder = "mdy",
    approximate: bool = False,
) -> When:
    """Reconstruct a When, label included, from stored columns (naive instants count as UTC).

    A one-day DAYS becomes DAY, a one-month MONTHS becomes MONTH, and MINUTE without an
    instant falls back to DAY/DAYS, so that every label reads back as what it describes.
    A MINUTE whose `end_at` is later than `start_at` is a time range ("June 6, 2022
    9:00–10:30 AM"); `approximate` writes the label as "c. May 2022".
    """
    precision = Precision(precision)
    if precision is Precision.MINUTE and start_at is None:
        precision = days_interval(start, end).precision
    if precision is Precision.MINUTE and start_at is not None:
        start_at = as_utc(start_at)
        end_at = start_at if end_at is None else as_utc(end_at)
    else:
        start_at = end_at = tz = None
    if precision is Precision.DAYS and start == end:
        precision = Precision.DAY
    if precision is Precision.MONTHS and (start.year, start.month) == (end.year, end.month):
        precision = Precision.MONTH
    if precision is Precision.MINUTE and start_at is not None and end_at != start_at:
        label = time_range_label(start_at, end_at or start_at, tz, order)
    else:
        label = label_of(start, end, precision, start_at, tz, order)
    if approximate:
        return When(start, end, precision, f"c. {label}", start_at, end_at, tz, True)
    return When(start, end, precision, label, start_at, end_at, tz)


def at_own_offset(start_at: datetime, end_at: datetime, *, order: DateOrder = "mdy") -> When | None:
    """`rebuild(start_at.date(), end_at.date(), MINUTE, start_at, end_at, tz)` for a time
    written with its UTC offset, `tz` being that offset ("+02:00"), built straight from the
    written wall time; None unless the offset is whole minutes within 14 hours (the offsets
    a stored `tz` names as such), for `rebuild` to answer."""
    offset = start_at.utcoffset()
    if end_at != start_at:  # a time range: its label is `rebuild`'s to write
        return None
    if offset is None or offset.microseconds or offset.seconds % 60 or abs(offset) >= MAX_OFFSET:
        return None
    tz = offset_text(offset)
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
        f"{long_day(day, order)} {clock} {tz}",
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
    zone = local_zone_name(local_tz, wall.replace(fold=0))  # as `parse_when` places it
    at = start_at.astimezone(UTC)
    return rebuild(wall.date(), wall.date(), Precision.MINUTE, at, at, zone, order=order)


def describe(when: When) -> str:
    """A compact, day-first preview of the concrete interval: "21–31 May 2022", "13 May 2022"."""
    if when.precision is Precision.MINUTE and when.start_at is not None:
        zone, _ = zone_of(when.tz)
        local = as_utc(when.start_at).astimezone(zone)
        last = as_utc(when.end_at or when.start_at).astimezone(zone)
        if last.date() == local.date() and last.utcoffset() == local.utcoffset():
            return _preview(local, "" if last == local else f"–{last:%H:%M}")
        return f"{_preview(local)} – {_preview(last)}"
    start, end = when.start, when.end
    end_text = f"{end.day} {MONTH_ABBRS[end.month - 1]} {end.year:04d}"
    if start == end:
        return end_text
    if start.year != end.year:
        return f"{start.day} {MONTH_ABBRS[start.month - 1]} {start.year:04d} – {end_text}"
    if start.month != end.month:
        return f"{start.day} {MONTH_ABBRS[start.month - 1]} – {end_text}"
    return f"{start.day}–{end_text}"


def _preview(local: datetime, until: str = "") -> str:
    offset = offset_text(local.utcoffset()).replace("-", "\u2212")
    day = f"{local.day} {MONTH_ABBRS[local.month - 1]} {local.year:04d}"
    return f"{day} {local:%H:%M}{until} {offset}"


def to_json(when: When) -> dict[str, str]:
    """`{"start", "end", "precision", "label"}`; MINUTE bounds are ISO datetimes in their zone."""
    start, end = when.start.isoformat(), when.end.isoformat()
    if when.precision is Precision.MINUTE and when.start_at is not None:
        zone, _ = zone_of(when.tz)
        start = as_utc(when.start_at).astimezone(zone).isoformat()
        end = as_utc(when.end_at or when.start_at).astimezone(zone).isoformat()
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
    if start_at is not None and precision in _MINUTE and (end_at is None or end_at == start_at):
        zone, explicit = zone_of(tz)
        start_at = as_utc(start_at)
        local = start_at.astimezone(zone)
        first = local.isoformat()
        last = first if end_at is None else as_utc(end_at).astimezone(zone).isoformat()
        label = local_label(local, start_at, zone, explicit, order, tz)
        return first, last, label, _MINUTE_TEXT
    if start_at is not None and precision in _MINUTE:
        json = to_json(rebuild(start, end, Precision.MINUTE, start_at, end_at, tz, order=order))
        return json["start"], json["end"], json["label"], _MINUTE_TEXT
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


def finish(interval: Interval, order: DateOrder, approximate: bool = False) -> When:
    start_at = interval.start_at
    return rebuild(
        interval.start,
        interval.end,
        interval.precision,
        start_at,
        start_at if interval.end_at is None else interval.end_at,
        interval.tz,
        order=order,
        approximate=approximate,
    )


def label_of(
    start: date,
    end: date,
    precision: Precision,
    start_at: datetime | None,
    tz: str | None,
    order: DateOrder,
) -> str:
    month, year = MONTH_NAMES[start.month - 1], f"{start.year:04d}"
    match precision:
        case Precision.MINUTE if start_at is not None:
            return instant_label(start_at, tz, order)
        case Precision.WEEK:
            return f"week of {long_day(start, order)}"
        case Precision.PART_OF_MONTH:
            part = "early " if start.day <= 10 else "mid-" if start.day <= 20 else "late "
            return f"{part}{month} {year}"
        case Precision.MONTH:
            return f"{month} {year}"
        case Precision.MONTHS:
            first, last = (
                MONTH_ABBRS[start.month - 1],
                f"{MONTH_ABBRS[end.month - 1]} {end.year:04d}",
            )
            return f"{first} – {last}" if start.year == end.year else f"{first} {year} – {last}"
        case Precision.QUARTER:
            return f"Q{(start.month - 1) // 3 + 1} {year}"
        case Precision.YEAR:
            return year
        case Precision.DAYS if start != end:
            return days_label(start, end, order)
        case _:
            return long_day(start, order)


def long_day(day: date, order: DateOrder, *, abbreviated: bool = False) -> str:
    month = (MONTH_ABBRS if abbreviated else MONTH_NAMES)[day.month - 1]
    if order == "dmy":
        return f"{day.day} {month} {day.year:04d}"
    return f"{month} {day.day}, {day.year:04d}"


def days_label(start: date, end: date, order: DateOrder) -> str:
    if start.year != end.year:
        first, last = (long_day(day, order, abbreviated=True) for day in (start, end))
        return f"{first} – {last}"
    first_month, last_month, year = (
        MONTH_NAMES[start.month - 1],
        MONTH_NAMES[end.month - 1],
        end.year,
    )
    if order == "dmy":
        if start.month == end.month:
            return f"{start.day}–{end.day} {last_month} {year:04d}"
        return f"{start.day} {first_month} – {end.day} {last_month} {year:04d}"
    if start.month == end.month:
        return f"{first_month} {start.day}–{end.day}, {year:04d}"
    return f"{first_month} {start.day} – {last_month} {end.day}, {year:04d}"


def instant_label(start_at: datetime, tz: str | None, order: DateOrder) -> str:
    """The wall time in the stored zone, with its offset unless the zone alone pins it down."""
    zone, explicit = zone_of(tz)
    return local_label(start_at.astimezone(zone), start_at, zone, explicit, order, tz)


def local_label(
    local: datetime,
    start_at: datetime,
    zone: tzinfo,
    explicit: bool,
    order: DateOrder,
    tz: str | None = None,
) -> str:
    """`instant_label` once the instant (UTC) is in its zone (`local`)."""
    # `_clock` and `_suffix` written out: an export or import labels every time of a file
    if tz is not None and tz in US_ZONES:
        suffix = f" {zone_word(local, tz)}"
    elif explicit:
        suffix = f" {offset_text(local.utcoffset())}"
    else:
        suffix = _suffix(local, start_at, zone, explicit, tz)
    if order == "dmy":
        return f"{long_day(local.date(), order)} {local:%H:%M}{suffix}"
    hour = local.hour
    clock = f"{hour % 12 or 12}:{local.minute:02d} {'AM' if hour < 12 else 'PM'}"
    return f"{long_day(local.date(), order)} {clock}{suffix}"


def _clock(local: datetime, order: DateOrder, *, meridiem: bool = True) -> str:
    if order == "dmy":
        return f"{local:%H:%M}"
    clock = f"{local.hour % 12 or 12}:{local.minute:02d}"
    return f"{clock} {'AM' if local.hour < 12 else 'PM'}" if meridiem else clock


def _suffix(
    local: datetime, start_at: datetime, zone: tzinfo, explicit: bool, tz: str | None
) -> str:
    """What follows the clock: nothing for the local zone, " ET" for a US zone written by
    name, else the offset; a wall time the zone gives twice always says which one it is."""
    if tz in US_ZONES:
        return f" {zone_word(local, tz)}"
    if not explicit and zone is not UTC:
        if (
            local.fold
            or local.second
            or local.microsecond
            or start_at.second
            or start_at.microsecond
        ):  # the second of a wall time the zone gives twice, or seconds, which the label drops
            wall = local.replace(second=0, microsecond=0, fold=0)
            explicit = wall.astimezone(UTC) != start_at.replace(second=0, microsecond=0)
        elif near_shift(local) and local.replace(fold=1).utcoffset() != local.utcoffset():
            explicit = True  # the first of a wall time the zone gives twice
    return f" {offset_text(local.utcoffset())}" if explicit else ""


def time_range_label(start_at: datetime, end_at: datetime, tz: str | None, order: DateOrder) -> str:
    """ "June 6, 2022 9:00–10:30 AM", "June 6, 2022 9:00 AM–12:00 PM ET", "6 June 2022
    09:00–10:30", or both ends in full across days ("June 6, 2022 9:00 AM – June 7, 2022
    5:00 PM")."""
    zone, explicit = zone_of(tz)
    first, last = start_at.astimezone(zone), end_at.astimezone(zone)
    suffix = _suffix(first, start_at, zone, explicit, tz)
    if first.date() != last.date() or suffix != _suffix(last, end_at, zone, explicit, tz):
        return (
            f"{local_label(first, start_at, zone, explicit, order, tz)} – "
            f"{local_label(last, end_at, zone, explicit, order, tz)}"
        )
    same_half = order == "mdy" and (first.hour < 12) == (last.hour < 12)
    clocks = f"{_clock(first, order, meridiem=not same_half)}–{_clock(last, order)}"
    return f"{long_day(first.date(), order)} {clocks}{suffix}"
