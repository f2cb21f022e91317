"""What the three main screens share: the app's services, reloading when data changed, errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from tracker.ui.messages import ActionFailed, DataChanged

if TYPE_CHECKING:
    from tracker.services.deferred import AppServices
    from tracker.ui.app import TrackerApp


class TrackerScreen(Screen[None]):
    """A main screen: it shows stored data and reloads it when it changes."""

    def __init__(self) -> None:
        super().__init__()
        self._stale = False

    @property
    def tracker(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    @property
    def services(self) -> AppServices:
        return self.tracker.services

    def reload(self, message: DataChanged | None = None) -> None:
        """Read the data again (subclasses load in a worker)."""

    def on_data_changed(self, message: DataChanged) -> None:
        message.stop()
        if self.is_current:
            self.reload(message)
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.reload()

    def on_action_failed(self, message: ActionFailed) -> None:
        message.stop()
        self.notify(message.message, severity="error", timeout=8)
