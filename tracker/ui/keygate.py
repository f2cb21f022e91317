"""Typed-ahead keys go where the user meant them: one at a time, each after the last is done.

A terminal delivers a paste, or keys typed while the app was busy, as a burst. Textual hands
every key of a burst to whatever has focus *now*, before the first key's action (open the
filter box, open a form) has run, so `/today` would run `t`, `o`, `d`, `a`, `y` as commands
on the timeline. The gate holds the keys in order and lets the next one through only when the
one before has been handled all the way (consumed by a widget, or its binding run at the app)
and the screen it leaves behind has settled: mounted, and focus where it puts it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

Typed = events.Key | events.Paste
"""What the gate holds: keys, and pastes (a paste between two keys stays between them)."""

# A key that has not come back within this is taken as done (a widget removed on the way);
# a screen that has not settled within this gets the keys anyway: the keyboard never locks.
KEY_TIMEOUT = 1.0
SETTLE_TIMEOUT = 5.0
POLL = 0.01


class KeyGate:
    """Holds typed keys and releases them one by one to `dispatch` (the app's own handling)."""

    def __init__(self, app: App[Any], dispatch: Callable[[Typed], Awaitable[None]]) -> None:
        self._app = app
        self._dispatch = dispatch
        self._waiting: deque[Typed] = deque()
        self._in_flight: Typed | None = None
        self._sent_at = 0.0
        self._settled_once = False
        self._waiting_since: float | None = None
        self._polling = False
        self.is_open = False

    @property
    def pending(self) -> int:
        """Keys typed and not yet handled (the one in flight included)."""
        return len(self._waiting) + (self._in_flight is not None)

    def open(self) -> None:
        """The app is on screen and ready for keys (held until then: typed at launch)."""
        self.is_open = True
        self._app.call_later(self.pump)

    def take(self, key: Typed) -> None:
        """A key as the terminal delivered it."""
        self._waiting.append(key)
        if len(self._waiting) == 1 and self._in_flight is None:
            self._app.call_later(self.pump)

    def done(self, key: Typed) -> None:
        """`key` reached the app's own key handler: its bindings have run."""
        if key is self._in_flight:
            self._finish()

    async def pump(self) -> None:
        """Send the next key if the one before is done and the screen has settled."""
        if self._in_flight is not None:
            if time.monotonic() - self._sent_at < KEY_TIMEOUT:
                return
            self._in_flight = None  # lost on the way (its widget went): go on
        if not self._waiting or not self.is_open:
            return
        if not self._settled():
            return
        key = self._waiting.popleft()
        self._settled_once = False
        self._waiting_since = None
        self._in_flight = key
        self._sent_at = time.monotonic()
        await self._dispatch(key)
        if not key.is_forwarded:  # a priority binding took it, its action has run
            self._finish()
            return
        target = self._app.focused or self._app.screen
        self._follow(key, target)

    def _finish(self) -> None:
        self._in_flight = None
        if self._waiting:
            # After whatever the key's action asked for later (focus moves, screens pushed).
            self._app.call_later(self.pump)

    def _follow(self, key: Typed, node: DOMNode) -> None:
        """Trail `key` up the DOM as it bubbles: a callback queued behind it on each node runs
        once that node has handled it (and passed it on, unless it took it), up to the app."""

        def handled() -> None:
            if key is not self._in_flight:
                return
            parent = node.parent
            if parent is None:
                self._finish()
            elif parent is self._app:
                self._follow_to_app(key)
            else:
                self._follow(key, parent)

        if not node.call_later(handled):
            self._finish()

    def _follow_to_app(self, key: Typed) -> None:
        # If the key bubbled to the app, the app handles it (and calls `done`) before this.
        self._app.call_later(lambda: self.done(key))

    def _settled(self) -> bool:
        """The screen is mounted and focus is where it put it; stable across one more turn of
        the app's queue, so that focus moves already asked for land first."""
        screen = self._app.screen
        now = time.monotonic()
        if self._waiting_since is None:
            self._waiting_since = now
        ready = screen.is_mounted and (screen.focused is not None or not screen.focus_chain)
        ready = ready and getattr(screen, "accepts_keys", True)
        if now - self._waiting_since > SETTLE_TIMEOUT:
            ready, self._settled_once = True, True
        if not ready:
            self._settled_once = False
            self._poll()
            return False
        if not self._settled_once:
            self._settled_once = True
            self._app.call_later(self.pump)
            return False
        return True

    def _poll(self) -> None:
        if not self._polling:
            self._polling = True
            self._app.set_timer(POLL, self._polled)

    async def _polled(self) -> None:
        self._polling = False
        await self.pump()
