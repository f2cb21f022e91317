"""Small pure helpers that turn views into the short strings the screens show.

Stored text reaches the screen through them with its control characters shown escaped
(`tracker.textsafe`): `shown` for a string, `visible_view` for a whole view, `cut` and `cell`
for a table's cells (a DataTable reads a plain string as markup; `cell` is a Content, which
it shows as it is).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import fields, is_dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from textual.content import Content

from tracker.domain import EventStatus, EventView, FollowUpStatus, FollowUpView, When, names_short
from tracker.textsafe import visible, visible_cells, visible_line

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_V = TypeVar("_V", bound="DataclassInstance")
_SEVERAL_LINES = frozenset({"notes", "summary"})

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
    """`text` in at most `width` cells, with an ellipsis when it was longer (its control
    characters shown escaped first)."""
    text = visible_line(text)
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def cell(text: str, width: int) -> Content:
    """A table cell: `cut`, as plain text (never read as markup)."""
    return Content(cut(text, width))


def shown(text: str) -> str:
    """Stored text for one line of the screen: control characters shown escaped."""
    return visible_line(text)


def shown_names(names: Sequence[str]) -> list[str]:
    """Stakeholder names as the forms suggest them and check them against: `shown`."""
    return visible_cells(list(names))


def plain(text: str) -> Content:
    """`shown(text)` as a Content: for a widget that would read a string as markup."""
    return Content(visible_line(text))


def plain_lines(text: str) -> Content:
    """`text` of several lines as a Content, each line's control characters shown escaped."""
    return Content("\n".join(visible_line(line) for line in text.split("\n")))


def visible_view(view: _V) -> _V:
    """`view` (a frozen dataclass: an EventView, a StakeholderView...) with every text in
    it, its parts' too, shown safe: `shown`, notes and summaries keeping their lines. The
    view itself when nothing needed it."""
    changes = {}
    for item in fields(view):
        value = getattr(view, item.name)
        safe = _visible_value(item.name, value)
        if safe is not value:
            changes[item.name] = safe
    return replace(view, **changes) if changes else view


def _visible_value(name: str, value: Any) -> Any:
    if isinstance(value, str):  # a StrEnum member too: unchanged, the same object
        safe = visible(value) if name in _SEVERAL_LINES else visible_line(value)
        return value if safe == value else safe
    if isinstance(value, tuple):
        items = tuple(_visible_value(name, part) for part in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if is_dataclass(value) and not isinstance(value, type):
        return visible_view(value)
    return value


def past_but_planned(view: EventView, today: dt.date) -> bool:
    """Still "planned" though its last day has passed: the staffer should say what happened."""
    return view.status is EventStatus.PLANNED and view.when.end < today


def status_label(view: EventView, today: dt.date) -> str:
    """The status column: `⚑ planned` flags one still planned after its date."""
    return "⚑ " + view.status.value if past_but_planned(view, today) else view.status.value
