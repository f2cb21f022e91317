"""The timeline list: a Line API widget that draws only the lines on screen and pages rows in."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tracker.domain import (
    EventFilter,
    EventStatus,
    EventView,
    TimelineKey,
    Window,
)
from tracker.errors import Cancelled, UserError, said
from tracker.ui import keys
from tracker.ui.formatting import (
    month_of,
    month_title,
    participants_short,
    past_but_planned,
    shown,
    status_label,
)
from tracker.ui.messages import (
    ChunkLoaded,
    TimelineFailed,
    TimelineHighlighted,
    TimelineJumped,
    TimelineLoaded,
    TimelineLocated,
    TimelineSelected,
)

if TYPE_CHECKING:  # what the list reads from: the event service, or the app's services
    from tracker.services.deferred import TimelineReads as TimelineSource

CHUNK = 100  # rows per read beyond the loaded ones
FIRST_BEFORE, FIRST_AFTER = 20, 45  # the first read of a timeline: a screenful and a bit
MAX_ROWS = 8 * CHUNK  # rows kept in memory at most
NEAR = CHUNK // 2  # rows kept loaded beyond the cursor, so a page down never waits
FAR = 2 * CHUNK  # beyond this from the loaded rows a move reads by position instead
START, END = dt.date.min, dt.date.max  # anchors: the first and the last event
# Seconds a new timeline stays before rows beyond the view are read and it is counted: each
# keystroke in the filter box loads a timeline, and only the last one needs those.
SETTLE = 0.15
STRIPS_KEPT = 512  # drawn lines kept for redrawing (a few screens' worth)


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where the cursor goes after a load: the event `event_id` (looked for from `day`, its
    start), else the row `key` (or the next one, if it left the filter), else the first
    event from `day` (START and END: the ends of the timeline)."""

    day: dt.date
    event_id: int | None = None
    key: TimelineKey | None = None


@dataclass(frozen=True, slots=True)
class _Line:
    kind: Literal["header", "month", "today", "row", "loading", "empty"]
    index: int = -1
    month: tuple[int, int] = (0, 0)
    new_year: bool = False


WHEN = 17  # the date column's width where the terminal has no room for more
TITLE_ROOM = 30  # a longer date label widens its column only while this much is left
WITH_FROM = 100  # terminal width from which the participants get a column


