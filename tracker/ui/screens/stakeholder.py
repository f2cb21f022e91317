"""One stakeholder: who they are, their own timeline and what they still owe."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Footer, Static

from tracker.domain import EventView, StakeholderProfile, StakeholderView
from tracker.ui import keys
from tracker.ui.formatting import cell, count, fit_widths, shown, visible_view
from tracker.ui.messages import (
    ActionFailed,
    DataChanged,
    DeleteRefused,
    ProfileLoaded,
    ShowInTimeline,
)
from tracker.ui.query import quote
from tracker.ui.screens.base import TrackerScreen
from tracker.ui.screens.stakeholder_actions import ask_force, edit_form
from tracker.ui.widgets.list_table import ListTable
from tracker.ui.widgets.nav_bar import NavBar


def profile_head(profile: StakeholderProfile) -> Content:
    s = visible_view(profile.stakeholder)
    facts = " · ".join(filter(None, [s.kind.value, s.title, s.affiliation_name, s.country]))
    lines = [
        Content.assemble((s.name, "bold"), (f"  #{s.id}", "$text-muted")),
        Content(facts),
    ]
    if s.aliases:
        lines.append(Content.assemble(("also ", "$text-muted"), ", ".join(s.aliases)))
    if s.tags:
        lines.append(Content.assemble(("tags ", "$text-muted"), ", ".join(s.tags)))
    lines.append(
        Content.assemble(
            ("last contact ", "$text-muted"),
            s.last_contact.label if s.last_contact else "—",
            ("   next ", "$text-muted"),
            s.next_contact.label if s.next_contact else "—",
        )
    )
    if profile.affiliates:
        lines.append(
            Content.assemble(("affiliates ", "$text-muted"), shown(", ".join(profile.affiliates)))
        )
    if s.notes:
        lines.append(Content.assemble((s.notes, "italic")))
    return Content("\n").join(lines)


def role_of(event: EventView, stakeholder_id: int) -> str:
    for person in event.participants:
        if person.stakeholder_id == stakeholder_id:
            return f"{person.role.value}, {person.attendance.value}"
    return ""


class StakeholderScreen(TrackerScreen):
    """Enter on an event shows it in the timeline, filtered to this stakeholder."""

    BINDINGS = keys.PROFILE

    def __init__(self, stakeholder_id: int) -> None:
        super().__init__()
        self._stakeholder_id = stakeholder_id
        self._profile: StakeholderProfile | None = None

    def compose(self) -> ComposeResult:
        yield NavBar("stakeholders")
        yield Static(id="profile-head")
        yield Static(id="profile-events-title", classes="section-title")
        yield ListTable(id="profile-events", cursor_type="row", zebra_stripes=True)
        yield Static(id="profile-followups-title", classes="section-title")
        yield ListTable(id="profile-followups", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#profile-events", DataTable).focus()
        self.reload()

    def on_resize(self) -> None:
        if self._profile is not None:
            self._fill(self._profile)

    def reload(self, message: DataChanged | None = None) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="profile", name="load-profile", exit_on_error=False)
    def _load(self) -> None:
        try:
            profile = self.services.stakeholders.show(f"#{self._stakeholder_id}")
        except Exception as exc:
            self.post_message(ActionFailed(f"could not read the stakeholder: {exc}"))
            return
        self.post_message(ProfileLoaded(profile))

    def on_profile_loaded(self, message: ProfileLoaded) -> None:
        self._profile = message.profile
        self._fill(message.profile)

    def _fill(self, profile: StakeholderProfile) -> None:
        room = self.size.width - 4
        self.query_one("#profile-head", Static).update(profile_head(profile))
        events = self.query_one("#profile-events", DataTable)
        events.clear(columns=True)
        widths = fit_widths(room - 8, (16, 12, 16, 14), (0, 0, 3, 1))
        for label, width in zip(("WHEN", "KIND", "TITLE", "AS"), widths, strict=True):
            events.add_column(label, width=width)
        for event in profile.timeline:
            cells = (event.when.label, event.kind.value, event.title)
            events.add_row(
                *map(cell, cells, widths),
                cell(role_of(event, self._stakeholder_id), widths[3]),
                key=str(event.id),
            )
        today = self.services.ctx.today()
        upcoming = next(
            (i for i, e in enumerate(profile.timeline) if e.when.end >= today),
            len(profile.timeline) - 1,
        )
        if profile.timeline:
            events.move_cursor(row=upcoming, animate=False)
        self.query_one("#profile-events-title", Static).update(
            f"Timeline · {count(len(profile.timeline), 'event')}  (enter: show in the timeline)"
        )
        follow_ups = self.query_one("#profile-followups", DataTable)
        follow_ups.clear(columns=True)
        widths = fit_widths(room - 6, (16, 20, 12), (0, 3, 2))
        for label, width in zip(("DUE", "WHAT", "FROM EVENT"), widths, strict=True):
            follow_ups.add_column(label, width=width)
        for item in profile.open_follow_ups:
            due = cell(item.due.label if item.due else "—", widths[0])
            follow_ups.add_row(
                Content.assemble(("OVERDUE ", "bold $error"), due) if item.overdue else due,
                cell(item.text, widths[1]),
                cell(item.event_title or "", widths[2]),
                key=str(item.id),
            )
        self.query_one("#profile-followups-title", Static).update(
            f"Open follow-ups they own · {len(profile.open_follow_ups)}"
        )

    @property
    def stakeholder(self) -> StakeholderView | None:
        return self._profile.stakeholder if self._profile else None

    @on(DataTable.RowSelected, "#profile-events")
    def _event_chosen(self, message: DataTable.RowSelected) -> None:
        if self._profile is None or message.row_key.value is None:
            return
        event_id = int(message.row_key.value)
        event = next((e for e in self._profile.timeline if e.id == event_id), None)
        self._show(event)

    def action_in_timeline(self) -> None:
        if self._profile is None:
            return
        table = self.query_one("#profile-events", DataTable)
        event = None
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            event = next((e for e in self._profile.timeline if str(e.id) == key), None)
        self._show(event)

    def _show(self, event: EventView | None) -> None:
        stakeholder = self.stakeholder
        if stakeholder is not None:
            name = stakeholder.name  # by id when it would show escaped
            who = quote(name) if shown(name) == name else f"#{stakeholder.id}"
            self.post_message(ShowInTimeline(f"with:{who}", event))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        stakeholder = self.stakeholder
        if stakeholder is None:
            return

        def saved(result: StakeholderView | None) -> None:
            if result is not None:
                self.notify(f"Saved {result.name}.")
                self.tracker.changed()

        self.app.push_screen(edit_form(self, stakeholder), saved)

    def on_delete_refused(self, message: DeleteRefused) -> None:
        ask_force(self, message)
