"""The pure CSV helpers: spreadsheet-safe cells and the list cells, round-tripped."""

from __future__ import annotations

import csv as csv_module
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.exporting import csv as timeline_csv


@given(st.text())
def test_neutralise_is_undone_exactly(cell: str) -> None:
    safe = timeline_csv.neutralise(cell)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert timeline_csv.restore(safe) == cell


TRICKY = "'=+-@\t\r\uff1d\uff0b\uff0d\uff20\u200b\u200c\u200d\u2060\ufeffaA1 "
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@given(st.text(alphabet=TRICKY, max_size=6))
def test_neutralise_is_undone_exactly_among_formula_characters(cell: str) -> None:
    safe = timeline_csv.neutralise(cell)
    # What a spreadsheet sees once invisible characters are skipped is never a formula.
    assert not safe.lstrip("\u200b\u200c\u200d\u2060\ufeff").startswith(FORMULA_STARTS)
    assert timeline_csv.restore(safe) == cell


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),  # full-width =
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff20cmd", "'\uff20cmd"),
        ("\u200b=SUM(A1)", "'\u200b=SUM(A1)"),  # zero-width space before =
        ("\u200c+1", "'\u200c+1"),
        ("\u200d-1", "'\u200d-1"),
        ("\u2060@x", "'\u2060@x"),
        ("\ufeff=1", "'\ufeff=1"),  # a byte-order mark
        ("\u200b\ufeff\uff1d1", "'\u200b\ufeff\uff1d1"),
        ("'\u200b=1", "''\u200b=1"),
        ("\u200bplain", "\u200bplain"),  # invisible, but no formula after it
        ("a\uff1d1", "a\uff1d1"),
    ],
)
def test_neutralise_full_width_and_invisible_formulas(cell: str, safe: str) -> None:
    assert timeline_csv.neutralise(cell) == safe
    assert timeline_csv.restore(safe) == cell


def test_neutralise_examples() -> None:
    assert timeline_csv.neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert timeline_csv.neutralise("-5") == "'-5"
    assert timeline_csv.neutralise("'=x") == "''=x"
    assert timeline_csv.neutralise("plain 'quote'") == "plain 'quote'"
    assert timeline_csv.restore("'plain") == "'plain"  # not something we neutralised


