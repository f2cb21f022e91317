"""The timeline list reads windows by key around what is on screen, never the whole history.

Runs on a generated SQLite file through the real event service; the service is wrapped only
to note what the list asks of it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult

from benchmarks.generate import REFERENCE_DAY, generate
from tests.ui.conftest import settings_for, settle
from tracker.clock import FixedClock
from tracker.domain import EventFilter, Location, TimelineKey, Window
from tracker.services import Services, open_services
from tracker.services.events import EventService
from tracker.ui.widgets.timeline_list import CHUNK, MAX_ROWS, SETTLE, Anchor, TimelineList

EVENTS = 4000
MIDDLE = dt.date(2021, 7, 1)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "tracker.sqlite3"
    generate(path, EVENTS, seed=5)
    return path


@pytest.fixture
def services(history: Path) -> Iterator[Services]:
    services = open_services(settings_for(history), FixedClock.on(REFERENCE_DAY))
    yield services
    services.close()


class Recording:
    """The event service, noting how many rows each read asked for."""

    def __init__(self, events: EventService) -> None:
        self.events = events
        self.asked: list[tuple[str, int]] = []
        self._lock = threading.Lock()

    def _note(self, what: str, rows: int) -> None:
        with self._lock:
            self.asked.append((what, rows))

    def window(
        self,
        flt: EventFilter = EventFilter(),
        anchor: TimelineKey | dt.date | None = None,
        *,
        before: int = 0,
        after: int = 100,
        stop: Callable[[], bool] = lambda: False,
    ) -> Window:
        self._note("window", before + after)
        return self.events.window(flt, anchor, before=before, after=after, stop=stop)

    def locate(
        self, flt: EventFilter, key: TimelineKey, *, stop: Callable[[], bool] = lambda: False
    ) -> Location:
        self._note("locate", 0)
        return self.events.locate(flt, key, stop=stop)

    def window_at(self, flt: EventFilter, offset: int, limit: int) -> tuple[int, Window]:
        self._note("window_at", limit)
        return self.events.window_at(flt, offset, limit)


class ListApp(App[None]):
    def __init__(self, source: Any, today: dt.date, flt: EventFilter) -> None:
        super().__init__()
        self.source = source
        self.today = today
        self.flt = flt

    def compose(self) -> ComposeResult:
        yield TimelineList(self.source, self.today)

    def on_mount(self) -> None:
        timeline = self.query_one(TimelineList)
        timeline.load(self.flt, Anchor(self.today))
        timeline.focus()


def at(services: Services, flt: EventFilter, index: int) -> int:
    """The id of the event at `index` of the filtered timeline, read by offset."""
    return services.events.window_at(flt, index, 1)[1].rows[0].id


@pytest.mark.parametrize("flt", [EventFilter(), EventFilter(search="summit")], ids=repr)
async def test_a_long_history_is_read_in_windows_around_the_view(
    services: Services, flt: EventFilter
) -> None:
    source = Recording(services.events)
    app = ListApp(source, MIDDLE, flt)
    total = services.events.count(flt)
    opens_at = sum(1 for e in services.events.list(flt) if e.when.start < MIDDLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 2 * SETTLE)
        timeline = app.query_one(TimelineList)
        assert timeline.exact  # located in the background: the place and the count are known
        assert (timeline.total, timeline.cursor) == (total, opens_at)
        assert timeline.current is not None
        assert timeline.current.id == at(services, flt, opens_at)
        assert timeline.current.when.start >= MIDDLE

        await pilot.press("end")
        await settle(pilot, 2 * SETTLE)
        assert timeline.cursor == total - 1
        assert timeline.visible_rows()[-1].id == at(services, flt, total - 1)

        await pilot.press("home")
        await settle(pilot, 2 * SETTLE)
        assert timeline.cursor == 0
        assert timeline.visible_rows()[0].id == at(services, flt, 0)

        for _ in range(12):
            await pilot.press("pagedown")
        await settle(pilot, 2 * SETTLE)
        assert timeline.cursor > 12 * 10
        assert timeline.current is not None
        assert timeline.current.id == at(services, flt, timeline.cursor)
        rows = timeline.visible_rows()
        first = timeline.cursor - rows.index(timeline.current)
        assert [row.id for row in rows] == [
            row.id for row in services.events.window_at(flt, first, len(rows))[1].rows
        ]

        read = sum(rows for _, rows in source.asked)
        assert read < 12 * CHUNK  # windows near the view, never the whole history
        assert len(timeline._rows) <= MAX_ROWS
