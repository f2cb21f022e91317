"""Pilot tests of the other screens: follow-ups, stakeholders, help and the command palette."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.ui.conftest import settle, type_text
from tracker.domain import FollowUpDraft, FollowUpScope, FollowUpStatus
from tracker.services import Services
from tracker.ui.app import TrackerApp
from tracker.ui.screens.confirm import ConfirmScreen
from tracker.ui.screens.followups import FollowUpsScreen
from tracker.ui.screens.help import HelpScreen
from tracker.ui.screens.stakeholder import StakeholderScreen
from tracker.ui.screens.stakeholders import StakeholdersScreen
from tracker.ui.screens.timeline import TimelineScreen
from tracker.ui.widgets.grouped_table import GroupedTable
from tracker.ui.widgets.timeline_list import TimelineList


def cells(table: DataTable[object], row: int) -> list[str]:
    return [str(cell) for cell in table.get_row_at(row)]


async def test_mark_a_follow_up_done_and_open_again(app: TrackerApp, services: Services) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FollowUpsScreen)
        table = screen.query_one(GroupedTable)
        assert table.is_heading(0) and table.is_heading(1)  # nothing overdue; due soon
        assert table.cursor_row == 2  # the cursor is never on a heading
        first = screen.current
        assert first is not None and first.status is FollowUpStatus.OPEN
        before_open = {
            f.id
            for f in services.followups.list(FollowUpScope.ALL)
            if f.status is FollowUpStatus.OPEN
        }
        await pilot.press("space")
        await settle(pilot)
        await settle(pilot)
        assert services.followups.get(first.id).status is FollowUpStatus.DONE
        done_row = table.get_row_index(str(first.id))
        assert "done" in cells(table, done_row)[0]
        headings = [r for r in range(table.row_count) if table.is_heading(r)]
        assert done_row > headings[-1]  # under "Done"
        # The cursor goes with the item, so a second space puts it back as it was.
        assert screen.current is not None and screen.current.id == first.id
        assert table.cursor_row == done_row
        await pilot.press("space")
        await settle(pilot)
        await settle(pilot)
        assert services.followups.get(first.id).status is FollowUpStatus.OPEN
        assert screen.current is not None and screen.current.id == first.id
        others = [f for f in services.followups.list(FollowUpScope.ALL) if f.id != first.id]
        assert all(f.status is not FollowUpStatus.DONE for f in others if f.id in before_open)


async def test_follow_ups_are_grouped_and_lead_to_their_event(app: TrackerApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one(GroupedTable)
        headings = [cells(table, r)[1] for r in range(table.row_count) if table.is_heading(r)]
        titles = [h.split(" ·")[0] for h in headings]
        assert titles == ["Overdue", "Due soon (14 days)", "Open", "Done"]
        await pilot.press("o")
        await settle(pilot)
        await settle(pilot, 0.2)
        assert isinstance(app.screen, TimelineScreen)
        current = app.screen.query_one(TimelineList).current
        assert current is not None and current.title == "Call with President Xiomara Castro"


async def test_stakeholders_search_and_open_a_profile(app: TrackerApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, StakeholdersScreen)
        table = app.screen.query_one("#stakeholders", DataTable)
        assert table.row_count == 43
        await pilot.press("slash")
        await type_text(pilot, "castro")
        await settle(pilot, 0.2)
        assert table.row_count == 1
        row = cells(table, 0)
        assert row[0] == "Xiomara Castro" and row[1] == "person"
        assert row[2] == "late May 2022"  # last contact
        await pilot.press("enter", "enter")  # leave the search box, open the profile
        await settle(pilot)
        profile = app.screen
        assert isinstance(profile, StakeholderScreen)
        events = profile.query_one("#profile-events", DataTable)
        assert events.row_count == 3
        assert "President of Honduras" in str(profile.query_one("#profile-head").render())
        await pilot.press("o")  # this stakeholder's events in the timeline
        await settle(pilot)
        await settle(pilot, 0.2)
        assert isinstance(app.screen, TimelineScreen)
        timeline = app.screen.query_one(TimelineList)
        assert timeline.filter.with_names == ("Xiomara Castro",)
        assert timeline.total == 3


async def test_help_and_theme_keys(app: TrackerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark


async def test_the_command_palette_lists_the_actions(app: TrackerApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "export")
        await settle(pilot, 0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ExportScreen"


async def test_overdue_follow_ups_come_first_and_stand_out(
    app: TrackerApp, services: Services
) -> None:
    late, _ = services.followups.add(FollowUpDraft("Send the readout", due="June 1, 2022"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one(GroupedTable)
        assert cells(table, 0)[1] == "Overdue · 1"
        assert table.cursor_row == 1
        assert "OVERDUE" in cells(table, 1)[0]
        current = app.screen.current  # type: ignore[attr-defined]
        assert current.id == late.id and current.overdue


async def test_delete_a_stakeholder_others_refer_to_and_undo(
    app: TrackerApp, services: Services
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StakeholdersScreen)
        target = screen.current
        assert target is not None and target.name == "Adrienne Arsht Latin America Center"
        await pilot.press("d", "y")  # the service refuses: Jason Marczak is affiliated
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "referred to" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("y")  # delete anyway
        await settle(pilot)
        await settle(pilot)
        assert len(services.stakeholders.list()) == 42
        assert services.stakeholders.get("Jason Marczak").affiliation_name is None
        await pilot.press("u")
        await settle(pilot)
        await settle(pilot)
        assert len(services.stakeholders.list()) == 43
        assert services.stakeholders.get("Jason Marczak").affiliation_name == target.name
        assert screen.query_one("#stakeholders", DataTable).row_count == 43


async def test_merge_from_the_stakeholders_screen_shows_the_plan_and_undoes(
    app: TrackerApp, services: Services
) -> None:
    before = services.stakeholders.get("Xiomara Castro")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await type_text(pilot, "/Honduras")
        await settle(pilot, 0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.current.name == "Honduras"  # type: ignore[attr-defined]
        await type_text(pilot, "mXiomara Castro")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # A government into a person: refused until asked for.
        assert "tick the box" in str(app.screen.query_one("#form-error").render())
        await pilot.press("tab", "space", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question").render())
        assert "merge Honduras (government, #" in question and "participations moved" in question
        assert "\\n" not in question  # one line each, not escaped
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, StakeholdersScreen)
        assert "Honduras" in services.stakeholders.get("Xiomara Castro").aliases
        await pilot.press("u")
        await settle(pilot)
        await settle(pilot)
    assert services.stakeholders.get("Honduras").name == "Honduras"
    assert services.stakeholders.get("Xiomara Castro") == before
