"""Pilot tests of the timeline: opening place, filtering, adding, editing, deleting, exporting."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.ui.conftest import settle, type_text
from tracker.clock import FixedClock
from tracker.domain import EventFilter, EventKind
from tracker.errors import NotFound
from tracker.services import Services
from tracker.services.deferred import DeferredServices, open_for_app
from tracker.settings import Settings
from tracker.ui.app import TrackerApp, create_app
from tracker.ui.screens.confirm import ConfirmScreen
from tracker.ui.screens.event_form import EventFormScreen
from tracker.ui.screens.export import ExportScreen
from tracker.ui.screens.timeline import TimelineScreen
from tracker.ui.widgets.event_detail import EventDetail
from tracker.ui.widgets.filter_bar import FilterBar
from tracker.ui.widgets.timeline_list import TimelineList

SUMMIT = "Summit of the Americas"


def timeline(app: TrackerApp) -> TimelineList:
    assert isinstance(app.screen, TimelineScreen)
    return app.screen.query_one(TimelineList)


def position_of(services: Services, event_id: int, flt: EventFilter = EventFilter()) -> int:
    return [e.id for e in services.events.list(flt)].index(event_id)


async def test_opens_at_today_with_the_details_of_the_event(app: TrackerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        current = timeline(app).current
        assert current is not None and current.title == SUMMIT
        assert timeline(app).cursor == 12 and timeline(app).total == 16
        detail = app.screen.query_one(EventDetail).text
        assert "Joe Biden — host, confirmed" in detail
        assert "due June 6, 2022" in detail
        assert "Los Angeles" in detail
        assert app.focused is timeline(app)


async def test_keys_move_the_cursor_and_the_details_follow(app: TrackerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("up")
        await settle(pilot)
        current = timeline(app).current
        assert current is not None and current.title.startswith("Call with President Xiomara")
        assert "Xiomara Castro" in app.screen.query_one(EventDetail).text
        await pilot.press("home")
        await settle(pilot)
        assert timeline(app).cursor == 0
        await pilot.press("end")
        await settle(pilot)
        assert timeline(app).cursor == 15


async def test_add_an_event_with_a_fuzzy_date_and_a_new_participant(
    app: TrackerApp, services: Services
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
        await type_text(pilot, "Call with Commerce on nearshoring")
        await pilot.press("tab", "enter", "c", "enter")  # kind: call
        await pilot.press("tab")
        await type_text(pilot, "late April 2022")
        await settle(pilot)
        assert "→ 21–30 Apr 2022" in str(app.screen.query_one(".date-preview").render())
        await pilot.press("tab", "tab", "tab", "tab")  # status, location, tags, first name
        await type_text(pilot, "Castro")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab")  # role, attendance, next name
        await type_text(pilot, "Gina Raimondo")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # "create Gina Raimondo?"
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)

        stored = services.events.list(EventFilter(search="nearshoring"))
        assert len(stored) == 1
        event = services.events.get(stored[0].id)
        assert event.kind is EventKind.CALL
        assert event.when.label == "late April 2022"
        assert {p.name for p in event.participants} == {"Xiomara Castro", "Gina Raimondo"}
        assert services.stakeholders.get("Gina Raimondo").kind.value == "other"

        current = timeline(app).current
        assert current is not None and current.id == event.id
        assert timeline(app).cursor == position_of(services, event.id)
        assert timeline(app).total == 17
        visible = [e.title for e in timeline(app).visible_rows()]
        assert visible.index(event.title) < visible.index("US-ASEAN Special Summit")


async def test_filter_by_stakeholder_then_by_date_range(
    app: TrackerApp, services: Services
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one(FilterBar).input
        await type_text(pilot, "with:Castro")
        await settle(pilot, 0.2)
        with_castro = services.events.list(EventFilter(with_names=("Castro",)))
        assert timeline(app).total == len(with_castro) == 3
        assert all(
            "Xiomara Castro" in [p.name for p in e.participants]
            for e in timeline(app).visible_rows()
        )
        state = str(app.screen.query_one("#filter-state").render())
        assert "with Castro" in state

        await type_text(pilot, ' from:"Q2 2022" to:"June 2022"')
        await settle(pilot, 0.2)
        flt = EventFilter(
            with_names=("Castro",), date_from=dt.date(2022, 4, 1), date_to=dt.date(2022, 6, 30)
        )
        assert timeline(app).filter == flt
        assert timeline(app).total == services.events.count(flt) == 2
        assert "1 Apr 2022 → 30 Jun 2022" in str(app.screen.query_one("#filter-state").render())

        await pilot.press("escape")
        await settle(pilot, 0.2)
        assert timeline(app).filter == EventFilter()
        assert timeline(app).total == 16
        assert app.focused is timeline(app)


async def test_a_bad_filter_says_why_and_shows_no_stale_rows(app: TrackerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "kind:calll")
        await settle(pilot, 0.2)
        assert "unknown kind 'calll'" in str(app.screen.query_one("#filter-state").render())
        assert timeline(app).total == 0 and timeline(app).suspended is not None
        await pilot.press("escape")
        await settle(pilot, 0.2)
        assert timeline(app).total == 16
        await pilot.press("slash")
        await type_text(pilot, "with:Nobody")
        await settle(pilot, 0.2)
        state = str(app.screen.query_one("#filter-state").render())
        assert "no stakeholder named 'Nobody'" in state and "--" not in state
        assert timeline(app).total == 0 and timeline(app).suspended is not None


async def test_edit_an_event(app: TrackerApp, services: Services) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        current = timeline(app).current
        assert current is not None and current.title == SUMMIT
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "Ninth Summit of the Americas")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        stored = services.events.get(current.id)
        assert stored.title == "Ninth Summit of the Americas"
        assert stored.when.label == "June 6–10, 2022"
        assert len(stored.participants) == 8 and len(stored.follow_ups) == 3
        now = timeline(app).current
        assert now is not None and now.id == current.id
        assert "Ninth Summit of the Americas" in app.screen.query_one(EventDetail).text
        highlighted = [text for text, on in drawn(app) if on]  # the list draws the new title
        assert len(highlighted) == 1 and "Ninth Summit" in highlighted[0]


async def test_delete_after_confirmation_and_undo(app: TrackerApp, services: Services) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        current = timeline(app).current
        assert current is not None
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert services.events.count() == 16

        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert services.events.count() == 15
        try:
            services.events.get(current.id)
        except NotFound:
            pass
        else:
            raise AssertionError("the event is still stored")
        assert timeline(app).total == 15

        await pilot.press("u")
        await settle(pilot)
        await settle(pilot)
        restored = services.events.get(current.id)
        assert restored.title == SUMMIT and len(restored.follow_ups) == 3
        assert timeline(app).total == 16
        now = timeline(app).current
        assert now is not None and now.id == current.id


async def test_export_the_filtered_timeline(
    app: TrackerApp, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    target = tmp_path / "tracker-timeline-2022-06-06.csv"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "kind:summit")
        await settle(pilot, 0.2)
        await pilot.press("enter", "x")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        default = app.screen.query_one("#export-path").value  # type: ignore[attr-defined]
        assert default == str(target)  # ~/tracker-timeline-<today>.csv
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = services.events.list(EventFilter(kinds=(EventKind.SUMMIT,)))
    assert [r["title"] for r in rows] == [e.title for e in expected]
    assert {r["kind"] for r in rows} == {"summit"}


async def test_an_invalid_date_keeps_the_form_open_and_saves_nothing(
    app: TrackerApp, services: Services
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Briefing on remittances")
        await pilot.press("tab", "tab")
        await type_text(pilot, "Maytember 2022")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
        error = str(app.screen.query_one("#form-error").render())
        assert "cannot read" in error and "Maytember" in error
        assert services.events.count() == 16
        assert app.screen.query_one("#title").value == "Briefing on remittances"  # type: ignore[attr-defined]
        # Fix the date: the rest was kept and now it saves.
        await pilot.press("ctrl+u")
        await type_text(pilot, "May 2022")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert services.events.count() == 17


async def test_the_app_works_the_same_on_services_opened_after_the_first_paint(
    settings: Settings, clock: FixedClock
) -> None:
    """What `tracker` runs: the first timeline from quick reads, the services opened later."""
    services = open_for_app(settings, clock)
    assert isinstance(services, DeferredServices)  # a SQLite file at the schema head
    app = create_app(settings, services, clock)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            current = timeline(app).current
            assert current is not None and current.title == SUMMIT
            assert "Joe Biden — host, confirmed" in app.screen.query_one(EventDetail).text
            assert app.names  # loaded once the timeline was on screen, through the services
            await pilot.press("slash")
            await type_text(pilot, "with:Castro")
            await settle(pilot, 0.2)
            assert timeline(app).total == 3
            assert all(
                "Xiomara Castro" in [p.name for p in e.participants]
                for e in timeline(app).visible_rows()
            )
    finally:
        services.close()


def drawn(app: TrackerApp) -> list[tuple[str, bool]]:
    """The timeline's lines as drawn: each line's text, and whether the cursor is on it."""
    tl = timeline(app)
    cursor = tl.get_component_rich_style("timeline--cursor").bgcolor
    lines = [tl.render_line(y) for y in range(tl.scrollable_content_region.height)]
    return [
        (line.text, any(s.style is not None and s.style.bgcolor == cursor for s in line))
        for line in lines
    ]


async def test_what_is_drawn_follows_the_cursor_and_the_filter(app: TrackerApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for key in ("up", "up", "down"):  # lines drawn before are drawn again, changed
            await pilot.press(key)
            await settle(pilot)
            current = timeline(app).current
            assert current is not None
            highlighted = [text for text, on in drawn(app) if on]
            assert len(highlighted) == 1 and current.title[:20] in highlighted[0]
        for query in ("honduras", "castro"):  # their rows take the same places in turn
            await pilot.press("slash")
            box = app.screen.query_one(FilterBar).input
            box.value = ""
            await type_text(pilot, query)
            await settle(pilot)
            titles = [e.title[:20] for e in timeline(app).visible_rows()]
            shown = [text for text, _ in drawn(app)]
            assert titles and all(any(t in line for line in shown) for t in titles), query
            events = [  # not the header, month and today lines
                line
                for line in shown
                if line.strip() and line.split()[0] != "WHEN" and line.lstrip()[0] not in "─━▸"
            ]
            assert len(events) == len(titles), (query, events)  # nothing left from before


async def test_the_details_follow_a_typed_query_once_the_keys_pause(app: TrackerApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "inauguration")
        await settle(pilot, 0.3)  # longer than DETAIL_PAUSE
        current = timeline(app).current
        assert current is not None and "Inauguration" in current.title
        assert app.focused is app.screen.query_one(FilterBar).input  # still typing
        assert current.title in app.screen.query_one(EventDetail).text


async def test_start_up_objects_are_set_aside_from_the_collector_while_the_app_runs(
    app: TrackerApp,
) -> None:
    import gc

    assert gc.get_freeze_count() == 0
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()  # the names, then the search indexes
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0  # given back when the app ends


async def test_with_finds_a_word_of_a_name_and_suggests_for_a_typo(
    app: TrackerApp, services: Services
) -> None:
    castro = len(services.events.list(EventFilter(with_names=("Xiomara Castro",))))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "with:Xiomara")
        await settle(pilot, 0.2)
        assert timeline(app).total == castro
        await pilot.press("escape", "slash")
        await type_text(pilot, "with:Xiomarra")
        await settle(pilot, 0.2)
        assert "did you mean Xiomara Castro?" in str(app.screen.query_one("#filter-state").render())


async def test_export_never_replaces_a_file_unasked(
    app: TrackerApp, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    taken = tmp_path / "tracker-timeline-2022-06-06.csv"
    taken.write_text("someone's spreadsheet\n", encoding="utf-8")
    mine = tmp_path / "memo.csv"
    mine.write_text("my memo\n", encoding="utf-8")
    mine.chmod(0o640)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        box = app.screen.query_one("#export-path", Input)
        assert box.value == str(tmp_path / "tracker-timeline-2022-06-06 (2).csv")  # a free name
        box.value = str(mine)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # asks before replacing
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert box.value == str(tmp_path / "memo (2).csv")  # and proposes a free name
        assert mine.read_text(encoding="utf-8") == "my memo\n"
        box.value = str(mine)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
    assert mine.read_text(encoding="utf-8").startswith("id,start,end")
    assert oct(mine.stat().st_mode & 0o777) == oct(0o640)  # replaced, permissions kept
    assert taken.read_text(encoding="utf-8") == "someone's spreadsheet\n"
