"""The export prompt: where to write the filtered timeline as CSV; it writes, then says how much."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

from tracker.errors import UserError
from tracker.exporting.files import free_name
from tracker.ui import keys
from tracker.ui.formatting import plain
from tracker.ui.messages import SaveFailed, SaveSucceeded
from tracker.ui.screens.confirm import ConfirmScreen


@dataclass(frozen=True, slots=True)
class ExportDone:
    path: Path
    rows: int


Exporter = Callable[[Path, bool, bool], int]
"""Writes the rows to a path, `(path, excel, replace)`: the count; an existing file is
refused (UserError) unless `replace`."""


class ExportScreen(ModalScreen[ExportDone | None]):
    """Path (with a dated default) and an Excel switch; the exporter runs in a worker."""

    BINDINGS = keys.DIALOG

    def __init__(self, default: Path, description: str, exporter: Exporter) -> None:
        super().__init__()
        self._default = default
        self._description = description
        self._exporter = exporter
        self._writing = False

    @property
    def accepts_keys(self) -> bool:
        """Keys typed while it writes wait for the screen the export leaves behind."""
        return not self._writing

    def compose(self) -> ComposeResult:
        with Vertical(id="export", classes="dialog"):
            yield Static("Export the timeline to CSV", classes="dialog-title")
            yield Static(plain(f"Rows: {self._description}"), id="export-what")
            yield Label("File")
            yield Input(str(self._default), id="export-path", compact=True)
            yield Checkbox(
                "For Excel (starts with a BOM so accents show)", id="export-excel", compact=True
            )
            yield Static(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Export (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self._error("say where to write the file")
            return
        path = Path(text).expanduser()
        if path.is_dir():
            path = path / self._default.name
        excel = self.query_one("#export-excel", Checkbox).value
        if not os.path.lexists(path):
            self._start(path, excel, replace=False)
            return
        free = free_name(path)

        def answered(replace: bool | None) -> None:
            if replace:
                self._start(path, excel, replace=True)
                return
            box = self.query_one("#export-path", Input)
            box.value = str(free)
            box.focus()
            self._error(f"{path.name} is kept; ctrl+s writes {free.name} instead")

        self.app.push_screen(
            ConfirmScreen(
                f"{path} exists already. Replace it? (No proposes {free.name}.)",
                yes="Replace",
                no="No",
            ),
            answered,
        )

    def _start(self, path: Path, excel: bool, *, replace: bool) -> None:
        self._writing = True
        self._run(path, excel, replace)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, name="export-csv", exit_on_error=False)
    def _run(self, path: Path, excel: bool, replace: bool) -> None:
        try:
            rows = self._exporter(path, excel, replace)
        except UserError as exc:
            self.post_message(SaveFailed(exc.said))
        except OSError as exc:
            self.post_message(SaveFailed(f"cannot write {path}: {exc.strerror or exc}"))
        except Exception as exc:
            self.post_message(SaveFailed(f"export failed: {exc}"))
        else:
            self.post_message(SaveSucceeded(ExportDone(path, rows)))

    def on_save_succeeded(self, message: SaveSucceeded) -> None:
        assert isinstance(message.result, ExportDone)
        self._writing = False
        self.dismiss(message.result)

    def on_save_failed(self, message: SaveFailed) -> None:
        self._writing = False
        self._error(message.message)

    def _error(self, text: str) -> None:
        self.query_one("#form-error", Static).update(plain(f"✗ {text}"))
