"""Stored text with control characters or markup in it is shown escaped and literally by the
app, never run or read as markup; and the forms refuse control characters inline."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import DataTable, Input

from tests.ui.conftest import settle, type_text
from tracker.domain import EventFilter
from tracker.services import Services
from tracker.settings import Settings
from tracker.ui.app import TrackerApp
from tracker.ui.screens.confirm import ConfirmScreen
from tracker.ui.screens.event_form import EventFormScreen
from tracker.ui.screens.timeline import TimelineScreen
from tracker.ui.widgets.event_detail import EventDetail
from tracker.ui.widgets.timeline_list import TimelineList

SUMMIT = "Summit of the Americas"
TITLE = "[b]Summit[/b]\x1b]0;pwned\x07 of the Americas\x1b[2J"
SHOWN = "[b]Summit[/b]\\x1b]0;pwned\\x07 of the Americas\\x1b[2J"
NAME = "Joe\x1b[2J Biden"


def _taint(settings: Settings) -> None:
    """Write the texts past the checks, as an old database or another tool could have."""
    path = Path(settings.db_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE events SET title = ? WHERE title = ?", (TITLE, SUMMIT))
        conn.execute("UPDATE stakeholders SET name = ? WHERE name = 'Joe Biden'", (NAME,))
        conn.execute("UPDATE follow_ups SET text = text || '\x1b[2J'")


def _lines(app: TrackerApp) -> list[str]:
    tl = app.screen.query_one(TimelineList)
    return [tl.render_line(y).text for y in range(tl.scrollable_content_region.height)]


async def test_the_timeline_and_the_detail_show_control_characters_escaped(
    settings: Settings, app: TrackerApp
) -> None:
    _taint(settings)
    async with app.run_test(size=(160, 30), notifications=True) as pilot:
        await settle(pilot)
        current = app.screen.query_one(TimelineList).current
        assert current is not None and current.title == TITLE  # the data itself is kept
        drawn = "\n".join(_lines(app))
        assert "\x1b" not in drawn and "[b]Summit[/b]\\x1b]0;pwned\\x07" in drawn
        detail = app.screen.query_one(EventDetail).text
        assert "\x1b" not in detail and "\x07" not in detail
        assert SHOWN in detail and "Joe\\x1b[2J Biden — host" in detail
        await pilot.press("d")  # the question quotes the title: literally, not as markup
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question").render())
        assert SHOWN in question
        await pilot.press("y")
        await settle(pilot)
        notices = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any("[b]Summit[/b]\\x1b]0;pwned" in notice for notice in notices), notices


async def test_tables_of_other_screens_show_names_escaped(
    settings: Settings, app: TrackerApp
) -> None:
    _taint(settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        for mode in ("followups", "stakeholders"):
            app.switch_mode(mode)
            await settle(pilot)
            table = app.screen.query_one(DataTable)
            cells = [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)]
            assert not any("\x1b" in cell for cell in cells)
            if mode == "followups":  # titles: written as they are, never read as markup
                assert any(cell.startswith("[b]Summit[/b]\\x1b]0;pwned") for cell in cells)
            assert any("\\x1b" in cell for cell in cells), mode


async def test_the_form_refuses_a_control_character_inline_and_stays_open(
    app: TrackerApp, services: Services
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
        app.screen.query_one("#title", Input).value = "Call\x1b]0;pwned\x07"  # as pasted
        app.screen.query_one("#when Input", Input).value = "May 2022"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
        error = str(app.screen.query_one("#form-error").render())
        assert "title: control character U+001B (ESC) is not allowed" in error
        assert services.events.count() == 16
        app.screen.query_one("#title", Input).value = "Call"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert len(services.events.list(EventFilter(search="Call"))) >= 1
        assert services.events.count() == 17


async def test_the_edit_form_shows_stored_text_escaped_and_keeps_what_is_left_alone(
    settings: Settings, app: TrackerApp, services: Services
) -> None:
    _taint(settings)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        current = app.screen.query_one(TimelineList).current
        assert current is not None and current.title == TITLE
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
        assert app.screen.query_one("#title", Input).value == SHOWN
        app.screen.query_one("#location", Input).value = "Los Angeles, CA"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        stored = services.events.get(current.id)
        assert stored.location == "Los Angeles, CA"
        assert stored.title == TITLE  # not touched in the form: not changed
        assert [p.name for p in stored.participants] == [p.name for p in current.participants]


async def test_a_participant_whose_name_shows_escaped_stays_when_another_is_added(
    settings: Settings, app: TrackerApp, services: Services
) -> None:
    _taint(settings)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        current = app.screen.query_one(TimelineList).current
        assert current is not None
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
        last = list(app.screen.query(".participant-name").results(Input))[-1]
        last.value = "Xiomara Castro"
        await settle(pilot)  # a blank row is added below it
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        names = [p.name for p in services.events.get(current.id).participants]
        assert NAME in names and "Xiomara Castro" in names


async def test_a_profile_shows_the_name_escaped_and_leads_to_the_timeline_by_id(
    settings: Settings, app: TrackerApp
) -> None:
    _taint(settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "biden")
        await settle(pilot, 0.2)
        await pilot.press("enter", "enter")  # leave the search box, open the profile
        await settle(pilot)
        head = str(app.screen.query_one("#profile-head").render())
        assert "Joe\\x1b[2J Biden" in head and "\x1b" not in head
        await pilot.press("o")  # their events in the timeline
        await settle(pilot)
        await settle(pilot, 0.2)
        assert isinstance(app.screen, TimelineScreen)
        query = app.screen.query_one("#filter-input", Input).value
        assert query.startswith("with:#") and "\x1b" not in query
        assert app.screen.query_one(TimelineList).total >= 1
