"""The command line's text tables: the one-format-per-line table equals the cell-by-cell one."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import render
from tracker.dates import parse_when
from tracker.domain import EventKind, EventLine, EventLines, EventStatus
from tracker.textsafe import visible_line


def reference_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], flex: Sequence[int] = ()
) -> str:
    """The table as first written: every cell cut to its column and padded on its own
    (its control characters, a tab here, shown escaped first)."""
    if not rows:
        return ""
    rows = [[visible_line(cell) for cell in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    total = shutil.get_terminal_size((120, 24)).columns
    over = sum(widths) + 2 * (len(widths) - 1) - total
    while over > 0 and flex:
        widest = max(flex, key=lambda i: widths[i])
        if widths[widest] <= 12:
            break
        widths[widest] -= 1
        over -= 1

    def cut(text: str, width: int) -> str:
        return text if len(text) <= width else text[: max(width - 1, 0)] + "…"

    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in rows:
        lines.append(
            "  ".join(cut(c, w).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )
    return "\n".join(lines)


CELL = st.text(alphabet="ab cÉé{}%…\tñ0", max_size=40)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], tuple[int, ...]]:
    columns = draw(st.integers(1, 7))
    headers = draw(st.lists(CELL, min_size=columns, max_size=columns))
    rows = draw(st.lists(st.lists(CELL, min_size=columns, max_size=columns), max_size=6))
    flex = draw(st.lists(st.integers(0, columns - 1), unique=True, max_size=columns))
    return headers, rows, tuple(sorted(flex))


@pytest.mark.parametrize("width", ["24", "60", "120"])
@settings(max_examples=150, deadline=None)
@given(table=tables())
def test_table_matches_the_cell_by_cell_reference(
    table: tuple[list[str], list[list[str]], tuple[int, ...]], width: str
) -> None:
    headers, rows, flex = table
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", width)
        assert render.table(headers, rows, flex) == reference_table(headers, rows, flex)


def test_event_lines_are_columns_of_lines() -> None:
    when = parse_when("May 2022", today=dt.date(2022, 6, 1))
    lines = [
        EventLine(7, "Call with Castro", EventKind.CALL, when, EventStatus.HELD, ("A", "B"), 2),
        EventLine(9, "Summit", EventKind.SUMMIT, when, EventStatus.PLANNED, (), 0),
    ]
    columns = EventLines.of(lines)
    assert len(columns) == 2 and list(columns) == lines
    assert columns.titles == ("Call with Castro", "Summit")
    assert not EventLines.of([]) and list(EventLines()) == []
    with pytest.raises(ValueError, match="one value per line"):
        EventLines(ids=(1, 2), titles=("only one",))
    table = render.events_table(columns).splitlines()
    assert table[1].split() == [
        "7",
        "May",
        "2022",
        "call",
        "held",
        "Call",
        "with",
        "Castro",
        "A,",
        "B",
        "2",
    ]
    assert table[2].split()[-1] == "Summit"
