"""The timeline list pages rows in windows: a 100,000-event history never loads whole."""

from __future__ import annotations

import datetime as dt
import threading

from textual.app import App, ComposeResult

from tests.ui.conftest import settle
from tracker.domain import EventFilter, EventKind, EventStatus, EventView, Page, Precision, When
from tracker.ui.widgets.timeline_list import CHUNK, MAX_CHUNKS, Anchor, TimelineList

TOTAL = 100_000
START = dt.date(1900, 1, 1)


def event(index: int) -> EventView:
    day = START + dt.timedelta(days=index // 3)
    when = When(day, day, Precision.DAY, f"{day:%B} {day.day}, {day.year}")
    return EventView(
        id=index + 1,
        title=f"Event {index + 1:,}",
        kind=EventKind.MEETING,
        when=when,
        status=EventStatus.HELD,
        location="",
        summary="",
        notes="",
        source="",
        tags=(),
    )


class FakeSource:
    """Generates rows on demand and records what was asked of it."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []
        self.lock = threading.Lock()

    def page(self, flt: EventFilter, offset: int, limit: int) -> Page:
        with self.lock:
            self.calls.append((offset, limit))
        offset = max(0, min(offset, TOTAL - 1))
        rows = tuple(event(i) for i in range(offset, min(offset + limit, TOTAL)))
        return Page(rows, offset, TOTAL)

    def position_of_date(self, flt: EventFilter, day: dt.date) -> int:
        return min(max((day - START).days * 3, 0), TOTAL)


class ListApp(App[None]):
    def __init__(self, source: FakeSource, today: dt.date) -> None:
        super().__init__()
        self.source = source
        self.today = today

    def compose(self) -> ComposeResult:
        yield TimelineList(self.source, self.today)

    def on_mount(self) -> None:
        timeline = self.query_one(TimelineList)
        timeline.load(EventFilter(), Anchor(self.today))
        timeline.focus()


async def test_a_long_history_loads_only_windows_around_the_cursor() -> None:
    source = FakeSource()
    today = START + dt.timedelta(days=20_000)  # row 60,000
    app = ListApp(source, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        timeline = app.query_one(TimelineList)
        assert timeline.total == TOTAL
        assert timeline.cursor == 60_000
        assert timeline.current is not None and timeline.current.id == 60_001
        assert all(limit <= 3 * CHUNK for _, limit in source.calls)

        await pilot.press("end")
        await settle(pilot)
        assert timeline.cursor == TOTAL - 1
        assert timeline.visible_rows()[-1].id == TOTAL

        await pilot.press("home")
        await settle(pilot)
        assert timeline.cursor == 0 and timeline.visible_rows()[0].id == 1

        for _ in range(30):
            await pilot.press("pagedown")
        await settle(pilot)
        assert timeline.current is not None and timeline.current.id == timeline.cursor + 1

        fetched = sum(limit for _, limit in source.calls)
        assert fetched < 20 * CHUNK  # a few windows, never the whole history
        assert len(timeline._chunks) <= MAX_CHUNKS
