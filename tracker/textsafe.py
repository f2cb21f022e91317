"""Text made safe for a terminal: control characters shown as escapes, never run; and refused.

Text from the database may hold what no form lets in (an old database, another tool, an
import from before the check): `ESC ] 0;...BEL` would retitle the terminal, `ESC [2J` clear
it. Whatever shows stored text on a terminal passes it through `visible` (several lines) or
`visible_line` (one line, a table cell), which write each such character the way a Python
string literal does: `\\x1b`, `\\x9b`, `\\u202e`, and in one line `\\n`, `\\t`, `\\r`.

Shown escaped:
- the C0 controls (U+0000-U+001F) but newline and tab in text of several lines (a CR just
  before a newline stays too: a line end written by Windows), DEL (U+007F) and the C1
  controls (U+0080-U+009F: U+009B is a one-byte CSI to some terminals);
- the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they
  reorder the rest of a line, so that what is shown is not what is stored ("Trojan Source").
  The plain marks (U+200E, U+200F, U+061C) stay: right-to-left names need them, and they
  reorder nothing beyond their neighbours;
- the line and paragraph separators (U+2028, U+2029), which some renderers break lines at.

A backslash itself is not escaped: this is for showing text, not a way to write it back.

`refuse_controls` is the other half: what a user types or imports may not hold a control
character (C0 but newline and tab, DEL, C1), so no new one gets in.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any, TextIO

from tracker.errors import UserError

_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_SEPARATORS = (0x2028, 0x2029)
_CONTROLS = (*range(0x00, 0x20), *range(0x7F, 0xA0))
_SHORT = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}


def _escape(code: int) -> str:
    if code in _SHORT:
        return _SHORT[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_LINE_TABLE = {code: _escape(code) for code in (*_CONTROLS, *_BIDI, *_SEPARATORS)}
_TEXT_TABLE = {code: text for code, text in _LINE_TABLE.items() if code not in (0x09, 0x0A)}

_RANGES = "\u202a-\u202e\u2066-\u2069\u2028\u2029\x7f-\x9f"
_LINE_UNSAFE = re.compile(f"[\x00-\x1f{_RANGES}]")
_TEXT_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_RANGES}]|\r(?!\n)")


def visible(text: str) -> str:
    """`text` (of any number of lines) safe to write to a terminal: newlines and tabs kept,
    every other control or reordering character shown as an escape (see the module's doc)."""
    if _TEXT_UNSAFE.search(text) is None:
        return text
    return "\r\n".join(part.translate(_TEXT_TABLE) for part in text.split("\r\n"))


def visible_line(text: str) -> str:
    """`text` safe to write as (part of) one line: `visible`, and newlines, tabs and carriage
    returns shown as `\\n`, `\\t`, `\\r` too."""
    if text.isprintable() or _LINE_UNSAFE.search(text) is None:
        return text
    return text.translate(_LINE_TABLE)


def visible_cells(cells: list[str]) -> list[str]:
    """`visible_line` of each cell of a column; the column itself when no cell needs it
    (one look over the whole column: the common case costs next to nothing)."""
    joined = "".join(cells)
    if joined.isprintable() or _LINE_UNSAFE.search(joined) is None:
        return cells
    return list(map(visible_line, cells))


_JSON_UNSAFE = re.compile(f"[{_RANGES}]")


def json_safe(encoded: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`, which escapes only C0) with
    DEL, the C1 controls, the bidirectional controls and the separators written as `\\uXXXX`
    escapes too: the same data, but nothing a terminal would act on."""
    if encoded.isascii() and "\x7f" not in encoded:  # a fast answer for most
        return encoded
    if _JSON_UNSAFE.search(encoded) is None:
        return encoded
    return _JSON_UNSAFE.sub(lambda found: f"\\u{ord(found[0]):04x}", encoded)


class VisibleWriter(io.TextIOBase):
    """A text stream that writes `visible(text)` to another (CSV shown on a terminal)."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, text: str) -> int:
        self._out.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self._out.flush()


# -- refusing them on the way in -----------------------------------------------------------

_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "BS",
    0x0B: "VT",
    0x0C: "FF",
    0x0D: "CR",
    0x1B: "ESC",
    0x7F: "DEL",
    0x9B: "CSI",
}


def control_problem(field: str, value: str) -> str | None:
    """`field: control character U+001B (ESC) is not allowed` for the first control character
    `value` holds, else None. Newline and tab are allowed (a one-line field folds them into
    spaces, as it does any run of blanks), and a CR just before a newline (a Windows line end
    in an imported cell); so is every printable character."""
    found = _REFUSED.search(value)
    if found is None:
        return None
    code = ord(found[0])
    name = f" ({_NAMES[code]})" if code in _NAMES else ""
    return f"{field}: control character U+{code:04X}{name} is not allowed"


def refuse_controls(fields: Iterable[tuple[str, str | None]]) -> None:
    """Raise UserError for the first of `fields` ((label, value); None skipped) that holds a
    control character (see `control_problem`)."""
    for field, value in fields:
        if value:
            problem = control_problem(field, value)
            if problem:
                raise UserError(problem)


_REFUSED_BUT_CR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    """Whether `text` holds a control character `control_problem` refuses (a long text: a
    character class alone is searched several times faster than with the CR's look-ahead)."""
    if _REFUSED_BUT_CR.search(text) is not None:
        return True
    return "\r" in text and _REFUSED.search(text) is not None


_LABELS = {
    "tags": "tag",
    "add_tags": "tag",
    "remove_tags": "tag",
    "aliases": "alias",
    "add_aliases": "alias",
    "remove_aliases": "alias",
    "participants": "participant",
    "add_participants": "participant",
    "remove_participants": "participant",
    "append_note": "notes",
}


def refuse_controls_in(record: Any) -> None:
    """`refuse_controls` for every text of a draft or a set of changes (a dataclass): its
    strings, and each of its tuples' strings or names (a participant's), named by field."""

    def texts() -> Iterator[tuple[str, str | None]]:
        for item in fields(record):
            value = getattr(record, item.name)
            label = _LABELS.get(item.name, item.name)
            if isinstance(value, str):
                yield label, value
            elif isinstance(value, tuple):
                for part in value:
                    yield label, part if isinstance(part, str) else getattr(part, "name", None)

    refuse_controls(texts())
