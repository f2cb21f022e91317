"""A date input that shows, as you type, how the text was understood."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from tracker import dates
from tracker.domain import When
from tracker.errors import UserError

ParseWhen = Callable[[str], When]


class DateField(Vertical):
    """`late May 2022` → `21–31 May 2022`; what does not parse is flagged, never lost."""

    def __init__(
        self,
        parse: ParseWhen,
        value: str = "",
        *,
        optional: bool = False,
        placeholder: str = 'e.g. "May 13, 2022", "late May 2022", "Q2 2022"',
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="date-field")
        self._parse = parse
        self._initial = value
        self._optional = optional
        self._placeholder = placeholder
        self.when: When | None = None
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(self._initial, placeholder=self._placeholder, compact=True)
        yield Static(classes="date-preview")

    def on_mount(self) -> None:
        self._read(self._initial)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._read(event.value)

    def _read(self, text: str) -> None:
        preview = self.query_one(".date-preview", Static)
        self.when, self.error = None, None
        if not text.strip():
            if not self._optional:
                self.error = "a date is needed"
            preview.update(Content.assemble(("no date" if self._optional else "", "$text-muted")))
        else:
            try:
                self.when = self._parse(text)
            except UserError as exc:
                self.error = exc.message
        if self.when is not None:
            preview.update(
                Content.assemble(
                    ("→ ", "$success"),
                    (dates.describe(self.when), "bold"),
                    (f"  ({self.when.label})", "$text-muted"),
                )
            )
        elif text.strip():
            preview.update(Content.assemble(("✗ ", "bold $error"), (self.error or "", "$error")))
        self.set_class(self.error is not None and bool(text.strip()), "-invalid")
