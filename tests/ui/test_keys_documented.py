"""The README's keys table, the help screen and the bindings say the same thing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import BindingType

from tracker.ui import keys
from tracker.ui.screens.help import help_content

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_rows() -> dict[str, set[str]]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| where | keys |") :].split("\n\n")[0]
    rows: dict[str, set[str]] = {}
    for line in table.splitlines()[2:]:
        where, described = (cell.strip() for cell in line.strip("|").split("|", 1))
        rows[where] = set(re.findall(r"`([^`]+)`", described))
    return rows


@pytest.mark.parametrize(("title", "bindings"), keys.SECTIONS, ids=[t for t, _ in keys.SECTIONS])
def test_readme_lists_exactly_the_keys_bound(title: str, bindings: list[BindingType]) -> None:
    rows = readme_rows()
    assert title.lower() in rows, f"README's keys table has no row for {title!r}"
    bound = {token for b in keys.bindings(bindings) for token in keys.key_tokens(b)}
    assert rows[title.lower()] == bound


def test_help_lists_every_key_and_the_date_words() -> None:
    shown = help_content().plain
    lines = [line.split() for line in shown.splitlines()]
    for _, bindings in keys.SECTIONS:
        for binding in keys.bindings(bindings):
            label = keys.key_label(binding).split()
            assert label + binding.description.split() in lines
    for needed in ("enter", "tab", "→", "late May 2022", "Q2 2022", "in 3 days"):
        assert needed in shown
