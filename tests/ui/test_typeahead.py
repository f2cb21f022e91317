"""Keys typed ahead (a paste, a burst while the app is busy) go where the user meant them."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.ui.conftest import settle, type_text
from tracker.services import Services
from tracker.ui.app import TrackerApp
from tracker.ui.screens.confirm import ConfirmScreen
from tracker.ui.screens.event_form import EventFormScreen
from tracker.ui.screens.followups import FollowUpsScreen
from tracker.ui.screens.help import HelpScreen
from tracker.ui.screens.timeline import TimelineScreen
from tracker.ui.widgets.filter_bar import FilterInput
from tracker.ui.widgets.timeline_list import TimelineList


def event_count(services: Services) -> int:
    return services.events.count()


async def test_slash_then_a_word_in_one_burst_types_the_word(
    app: TrackerApp, services: Services
) -> None:
    before = event_count(services)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_text(pilot, "/today")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        box = app.screen.query_one(FilterInput)
        assert box.value == "today"
        assert box.has_focus
    assert event_count(services) == before  # nothing was deleted by the `d` and `y`


async def test_keys_typed_at_launch_are_kept_in_order(app: TrackerApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await type_text(pilot, "3")  # before the timeline has even painted
        await settle(pilot)
        assert isinstance(app.screen, FollowUpsScreen)


async def test_add_then_a_title_in_one_burst_fills_the_title(app: TrackerApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_text(pilot, "aHello")
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
        assert app.screen.query_one("#title", Input).value == "Hello"


async def test_help_then_q_closes_help_not_the_app(app: TrackerApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_text(pilot, "?q")
        await settle(pilot)
        assert app.is_running
        assert not isinstance(app.screen, HelpScreen)


async def test_a_confirmation_is_not_answered_by_a_key_typed_before_it(
    app: TrackerApp, services: Services
) -> None:
    before = event_count(services)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_text(pilot, "dy")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # still asking
        assert event_count(services) == before
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
    assert event_count(services) == before


async def test_a_confirmation_answered_after_it_appeared_deletes(
    app: TrackerApp, services: Services
) -> None:
    before = event_count(services)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
    assert event_count(services) == before - 1


async def test_a_name_of_two_words_completes_without_typing_a_quote(app: TrackerApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_text(pilot, "/with:xiom")
        await settle(pilot, 0.2)
        await pilot.press("right")
        await settle(pilot, 0.2)
        box = app.screen.query_one(FilterInput)
        assert box.value == 'with:"Xiomara Castro"'
        timeline = app.screen.query_one(TimelineList)
        assert timeline.total > 0
        assert all(
            "Xiomara Castro" in [p.name for p in e.participants] for e in timeline.visible_rows()
        )


async def test_a_paste_after_slash_goes_into_the_filter_box(app: TrackerApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.post_message(events.Key("slash", "/"))
        app.post_message(events.Paste("summit"))
        await settle(pilot)
        assert app.screen.query_one(FilterInput).value == "summit"
