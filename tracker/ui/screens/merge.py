"""Merging one stakeholder into another: name the one to keep, see what would move, confirm."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

from tracker.errors import Conflict, said
from tracker.ui import keys
from tracker.ui.formatting import plain, shown_names
from tracker.ui.messages import MergePlanned, SaveFailed, SaveSucceeded
from tracker.ui.screens.confirm import ConfirmScreen

PREVIEW_LINES = 14  # the plan shown in the question; the rest is counted


@dataclass(frozen=True, slots=True)
class Merged:
    """What the merge dialog dismisses with: the stakeholder kept, and what it said."""

    kept: str
    said: str


Plan = Callable[[str, bool], list[str]]
"""`(into, force)`: the merge's plan, a line each (refused with a UserError)."""
Perform = Callable[[str, bool], Merged]
"""`(into, force)`: merge, as planned."""


class MergeScreen(ModalScreen[Merged | None]):
    """`m` on a stakeholder: the name of the one to keep (completed from every name), a
    switch for merging different kinds; ctrl+s shows the plan and asks before merging."""

    BINDINGS = keys.FORM

    def __init__(self, who: str, names: Sequence[str], plan: Plan, perform: Perform) -> None:
        super().__init__()
        self._who = who
        self._names = shown_names([n for n in names if n != who])
        self._plan = plan
        self._perform = perform
        self._busy = False

    @property
    def accepts_keys(self) -> bool:
        """Keys typed while the plan is read or the merge written wait for what follows."""
        return not self._busy

    def compose(self) -> ComposeResult:
        with Vertical(id="merge", classes="dialog"):
            yield Static(plain(f"Merge {self._who} into…"), classes="dialog-title")
            yield Label("Keep")
            yield Input(
                placeholder="the stakeholder to keep (its name or alias)",
                suggester=SuggestFromList(self._names, case_sensitive=False),
                id="merge-into",
                compact=True,
            )
            yield Checkbox(
                "Merge even if they are of different kinds", id="merge-force", compact=True
            )
            yield Static(
                plain(
                    f"{self._who}'s name stays as an alias; nothing is merged before you confirm."
                ),
                id="merge-note",
            )
            yield Static(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Show the plan (ctrl+s)", variant="primary", id="save", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#merge-into", Input).focus()

    @on(Input.Submitted, "#merge-into")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        into = self.query_one("#merge-into", Input).value.strip()
        if not into:
            self._error("name the stakeholder to keep")
            return
        self._busy = True
        self._read_plan(into, self.query_one("#merge-force", Checkbox).value)

    def action_accept_name(self) -> None:
        self.query_one("#merge-into", Input).action_cursor_right()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, name="merge-plan", exit_on_error=False)
    def _read_plan(self, into: str, force: bool) -> None:
        try:
            lines = self._plan(into, force)
        except Conflict as exc:
            self.post_message(SaveFailed(f"{said(exc)}: tick the box to merge them anyway"))
        except Exception as exc:
            self.post_message(SaveFailed(said(exc)))
        else:
            self.post_message(MergePlanned(into, force, tuple(lines)))

    def on_merge_planned(self, message: MergePlanned) -> None:
        self._busy = False
        lines = message.lines
        shown = list(lines[:PREVIEW_LINES])
        if len(lines) > PREVIEW_LINES:
            shown.append(f"… and {len(lines) - PREVIEW_LINES} more lines")

        def answered(yes: bool | None) -> None:
            if yes:
                self._busy = True
                self._merge(message.into, message.force)

        self.app.push_screen(
            ConfirmScreen("\n".join([*shown, "", "Merge? u undoes it."]), yes="Merge"),
            answered,
        )

    @work(thread=True, exclusive=True, name="merge", exit_on_error=False)
    def _merge(self, into: str, force: bool) -> None:
        try:
            result = self._perform(into, force)
        except Exception as exc:
            self.post_message(SaveFailed(said(exc)))
        else:
            self.post_message(SaveSucceeded(result))

    def on_save_succeeded(self, message: SaveSucceeded) -> None:
        message.stop()
        self._busy = False
        assert isinstance(message.result, Merged)
        self.dismiss(message.result)

    def on_save_failed(self, message: SaveFailed) -> None:
        message.stop()
        self._busy = False
        self._error(message.message)

    def _error(self, text: str) -> None:
        box = self.query_one("#form-error", Static)
        box.update(plain(f"✗ {text}"))
        box.set_class(True, "-shown")
