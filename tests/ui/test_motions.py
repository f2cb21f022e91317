"""One set of motions in every list: j/k, g/G, home/end, pgup/pgdn, enter."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.ui.conftest import settle, type_text
from tracker.ui.app import TrackerApp
from tracker.ui.screens.event_form import EventFormScreen
from tracker.ui.screens.followup_form import FollowUpFormScreen
from tracker.ui.screens.stakeholder import StakeholderScreen
from tracker.ui.widgets.grouped_table import GroupedTable
from tracker.ui.widgets.timeline_list import TimelineList


async def motions(pilot: object, row: object) -> list[int]:
    """Where the cursor is after each of j, j, k, G, g, end, home, pgdn, pgup."""
    seen = []
    for key in ("j", "j", "k", "G", "g", "end", "home", "pagedown", "pageup"):
        await pilot.press(key)  # type: ignore[attr-defined]
        seen.append(row())  # type: ignore[operator]
    return seen


def check(seen: list[int], last: int) -> None:
    first = seen[4]
    assert seen[1] == seen[0] + 1 and seen[2] == seen[0]  # j j k
    assert seen[3] == last and seen[5] == last  # G, end
    assert seen[4] == first and seen[6] == first  # g, home
    assert seen[7] > first and seen[8] == first  # pgdn, pgup


async def test_every_list_moves_the_same_way(app: TrackerApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(TimelineList)
        await pilot.press("g")
        seen = await motions(pilot, lambda: timeline.cursor)
        check(seen, timeline.total - 1)

        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#stakeholders", DataTable)
        await pilot.press("g")
        check(await motions(pilot, lambda: table.cursor_row), table.row_count - 1)
        await type_text(pilot, "/Kamala Harris")
        await settle(pilot, 0.3)
        await pilot.press("enter", "enter")  # from the search box to the list, then open
        await settle(pilot)
        assert isinstance(app.screen, StakeholderScreen)
        events = app.screen.query_one("#profile-events", DataTable)
        assert events.has_focus and events.row_count > 2
        await pilot.press("G")
        assert events.cursor_row == events.row_count - 1
        await pilot.press("g")
        assert events.cursor_row == 0
        await pilot.press("escape")

        await pilot.press("3")
        await settle(pilot)
        grouped = app.screen.query_one(GroupedTable)
        await pilot.press("G")
        last = grouped.cursor_row
        assert not grouped.is_heading(last) and last == grouped.row_count - 1
        await pilot.press("g")
        assert not grouped.is_heading(grouped.cursor_row)
        assert all(grouped.is_heading(r) for r in range(grouped.cursor_row))
        await pilot.press("enter")  # enter edits the follow-up
        await settle(pilot)
        assert isinstance(app.screen, FollowUpFormScreen)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("1")
        await settle(pilot)
        await pilot.press("enter")  # and the event
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
