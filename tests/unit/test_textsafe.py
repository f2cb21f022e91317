"""Stored text shown on a terminal: control characters escaped, never written raw."""

from __future__ import annotations

import io
import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.errors import UserError
from tracker.textsafe import (
    VisibleWriter,
    control_problem,
    has_control,
    json_safe,
    refuse_controls,
    visible,
    visible_cells,
    visible_line,
)

ATTACK = "Summit\x1b]0;pwned\x07 \x1b[2J"
BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029}


def _unsafe(char: str, *, allowed: str) -> bool:
    if char in allowed:
        return False
    return unicodedata.category(char) == "Cc" or ord(char) in BIDI


@given(st.text())
def test_one_line_output_holds_no_control_character(text: str) -> None:
    shown = visible_line(text)
    assert not any(_unsafe(c, allowed="") for c in shown)


@given(st.text())
def test_text_output_keeps_only_newlines_and_tabs(text: str) -> None:
    shown = visible(text)
    assert not any(_unsafe(c, allowed="\n\t\r") for c in shown)
    assert "\r" not in shown.replace("\r\n", "")  # a CR only in a line end


PLAIN = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs"),
        blacklist_characters="".join(map(chr, BIDI)),
    )
)


@given(PLAIN)
def test_plain_text_is_unchanged(text: str) -> None:
    assert visible_line(text) == text
    assert visible(text) == text
    assert visible(text + "\nline two\twith a tab\r\n") == text + "\nline two\twith a tab\r\n"
    assert control_problem("title", text) is None


def test_escapes_are_written_as_python_writes_them() -> None:
    assert visible_line(ATTACK) == "Summit\\x1b]0;pwned\\x07 \\x1b[2J"
    assert visible_line("a\nb\tc\rd\x7f\x9b") == "a\\nb\\tc\\rd\\x7f\\x9b"
    assert visible_line("abc\u202eevil\u2066") == "abc\\u202eevil\\u2066"
    assert visible("one\ntwo\tthree\r\nfour\x1b") == "one\ntwo\tthree\r\nfour\\x1b"
    assert visible("bare\rreturn") == "bare\\rreturn"
    assert visible_line("مرحبا\u200f") == "مرحبا\u200f"  # a plain mark is right-to-left text


def test_a_column_is_escaped_only_when_a_cell_needs_it() -> None:
    column = ["plain", "also plain"]
    assert visible_cells(column) is column
    assert visible_cells(["plain", ATTACK]) == ["plain", visible_line(ATTACK)]


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_json_stays_the_same_data_and_holds_no_control_character(data: object) -> None:
    encoded = json_safe(json.dumps(data, ensure_ascii=False))
    assert json.loads(encoded) == data
    assert not any(_unsafe(c, allowed="") for c in encoded)


def test_a_writer_escapes_what_it_passes_on() -> None:
    out = io.StringIO()
    writer = VisibleWriter(out)
    writer.write("id,title\r\n1," + ATTACK + "\r\n")
    assert out.getvalue() == "id,title\r\n1," + visible_line(ATTACK) + "\r\n"


def test_input_with_a_control_character_is_refused_with_one_line() -> None:
    assert control_problem("title", ATTACK) == (
        "title: control character U+001B (ESC) is not allowed"
    )
    assert control_problem("notes", "two\r\nlines\tand a tab") is None
    assert control_problem("notes", "bare\rreturn") == (
        "notes: control character U+000D (CR) is not allowed"
    )
    assert control_problem("name", "x\x85") == "name: control character U+0085 is not allowed"
    with pytest.raises(UserError, match=r"^location: control character U\+0007 \(BEL\)"):
        refuse_controls([("title", "ok"), ("owner", None), ("location", "ring\x07")])


@given(st.text(alphabet=st.characters(max_codepoint=0x300)))
def test_has_control_agrees_with_control_problem(text: str) -> None:
    assert has_control(text) == (control_problem("x", text) is not None)
