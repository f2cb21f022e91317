"""A yes/no question in a modal; it returns True for yes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Static

from tracker.ui import keys
from tracker.ui.formatting import plain_lines
from tracker.ui.screens.question import Question


class ConfirmScreen(Question[bool]):
    """`y`/enter on Yes confirms, `n`/escape declines. Only keys pressed after the question
    was on screen answer it: a `y` typed ahead (a paste, typing while the app was busy) is
    dropped, never taken as consent."""

    BINDINGS = keys.CONFIRM

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self._question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Static(plain_lines(self._question), id="confirm-question")
            with Horizontal(classes="buttons"):
                yield Button(f"{self._yes} (y)", variant="primary", id="yes", compact=True)
                yield Button(f"{self._no} (n)", id="no", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
