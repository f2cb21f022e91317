"""Small pure helpers that turn views into the short strings the screens show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from tracker.domain import EventStatus, EventView, FollowUpStatus, FollowUpView, When, names_short

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_of(when: When) -> tuple[int, int]:
    """The (year, month) an event is filed under in the timeline: that of its first day."""
    return when.start.year, when.start.month


def month_title(month: tuple[int, int]) -> str:
    return f"{MONTHS[month[1] - 1]} {month[0]}"


def participants_short(view: EventView, limit: int = 3) -> str:
    return names_short([p.name for p in view.participants], limit)


def split_list(text: str) -> tuple[str, ...]:
    """Comma-separated entries, trimmed, empties and repeats dropped, order kept."""
    return tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))


def join_list(items: Iterable[str]) -> str:
    return ", ".join(items)


def count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def position(index: int, total: int, *, exact: bool = True) -> str:
    """`row 1,234 of 100,000` (index is 0-based); `counting…` while those are estimates."""
    if not exact:
        return "counting…"
    if total == 0:
        return "no events"
    return f"row {index + 1:,} of {total:,}"


def follow_up_state(item: FollowUpView) -> str:
    if item.overdue:
        return "OVERDUE"
    return item.status.value


def due_text(item: FollowUpView) -> str:
    return item.due.label if item.due else "—"


def is_open(item: FollowUpView) -> bool:
    return item.status is FollowUpStatus.OPEN


def iso_day(day: dt.date) -> str:
    return day.isoformat()


def default_export_name(today: dt.date) -> str:
    return f"tracker-timeline-{today.isoformat()}.csv"


def fit_widths(room: int, mins: Sequence[int], weights: Sequence[int]) -> list[int]:
    """Column widths that fill `room`: each at least its minimum, the rest shared by weight."""
    widths = list(mins)
    spare = room - sum(widths)
    total = sum(weights)
    if spare > 0 and total:
        shares = [spare * w // total for w in weights]
        for i, share in enumerate(shares):
            widths[i] += share
        for i in sorted(range(len(widths)), key=lambda i: -weights[i])[: spare - sum(shares)]:
            widths[i] += 1
    return widths


def cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, with an ellipsis when it was longer."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def past_but_planned(view: EventView, today: dt.date) -> bool:
    """Still "planned" though its last day has passed: the staffer should say what happened."""
    return view.status is EventStatus.PLANNED and view.when.end < today


def status_label(view: EventView, today: dt.date) -> str:
    """The status column: `⚑ planned` flags one still planned after its date."""
    return "⚑ " + view.status.value if past_but_planned(view, today) else view.status.value
