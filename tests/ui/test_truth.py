"""Pilot tests that the screen tells the truth: others' changes show, stale data is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.ui.conftest import settle, type_text
from tracker.clock import FixedClock
from tracker.domain import (
    EventChanges,
    EventDraft,
    EventKind,
    FollowUpChanges,
    StakeholderDraft,
    StakeholderKind,
)
from tracker.services import Services, open_services
from tracker.settings import Settings
from tracker.ui.app import TrackerApp, create_app
from tracker.ui.screens.conflict import ConflictScreen
from tracker.ui.screens.event_form import EventFormScreen
from tracker.ui.screens.followup_form import FollowUpFormScreen
from tracker.ui.screens.stakeholder_form import StakeholderFormScreen
from tracker.ui.screens.timeline import TimelineScreen
from tracker.ui.widgets.event_detail import EventDetail
from tracker.ui.widgets.participants import ParticipantsEditor
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


def list_text(app: TrackerApp) -> str:
    widget = timeline(app)
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def toasts(app: TrackerApp) -> str:
    """The notifications on show (Textual keeps them in the app until they time out)."""
    return " ".join(n.message for n in app._notifications)


async def test_a_filter_that_does_not_parse_shows_no_stale_rows_and_exports_nothing(
    app: TrackerApp,
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"kind:summit")
        await settle(pilot)
        assert timeline(app).visible_rows() and "Summit" in list_text(app)
        await pilot.press(*" kind:zz")
        await settle(pilot)
        assert timeline(app).visible_rows() == []
        assert timeline(app).current is None
        assert "The filter is incomplete" in list_text(app)
        assert SUMMIT not in list_text(app)
        await pilot.press("down")  # to the list
        assert app.focused is timeline(app)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)  # no export dialog
        assert "Not exported: the filter is incomplete" in toasts(app)
        await pilot.press("R")  # a reload does not bring the earlier query's rows back
        await settle(pilot)
        assert timeline(app).visible_rows() == []
        await pilot.press("slash", "backspace", "backspace", "backspace", "backspace")
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await settle(pilot)
        assert timeline(app).suspended is None
        current = timeline(app).current
        assert current is not None and current.kind.value == "summit"
        assert "Summit" in list_text(app)


async def test_messages_from_the_services_carry_no_command_line_flags(
    app: TrackerApp, other: Services
) -> None:
    """A participant deleted by someone else while the form was open: the refusal says so
    in the app's words, not the CLI's (`--create`)."""
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        other.stakeholders.add(StakeholderDraft("Ana Fuentes", StakeholderKind.PERSON))
        await pilot.press("R")
        await settle(pilot)
        assert "Ana Fuentes" in app.names
        await pilot.press("e")
        await settle(pilot)
        editor = app.screen.query_one(ParticipantsEditor)
        editor.rows[-1].name_input.focus()
        await type_text(pilot, "Ana Fuentes")
        await settle(pilot)
        other.stakeholders.delete("Ana Fuentes")
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#form-error", Static).render())
        assert "no stakeholder named 'Ana Fuentes'" in error
        assert "--" not in error


def test_the_apps_own_texts_name_no_command_line_flags() -> None:
    import ast
    import re
    from pathlib import Path

    import tracker.ui

    flag = re.compile(r"(?<![\w-])--[a-z]")
    found = []
    for path in Path(tracker.ui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and flag.search(text):
                found.append(f"{path.name}: {text[:60]!r}")
    assert found == []


async def test_the_timeline_shows_each_status_and_flags_a_past_event_still_planned(
    settings: Settings,
) -> None:
    later = FixedClock.on(dt.date(2024, 1, 15))
    services = open_services(settings, later)
    app = create_app(settings, services, later)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            await pilot.press("home")
            await settle(pilot)
            text = list_text(app)
            assert "STATUS" in text.splitlines()[0]
            assert "held" in text
            summit = next(line for line in text.splitlines() if "Summit of the Americas" in line)
            assert "⚑ planned" in summit
            held = next(line for line in text.splitlines() if "US-ASEAN Special Summit" in line)
            assert "held" in held and "⚑" not in held
            await pilot.press("end")
            await settle(pilot)
            assert "still planned" in detail_text(app)
    finally:
        services.close()


async def test_today_comes_from_the_clock_not_the_computer(app: TrackerApp) -> None:
    """On June 6, 2022 (the frozen clock) the summit is planned and not flagged."""
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "⚑" not in list_text(app)
        assert "still planned" not in detail_text(app)


async def test_the_date_column_fits_its_longest_label_when_wide(
    app: TrackerApp, services: Services, settings: Settings, clock: FixedClock
) -> None:
    event, _ = services.events.add(
        EventDraft("Call with the Secretary", EventKind.CALL, "June 28, 2022 3:30pm -04:00")
    )
    label = event.when.label
    assert len(label) > 17
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        assert label in list_text(app)
    narrow = create_app(settings, services, clock)
    async with narrow.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        assert label not in list_text(narrow)  # no room: cut, the title keeps its room
        assert label[:10] in list_text(narrow)


async def test_the_details_pane_can_be_focused_and_scrolled_at_80x24(
    app: TrackerApp, services: Services
) -> None:
    summit = next(e for e in services.events.list() if e.title == SUMMIT)
    notes = "\n".join(f"Note line {n}: who said what." for n in range(1, 30)) + "\nLAST NOTE"
    services.events.edit(summit.id, EventChanges(notes=notes, source="White House, 2022-06-06"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        detail = app.screen.query_one(EventDetail)
        assert "LAST NOTE" in detail.text and detail.max_scroll_y > 0
        short = detail.size.height
        await pilot.press("i")
        await settle(pilot)
        assert app.focused is detail
        assert detail.size.height > short + 4  # a taller panel while it is read
        await pilot.press("pagedown")
        await settle(pilot)
        assert detail.scroll_y > 0
        await pilot.press("end")
        await settle(pilot)
        assert detail.scroll_y == detail.max_scroll_y
        current = timeline(app).current
        assert current is not None and current.id == summit.id  # the list did not move
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is timeline(app)
        assert detail.size.height == short
        assert timeline(app).filter.is_empty()


async def _edit_summit_title(pilot: Pilot[None], title: str) -> None:
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(pilot.app.screen, EventFormScreen)
    pilot.app.screen.query_one("#title", Input).value = title
    await pilot.pause()


async def test_a_form_on_an_event_changed_meanwhile_keeps_mine_on_request(
    app: TrackerApp, services: Services, other: Services
) -> None:
    summit = next(e for e in services.events.list() if e.title == SUMMIT)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _edit_summit_title(pilot, "Ninth Summit of the Americas")
        other.events.edit(summit.id, EventChanges(location="Los Angeles, CA", notes="moved"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        said = str(app.screen.query_one("#conflict-said", Static).render())
        assert "changed by someone else" in said and "location" in said and "notes" in said
        assert other.events.get(summit.id).title == SUMMIT  # nothing written yet
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        stored = other.events.get(summit.id)
        assert stored.title == "Ninth Summit of the Americas"
        assert stored.location == summit.location and stored.notes == summit.notes  # mine


async def test_a_form_on_an_event_changed_meanwhile_can_take_theirs_or_go_back(
    app: TrackerApp, services: Services, other: Services
) -> None:
    summit = next(e for e in services.events.list() if e.title == SUMMIT)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _edit_summit_title(pilot, "Ninth Summit of the Americas")
        other.events.edit(summit.id, EventChanges(title="IX Summit of the Americas"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("b")  # back to the form, as typed
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
        assert app.screen.query_one("#title", Input).value == "Ninth Summit of the Americas"
        assert other.events.get(summit.id).title == "IX Summit of the Americas"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("t")  # take theirs: the form shows what is stored
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
        assert app.screen.query_one("#title", Input).value == "IX Summit of the Americas"
        app.screen.query_one("#location", Input).value = "Los Angeles, CA"
        await pilot.press("ctrl+s")  # saved over theirs, which it now knows
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        stored = other.events.get(summit.id)
        assert (stored.title, stored.location) == ("IX Summit of the Americas", "Los Angeles, CA")


async def test_a_form_on_an_event_deleted_meanwhile_offers_to_save_it_as_new(
    app: TrackerApp, services: Services, other: Services
) -> None:
    summit = next(e for e in services.events.list() if e.title == SUMMIT)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _edit_summit_title(pilot, "Ninth Summit of the Americas")
        other.events.delete(summit.id)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        said = str(app.screen.query_one("#conflict-said", Static).render())
        assert "deleted by someone else" in said
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        titles = [e.title for e in other.events.list()]
        assert "Ninth Summit of the Americas" in titles and SUMMIT not in titles


async def test_a_follow_up_changed_meanwhile_is_not_overwritten_silently(
    app: TrackerApp, other: Services
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FollowUpFormScreen) and form.item is not None
        item = form.item
        form.query_one("#text", Input).value = "Call the embassy"
        other.followups.edit(item.id, FollowUpChanges(notes="they called back"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert "notes" in str(app.screen.query_one("#conflict-said", Static).render())
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpFormScreen)
        assert app.screen.query_one("#text", Input).value == item.text
        assert other.followups.get(item.id).notes == "they called back"


async def test_a_stakeholder_deleted_meanwhile_can_be_saved_as_new(
    app: TrackerApp, other: Services
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StakeholderFormScreen) and form.item is not None
        name = form.item.name
        form.query_one("#title", Input).value = "Envoy"
        other.stakeholders.delete(f"#{form.item.id}", force=True)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert "deleted" in str(app.screen.query_one("#conflict-said", Static).render())
        await pilot.press("s")
        await settle(pilot)
        assert not isinstance(app.screen, (ConflictScreen, StakeholderFormScreen))
        assert other.stakeholders.get(name).title == "Envoy"


async def test_the_cursor_follows_its_event_when_another_process_moves_it(
    app: TrackerApp, other: Services
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("up")  # the call with President Castro, late May
        await settle(pilot)
        current = timeline(app).current
        assert current is not None
        other.events.edit(current.id, EventChanges(when="May 2, 2022"))
        await until(pilot, lambda: "May 2, 2022" in detail_text(app))
        now = timeline(app).current
        assert now is not None and now.id == current.id
