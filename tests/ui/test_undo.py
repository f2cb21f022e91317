"""`u` takes back every kind of change made in the app, several levels deep."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Input

from tests.ui.conftest import settle, type_text
from tracker.domain import EventChanges, FollowUpScope, FollowUpStatus
from tracker.services import Services
from tracker.settings import Settings
from tracker.storage.engine import writing
from tracker.ui.app import TrackerApp
from tracker.ui.screens.followups import FollowUpsScreen
from tracker.ui.widgets.timeline_list import TimelineList


def toasts(app: TrackerApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_undo_edit_toggle_add_and_delete_in_turn(app: TrackerApp, services: Services) -> None:
    titles_before = {e.id: e.title for e in services.events.list()}
    follow_ups_before = {f.id: f.status for f in services.followups.list(FollowUpScope.ALL)}
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(TimelineList)
        edited = timeline.current
        assert edited is not None
        # 1. edit the title
        await pilot.press("e")
        await settle(pilot)
        title = app.screen.query_one("#title", Input)
        title.value = "Renamed by mistake"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert services.events.get(edited.id).title == "Renamed by mistake"
        # 2. add an event
        await pilot.press("a")
        await type_text(pilot, "Added by mistake")
        await pilot.press("tab", "tab")
        await type_text(pilot, "June 7, 2022")
        await pilot.press("ctrl+s")
        await settle(pilot)
        added = [e for e in services.events.list() if e.title == "Added by mistake"]
        assert len(added) == 1
        # 3. toggle a follow-up
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FollowUpsScreen)
        toggled = screen.current
        assert toggled is not None
        await pilot.press("space")
        await settle(pilot)
        await settle(pilot)
        assert services.followups.get(toggled.id).status is FollowUpStatus.DONE
        # 4. delete a follow-up
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert toggled.id not in {f.id for f in services.followups.list(FollowUpScope.ALL)}

        for _ in range(4):
            await pilot.press("u")
            await settle(pilot)
            await settle(pilot)
        said = " ".join(toasts(app))
        for what in (
            "Undid deleting follow-up",
            "Undid the edit of follow-up",
            "Undid adding event",
        ):
            assert what in said
        assert "Undid the edit of event" in said
        await pilot.press("u")
        await settle(pilot)
        assert "Nothing to undo." in toasts(app)[-1]

    assert {e.id: e.title for e in services.events.list()} == titles_before
    assert {f.id: f.status for f in services.followups.list(FollowUpScope.ALL)} == (
        follow_ups_before
    )


async def test_undo_refuses_to_overwrite_a_change_made_since(
    app: TrackerApp, services: Services
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        event = app.screen.query_one(TimelineList).current
        assert event is not None
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#title", Input).value = "Mine"
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Meanwhile another process changes it again.
        services.events.edit(event.id, EventChanges(title="Theirs"))
        await pilot.press("u")
        await settle(pilot)
        await settle(pilot)
        assert "has changed since" in toasts(app)[-1]
    assert services.events.get(event.id).title == "Theirs"


async def test_a_save_behind_a_long_write_says_what_it_waits_for(
    app: TrackerApp, services: Services, settings: Settings
) -> None:
    path = Path(settings.db_url.removeprefix("sqlite:///"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        event = app.screen.query_one(TimelineList).current
        assert event is not None
        other = sqlite3.connect(path)
        try:
            with writing(services.ctx.engine, "an import of big.csv"):
                other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
                await pilot.press("e")
                await settle(pilot)
                app.screen.query_one("#title", Input).value = "Saved after the import"
                await pilot.press("ctrl+s")
                await pilot.pause(1.8)
                assert any("an import of big.csv" in t for t in toasts(app))
                assert services.events.get(event.id).title == event.title  # still waiting
                other.rollback()
        finally:
            other.close()
        await settle(pilot)
        await settle(pilot)
    assert services.events.get(event.id).title == "Saved after the import"
