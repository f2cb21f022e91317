"""The filter box's query language, parsed without Textual."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import dates
from tracker.domain import EventFilter, EventKind, EventStatus
from tracker.ui.query import describe_filter, parse_query, quote, tokenize

TODAY = dt.date(2022, 6, 6)


def bound(text: str, end: bool) -> dt.date:
    try:
        when = dates.parse_when(text, today=TODAY)
    except dates.DateParseError as exc:
        from tracker.errors import UserError

        raise UserError(str(exc)) from None
    return when.end if end else when.start


def test_plain_words_are_a_text_search() -> None:
    parsed = parse_query("  summit   americas ", bound)
    assert parsed.ok
    assert parsed.filter == EventFilter(search="summit americas")


def test_every_key_sets_its_filter() -> None:
    parsed = parse_query(
        'kind:call with:Castro tag:ASEAN status:planned from:"Q2 2022" to:"June 2022" harris',
        bound,
    )
    assert parsed.error is None
    assert parsed.filter == EventFilter(
        date_from=dt.date(2022, 4, 1),
        date_to=dt.date(2022, 6, 30),
        kinds=(EventKind.CALL,),
        with_names=("Castro",),
        tags=("asean",),
        statuses=(EventStatus.PLANNED,),
        search="harris",
    )


def test_repeated_keys_and_commas_add_up() -> None:
    parsed = parse_query("kind:call,meet kind:summit with:Biden with:'Xiomara Castro'", bound)
    assert parsed.filter.kinds == (EventKind.CALL, EventKind.MEETING, EventKind.SUMMIT)
    assert parsed.filter.with_names == ("Biden", "Xiomara Castro")


def test_in_sets_both_bounds() -> None:
    parsed = parse_query("in:2021", bound)
    assert (parsed.filter.date_from, parsed.filter.date_to) == (
        dt.date(2021, 1, 1),
        dt.date(2021, 12, 31),
    )


def test_an_unclosed_quote_runs_to_the_end() -> None:
    assert tokenize('from:"late May 2022') == [("from", "late May 2022")]
    assert parse_query('from:"late May 2022', bound).filter.date_from == dt.date(2022, 5, 21)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("kind:calll", "unknown kind 'calll'"),
        ("status:", "status: needs a value"),
        ("when:today", "unknown filter 'when:'"),
        ('from:"Maytember"', "cannot read"),
        ("from:2022 to:2021", "to: is before from:"),
    ],
)
def test_problems_are_one_line_errors(text: str, error: str) -> None:
    parsed = parse_query(text, bound)
    assert not parsed.ok
    assert parsed.error is not None and error in parsed.error
    assert "\n" not in parsed.error


def test_describe_filter_says_what_is_shown() -> None:
    assert describe_filter(EventFilter()) == "all events"
    flt = parse_query('kind:call with:Castro from:"Q2 2022" budget', bound).filter
    assert describe_filter(flt) == "“budget” · kind call · with Castro · 1 Apr 2022 → …"


def test_quote_round_trips_through_the_parser() -> None:
    for name in ("Castro", "Xiomara Castro", 'Jesus "Chuy" García'):
        parsed = parse_query(f"with:{quote(name)}", bound)
        assert parsed.filter.with_names == (name.replace("'", ""),)
