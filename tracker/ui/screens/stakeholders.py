"""The stakeholders: who they are, when we last met them, what is next and what they owe."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static

from tracker.domain import Change, StakeholderDraft, StakeholderView
from tracker.ui import keys
from tracker.ui.formatting import cell, count, fit_widths, plain, visible_view
from tracker.ui.messages import ActionFailed, DataChanged, DeleteRefused, StakeholdersLoaded
from tracker.ui.screens.base import TrackerScreen
from tracker.ui.screens.stakeholder import StakeholderScreen
from tracker.ui.screens.stakeholder_actions import ask_delete, ask_force, edit_form
from tracker.ui.screens.stakeholder_form import StakeholderFormScreen
from tracker.ui.widgets.list_table import ListTable
from tracker.ui.widgets.nav_bar import NavBar

COLUMNS = ("NAME", "KIND", "LAST CONTACT", "NEXT", "OPEN", "TITLE", "AFFILIATION")
MINS = (16, 12, 16, 16, 4, 16, 12)
WEIGHTS = (3, 0, 0, 0, 0, 4, 2)
WIDE = 110  # from this width the title and affiliation get columns of their own


def stakeholder_cells(s: StakeholderView, widths: list[int]) -> tuple[Content, ...]:
    cells = (
        s.name,
        s.kind.value,
        s.last_contact.label if s.last_contact else "—",
        s.next_contact.label if s.next_contact else "—",
        str(s.open_follow_ups or ""),
        s.title,
        s.affiliation_name or "",
    )
    return tuple(map(cell, cells, widths))


def stakeholder_line(s: StakeholderView) -> Content:
    """The highlighted stakeholder in one line, under the table."""
    s = visible_view(s)
    facts = " · ".join(filter(None, [s.title, s.affiliation_name, s.country]))
    parts: list[str | tuple[str, str]] = [(s.name, "bold"), "  ", facts]
    if s.aliases:
        parts.append((f"  aka {', '.join(s.aliases)}", "$text-muted"))
    return Content.assemble(*parts)


class StakeholdersScreen(TrackerScreen):
    BINDINGS = keys.STAKEHOLDERS

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[int, StakeholderView] = {}
        self._debounce: Timer | None = None
        self._loaded: tuple[StakeholderView, ...] = ()
        self._widths: list[int] = []

    def compose(self) -> ComposeResult:
        yield NavBar("stakeholders")
        yield Input(
            placeholder="/ search names, aliases and titles",
            id="stakeholder-search",
            compact=True,
        )
        yield Static(id="stakeholder-count", classes="status-line")
        yield ListTable(id="stakeholders", cursor_type="row", zebra_stripes=True)
        yield Static(id="stakeholder-line", classes="status-line")
        yield Footer(compact=True)

    @property
    def table(self) -> DataTable[Content]:
        return self.query_one("#stakeholders", DataTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.reload()

    def on_resize(self) -> None:
        count = len(COLUMNS) if self.size.width >= WIDE else 5
        room = self.size.width - 4 - 2 * count
        widths = fit_widths(room, MINS[:count], WEIGHTS[:count])
        if widths != self._widths:
            self._widths = widths
            self._fill()

    def reload(self, message: DataChanged | None = None) -> None:
        self._load(self.query_one("#stakeholder-search", Input).value)

    @work(
        thread=True,
        exclusive=True,
        group="stakeholders",
        name="load-stakeholders",
        exit_on_error=False,
    )
    def _load(self, search: str) -> None:
        try:
            rows = self.services.stakeholders.list(search=search or None)
        except Exception as exc:
            self.post_message(ActionFailed(f"could not read stakeholders: {exc}"))
            return
        self.post_message(StakeholdersLoaded(tuple(rows)))

    def on_stakeholders_loaded(self, message: StakeholdersLoaded) -> None:
        self._loaded = message.rows
        self._fill()

    def _fill(self) -> None:
        table = self.table
        keep = self.current
        table.clear(columns=True)
        widths = self._widths or list(MINS[:5])
        for label, width in zip(COLUMNS, widths, strict=False):
            table.add_column(label, width=width)
        self._rows = {s.id: s for s in self._loaded}
        for s in self._loaded:
            table.add_row(*stakeholder_cells(s, widths), key=str(s.id))
        if keep is not None and keep.id in self._rows:
            table.move_cursor(row=table.get_row_index(str(keep.id)), animate=False)
        self._show_current()
        search = self.query_one("#stakeholder-search", Input).value
        said = count(len(self._loaded), "stakeholder")
        self.query_one("#stakeholder-count", Static).update(
            plain(f"{said} matching “{search}”") if search else said
        )

    @property
    def current(self) -> StakeholderView | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._rows.get(int(key)) if key else None

    @on(DataTable.RowHighlighted, "#stakeholders")
    def _show_current(self) -> None:
        current = self.current
        line = self.query_one("#stakeholder-line", Static)
        line.update(stakeholder_line(current) if current else "")

    @on(Input.Changed, "#stakeholder-search")
    def _search(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.12, self.reload)

    @on(Input.Submitted, "#stakeholder-search")
    def _search_done(self) -> None:
        self.table.focus()

    @on(DataTable.RowSelected, "#stakeholders")
    def action_open(self) -> None:
        current = self.current
        if current is not None:
            self.app.push_screen(StakeholderScreen(current.id))

    def action_focus_search(self) -> None:
        self.query_one("#stakeholder-search", Input).focus()

    def action_clear_search(self) -> None:
        box = self.query_one("#stakeholder-search", Input)
        if box.value:
            box.value = ""
        self.table.focus()

    def action_add(self) -> None:
        services, tracker = self.services, self.tracker

        def perform(draft: StakeholderDraft, create: bool) -> StakeholderView:
            saved = services.stakeholders.add(draft)
            tracker.remember(Change("added", None, services.stakeholders.snapshot(saved.id)))
            return saved

        self.app.push_screen(StakeholderFormScreen(perform, self.tracker.names), self._saved)

    def action_edit(self) -> None:
        current = self.current
        if current is None:
            return
        self.app.push_screen(edit_form(self, current), self._saved)

    def _saved(self, result: StakeholderView | None) -> None:
        if result is not None:
            self.notify(f"Saved {result.name} ({result.kind.value}).")
            self.tracker.changed()

    def action_delete(self) -> None:
        current = self.current
        if current is not None:
            ask_delete(self, current)

    def action_merge(self) -> None:
        from tracker.ui.screens.merge import Merged, MergeScreen

        current = self.current
        if current is None:
            return
        stakeholders, tracker = self.services.stakeholders, self.tracker
        duplicate = f"#{current.id}"

        def plan(into: str, force: bool) -> list[str]:
            return stakeholders.merge_plan(duplicate, into, force=force).lines()

        def perform(into: str, force: bool) -> Merged:
            planned = stakeholders.merge_plan(duplicate, into, force=force)
            kept = stakeholders.snapshot(planned.target.id)
            away = stakeholders.snapshot(current.id)
            view = stakeholders.merge(duplicate, into, force=force)
            after = stakeholders.snapshot(view.id)
            tracker.remember(Change("merged", kept, after, merged_away=away))
            return Merged(view.name, f"Merged {current.name} into {view.name}. u undoes it.")

        def done(result: Merged | None) -> None:
            if result is not None:
                self.notify(result.said)
                self.tracker.changed()

        self.app.push_screen(MergeScreen(current.name, tracker.names, plan, perform), done)

    def on_delete_refused(self, message: DeleteRefused) -> None:
        ask_force(self, message)
