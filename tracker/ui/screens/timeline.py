"""The home screen: the filtered timeline, its filter box and the highlighted event's details."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container
from textual.timer import Timer
from textual.widgets import Footer

from tracker.domain import Change, EventDraft, EventFilter, EventView, FollowUpDraft
from tracker.errors import said
from tracker.exporting.files import free_name
from tracker.ui import keys
from tracker.ui.formatting import count, default_export_name, position
from tracker.ui.messages import (
    ActionFailed,
    DataChanged,
    DetailLoaded,
    ItemRemoved,
    TimelineFailed,
    TimelineHighlighted,
    TimelineSelected,
)
from tracker.ui.query import ParsedQuery, describe_filter
from tracker.ui.screens.base import TrackerScreen
from tracker.ui.undo import snapshot_if_there
from tracker.ui.widgets.event_detail import EventDetail
from tracker.ui.widgets.filter_bar import FilterBar, FilterInput
from tracker.ui.widgets.nav_bar import NavBar
from tracker.ui.widgets.timeline_list import Anchor, TimelineList

if TYPE_CHECKING:  # the forms are imported when first opened: the timeline shows sooner
    from tracker.ui.screens.event_form import EventSaved
    from tracker.ui.screens.export import ExportDone
    from tracker.ui.screens.followup_form import FollowUpSaved

WIDE = 120  # from this width the details sit beside the list
DETAIL_PAUSE = 0.1  # seconds between detail pane updates while the cursor keeps moving
INCOMPLETE = "The filter is incomplete: finish it, or press escape to clear it."
REFUSED = "The filter cannot be applied (see above): change it, or press escape to clear it."


class TimelineScreen(TrackerScreen):
    BINDINGS = keys.TIMELINE

    def __init__(self) -> None:
        super().__init__()
        self._detail_for: int | None = None
        self._detail_next: TimelineHighlighted | None = None
        self._detail_shown = 0.0
        self._detail_timer: Timer | None = None
        self._full: EventView | None = None
        self._going_to: int | None = None
        self._resume: EventView | None = None  # where the cursor was before a broken query

    def compose(self) -> ComposeResult:
        yield NavBar("timeline")
        yield FilterBar(self._day_bound, lambda: self.tracker.names, lambda: self.tracker.tags)
        with Container(id="timeline-body"):
            yield TimelineList(self.services.timeline, self.today, id="timeline")
            yield EventDetail(id="detail")
        yield Footer(compact=True)

    @property
    def today(self) -> dt.date:
        return self.services.ctx.today()

    @property
    def timeline(self) -> TimelineList:
        return self.query_one(TimelineList)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    def _day_bound(self, text: str, end: bool) -> dt.date:
        return self.services.ctx.parse_day_bound(text, end=end)

    def on_mount(self) -> None:
        self.filter_bar.show_state()
        self.timeline.load(EventFilter(), Anchor(self.today))
        self.timeline.focus()
        self.tracker.key_gate.open()  # keys typed at launch go to the timeline, in order

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE, "-wide")

    # -- loading -----------------------------------------------------------------------------

    def reload(self, message: DataChanged | None = None) -> None:
        if self.timeline.suspended is not None:
            return  # no rows shown: the query that comes next reads the data afresh
        self._detail_for = None  # the same event may have changed: show it afresh
        self.timeline.set_today(self.today)
        parsed = self.filter_bar.parsed  # what is typed, if its load is still on the way
        flt = parsed.filter if parsed.ok else self.timeline.filter
        # After a save here the cursor goes to the saved event: a key typed meanwhile (`f`
        # to add a follow-up to it) waits for it to be there.
        self._going_to = message.event_id if message is not None else None
        self.timeline.load(flt, self._anchor(message))

    @property
    def accepts_keys(self) -> bool:
        return self._going_to is None

    def _anchor(self, message: DataChanged | None = None) -> Anchor:
        if message is not None and message.event_id is not None and message.day is not None:
            return Anchor(message.day, message.event_id)
        current, key = self.timeline.current, self.timeline.current_key
        if current is not None and key is not None:  # the same event, else the same place
            return Anchor(current.when.start, current.id, key=key)
        return Anchor(self.today)

    def show_query(
        self, query: str, event_id: int | None = None, day: dt.date | None = None
    ) -> None:
        """Put `query` in the filter box and show its timeline (from other screens)."""
        box = self.filter_bar.input
        box.value = query
        parsed = self.filter_bar.parsed
        self.filter_bar.show_state()
        if parsed.ok:
            self.timeline.load(parsed.filter, Anchor(day or self.today, event_id))
        else:
            self._suspend()
        self.timeline.focus()

    @on(FilterBar.Changed)
    def _query_changed(self, message: FilterBar.Changed) -> None:
        # Applied at every keystroke: a newer query abandons the reads of the one before.
        if message.parsed.ok:
            self._apply_filter()
        else:
            self._suspend()

    def _suspend(self, reason: str = INCOMPLETE) -> None:
        """A query that does not parse (or was refused): the list shows no rows of an
        earlier one."""
        if self.timeline.suspended is None:
            self._resume = self.timeline.current
        self.timeline.suspend(reason)

    def _apply_filter(self) -> None:
        parsed = self.filter_bar.parsed
        suspended = self.timeline.suspended is not None
        if not parsed.ok or (parsed.filter == self.timeline.filter and not suspended):
            return
        current = self.timeline.current or self._resume
        anchor = Anchor(current.when.start, current.id) if current else Anchor(self.today)
        self.timeline.load(parsed.filter, anchor)

    @on(FilterInput.Cleared)
    def _filter_cleared(self) -> None:
        self.action_clear_filter()

    @on(FilterInput.Leave)
    @on(EventDetail.Leave)
    def _leave_filter(self) -> None:
        self.timeline.focus()

    def on_timeline_failed(self, message: TimelineFailed) -> None:
        self._going_to = None
        self.tracker.timeline_shown()
        self.filter_bar.show_state(problem=message.message)
        parsed = self.filter_bar.parsed
        if parsed.ok and parsed.filter != self.timeline.filter:  # the rows are another query's
            self._suspend(REFUSED)

    def on_timeline_highlighted(self, message: TimelineHighlighted) -> None:
        if message.event is not None or (message.exact and not message.total):
            self._going_to = None  # the reload is on screen, on the saved event if it shows
        self.tracker.timeline_shown()
        parsed = self.filter_bar.parsed
        if parsed.ok and parsed.filter == self.timeline.filter:
            self.filter_bar.show_state()  # a refused query's message no longer applies
        self.filter_bar.show_position(
            ""
            if self.timeline.suspended is not None
            else position(message.index, message.total, exact=message.exact)
            if message.total
            else count(0, "event")
        )
        # The detail pane follows at most every DETAIL_PAUSE while the cursor runs (a held
        # page down): laying it out again costs more than moving the list. While a query is
        # typed it waits until the keys pause, so that each key only redraws the list.
        self._detail_next = message
        if self.filter_bar.input.has_focus:
            if self._detail_timer is not None:
                self._detail_timer.stop()
            self._detail_timer = self.set_timer(DETAIL_PAUSE, self._show_detail)
            return
        wait = self._detail_shown + DETAIL_PAUSE - time.monotonic()
        if wait <= 0:
            self._show_detail()
        elif self._detail_timer is None:
            self._detail_timer = self.set_timer(wait, self._show_detail)

    def _show_detail(self) -> None:
        self._detail_timer = None
        message, self._detail_next = self._detail_next, None
        if message is None:
            return
        self._detail_shown = time.monotonic()
        detail = self.query_one(EventDetail)
        event = message.event
        if event is None:
            self._detail_for = None
            detail.show(None, loading=bool(message.total))
            return
        if event.id != self._detail_for:
            self._detail_for = event.id
            detail.show(event, today=self.today)
            self._load_detail(event.id)

    @work(thread=True, exclusive=True, group="detail", name="event-detail", exit_on_error=False)
    def _load_detail(self, event_id: int) -> None:
        try:
            event = self.services.events.get(event_id)
        except Exception:
            return  # gone meanwhile; the next load shows what is there
        self.post_message(DetailLoaded(event))

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        if message.event.id == self._detail_for:
            self.query_one(EventDetail).show(message.event, today=self.today)
            self._full = message.event

    def on_timeline_selected(self, message: TimelineSelected) -> None:
        self.action_edit()

    # -- actions -----------------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.filter_bar.input.focus()

    def action_clear_filter(self) -> None:
        box = self.filter_bar.input
        if box.value:
            box.value = ""
        self.filter_bar.parsed = ParsedQuery("", EventFilter())
        self.filter_bar.show_state()
        if not self.timeline.filter.is_empty() or self.timeline.suspended is not None:
            current = self.timeline.current or self._resume
            anchor = Anchor(current.when.start, current.id) if current else Anchor(self.today)
            self.timeline.load(EventFilter(), anchor)
        self.timeline.focus()

    def action_focus_detail(self) -> None:
        detail = self.query_one(EventDetail)
        if detail.has_focus:
            self.timeline.focus()
        else:
            detail.focus()

    def action_today(self) -> None:
        if self.timeline.suspended is not None:
            return
        self.timeline.load(self.timeline.filter, Anchor(self.today))

    def _full_current(self) -> EventView | None:
        """The highlighted event with its follow-ups, if the detail pane has it already."""
        current = self.timeline.current
        full = self._full
        if current is not None and full is not None and full.id == current.id:
            return full
        return current

    def action_add(self) -> None:
        from tracker.ui.screens.event_form import EventFormScreen, EventSaved

        services, tracker = self.services, self.tracker

        def perform(draft: EventDraft, create: bool) -> EventSaved:
            event, created = services.events.add(draft, create=create)
            tracker.remember(Change("added", None, services.events.snapshot(event.id)))
            return EventSaved(event, tuple(created))

        self.app.push_screen(
            EventFormScreen(perform, services.ctx.parse_when, self.tracker.names),
            self._event_saved,
        )

    def action_edit(self) -> None:
        event = self._full_current()
        if event is None:
            self.notify("No event to edit.", severity="warning")
            return
        from tracker.ui.screens.event_form import EventFormScreen, EventSaved, changes_between

        services, tracker = self.services, self.tracker

        def perform(draft: EventDraft, create: bool) -> EventSaved:
            base = form.event or event  # as read: saving checks it is still so
            before = snapshot_if_there(services.events, base.id)
            saved, created = services.events.edit(
                base.id, changes_between(base, draft), create=create, expected=base
            )
            if before is not None:
                tracker.remember(Change("edited", before, services.events.snapshot(saved.id)))
            return EventSaved(saved, tuple(created))

        def perform_new(draft: EventDraft, create: bool) -> EventSaved:
            added, created = services.events.add(draft, create=create)
            tracker.remember(Change("added", None, services.events.snapshot(added.id)))
            return EventSaved(added, tuple(created))

        form = EventFormScreen(perform, services.ctx.parse_when, self.tracker.names, event)
        form.save_as_new = perform_new
        self.app.push_screen(form, self._event_saved)

    def _event_saved(self, result: EventSaved | None) -> None:
        if result is None:
            return
        note = f"Saved “{result.event.title}” ({result.event.when.label})."
        if result.created:
            note += " Created stakeholder " + ", ".join(result.created) + " (kind other)."
        self.notify(note)
        self.tracker.changed(event_id=result.event.id, day=result.event.when.start)

    def action_delete(self) -> None:
        from tracker.ui.screens.confirm import ConfirmScreen

        event = self.timeline.current
        if event is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(event.id)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete “{event.title}” ({event.when.label})? Its follow-ups stay, detached. "
                "u undoes it."
            ),
            answered,
        )

    @work(thread=True, name="delete-event", exit_on_error=False)
    def _delete(self, event_id: int) -> None:
        try:
            deleted = self.services.events.delete(event_id)
        except Exception as exc:
            message = said(exc)  # a UserError is already one line
            self.post_message(ActionFailed(f"could not delete: {message}"))
            return
        self.post_message(ItemRemoved(deleted))

    def action_add_follow_up(self) -> None:
        from tracker.ui.screens.followup_form import FollowUpFormScreen, FollowUpSaved

        event = self.timeline.current
        if event is None:
            return
        services, tracker = self.services, self.tracker

        def perform(draft: FollowUpDraft, create: bool) -> FollowUpSaved:
            item, created = services.followups.add(draft, create=create)
            tracker.remember(Change("added", None, services.followups.snapshot(item.id)))
            return FollowUpSaved(item, tuple(created))

        def saved(result: FollowUpSaved | None) -> None:
            if result is not None:
                self.notify(f"Added follow-up “{result.follow_up.text}”.")
                self.tracker.changed(event_id=event.id, day=event.when.start)

        self.app.push_screen(
            FollowUpFormScreen(
                perform,
                services.ctx.parse_when,
                self.tracker.names,
                event=(event.id, event.title),
            ),
            saved,
        )

    def action_export(self) -> None:
        from tracker.ui.screens.export import ExportScreen

        if self.timeline.suspended is not None or not self.filter_bar.parsed.ok:
            self.notify(
                "Not exported: the filter is incomplete. Finish it, or press escape to clear it.",
                severity="warning",
            )
            return
        flt = self.timeline.filter
        services = self.services
        default = free_name(Path("~").expanduser() / default_export_name(self.today))

        def exporter(path: Path, excel: bool, replace: bool) -> int:
            return services.transfer.export_csv(path, flt, excel=excel, replace=replace)

        def done(result: ExportDone | None) -> None:
            if result is not None:
                self.notify(f"Exported {count(result.rows, 'event')} to {result.path}.")

        self.app.push_screen(ExportScreen(default, describe_filter(flt), exporter), done)
