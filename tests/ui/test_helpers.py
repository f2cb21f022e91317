"""The UI's pure helpers: completion of the query box, form diffs, column widths."""

from __future__ import annotations

import datetime as dt

from tracker.domain import (
    Attendance,
    EventDraft,
    EventKind,
    EventStatus,
    EventView,
    ParticipantSpec,
    ParticipantView,
    Precision,
    Role,
    StakeholderDraft,
    StakeholderKind,
    StakeholderView,
    When,
)
from tracker.ui.formatting import fit_widths, position
from tracker.ui.screens.event_form import changes_between
from tracker.ui.screens.stakeholder_form import stakeholder_changes
from tracker.ui.widgets.filter_bar import QuerySuggester

NAMES = ("Xiomara Castro", "Castro", "Kamala Harris", "Harris")


async def test_the_query_box_completes_keys_values_and_names() -> None:
    suggest = QuerySuggester(lambda: NAMES).get_suggestion
    assert await suggest("ki") == "kind:"
    assert await suggest("budget kind:me") == "budget kind:meeting"
    assert await suggest("status:pl") == "status:planned"
    assert await suggest("with:cas") == "with:Castro"
    assert await suggest('with:"Xio') == 'with:"Xiomara Castro"'
    assert await suggest("with:xio") == "with:Xiomara Castro"  # quoted once taken
    assert await suggest("kind:zzz") is None


async def test_the_query_box_completes_tags_and_quotes_a_taken_name() -> None:
    suggester = QuerySuggester(lambda: NAMES, lambda: ("asean", "honduras", "summit"))
    assert await suggester.get_suggestion("tag:hon") == "tag:honduras"
    assert await suggester.get_suggestion("kind:call tag:s") == "kind:call tag:summit"
    assert suggester.quoted("with:Xiomara Castro") == 'with:"Xiomara Castro"'
    assert suggester.quoted("budget with:kamala harris") == 'budget with:"Kamala Harris"'
    assert suggester.quoted("with:Xiomara") is None  # one word needs no quotes
    assert suggester.quoted("with:Xiomara Cas") is None  # not a whole name yet


def _event() -> EventView:
    day = dt.date(2022, 5, 21)
    return EventView(
        id=7,
        title="Call with Castro",
        kind=EventKind.CALL,
        when=When(day, dt.date(2022, 5, 31), Precision.PART_OF_MONTH, "late May 2022"),
        status=EventStatus.HELD,
        location="",
        summary="",
        notes="",
        source="CNN",
        tags=("honduras",),
        participants=(
            ParticipantView(
                3, "Xiomara Castro", StakeholderKind.PERSON, Role.HOST, Attendance.ATTENDED
            ),
        ),
    )


def test_an_unchanged_event_form_changes_nothing() -> None:
    event = _event()
    draft = EventDraft(
        title=event.title,
        kind=event.kind,
        when="late May 2022",
        status=EventStatus.HELD,
        source="CNN",
        tags=("honduras",),
        participants=(ParticipantSpec("Xiomara Castro", Role.HOST, Attendance.ATTENDED),),
    )
    changes = changes_between(event, draft)
    assert changes.title is changes.when is changes.participants is changes.tags is None
    assert changes.status is None and changes.kind is None


def test_an_edited_event_form_changes_what_was_edited() -> None:
    event = _event()
    draft = EventDraft(
        title="Call with President Castro",
        kind=EventKind.CALL,
        when="May 27, 2022",
        status=EventStatus.HELD,
        source="",
        tags=(),
        participants=(),
    )
    changes = changes_between(event, draft)
    assert changes.title == "Call with President Castro"
    assert changes.when == "May 27, 2022"
    assert changes.source == "" and changes.tags == () and changes.participants == ()


def test_stakeholder_aliases_and_tags_change_as_differences() -> None:
    original = StakeholderView(
        1,
        "Kamala Harris",
        StakeholderKind.PERSON,
        "VP",
        None,
        None,
        "",
        ("Harris", "VP"),
        ("a",),
        "",
    )
    draft = StakeholderDraft(
        "Kamala Harris",
        StakeholderKind.PERSON,
        "VP",
        None,
        "",
        ("harris", "VPOTUS"),
        ("a", "b"),
        "",
    )
    changes = stakeholder_changes(original, draft)
    assert changes.add_aliases == ("VPOTUS",) and changes.remove_aliases == ("VP",)
    assert changes.add_tags == ("b",) and changes.remove_tags == ()
    assert changes.name is None and changes.affiliation is None


def test_fit_widths_fills_the_room_by_weight() -> None:
    assert fit_widths(40, (5, 5, 5), (0, 1, 1)) == [5, 18, 17]
    assert sum(fit_widths(101, (9, 20, 12, 12, 10), (0, 5, 2, 1, 3))) == 101
    assert fit_widths(10, (8, 8), (1, 1)) == [8, 8]  # too narrow: the minimums stand


def test_position_reads_like_a_person_would_say_it() -> None:
    assert position(1233, 100_000) == "row 1,234 of 100,000"
    assert position(0, 0) == "no events"
