"""The timeline list: a Line API widget that draws only the lines on screen and pages rows in."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal, Protocol

from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tracker.domain import EventFilter, EventStatus, EventView, Page
from tracker.errors import UserError
from tracker.ui import keys
from tracker.ui.formatting import month_of, month_title, participants_short
from tracker.ui.messages import (
    ChunkLoaded,
    TimelineFailed,
    TimelineHighlighted,
    TimelineLoaded,
    TimelineSelected,
)

CHUNK = 100  # rows per query
MAX_CHUNKS = 8  # rows kept in memory: at most CHUNK * MAX_CHUNKS


class TimelineSource(Protocol):
    """What the list reads from (the event service fits)."""

    def page(self, flt: EventFilter, offset: int, limit: int) -> Page: ...

    def position_of_date(self, flt: EventFilter, day: dt.date) -> int: ...


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where the cursor goes after a load: the first event from `day`, or the event `event_id`
    (looked for from `day`, its start), or simply row `index`."""

    day: dt.date
    event_id: int | None = None
    index: int | None = None


@dataclass(frozen=True, slots=True)
class _Line:
    kind: Literal["header", "month", "today", "row", "loading", "empty"]
    index: int = -1
    month: tuple[int, int] = (0, 0)
    new_year: bool = False


@dataclass(frozen=True, slots=True)
class Columns:
    """Cell widths for one terminal width; `with_` is 0 when there is no room for it."""

    when: int
    kind: int
    title: int
    with_: int
    open: int = 4

    @classmethod
    def fit(cls, width: int) -> Columns:
        when, kind, gaps = 17, 12, 5
        rest = max(width - when - kind - 4 - gaps - 1, 10)
        if width < 70:
            return cls(when, kind, rest, 0)
        with_ = min(max(rest * 2 // 5, 14), 40)
        return cls(when, kind, rest - with_, with_)


def _cell(text: str, width: int, style: Style | str = "", *, right: bool = False) -> Text:
    cell = Text(text, style=style, no_wrap=True, overflow="ellipsis", end="")
    cell.truncate(width, overflow="ellipsis")
    if right:
        cell.align("right", width)
    else:
        cell.pad_right(width - cell.cell_len)
    return cell


class TimelineList(ScrollView, can_focus=True):
    """Events in date order with month breaks and a today marker; one line per event.

    The scroll position counts rows, not lines: line 0 is the column header, the month and
    today lines are laid out around the rows on screen, and only `CHUNK`-row windows around
    the cursor and the view are ever loaded (in a thread worker, via `source.page`).
    """

    BINDINGS = keys.TIMELINE_LIST
    COMPONENT_CLASSES = {
        "timeline--header",
        "timeline--month",
        "timeline--year",
        "timeline--today",
        "timeline--cursor",
        "timeline--cursor-blurred",
        "timeline--muted",
        "timeline--open",
    }

    def __init__(self, source: TimelineSource, today: dt.date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._source = source
        self._today = today
        self._filter = EventFilter()
        self._requested: dict[int, EventFilter] = {}
        self._generation = 0
        self._total = 0
        self._today_index = -1
        self._cursor = 0
        self._chunks: OrderedDict[int, tuple[EventView, ...]] = OrderedDict()
        self._pending: set[int] = set()
        self._missing: set[int] = set()
        self._layout_key: tuple[int, ...] | None = None
        self._layout_lines: list[_Line] = []
        self._version = 0
        self.loaded = False

    # -- what the screen reads ---------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._total

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def filter(self) -> EventFilter:
        return self._filter

    @property
    def current(self) -> EventView | None:
        return self.row(self._cursor) if self._total else None

    def row(self, index: int) -> EventView | None:
        rows = self._chunks.get(index // CHUNK)
        offset = index % CHUNK
        return rows[offset] if rows is not None and offset < len(rows) else None

    def visible_rows(self) -> list[EventView]:
        """The events on screen now, top to bottom (for tests and the screen)."""
        rows = [self.row(line.index) for line in self._layout() if line.kind == "row"]
        return [row for row in rows if row is not None]

    # -- loading -----------------------------------------------------------------------------

    def load(self, flt: EventFilter, anchor: Anchor) -> None:
        """Show the timeline for `flt` with the cursor at `anchor` (rows stay until it loads)."""
        self._generation += 1
        self._requested = {self._generation: flt}
        self._load_worker(self._generation, flt, anchor, self._today)

    def set_today(self, today: dt.date) -> None:
        self._today = today

    @work(
        thread=True,
        exclusive=True,
        group="timeline-load",
        name="timeline-load",
        exit_on_error=False,
    )
    def _load_worker(
        self, generation: int, flt: EventFilter, anchor: Anchor, today: dt.date
    ) -> None:
        try:
            source = self._source
            today_index = source.position_of_date(flt, today)
            if anchor.index is not None:
                position = anchor.index
            elif anchor.day == today:
                position = today_index
            else:
                position = source.position_of_date(flt, anchor.day)
            first = max(position // CHUNK - 1, 0)
            page = source.page(flt, first * CHUNK, 3 * CHUNK)
            if page.offset != first * CHUNK:  # past the end: the service clamped the offset
                first = max(page.offset // CHUNK - 1, 0)
                page = source.page(flt, first * CHUNK, 3 * CHUNK)
            total = page.total
            cursor = max(min(position, total - 1), 0)
            if anchor.event_id is not None:
                for i, row in enumerate(page.rows):
                    if row.id == anchor.event_id:
                        cursor = first * CHUNK + i
                        break
            chunks = {
                first + n: page.rows[n * CHUNK : (n + 1) * CHUNK]
                for n in range(3)
                if page.rows[n * CHUNK : (n + 1) * CHUNK]
            }
        except UserError as exc:
            self.post_message(TimelineFailed(generation, exc.message))
            return
        except Exception as exc:  # a broken database must not take the app down
            self.post_message(TimelineFailed(generation, f"could not read the timeline: {exc}"))
            return
        self.post_message(TimelineLoaded(generation, total, cursor, today_index, chunks))

    @work(thread=True, group="timeline-page", name="timeline-page", exit_on_error=False)
    def _page_worker(self, generation: int, flt: EventFilter, chunk: int) -> None:
        try:
            page = self._source.page(flt, chunk * CHUNK, CHUNK)
        except Exception as exc:
            message = str(exc)  # a UserError is already one line
            self.post_message(TimelineFailed(generation, message))
            return
        rows = page.rows if page.offset == chunk * CHUNK else ()
        self.post_message(ChunkLoaded(generation, chunk, rows, page.total))

    def on_timeline_loaded(self, message: TimelineLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._filter = self._requested.get(message.generation, self._filter)
        self._today_index = message.today_index
        self._total = message.total
        self._chunks = OrderedDict(sorted(message.chunks.items()))
        self._pending.clear()
        self._cursor = message.cursor
        self.loaded = True
        self._changed()
        self._update_virtual_size()
        height = self._row_height()
        # Opening at a date: the cursor a third of the way down, the view full if it can be.
        top = max(self._min_top(self._cursor, height), self._cursor - height // 3, 0)
        top = min(top, self._min_top(self._total - 1, height))
        self.scroll_to(y=top, animate=False, force=True)
        self._want_around_cursor()
        self._highlighted()

    def on_chunk_loaded(self, message: ChunkLoaded) -> None:
        message.stop()
        self._pending.discard(message.chunk)
        if message.generation != self._generation:
            return
        if message.total != self._total:
            self._total = message.total
            self._update_virtual_size()
        if message.rows:
            self._chunks[message.chunk] = message.rows
        self._evict()
        # Month lines of rows that just arrived may push the cursor off the view: refit.
        top, height = int(self.scroll_offset.y), self._row_height()
        if top <= self._cursor < top + height:
            fitted = self._fit_top(self._cursor, height)
            if fitted != top:
                self.scroll_to(y=fitted, animate=False, force=True)
        self._changed()
        if message.chunk == self._cursor // CHUNK:
            self._highlighted()

    def on_timeline_failed(self, message: TimelineFailed) -> None:
        if message.generation != self._generation:
            message.stop()

    def _want(self, first: int, last: int) -> None:
        if not self.loaded:
            return
        first, last = max(first, 0), min(last, self._total - 1)
        for chunk in range(first // CHUNK, last // CHUNK + 1):
            if chunk in self._chunks:
                self._chunks.move_to_end(chunk)
            elif chunk not in self._pending:
                self._pending.add(chunk)
                self._page_worker(self._generation, self._filter, chunk)

    def _want_around_cursor(self) -> None:
        self._want(self._cursor - CHUNK // 2, self._cursor + CHUNK // 2)

    def _evict(self) -> None:
        keep = {self._cursor // CHUNK, int(self.scroll_offset.y) // CHUNK}
        while len(self._chunks) > MAX_CHUNKS:
            far = max(
                (c for c in self._chunks if c not in keep),
                key=lambda c: abs(c - self._cursor // CHUNK),
                default=None,
            )
            if far is None:
                break
            del self._chunks[far]

    def _request_missing(self) -> None:
        missing, self._missing = self._missing, set()
        for chunk in missing:
            self._want(chunk * CHUNK, chunk * CHUNK)

    # -- moving ------------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if not self._total:
            return
        index = max(0, min(index, self._total - 1))
        if index == self._cursor:
            return
        self._cursor = index
        top = self._fit_top(index, self._row_height())
        if top != int(self.scroll_offset.y):
            self.scroll_to(y=top, animate=False, force=True)
        self._want_around_cursor()
        self._changed()
        self._highlighted()

    def action_cursor_up(self) -> None:
        self.move_to(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_to(self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_to(self._cursor - max(self._row_height() - 2, 1))

    def action_page_down(self) -> None:
        self.move_to(self._cursor + max(self._row_height() - 2, 1))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self._total - 1)

    def action_select(self) -> None:
        current = self.current
        if current is not None:
            self.post_message(TimelineSelected(current))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        lines = self._layout()
        if 0 <= offset.y < len(lines) and lines[offset.y].kind == "row":
            self.move_to(lines[offset.y].index)
            if event.chain >= 2:
                self.action_select()

    def _highlighted(self) -> None:
        self.post_message(TimelineHighlighted(self.current, self._cursor, self._total))

    # -- layout ------------------------------------------------------------------------------

    def _row_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _update_virtual_size(self) -> None:
        # One scroll step is one row; the slack lets the last rows reach the top of the view.
        width, height = self.scrollable_content_region.width, self._row_height()
        fits = self._total <= height and self._lines_for(0, self._total - 1) <= height
        self.virtual_size = Size(width, height if fits else self._total + height)

    def _changed(self) -> None:
        self._version += 1
        self.refresh()

    def _month(self, index: int) -> tuple[int, int] | None:
        row = self.row(index) if 0 <= index < self._total else None
        return month_of(row.when) if row is not None else None

    def _lines_for(self, top: int, last: int) -> int:
        """How many lines rows `top`..`last` take, with their month and today lines."""
        count = 0
        previous = self._month(top - 1)
        for index in range(top, last + 1):
            if index == self._today_index:
                count += 1
            month = self._month(index)
            if month is not None and (index == top or month != previous):
                count += 1
            count += 1
            previous = month
        return count

    def _fit_top(self, cursor: int, height: int) -> int:
        top = int(self.scroll_offset.y)
        if cursor < top:
            return cursor
        if self._lines_for(top, cursor) <= height:
            return top
        return self._min_top(cursor, height)

    def _min_top(self, row: int, height: int) -> int:
        """The first row to show for `row` to be the last one that fits."""
        top = max(row, 0)
        while top > 0 and self._lines_for(top - 1, row) <= height:
            top -= 1
        return top

    def _layout(self) -> list[_Line]:
        top = int(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        key = (top, height, self._version, self._total, self._today_index)
        if key == self._layout_key:
            return self._layout_lines
        lines = [_Line("header")]
        if self.loaded and not self._total:
            lines.append(_Line("empty"))
        previous = self._month(top - 1)
        index = top
        today_month = (self._today.year, self._today.month)
        while len(lines) < height and index < self._total:
            row = self.row(index)
            if row is None:
                self._missing.add(index // CHUNK)
                if index == self._today_index:
                    lines.append(_Line("today", index))
                lines.append(_Line("loading", index))
                previous = None
                index += 1
                continue
            month = month_of(row.when)
            before: list[_Line] = []
            if index == top or month != previous:
                new_year = previous is None or previous[0] != month[0]
                before.append(_Line("month", index, month, new_year and index != top))
            if index == self._today_index:
                today = _Line("today", index)
                before = [*before, today] if month == today_month else [today, *before]
            lines += [*before, _Line("row", index)]
            previous = month
            index += 1
        del lines[height:]
        at_end = self.loaded and index >= self._total and self._today_index >= self._total
        if at_end and len(lines) < height and self._total:
            lines.append(_Line("today", self._total))
        if self._missing:
            self.call_later(self._request_missing)
        self._layout_key, self._layout_lines = key, lines
        return lines

    # -- drawing -----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        if self.loaded:
            top = self._fit_top(self._cursor, self._row_height())
            if top != int(self.scroll_offset.y):
                self.scroll_to(y=top, animate=False, force=True)
        self._changed()

    def on_focus(self) -> None:
        self._changed()

    def on_blur(self) -> None:
        self._changed()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        lines = self._layout()
        if y >= len(lines):
            return Strip.blank(width, base)
        line = lines[y]
        text = self._line_text(line, width)
        text.stylize_before(base)
        return Strip(list(text.render(self.app.console)), width).adjust_cell_length(width, base)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name)

    def _line_text(self, line: _Line, width: int) -> Text:
        cols = Columns.fit(width)
        if line.kind == "header":
            style = self._style("timeline--header")
            cells = [
                _cell(" WHEN", cols.when + 1, style),
                _cell("KIND", cols.kind, style),
                _cell("TITLE", cols.title, style),
            ]
            if cols.with_:
                cells.append(_cell("WITH", cols.with_, style))
            cells.append(_cell("OPEN", cols.open, style, right=True))
            return Text(" ", style=style).join(cells)
        if line.kind == "empty":
            message = (
                "No events yet: press a to add one."
                if self._filter.is_empty()
                else "No events match this filter: press escape to clear it."
            )
            return _cell(" " + message, width, self._style("timeline--muted"))
        if line.kind == "loading":
            return _cell(" …", width, self._style("timeline--muted"))
        if line.kind == "today":
            today = self._today
            label = f" ▸ today, {today.day} {today:%B} {today.year} "
            return _cell(label.ljust(width, "╌"), width, self._style("timeline--today"))
        if line.kind == "month":
            if line.new_year:
                label = f"━━ {month_title(line.month)} "
                return _cell(label.ljust(width, "━"), width, self._style("timeline--year"))
            label = f"── {month_title(line.month)} "
            return _cell(label.ljust(width, "─"), width, self._style("timeline--month"))
        row = self.row(line.index)
        assert row is not None
        return self._render_row(row, line.index, cols)

    def _render_row(self, row: EventView, index: int, cols: Columns) -> Text:
        muted = self._style("timeline--muted")
        row_style: Style | str = ""
        if row.status is EventStatus.CANCELLED:
            row_style = muted + Style(strike=True)
        elif row.status is EventStatus.POSTPONED:
            row_style = muted + Style(italic=True)
        cells = [
            _cell(" " + row.when.label, cols.when + 1, row_style),
            _cell(row.kind.value, cols.kind, row_style or muted),
            _cell(row.title, cols.title, row_style),
        ]
        if cols.with_:
            cells.append(_cell(participants_short(row, 2), cols.with_, muted))
        opened = f"●{row.open_follow_ups}" if row.open_follow_ups else ""
        cells.append(_cell(opened, cols.open, self._style("timeline--open"), right=True))
        text = Text(" ").join(cells)
        if index == self._cursor:
            name = "timeline--cursor" if self.has_focus else "timeline--cursor-blurred"
            text.stylize(self._style(name))
        return text
