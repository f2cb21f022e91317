"""The app factory and the app: modes, global keys, undo, theme; the screens do the rest."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen

from tracker import preferences
from tracker.clock import Clock
from tracker.domain import Change, EventView
from tracker.errors import UserError, said
from tracker.services.undo import undo
from tracker.settings import Settings
from tracker.ui import keys
from tracker.ui.commands import TrackerCommands
from tracker.ui.formatting import shown
from tracker.ui.keygate import KeyGate
from tracker.ui.messages import (
    ActionFailed,
    ChangedElsewhere,
    DataChanged,
    ItemRemoved,
    NamesLoaded,
    SaveSlow,
    ShowInTimeline,
    UndoFailed,
    Undone,
    WriterFound,
)
from tracker.ui.screens.timeline import TimelineScreen
from tracker.ui.theme import DARK, LIGHT, LIGHT_THEME
from tracker.ui.undo import UndoStack

if TYPE_CHECKING:
    from tracker.services.deferred import AppServices
    from tracker.ui.screens.followups import FollowUpsScreen
    from tracker.ui.screens.stakeholders import StakeholdersScreen

POLL_EVERY = 0.5  # seconds between asking whether someone else changed the data


class TrackerApp(App[None]):
    """The timeline, stakeholders and follow-ups of one portfolio database."""

    TITLE = "tracker"
    CSS_PATH = "app.tcss"
    BINDINGS = keys.APP
    COMMANDS = App.COMMANDS | {TrackerCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, settings: Settings, services: AppServices, clock: Clock) -> None:
        super().__init__()
        self.settings = settings
        self.services = services
        self.clock = clock
        self.undo_stack = UndoStack()
        self.key_gate = KeyGate(self, super().on_event)
        self.names: tuple[str, ...] = ()
        self.tags: tuple[str, ...] = ()
        self.data_version = 0
        self._shown = False
        self._frozen = False
        self._elsewhere = 0  # changes by others seen so far (services.changes.version)
        self._polling = False
        self.register_theme(LIGHT_THEME)
        self.theme = LIGHT if preferences.load().get("theme") == "light" else DARK
        self.add_mode("timeline", lambda: TimelineScreen())
        self.add_mode("stakeholders", _stakeholders_screen)
        self.add_mode("followups", _follow_ups_screen)

    def on_mount(self) -> None:
        self.switch_mode("timeline")

    async def on_event(self, event: events.Event) -> None:
        # Typed keys wait their turn: each goes where the key before it left focus.
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            self.key_gate.take(event)
        else:
            await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        # The key has come all the way up; once its bindings have run, the next may go.
        self.call_next(self.key_gate.done, event)

    def on_unmount(self) -> None:
        if self._frozen:  # the collector takes back what start-up set aside
            gc.unfreeze()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice as plain text: what it quotes (a title, a name, a refusal) is neither
        read as markup nor lets a control character through (its screens' notices too)."""
        super().notify(
            shown(message), title=shown(title), severity=severity, timeout=timeout, markup=False
        )

    def timeline_shown(self) -> None:
        """The first timeline is on screen: now load what can wait (the names for completion,
        which also opens services that were deferred for a fast start)."""
        if not self._shown:
            self._shown = True
            self.call_after_refresh(self.load_names)  # after it is painted: no contention
            self.call_after_refresh(self._watch_changes)

    # -- shared state ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="names", name="load-names", exit_on_error=False)
    def load_names(self) -> None:
        """The stakeholders' names for completion; then, for the data as it is now, what
        searches will need (the timeline's order in memory), so the first does not wait."""
        try:
            try:
                names = tuple(name for name, _ in self.services.stakeholders.names())
                tags = tuple(self.services.events.tags())
            except Exception as exc:
                self.post_message(ActionFailed(f"could not read stakeholder names: {exc}"))
                return
            self.post_message(NamesLoaded(names, tags))
            with contextlib.suppress(Exception):  # a head start only: counting builds it too
                self.services.events.prepare()
        finally:
            self._set_aside()

    def _set_aside(self) -> None:
        """Once: what start-up built lives as long as the app (the libraries, the screens,
        the indexes), so it is set aside from the cyclic collector, whose full passes would
        walk it all again every so often (a tenth of a second each at a million events)
        while keys are typed. The collector runs from then on (`tracker` holds it off while
        it starts).

        Without a collection first: it would hold every thread for as long (a tenth of a
        second at a million events, as the first keys may be typed), and what it would free
        is small (some 20,000 objects of start-up's, a few megabytes), kept for good."""
        if not self._frozen:
            self._frozen = True
            gc.freeze()
            gc.enable()

    def on_names_loaded(self, message: NamesLoaded) -> None:
        self.names = message.names
        self.tags = message.tags

    def changed(
        self, note: str = "", event_id: int | None = None, day: dt.date | None = None
    ) -> None:
        """Stored data changed: the screen on view reloads now, the others when shown again."""
        self.data_version += 1
        self.load_names()
        for stack in self._screen_stacks.values():
            for screen in stack:
                if not isinstance(screen, ModalScreen):
                    screen.post_message(DataChanged(note, event_id, day))

    def _watch_changes(self) -> None:
        """From now on what others change shows by itself (polled off the event loop)."""
        self._poll_changes()
        self.set_interval(POLL_EVERY, self._poll_changes, name="poll-changes")

    def _poll_changes(self) -> None:
        if not self._polling:  # a slow database: one question at a time
            self._polling = True
            self._check_changes()

    @work(thread=True, group="changes", name="check-changes", exit_on_error=False)
    def _check_changes(self) -> None:
        """Whether another process committed (one cheap read, off the event loop)."""
        try:
            version = self.services.changes.version()
        except Exception:
            return  # the database is away for a moment: the next poll asks again
        finally:
            self._polling = False
        if version != self._elsewhere:
            self.post_message(ChangedElsewhere(version))

    def on_changed_elsewhere(self, message: ChangedElsewhere) -> None:
        if message.version != self._elsewhere:
            self._elsewhere = message.version
            self.changed()

    def action_reload(self) -> None:
        """Read everything on screen again (`R`)."""
        self.changed()
        self.notify("Reloaded.", timeout=2)

    def on_item_removed(self, message: ItemRemoved) -> None:
        self.undo_stack.push(Change("deleted", message.deleted, None))
        self.notify(f"Deleted {message.deleted.what} {message.deleted.label}. Press u to undo.")
        self.changed()

    def remember(self, change: Change) -> None:
        """From the worker that made it: a change of this session, for `u`."""
        self.call_from_thread(self.undo_stack.push, change)

    def on_show_in_timeline(self, message: ShowInTimeline) -> None:
        self.switch_mode("timeline")
        screen = self.screen
        if isinstance(screen, TimelineScreen):
            event = message.event
            screen.show_query(
                message.query, event.id if event else None, event.when.start if event else None
            )

    def on_save_slow(self, message: SaveSlow) -> None:
        self._find_writer()

    @work(thread=True, exclusive=True, group="writer", name="find-writer", exit_on_error=False)
    def _find_writer(self) -> None:
        try:
            writer = self.services.changes.writer()
        except Exception:
            writer = None
        self.post_message(WriterFound(writer))

    def on_writer_found(self, message: WriterFound) -> None:
        held = f" ({message.writer})" if message.writer else ""
        self.notify(
            f"Saving waits for another process writing to the database{held}; "
            "it is saved as soon as that ends.",
            severity="warning",
            timeout=8,
        )

    def on_action_failed(self, message: ActionFailed) -> None:
        self.notify(message.message, severity="error", timeout=8)

    # -- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        modal = isinstance(self.screen, ModalScreen)
        return not (modal and action in ("show_mode", "undo", "help"))

    def action_show_mode(self, mode: str) -> None:
        if self.current_mode == mode and len(self.screen_stack) > 1:
            self.pop_screen()
            return
        self.switch_mode(mode)

    def action_help(self) -> None:
        from tracker.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.current_theme.dark else DARK
        preferences.save("theme", "dark" if self.current_theme.dark else "light")

    def action_undo(self) -> None:
        change = self.undo_stack.pop()
        if change is None:
            self.notify("Nothing to undo.")
            return
        self._undo(change)

    @work(thread=True, exclusive=True, group="undo", name="undo", exit_on_error=False)
    def _undo(self, change: Change) -> None:
        event_id, day = None, None
        try:
            result = undo(self.services, change)
        except UserError as exc:  # changed since, gone, or refused: it stays as it is
            self.post_message(UndoFailed(change, said(exc), retry=False))
            return
        except Exception as exc:  # the database busy, the connection lost: try again later
            self.post_message(UndoFailed(change, str(exc), retry=True))
            return
        if isinstance(result, EventView):
            event_id, day = result.id, result.when.start
        self.post_message(Undone(change, event_id, day))

    def on_undone(self, message: Undone) -> None:
        self.notify(f"Undid {message.change.describe()}.")
        self.changed(event_id=message.event_id, day=message.day)

    def on_undo_failed(self, message: UndoFailed) -> None:
        if message.retry:
            self.undo_stack.push(message.change)
        self.notify(
            f"Could not undo {message.change.describe()}: {message.message}",
            severity="error",
            timeout=8,
        )


# The other screens are imported when first shown: the app starts on the timeline.


def _stakeholders_screen() -> StakeholdersScreen:
    from tracker.ui.screens.stakeholders import StakeholdersScreen

    return StakeholdersScreen()


def _follow_ups_screen() -> FollowUpsScreen:
    from tracker.ui.screens.followups import FollowUpsScreen

    return FollowUpsScreen()


def create_app(settings: Settings, services: AppServices, clock: Clock) -> TrackerApp:
    """The one factory: `tracker` and the tests build the app the same way."""
    return TrackerApp(settings, services, clock)
