"""Pilot tests that the screen tells the truth: others' changes show, stale data is refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from textual.pilot import Pilot

from tests.ui.conftest import settle
from tracker.clock import FixedClock
from tracker.domain import EventChanges
from tracker.services import Services, open_services
from tracker.settings import Settings
from tracker.ui.app import TrackerApp
from tracker.ui.screens.timeline import TimelineScreen
from tracker.ui.widgets.event_detail import EventDetail
from tracker.ui.widgets.timeline_list import TimelineList

SUMMIT = "Summit of the Americas"


@pytest.fixture
def other(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    """Another process on the same file (its own engine and connections)."""
    services = open_services(settings, clock)
    yield services
    services.close()


def timeline(app: TrackerApp) -> TimelineList:
    assert isinstance(app.screen, TimelineScreen)
    return app.screen.query_one(TimelineList)


async def until(pilot: Pilot[None], condition: Callable[[], bool], polls: int = 60) -> None:
    """Wait (pressing nothing) until `condition` holds, at most some seconds."""
    for _ in range(polls):
        if condition():
            return
        await pilot.pause(0.1)
    assert condition()


async def test_a_change_by_another_process_shows_without_a_key(
    app: TrackerApp, other: Services
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        current = timeline(app).current
        assert current is not None and current.title == SUMMIT
        cursor = timeline(app).cursor
        other.events.edit(current.id, EventChanges(title="Summit of the Americas (IX)"))
        await until(pilot, lambda: "Summit of the Americas (IX)" in detail_text(app))
        now = timeline(app).current
        assert now is not None and now.id == current.id and now.title.endswith("(IX)")
        assert timeline(app).cursor == cursor


async def test_reload_key_reads_again_and_own_writes_reload_once(
    app: TrackerApp, other: Services
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        current = timeline(app).current
        assert current is not None
        app.services.events.edit(current.id, EventChanges(location="Los Angeles, CA"))
        app.changed(event_id=current.id, day=current.when.start)  # as a form's save does
        await settle(pilot)
        seen = app.data_version
        await pilot.pause(1.2)  # the poll runs: the app's own write is no news
        await settle(pilot)
        assert app.data_version == seen
        await pilot.press("R")
        await settle(pilot)
        assert app.data_version == seen + 1
        now = timeline(app).current
        assert now is not None and now.id == current.id


def detail_text(app: TrackerApp) -> str:
    return app.screen.query_one(EventDetail).text
