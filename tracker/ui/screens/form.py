"""The base of the add/edit forms: save in a worker, stay open on errors, offer to create names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Select, Static, TextArea

from tracker.errors import ChangedMeanwhile, UserError
from tracker.ui import keys
from tracker.ui.formatting import plain
from tracker.ui.messages import SaveConflict, SaveFailed, SaveSlow, SaveSucceeded
from tracker.ui.screens.confirm import ConfirmScreen

SLOW_SAVE = 1.0  # seconds before a save that waits says why
PlanT = TypeVar("PlanT")
ResultT = TypeVar("ResultT")


class FormError(Exception):
    """What is wrong with the form as typed, and which field to go back to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class FormScreen(ModalScreen[ResultT | None], Generic[PlanT, ResultT]):
    """A modal form. `collect` reads the fields into a plan; `perform(plan, create)` stores it
    (in a thread) and its result is what the form dismisses with. Nothing typed is lost when
    `collect` or `perform` refuses: the message shows above the buttons, the form stays."""

    BINDINGS = keys.FORM
    TITLE_TEXT = "Form"

    def __init__(self, perform: Callable[[PlanT, bool], ResultT], *, title: str) -> None:
        super().__init__()
        self._perform = perform
        self._title = title
        self._initial: tuple[object, ...] = ()
        self._saving = False
        # An edit form's way to store the form as a new record, offered when the record
        # was deleted meanwhile (None: not offered).
        self.save_as_new: Callable[[PlanT, bool], ResultT] | None = None

    @property
    def accepts_keys(self) -> bool:
        """Keys typed while it saves wait: they belong to whatever the save leaves on screen."""
        return not self._saving

    # -- for subclasses ----------------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def collect(self) -> PlanT:
        raise NotImplementedError

    def unknown_names(self, plan: PlanT) -> list[str]:
        """Stakeholder names in the plan that do not exist yet (offered for creation)."""
        return []

    def take_stored(self, stored: object) -> None:
        """An edit form: the record as stored now becomes the one the form edits (what the
        next save is checked against, and what `compose_fields` shows)."""

    # -- the frame ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(plain(self._title), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield Footer(compact=True)  # this form's keys, not those of the screen behind

    def action_accept_name(self) -> None:
        """→: the box's own cursor-right, which at the end of a name takes the suggestion."""
        focused = self.focused
        if isinstance(focused, Input | TextArea):
            focused.action_cursor_right()

    def on_mount(self) -> None:
        self.call_after_refresh(self._remember)

    def _remember(self) -> None:
        self._initial = self._snapshot()

    def _snapshot(self) -> tuple[object, ...]:
        values: list[object] = []
        for widget in self.query("Input, Select, TextArea"):
            if (isinstance(widget, Input) and widget.value.strip()) or isinstance(widget, Select):
                values.append(widget.value)
            elif isinstance(widget, TextArea):
                values.append(widget.text)
        return tuple(values)

    def field(self, name: str) -> Widget:
        return self.query_one(f"#{name}")

    def text(self, name: str) -> str:
        widget = self.query_one(f"#{name}")
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input)
        return widget.value

    def error(self, message: str | None) -> None:
        box = self.query_one("#form-error", Static)
        box.update(plain(f"✗ {message}") if message else "")
        box.set_class(bool(message), "-shown")

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _edited(self) -> None:
        self.error(None)  # the last complaint may no longer hold

    # -- saving ------------------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        try:
            plan = self.collect()
        except FormError as exc:
            self.error(exc.message)
            if exc.field:
                target = self.query_one(f"#{exc.field}")
                focusable = (
                    target
                    if target.can_focus
                    else next((w for w in target.query("*") if w.can_focus), target)
                )
                focusable.focus()
            return
        unknown = self.unknown_names(plan)
        if not unknown:
            self._save(plan, False)
            return
        listed = ", ".join(repr(name) for name in unknown)
        question = (
            f"No stakeholder is called {listed} yet. Create "
            f"{'it' if len(unknown) == 1 else 'them'} (kind other; edit later under 2)?"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._save(plan, True)
            else:
                self.error(f"not saved: {listed} is not a stakeholder")

        self.app.push_screen(ConfirmScreen(question, yes="Create", no="Back"), answered)

    def _save(
        self, plan: PlanT, create: bool, perform: Callable[[PlanT, bool], ResultT] | None = None
    ) -> None:
        self._saving = True
        self.set_timer(SLOW_SAVE, self._still_saving)
        self._save_in_worker(plan, create, perform)

    def _still_saving(self) -> None:
        if self._saving:
            self.post_message(SaveSlow())  # the app says what it waits for

    @work(thread=True, exclusive=True, name="form-save", exit_on_error=False)
    def _save_in_worker(
        self, plan: PlanT, create: bool, perform: Callable[[PlanT, bool], ResultT] | None
    ) -> None:
        try:
            result = (perform or self._perform)(plan, create)
        except ChangedMeanwhile as exc:
            self.post_message(SaveConflict(exc, plan, create))
        except UserError as exc:
            self.post_message(SaveFailed(exc.said))
        except Exception as exc:
            self.post_message(SaveFailed(f"could not save: {exc}"))
        else:
            self.post_message(SaveSucceeded(result))

    def on_save_succeeded(self, message: SaveSucceeded) -> None:
        message.stop()
        self._saving = False
        self.dismiss(message.result)  # type: ignore[arg-type]

    def on_save_failed(self, message: SaveFailed) -> None:
        message.stop()
        self._saving = False
        self.error(message.message)

    def on_save_conflict(self, message: SaveConflict) -> None:
        """Someone else changed or deleted the record: say so, and ask what to do."""
        from tracker.ui.screens.conflict import MINE, NEW, THEIRS, ConflictScreen

        message.stop()
        self._saving = False
        error, plan, create = message.error, cast("PlanT", message.plan), message.create
        self.error(f"not saved: {error.said}")

        def answered(choice: str | None) -> None:
            if choice == MINE and error.stored is not None:
                self.take_stored(error.stored)
                self._save(plan, create)
            elif choice == THEIRS and error.stored is not None:
                self.take_stored(error.stored)
                self.run_worker(self._show_stored(), exclusive=True, group="form-reload")
            elif choice == NEW and self.save_as_new is not None:
                self._save(plan, create, self.save_as_new)

        self.app.push_screen(
            ConflictScreen(
                error.said,
                deleted=error.stored is None,
                can_save_new=self.save_as_new is not None,
            ),
            answered,
        )

    async def _show_stored(self) -> None:
        """The form again, with the stored values (what was typed is dropped)."""
        await self.recompose()
        self._remember()
        self.error("the form now shows what is stored; edit and save again")
        first = next((w for w in self.query("Input, Select, TextArea") if w.can_focus), None)
        if first is not None:
            first.focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self._snapshot() == self._initial:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen("Discard what you typed?", yes="Discard", no="Keep editing"), answered
        )


def field_row(label: str, *widgets: Widget, id: str | None = None) -> Horizontal:
    """A labelled row of the form."""
    return Horizontal(Static(label, classes="field-label"), *widgets, classes="field", id=id)
