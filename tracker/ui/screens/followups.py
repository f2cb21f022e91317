"""The follow-ups: overdue, due soon, open, on hold and done, with owner, due and origin."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Footer, Static

from tracker.domain import Change, FollowUpDraft, FollowUpScope, FollowUpStatus, FollowUpView
from tracker.errors import said
from tracker.ui import keys
from tracker.ui.formatting import cell, count, cut, due_text, fit_widths
from tracker.ui.messages import (
    ActionFailed,
    DataChanged,
    FollowUpGroup,
    FollowUpsLoaded,
    FollowUpToggled,
    ItemRemoved,
    ShowInTimeline,
)
from tracker.ui.screens.base import TrackerScreen
from tracker.ui.screens.confirm import ConfirmScreen
from tracker.ui.screens.followup_form import FollowUpFormScreen, FollowUpSaved, follow_up_changes
from tracker.ui.undo import snapshot_if_there
from tracker.ui.widgets.grouped_table import HEADING, GroupedTable
from tracker.ui.widgets.nav_bar import NavBar

COLUMNS = ("", "WHAT", "OWNER", "DUE", "FROM EVENT")
MINS = (9, 20, 12, 12, 10)
WEIGHTS = (0, 5, 2, 1, 3)


def group_follow_ups(
    everything: list[FollowUpView], overdue: list[FollowUpView], soon: list[FollowUpView]
) -> tuple[FollowUpGroup, ...]:
    """Overdue, due soon, the other open ones, blocked/dropped, done: each item once."""
    overdue_ids = {f.id for f in overdue}
    soon_ids = {f.id for f in soon} - overdue_ids
    rest = [f for f in everything if f.id not in overdue_ids | soon_ids]
    return (
        FollowUpGroup("overdue", "Overdue", tuple(overdue)),
        FollowUpGroup("soon", "Due soon (14 days)", tuple(f for f in soon if f.id in soon_ids)),
        FollowUpGroup("open", "Open", tuple(f for f in rest if f.status is FollowUpStatus.OPEN)),
        FollowUpGroup(
            "held",
            "Blocked or dropped",
            tuple(f for f in rest if f.status in (FollowUpStatus.BLOCKED, FollowUpStatus.DROPPED)),
        ),
        FollowUpGroup(
            "done",
            "Done",
            tuple(
                sorted(
                    (f for f in rest if f.status is FollowUpStatus.DONE),
                    key=lambda f: (f.done_on is None, f.done_on),
                    reverse=True,
                )
            ),
        ),
    )


def _state(item: FollowUpView) -> Content:
    if item.overdue:
        return Content.assemble(("! OVERDUE", "bold $error"))
    if item.status is FollowUpStatus.DONE:
        return Content.assemble(("✓ done", "$success"))
    if item.status is FollowUpStatus.OPEN:
        return Content("☐ open")
    return Content.assemble((item.status.value, "$text-muted"))


class FollowUpsScreen(TrackerScreen):
    BINDINGS = keys.FOLLOW_UPS

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[int, FollowUpView] = {}
        self._groups: tuple[FollowUpGroup, ...] = ()
        self._widths: list[int] = []

    def compose(self) -> ComposeResult:
        yield NavBar("followups")
        yield Static(id="followup-count", classes="status-line")
        yield GroupedTable(id="followups", cursor_type="row")
        yield Footer(compact=True)

    @property
    def table(self) -> GroupedTable:
        return self.query_one(GroupedTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.reload()

    def on_resize(self) -> None:
        room = self.size.width - 4 - 2 * len(COLUMNS)  # scrollbar, cell padding
        widths = fit_widths(room, MINS, WEIGHTS)
        if widths != self._widths:
            self._widths = widths
            self._fill()

    def reload(self, message: DataChanged | None = None) -> None:
        self._load()

    @work(
        thread=True, exclusive=True, group="followups", name="load-follow-ups", exit_on_error=False
    )
    def _load(self) -> None:
        service = self.services.followups
        try:
            groups = group_follow_ups(
                service.list(FollowUpScope.ALL),
                service.list(FollowUpScope.OVERDUE),
                service.list(FollowUpScope.DUE_SOON),
            )
        except Exception as exc:
            self.post_message(ActionFailed(f"could not read follow-ups: {exc}"))
            return
        self.post_message(FollowUpsLoaded(groups))

    def on_follow_ups_loaded(self, message: FollowUpsLoaded) -> None:
        self._groups = message.groups
        self._fill()

    def _fill(self) -> None:
        table = self.table
        row = table.cursor_row
        keep = self.current  # the cursor stays on this item wherever its group now is
        table.clear(columns=True)
        widths = self._widths or list(MINS)
        for label, width in zip(COLUMNS, widths, strict=True):
            table.add_column(label, width=width)
        self._items = {}
        for group in self._groups:
            if not group.items and group.key in ("held", "soon"):
                continue
            table.add_row(
                Content.assemble(("▌", "$accent")),
                Content.assemble((f"{group.title} · {len(group.items)}", "bold $accent")),
                key=HEADING + group.key,
            )
            for item in group.items:
                self._items[item.id] = item
                style = "bold $error" if item.overdue else ""
                table.add_row(
                    _state(item),
                    Content.assemble((cut(item.text, widths[1]), style)),
                    cell(item.owner_name or "—", widths[2]),
                    Content.assemble((cut(due_text(item), widths[3]), style)),
                    cell(item.event_title or "—", widths[4]),
                    key=str(item.id),
                )
        if keep is not None and keep.id in self._items:
            table.settle(table.get_row_index(str(keep.id)))
        else:
            table.settle(max(row, 1))
        open_items = [i for i in self._items.values() if i.status is FollowUpStatus.OPEN]
        overdue = sum(1 for i in open_items if i.overdue)
        self.query_one("#followup-count", Static).update(
            f"{count(len(open_items), 'open follow-up')} · {overdue} overdue"
            f" · space marks done · o opens its event"
        )

    @property
    def current(self) -> FollowUpView | None:
        table = self.table
        if not table.row_count or table.is_heading(table.cursor_row):
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._items.get(int(key)) if key and key.isdigit() else None

    def action_toggle_done(self) -> None:
        current = self.current
        if current is not None:
            self._toggle(current.id)

    @work(thread=True, name="toggle-done", exit_on_error=False)
    def _toggle(self, follow_up_id: int) -> None:
        service = self.services.followups
        try:
            before = service.snapshot(follow_up_id)
            item = service.toggle_done(follow_up_id)
            self.tracker.remember(Change("edited", before, service.snapshot(follow_up_id)))
        except Exception as exc:
            message = said(exc)  # a UserError is already one line
            self.post_message(ActionFailed(f"could not change it: {message}"))
            return
        self.post_message(FollowUpToggled(item))

    def on_follow_up_toggled(self, message: FollowUpToggled) -> None:
        item = message.item
        said = "Done" if item.status is FollowUpStatus.DONE else "Open again"
        self.notify(f"{said}: {item.text}")
        self.tracker.changed()

    def _form(self, item: FollowUpView | None) -> FollowUpFormScreen:
        services, tracker = self.services, self.tracker

        def perform(draft: FollowUpDraft, create: bool) -> FollowUpSaved:
            service = services.followups
            base = form.item or item  # as read: saving checks it is still so
            if base is None:
                saved, created = service.add(draft, create=create)
                tracker.remember(Change("added", None, service.snapshot(saved.id)))
            else:
                before = snapshot_if_there(service, base.id)
                saved, created = service.edit(
                    base.id, follow_up_changes(base, draft), create=create, expected=base
                )
                if before is not None:
                    tracker.remember(Change("edited", before, service.snapshot(saved.id)))
            return FollowUpSaved(saved, tuple(created))

        def perform_new(draft: FollowUpDraft, create: bool) -> FollowUpSaved:
            saved, created = services.followups.add(draft, create=create)
            tracker.remember(Change("added", None, services.followups.snapshot(saved.id)))
            return FollowUpSaved(saved, tuple(created))

        form = FollowUpFormScreen(perform, services.ctx.parse_when, self.tracker.names, item)
        form.save_as_new = perform_new if item is not None else None
        return form

    def _saved(self, result: FollowUpSaved | None) -> None:
        if result is not None:
            self.notify(f"Saved follow-up “{result.follow_up.text}”.")
            self.tracker.changed()

    def action_add(self) -> None:
        self.app.push_screen(self._form(None), self._saved)

    @on(DataTable.RowSelected, "#followups")
    def action_edit(self) -> None:
        current = self.current
        if current is not None:
            self.app.push_screen(self._form(current), self._saved)

    def action_delete(self) -> None:
        current = self.current
        if current is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(current.id)

        self.app.push_screen(
            ConfirmScreen(f"Delete follow-up “{current.text}”? u undoes it."), answered
        )

    @work(thread=True, name="delete-follow-up", exit_on_error=False)
    def _delete(self, follow_up_id: int) -> None:
        try:
            deleted = self.services.followups.delete(follow_up_id)
        except Exception as exc:
            message = said(exc)  # a UserError is already one line
            self.post_message(ActionFailed(f"could not delete: {message}"))
            return
        self.post_message(ItemRemoved(deleted))

    def action_go_to_event(self) -> None:
        current = self.current
        if current is None or current.event_id is None:
            self.notify("This follow-up has no event.", severity="warning")
            return
        self._go(current.event_id)

    @work(thread=True, exclusive=True, name="find-event", exit_on_error=False)
    def _go(self, event_id: int) -> None:
        try:
            event = self.services.events.get(event_id)
        except Exception as exc:
            self.post_message(ActionFailed(f"could not find the event: {exc}"))
            return
        self.post_message(ShowInTimeline("", event))
