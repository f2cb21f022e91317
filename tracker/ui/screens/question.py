"""A modal question that only keys pressed after it appeared can answer."""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.message import Message
from textual.screen import ModalScreen

AnswerT = TypeVar("AnswerT")


class Question(ModalScreen[AnswerT]):
    """A `y`, an `m` or an enter typed ahead (a paste, typing while the app was busy) is
    dropped, never taken as the answer to a question the user has not seen."""

    def __init__(self) -> None:
        super().__init__()
        self._shown_at: float | None = None
        self._warned = False

    def on_mount(self) -> None:
        self.call_after_refresh(self._appeared)

    def _appeared(self) -> None:
        self._shown_at = Message().time  # the clock the terminal's keys are stamped with

    def on_key(self, event: events.Key) -> None:
        if self._shown_at is None or event.time < self._shown_at:
            event.stop()
            event.prevent_default()
            if not self._warned:
                self._warned = True
                self.notify(
                    "Keys typed before this question appeared were ignored: answer it now.",
                    severity="warning",
                )
