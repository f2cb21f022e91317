"""What to do when the record a form edits was changed or deleted by someone else meanwhile."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Static

from tracker.ui import keys
from tracker.ui.screens.question import Question

MINE, THEIRS, NEW, BACK = "mine", "theirs", "new", "back"


class ConflictScreen(Question[str]):
    """Changed meanwhile: keep mine (overwrite), take theirs (reload the form), or back.
    Deleted meanwhile: save as new, or back. Returns the choice; keys typed before it
    appeared are not taken as one."""

    BINDINGS = keys.CONFLICT

    def __init__(self, said: str, *, deleted: bool, can_save_new: bool = True) -> None:
        super().__init__()
        self._said = said
        self._choices = [NEW, BACK] if deleted else [MINE, THEIRS, BACK]
        if not can_save_new and NEW in self._choices:
            self._choices.remove(NEW)
        self._deleted = deleted

    def compose(self) -> ComposeResult:
        labels = {
            MINE: ("Keep mine (m)", "save the form as it is, over their changes"),
            THEIRS: ("Take theirs (t)", "show what is stored now; what you typed is dropped"),
            NEW: ("Save as new (s)", "store the form as a new record"),
            BACK: ("Back (b)", "back to the form, nothing saved"),
        }
        with Vertical(id="conflict", classes="dialog"):
            yield Static("Not saved", classes="dialog-title")
            yield Static(self._said[:1].upper() + self._said[1:] + ".", id="conflict-said")
            yield Static(
                "\n".join(f"{labels[c][0]}: {labels[c][1]}" for c in self._choices),
                id="conflict-choices",
            )
            with Horizontal(classes="buttons"):
                for choice in self._choices:
                    yield Button(
                        labels[choice][0],
                        variant="primary" if choice == self._choices[0] else "default",
                        id=choice,
                        compact=True,
                    )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#{BACK}", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "choose" and parameters and parameters[0] not in self._choices)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or BACK)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
