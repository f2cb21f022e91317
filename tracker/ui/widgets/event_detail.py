"""The detail pane: everything about the highlighted event."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tracker import dates
from tracker.domain import EventView, FollowUpStatus, FollowUpView
from tracker.ui import keys
from tracker.ui.formatting import past_but_planned, visible_view


def _follow_up(item: FollowUpView) -> Content:
    box = "☑" if item.status is FollowUpStatus.DONE else "☐"
    parts: list[str | tuple[str, str]] = [f"  {box} "]
    if item.overdue:
        parts.append(("OVERDUE ", "bold $error"))
    elif item.status is not FollowUpStatus.OPEN:
        parts.append((f"{item.status.value} ", "$text-muted"))
    parts.append(item.text)
    extra = []
    if item.due:
        extra.append(f"due {item.due.label}")
    if item.owner_name:
        extra.append(item.owner_name)
    if item.done_on:
        extra.append(f"done {item.done_on.isoformat()}")
    if extra:
        parts.append((" — " + " · ".join(extra), "$text-muted"))
    return Content.assemble(*parts)


def event_content(event: EventView, today: dt.date | None = None) -> Content:
    """The pane's text for one event (pure: the tests read it too), its stored text with
    control characters shown escaped; with `today`, an event still planned after its date
    is flagged."""
    event = visible_view(event)
    lines: list[Content] = [
        Content.assemble((event.title, "bold")),
        Content.assemble(
            (event.when.label, "$accent"),
            (f"  → {dates.describe(event.when)}", "$text-muted"),
        ),
        Content.assemble(
            (f"{event.kind.value} · {event.status.value}", ""),
            (f"  #{event.id}", "$text-muted"),
        ),
    ]
    if today is not None and past_but_planned(event, today):
        lines.append(
            Content.assemble(
                (
                    "⚑ its date has passed but it is still planned: press e to set its status",
                    "bold $error",
                )
            )
        )
    if event.location:
        lines.append(Content.assemble(("at ", "$text-muted"), event.location))
    if event.tags:
        lines.append(Content.assemble(("tags ", "$text-muted"), ", ".join(event.tags)))
    lines.append(Content(""))
    lines.append(Content.assemble((f"Participants ({len(event.participants)})", "bold")))
    if not event.participants:
        lines.append(Content.assemble(("  none recorded", "$text-muted")))
    for person in event.participants:
        lines.append(
            Content.assemble(
                f"  {person.name}",
                (f" — {person.role.value}, {person.attendance.value}", "$text-muted"),
            )
        )
    lines.append(Content(""))
    lines.append(Content.assemble((f"Follow-ups ({event.open_follow_ups} open)", "bold")))
    if not event.follow_ups:
        lines.append(Content.assemble(("  none — press f to add one", "$text-muted")))
    lines += [_follow_up(item) for item in event.follow_ups]
    for label, value in (
        ("Summary", event.summary),
        ("Source", event.source),
        ("Notes", event.notes),
    ):
        if value:
            lines += [Content(""), Content.assemble((label, "bold")), Content(value)]
    return Content("\n").join(lines)


class EventDetail(VerticalScroll, can_focus=True):
    """Participants, follow-ups, place, source and notes of one event; `i` focuses it to
    scroll through all of it, escape goes back to the list."""

    BINDINGS = keys.DETAIL

    class Leave(Message):
        """Escape in the pane: back to the list."""

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")

    def show(
        self, event: EventView | None, *, loading: bool = False, today: dt.date | None = None
    ) -> None:
        body = self.query_one("#detail-body", Static)
        if event is None:
            body.update(Content.assemble(("…" if loading else "No event selected.", "$text-muted")))
        else:
            body.update(event_content(event, today))
        self.scroll_home(animate=False)

    @property
    def text(self) -> str:
        """The pane as plain text (for tests)."""
        return str(self.query_one("#detail-body", Static).content)