@dataclass(frozen=True, slots=True)
class Columns:
    """Cell widths for one terminal width; `with_` is 0 when there is no room for it."""

    when: int
    kind: int
    status: int
    title: int
    with_: int
    open: int = 4

    @classmethod
    def fit(cls, width: int, longest: int = WHEN) -> Columns:
        """The columns for `width` cells; the date column as wide as the `longest` label
        where the terminal has room for it."""
        kind, status, gaps = 12, 9, 6
        fixed = kind + status + 4 + gaps + 1
        when = max(WHEN, min(longest, width - fixed - TITLE_ROOM))
        rest = max(width - when - fixed, 10)
        if width < WITH_FROM:
            return cls(when, kind, status, rest, 0)
        with_ = min(max(rest * 2 // 5, 14), 40)
        return cls(when, kind, status, rest - with_, with_)


def _fit(text: str, width: int, *, right: bool = False) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis (control characters
    shown escaped: the segments go to the terminal as they are)."""
    text = shown(text)
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…" if width > 0 else ""
    padding = " " * (width - length)
    return padding + text if right else text + padding


@dataclass(frozen=True, slots=True)
class _Styles:
    """The list's styles, combined with its base style once per theme and focus."""

    base: Style
    cursor: Style
    header: Style
    month: Style
    year: Style
    today: Style
    muted: Style
    open: Style
    cancelled: Style
    postponed: Style
    stale: Style


class TimelineList(ScrollView, can_focus=True):
    """Events in date order with month breaks and a today marker; one line per event.

    The scroll position counts rows, not lines: line 0 is the column header, the month and
    today lines are laid out around the rows on screen, and only windows of rows around the
    view are ever loaded (read by key in thread workers; where they sit is located after).
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
        "timeline--stale",
    }

    def __init__(self, source: TimelineSource, today: dt.date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._source = source
        self._today = today
        self._filter = EventFilter()
        self._requested: dict[int, EventFilter] = {}
        self._generation = 0
        # The loaded rows: consecutive in timeline order, `_base` the index of the first.
        self._rows: list[EventView] = []
        self._keys: list[TimelineKey] = []
        self._base = 0
        self._more_before = False
        self._more_after = False
        # `_total` and `_base` are estimates until the filter has been located (counted).
        self._total = 0
        self._located = False
        self._extending: set[bool] = set()  # reads in flight: True after the rows, False before
        self._jumping = False
        self._today_index = -1
        self._cursor = 0
        self._missing = False
        self._layout_key: tuple[int, ...] | None = None
        self._layout_lines: list[_Line] = []
        self._version = 0
        self._line_styles: tuple[tuple[object, ...], _Styles] | None = None
        self._strips: dict[tuple[object, ...], tuple[EventView | None, _Styles, Strip]] = {}
        self._pass: tuple[int, _Styles] | None = None
        self._longest = WHEN  # the longest date label among the rows loaded
        self.loaded = False
        self.suspended: str | None = None  # why no rows show (a query that does not parse)

    # -- what the screen reads ---------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._total

    @property
    def exact(self) -> bool:
        """Whether `total` and `cursor` are exact yet (counting a filter can take a while)."""
        return self._located

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def filter(self) -> EventFilter:
        return self._filter

    @property
    def current(self) -> EventView | None:
        return self.row(self._cursor) if self._total else None

    @property
    def current_key(self) -> TimelineKey | None:
        at = self._cursor - self._base
        return self._keys[at] if 0 <= at < len(self._keys) else None

    def row(self, index: int) -> EventView | None:
        at = index - self._base
        return self._rows[at] if 0 <= at < len(self._rows) else None

    def visible_rows(self) -> list[EventView]:
        """The events on screen now, top to bottom (for tests and the screen)."""
        rows = [self.row(line.index) for line in self._layout() if line.kind == "row"]
        return [row for row in rows if row is not None]

    # -- loading -----------------------------------------------------------------------------

    def load(self, flt: EventFilter, anchor: Anchor) -> None:
        """Show the timeline for `flt` with the cursor at `anchor` (rows stay until it loads)."""
        self._generation += 1
        self._requested = {self._generation: flt}
        self._extending.clear()  # reads for the timeline before are abandoned
        self._jumping = False
        self._load_worker(self._generation, flt, anchor)

    def suspend(self, reason: str) -> None:
        """Show no rows, only `reason`, until the next load: the rows of an earlier query
        would read as this one's answer. Reads in flight are abandoned."""
        self._generation += 1
        self._requested = {}
        self._extending.clear()
        self._jumping = False
        self.suspended = reason
        self._set_rows(Window((), (), False, False), 0)
        self._total, self._cursor, self._located, self.loaded = 0, 0, True, True
        self._today_index = -1
        self._update_virtual_size()
        self.scroll_to(y=0, animate=False, force=True)
        self._changed()
        self._highlighted()

    def set_today(self, today: dt.date) -> None:
        self._today = today

    def _stale(self, generation: int) -> Callable[[], bool]:
        return lambda: generation != self._generation

    @work(
        thread=True,
        exclusive=True,
        group="timeline-load",
        name="timeline-load",
        exit_on_error=False,
    )
    def _load_worker(self, generation: int, flt: EventFilter, anchor: Anchor) -> None:
        stop = self._stale(generation)  # typing on makes this read moot: abandon it then
        try:
            if anchor.day == END and anchor.key is None:
                size = FIRST_BEFORE + FIRST_AFTER
                window = self._source.window(flt, END, before=size, after=0, stop=stop)
                cursor = len(window.rows) - 1
            else:
                at: TimelineKey | dt.date | None = anchor.key or anchor.day
                at = None if at == START else at
                window = self._source.window(
                    flt, at, before=FIRST_BEFORE, after=FIRST_AFTER, stop=stop
                )
                found = window.index_of(anchor.event_id) if anchor.event_id else None
                if found is not None:
                    cursor = found
                elif anchor.key is not None:
                    cursor = sum(1 for key in window.keys if key < anchor.key)
                else:
                    cursor = sum(1 for key in window.keys if key.start < anchor.day)
                cursor = max(min(cursor, len(window.rows) - 1), 0)
        except Cancelled:
            return
        except UserError as exc:
            self.post_message(TimelineFailed(generation, exc.said))
            return
        except Exception as exc:  # a broken database must not take the app down
            self.post_message(TimelineFailed(generation, f"could not read the timeline: {exc}"))
            return
        self.post_message(TimelineLoaded(generation, window, cursor))

    @work(thread=True, exclusive=True, group="timeline-locate", exit_on_error=False)
    def _locate_worker(self, generation: int, flt: EventFilter, key: TimelineKey) -> None:
        try:
            location = self._source.locate(flt, key, stop=self._stale(generation))
        except Exception:  # cancelled, or gone: the estimates stay
            return
        self.post_message(TimelineLocated(generation, key, location))

    @work(thread=True, group="timeline-extend", name="timeline-extend", exit_on_error=False)
    def _extend_worker(
        self, generation: int, flt: EventFilter, edge: TimelineKey, after: bool
    ) -> None:
        stop = self._stale(generation)
        try:
            if after:
                window = self._source.window(flt, edge, before=0, after=CHUNK + 1, stop=stop)
            else:
                window = self._source.window(flt, edge, before=CHUNK, after=0, stop=stop)
        except Cancelled:
            return
        except Exception as exc:
            self.post_message(TimelineFailed(generation, said(exc)))  # a UserError is one line
            return
        self.post_message(ChunkLoaded(generation, after, edge, window))

    @work(thread=True, exclusive=True, group="timeline-jump", exit_on_error=False)
    def _jump_worker(self, generation: int, flt: EventFilter, offset: int) -> None:
        try:
            offset, window = self._source.window_at(flt, offset, 2 * CHUNK)
        except Exception as exc:
            self.post_message(TimelineFailed(generation, said(exc)))
            return
        self.post_message(TimelineJumped(generation, offset, window))

    def on_timeline_loaded(self, message: TimelineLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        window = message.window
        self._filter = self._requested.get(message.generation, self._filter)
        self.suspended = None
        self._extending.clear()
        self._jumping = False
        # Until the filter is located, the rows sit where the cursor was (or at the start).
        base = max(self._cursor - message.cursor, CHUNK) if window.more_before else 0
        self._set_rows(window, base)
        self._total = self._estimate()
        self._located = not window.more_before and not window.more_after  # all of it
        self._cursor = base + message.cursor
        self.loaded = True
        self._changed()
        self._update_virtual_size()
        height = self._row_height()
        # Opening at a date: the cursor a third of the way down, the view full if it can be.
        top = max(self._min_top(self._cursor, height), self._cursor - height // 3, 0)
        top = min(top, self._min_top(self._total - 1, height))
        self.scroll_to(y=top, animate=False, force=True)
        self._want(top, top + height)  # only what the view lacks; the rest once typing pauses
        self._highlighted()
        generation = message.generation
        self.call_after_refresh(lambda: self.set_timer(SETTLE, lambda: self._settled(generation)))

    def _settled(self, generation: int) -> None:
        """The timeline shown has stayed a moment: read ahead of the view, and count."""
        if generation != self._generation:
            return
        self._want_view()
        key = self.current_key
        if not self._located and key is not None:
            self._locate_worker(generation, self._filter, key)

    def on_timeline_located(self, message: TimelineLocated) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        try:
            at = self._keys.index(message.key)
        except ValueError:  # read past meanwhile: ask again about a row still here
            if self._keys:
                self._locate_worker(
                    message.generation, self._filter, self.current_key or self._keys[0]
                )
            return
        self._located = True
        self._shift(message.location.position - at - self._base, message.location.total)
        self._highlighted()

    def on_chunk_loaded(self, message: ChunkLoaded) -> None:
        message.stop()
        self._extending.discard(message.after)
        if message.generation != self._generation or not self._keys:
            return
        window, edge = message.window, message.edge
        if message.after:
            if self._keys[-1] != edge:
                return  # the loaded rows changed meanwhile
            new = [
                (row, key) for row, key in zip(window.rows, window.keys, strict=True) if key > edge
            ]
            self._rows += [row for row, _ in new]
            self._keys += [key for _, key in new]
            self._more_after = window.more_after
        else:
            if self._keys[0] != edge:
                return
            new = [
                (row, key) for row, key in zip(window.rows, window.keys, strict=True) if key < edge
            ]
            self._rows[:0] = [row for row, _ in new]
            self._keys[:0] = [key for _, key in new]
            self._base -= len(new)
            self._more_before = window.more_before
            if not self._more_before and self._base != 0:
                self._shift(-self._base)  # the start of the timeline: that much is known now
            elif self._base < NEAR and not self._located:
                self._shift(CHUNK)  # an estimate ran out of room above: make some
        self._trim()
        self._longest = self._longest_label(window.rows, self._longest)
        self._today_index = self._find_today()
        if not self._located:
            self._total = self._estimate()
            self._update_virtual_size()
        # Month lines of rows that just arrived may push the cursor off the view: refit.
        top, height = int(self.scroll_offset.y), self._row_height()
        if top <= self._cursor < top + height:
            fitted = self._fit_top(self._cursor, height)
            if fitted != top:
                self.scroll_to(y=fitted, animate=False, force=True)
        self._changed()
        self._highlighted()
        self._want_view()

    def on_timeline_jumped(self, message: TimelineJumped) -> None:
        message.stop()
        self._jumping = False
        if message.generation != self._generation:
            return
        self._extending.clear()
        self._set_rows(message.window, message.offset)
        self._changed()
        self._highlighted()
        self._want_view()

    def on_timeline_failed(self, message: TimelineFailed) -> None:
        if message.generation != self._generation:
            message.stop()

    def _set_rows(self, window: Window, base: int) -> None:
        self._rows, self._keys = list(window.rows), list(window.keys)
        self._longest = self._longest_label(self._rows, WHEN)
        self._more_before, self._more_after = window.more_before, window.more_after
        self._base = base
        self._today_index = self._find_today()

    @staticmethod
    def _longest_label(rows: Iterable[EventView], longest: int) -> int:
        """The widest date label of `rows` (at least `longest`): the date column fits it."""
        return max(longest, max((cell_len(row.when.label) for row in rows), default=0))

    def _estimate(self) -> int:
        """The timeline's length as far as the loaded rows tell (until it is located)."""
        return self._base + len(self._rows) + (CHUNK if self._more_after else 0)

    def _shift(self, delta: int, total: int | None = None) -> None:
        """Renumber the loaded rows by `delta` (an estimate corrected), keeping the view."""
        self._base += delta
        self._cursor += delta
        if total is not None:
            self._total = total
        elif not self._located:
            self._total = self._estimate()
        self._today_index = self._find_today()
        self._update_virtual_size()
        if delta:
            self.scroll_to(y=int(self.scroll_offset.y) + delta, animate=False, force=True)
        self._changed()

    def _find_today(self) -> int:
        """The index of the first row from today on, when the loaded rows tell it (else -1)."""
        at = bisect.bisect_left(self._keys, self._today, key=lambda key: key.start)
        if (at == 0 and self._more_before) or (at == len(self._keys) and self._more_after):
            return -1
        return self._base + at

    def _want(self, first: int, last: int) -> None:
        """Rows `first`..`last` are wanted on screen or near the cursor: read what is missing."""
        if not self.loaded or not self._rows or self._jumping:
            return
        first, last = max(first, 0), min(last, self._total - 1)
        low, high = self._base, self._base + len(self._rows) - 1
        if self._located and (first > high + FAR or last < low - FAR):
            self._jumping = True
            self._jump_worker(self._generation, self._filter, max(first - CHUNK // 2, 0))
            return
        if last > high and self._more_after and True not in self._extending:
            self._extending.add(True)
            self._extend_worker(self._generation, self._filter, self._keys[-1], True)
        if first < low and self._more_before and False not in self._extending:
            self._extending.add(False)
            self._extend_worker(self._generation, self._filter, self._keys[0], False)

    def _want_view(self, top: int | None = None) -> None:
        """The rows on screen (from row `top`), and NEAR more on each side."""
        top = int(self.scroll_offset.y) if top is None else top
        self._want(top - NEAR, top + self._row_height() + NEAR)

    def _trim(self) -> None:
        """Keep at most MAX_ROWS rows: drop those farthest from the cursor and the view."""
        excess = len(self._rows) - MAX_ROWS
        if excess <= 0:
            return
        top = int(self.scroll_offset.y)
        keep_from = min(self._cursor, top) - NEAR - self._base
        keep_to = max(self._cursor, top + self._row_height()) + NEAR - self._base
        front = max(min(excess, keep_from), 0)
        if front:
            del self._rows[:front], self._keys[:front]
            self._base += front
            self._more_before = True
        back = max(min(len(self._rows) - MAX_ROWS, len(self._rows) - 1 - keep_to), 0)
        if back:
            del self._rows[-back:], self._keys[-back:]
            self._more_after = True

    def _request_missing(self) -> None:
        if self._missing:
            self._missing = False
            self._want_view()

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
        self._want_view(top)
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
        if self.suspended is not None:
            return
        if self._base == 0 and not self._more_before:
            self.move_to(0)
        else:
            self.load(self._filter, Anchor(START))

    def action_last(self) -> None:
        if self.suspended is not None:
            return
        if not self._more_after:
            self.move_to(self._base + len(self._rows) - 1)
        else:
            self.load(self._filter, Anchor(END))

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
        self.post_message(
            TimelineHighlighted(self.current, self._cursor, self._total, self._located)
        )

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
                self._missing = True
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

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line of this pass needs, worked out once for all of them (the widget's
        # style walks its ancestors each time it is asked).
        self._pass = (self.scrollable_content_region.width, self._styles())
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        # Segments built directly (no Rich Text per cell): a page down redraws every line.
        width, styles = self._pass or (self.scrollable_content_region.width, self._styles())
        lines = self._layout()
        if y >= len(lines):
            return Strip.blank(width, styles.base)
        # A line drawn before is drawn again as it was: the screen redraws every widget
        # after a layout (each keystroke in the filter box), and a scroll moves lines.
        line = lines[y]
        row = self.row(line.index) if line.kind == "row" else None
        cursor, empty = line.index == self._cursor, self._filter.is_empty()
        key = (line, width, cursor, self._today, empty, self.suspended, self._longest)
        drawn = self._strips.get(key)
        if drawn is not None and drawn[0] is row and drawn[1] is styles:
            return drawn[2]
        strip = Strip(self._line_segments(line, width, styles)).adjust_cell_length(
            width, styles.base
        )
        if len(self._strips) >= STRIPS_KEPT:
            self._strips.clear()
        self._strips[key] = (row, styles, strip)
        return strip

    def _styles(self) -> _Styles:
        key = (self.rich_style, self.has_focus, self.app.theme)
        if self._line_styles is None or self._line_styles[0] != key:
            base, style = self.rich_style, self.get_component_rich_style
            cursor = style("timeline--cursor" if self.has_focus else "timeline--cursor-blurred")
            muted = style("timeline--muted")
            self._line_styles = (
                key,
                _Styles(
                    base=base,
                    cursor=cursor,
                    header=base + style("timeline--header"),
                    month=base + style("timeline--month"),
                    year=base + style("timeline--year"),
                    today=base + style("timeline--today"),
                    muted=base + muted,
                    open=base + style("timeline--open"),
                    cancelled=base + muted + Style(strike=True),
                    postponed=base + muted + Style(italic=True),
                    stale=base + style("timeline--stale"),
                ),
            )
        return self._line_styles[1]

    def _line_segments(self, line: _Line, width: int, styles: _Styles) -> list[Segment]:
        cols = Columns.fit(width, self._longest)
        if line.kind == "header":
            style = styles.header
            cells = [
                (" WHEN", cols.when + 1),
                ("KIND", cols.kind),
                ("STATUS", cols.status),
                ("TITLE", cols.title),
            ]
            if cols.with_:
                cells.append(("WITH", cols.with_))
            text = " ".join(_fit(label, size) for label, size in cells)
            return [Segment(text + " " + _fit("OPEN", cols.open, right=True), style)]
        if line.kind == "empty":
            message = (
                self.suspended
                if self.suspended is not None
                else "No events yet: press a to add one."
                if self._filter.is_empty()
                else "No events match this filter: press escape to clear it."
            )
            return [Segment(_fit(" " + message, width), styles.muted)]
        if line.kind == "loading":
            return [Segment(_fit(" …", width), styles.muted)]
        if line.kind == "today":
            today = self._today
            label = f" ▸ today, {today.day} {today:%B} {today.year} "
            return [Segment(_fit(label.ljust(width, "╌"), width), styles.today)]
        if line.kind == "month":
            if line.new_year:
                label = f"━━ {month_title(line.month)} "
                return [Segment(_fit(label.ljust(width, "━"), width), styles.year)]
            label = f"── {month_title(line.month)} "
            return [Segment(_fit(label.ljust(width, "─"), width), styles.month)]
        row = self.row(line.index)
        assert row is not None
        return self._row_segments(row, line.index, cols, styles)

    def _row_segments(
        self, row: EventView, index: int, cols: Columns, styles: _Styles
    ) -> list[Segment]:
        plain = styles.base
        if row.status is EventStatus.CANCELLED:
            plain = styles.cancelled
        elif row.status is EventStatus.POSTPONED:
            plain = styles.postponed
        kind = styles.muted if plain is styles.base else plain
        opened = f"●{row.open_follow_ups}" if row.open_follow_ups else ""
        stale = past_but_planned(row, self._today)
        cells = [
            (_fit(" " + row.when.label, cols.when + 1), plain),
            (_fit(row.kind.value, cols.kind), kind),
            (_fit(status_label(row, self._today), cols.status), styles.stale if stale else kind),
            (_fit(row.title, cols.title), plain),
        ]
        if cols.with_:
            cells.append((_fit(participants_short(row, 2), cols.with_), styles.muted))
        cells.append((_fit(opened, cols.open, right=True), styles.open))
        gap = styles.base
        if index == self._cursor:
            cells = [(text, style + styles.cursor) for text, style in cells]
            gap = gap + styles.cursor
        segments = [Segment(cells[0][0], cells[0][1])]
        for text, style in cells[1:]:
            segments += [Segment(" ", gap), Segment(text, style)]
        return segments
