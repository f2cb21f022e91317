"""The help screen: every key, by screen, and the filter language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tracker.dates import VOCABULARY
from tracker.ui import keys
from tracker.ui.query import SYNTAX


def help_content() -> Content:
    lines: list[Content] = []
    every = [b for _, bindings in keys.SECTIONS for b in keys.bindings(bindings)]
    width = max(len(keys.key_label(b)) for b in every) + 2
    for title, bindings in keys.SECTIONS:
        lines.append(Content.assemble((title, "bold $accent")))
        for binding in keys.bindings(bindings):
            lines.append(
                Content.assemble(
                    (f"  {keys.key_label(binding):<{width}}", "bold"), binding.description
                )
            )
        lines.append(Content(""))
    lines += [
        Content.assemble(("Filter", "bold $accent")),
        Content(f"  {SYNTAX}"),
        Content("  Plain words search titles, places, notes and participants' names."),
        Content('  Dates are fuzzy: from:"Q2 2022", to:"late May 2022", in:2021.'),
        Content("  Repeat a key or use commas: kind:call,meeting  with:Biden with:Castro"),
        Content(""),
        Content.assemble(("Dates", "bold $accent")),
        *(
            Content.assemble((f"  {example:<46}", "bold"), meaning)
            for example, meaning in VOCABULARY
        ),
        Content(""),
        Content.assemble(("  ctrl+p", "bold"), " lists every command · escape closes this"),
    ]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = keys.HELP

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(help_content())
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss(None)