names = (
    st.text(
        alphabet=st.characters(blacklist_characters=";()\n\r", blacklist_categories=("Cs", "Cc")),
        min_size=1,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@given(
    st.lists(
        st.tuples(
            names, st.sampled_from(["host", "invited"]), st.sampled_from(["attended", "unknown"])
        ),
        max_size=5,
    )
)
def test_participants_round_trip(people: list[tuple[str, str, str]]) -> None:
    cell = timeline_csv.format_participants(people)
    assert timeline_csv.parse_participants(cell) == people


def test_follow_ups_round_trip() -> None:
    items = [
        timeline_csv.FollowUpCell("Confirm attendance", "open", None, "June 6, 2022", "Castro"),
        timeline_csv.FollowUpCell("Expand access", "done", "2022-07-30", "July 2022", None),
        timeline_csv.FollowUpCell("Seek consensus", "open"),
    ]
    cell = timeline_csv.format_follow_ups(items)
    assert cell.splitlines()[0] == "[open] Confirm attendance — due June 6, 2022 — owner Castro"
    assert timeline_csv.parse_follow_ups(cell) == items


def test_reader_reports_line_numbers_of_multiline_records() -> None:
    text = 'title,kind,when\r\n"two\r\nlines",call,May 2022\r\nnext,call,May 2022,extra\r\n'
    rows = list(timeline_csv.read_rows(io.StringIO(text, newline="")))
    assert [(r.line, r.cells["title"]) for r in rows] == [(2, "two\r\nlines"), (4, "next")]
    assert rows[1].problem == "4 cells but the header has 3 columns"


SPECTRUM = Path(__file__).parent.parent / "fixtures" / "csv-spectrum"


# location_coordinates.json expects another phone number than its CSV holds (upstream slip).
SPECTRUM_CASES = sorted(p.stem for p in SPECTRUM.glob("*.csv") if p.stem != "location_coordinates")


@pytest.mark.parametrize("name", SPECTRUM_CASES)
def test_reader_passes_the_csv_spectrum_acid_tests(name: str) -> None:
    with (SPECTRUM / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
        records = [cells for _, cells in timeline_csv.read_records(handle)]
    expected = json.loads((SPECTRUM / f"{name}.json").read_text(encoding="utf-8"))
    header, rows = (records[0], records[1:]) if records else ([], [])
    assert [dict(zip(header, row, strict=True)) for row in rows] == expected


def test_an_unclosed_quote_names_its_line() -> None:
    text = 'title,kind,when\r\nok,call,May 2022\r\n"never closed,call,May 2022\r\n'
    with pytest.raises(ValueError, match="line 3"):
        list(timeline_csv.read_rows(io.StringIO(text, newline="")))


@given(st.text(alphabet=st.sampled_from(list('ab ,"\r\n\t\x00é\u2028;'))))
def test_quoted_is_what_the_csv_writer_writes(cell: str) -> None:
    out = io.StringIO()
    timeline_csv.write_rows([{"id": "1", "title": cell}], out)
    written = out.getvalue().split("\r\n", 1)[1]
    assert written == f"1,,,,,,{timeline_csv.quoted(timeline_csv.neutralise(cell))},,,,,,,,,\r\n"


_CELL = st.sampled_from(["", " ", "x", "'=1", "'x", "a,b", "line\nbreak", "May 2022"])


@given(
    st.lists(st.sampled_from([*timeline_csv.COLUMNS, "other", ""]), min_size=1, max_size=18),
    st.lists(st.lists(_CELL, max_size=20), max_size=6),
    st.booleans(),
    st.booleans(),
)
def test_read_cells_are_read_rows_in_column_order(
    header: list[str], records: list[list[str]], templated: bool, own: bool
) -> None:
    """Whatever the layout (the timeline's own, another, short or long records, neutralised
    cells, --column templates), each record's cells are those `read_rows` gives."""
    if templated:
        header = [name for name in header if name not in ("title", "kind")]
    if len(set(header) - {""}) != len([name for name in header if name]):
        header = list(dict.fromkeys(header))
    if own:
        header = list(timeline_csv.COLUMNS)
    columns = {"title": "{other} x", "kind": "call"} if templated and "other" in header else None
    out = io.StringIO()
    csv_module.writer(out, lineterminator="\r\n").writerows([header, *records])

    def read(how: Any) -> Any:
        try:
            return list(how(io.StringIO(out.getvalue(), newline=""), columns))
        except ValueError as exc:
            return str(exc)

    rows = read(timeline_csv.read_rows)
    cells = read(timeline_csv.read_cells)
    if isinstance(rows, str):
        assert cells == rows
        return
    assert [(line, list(found), problem) for line, found, problem in cells] == [
        (r.line, [r.cells.get(name, "") for name in timeline_csv.COLUMNS], r.problem) for r in rows
    ]


def test_read_cells_of_the_timeline_layout_as_written() -> None:
    out = io.StringIO()
    timeline_csv.write_rows(
        [{"id": "1", "title": "=x", "kind": "call", "when": "May 2022"}, {"title": "@y"}], out
    )
    text = out.getvalue() + "2,,,,,,t,,,,,,,,,,extra\r\n,,\r\n"
    found = list(timeline_csv.read_cells(io.StringIO(text, newline="")))
    first = ["1", "", "", "May 2022", "", "call", "=x", *[""] * 9]
    second = ["", "", "", "", "", "", "@y", *[""] * 9]
    third = ["2", *[""] * 5, "t", *[""] * 9]
    assert found == [
        (2, first, None),
        (3, second, None),
        (4, third, "17 cells but the header has 16 columns"),
    ]


_PIECES = st.sampled_from(
    [
        *("Ann", "Lee", " ", "  ", "\n", "\t", "\u00a0", "(", ")", ",", ", ", ";", "é", "A-b"),
        *("host", "participant", "invited", "confirmed", "unknown", "Host", "party", "x"),
    ]
)


@settings(max_examples=1000)
@given(st.lists(_PIECES, min_size=1, max_size=9).map("".join))
def test_a_participant_is_read_as_its_pattern_reads_it(text: str) -> None:
    """The exporter's form read directly gives what `parse_participant` gives (the row's
    problem included)."""
    from tracker.errors import UserError
    from tracker.services import transfer

    part = text.strip()
    if not part:
        return

    def read(how: Any) -> Any:
        try:
            return how(part)
        except UserError as exc:
            return str(exc)

    assert read(transfer._read_participant) == read(transfer._read_participant_slowly)
    written = f"{part} (host, confirmed)"
    assert read(lambda _: transfer._read_participant(written)) == read(
        lambda _: transfer._read_participant_slowly(written)
    )
