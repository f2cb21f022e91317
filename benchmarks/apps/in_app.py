"""Timings inside the running app (Textual's Pilot, headless, 120x40), printed as JSON.

    python -m benchmarks.apps.in_app DB OUT.json [--repeat N]

Builds the app the way `tracker` does (`create_app(settings, services, clock)`), waits for
the first timeline, then measures, each against the widget's own state:

* floor: a key nothing is bound to, until Pilot has processed it (the harness itself);
* search: typing words into the filter box, one key at a time: from the key to the table
  showing that text's results (`typed`), and from the moment the filter is applied to the
  same point (`applied`);
* stakeholder: `with:"Name"` entered at once (as completion does), to the table updated;
* page down: the key, to every row of the new view on screen;
* jump: the timeline reopened at a date, to its rows on screen;
* peak RSS of this process after all of it (the app and the harness).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZE = (120, 40)
TIMEOUT = 30.0
WORDS = ("summit", "castro", "honduras", "vaccine", "meeting")


class Clock:
    """When the timeline widget was last asked to load and last finished loading."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self.done: list[float] = []


def instrument(clock: Clock) -> Any:
    from tracker.ui.widgets.timeline_list import TimelineList

    load, loaded = TimelineList.load, TimelineList.on_timeline_loaded

    def timed_load(self: Any, *args: Any, **kwargs: Any) -> Any:
        clock.asked.append(time.perf_counter())
        return load(self, *args, **kwargs)

    def timed_loaded(self: Any, message: Any) -> None:
        loaded(self, message)
        clock.done.append(time.perf_counter())

    TimelineList.load = timed_load  # type: ignore[method-assign]
    TimelineList.on_timeline_loaded = timed_loaded  # type: ignore[method-assign]
    return TimelineList


async def press(app: Any, key: str) -> None:
    """Send one key as the terminal would (what Pilot.press does, without its idle waits:
    those sleep 20 ms at a time and would swamp what is measured)."""
    from textual import events

    char = key if len(key) == 1 else {"slash": "/", "space": " "}.get(key)
    app._driver.send_message(events.Key(key, char))
    await asyncio.sleep(0)


async def until(app: Any, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition` holds, then until its next refresh has been done
    (the screen painted with that state)."""
    deadline = time.perf_counter() + TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out waiting for {what} ({app.screen.focused!r})")
        await asyncio.sleep(0.0005)
    painted = asyncio.Event()
    app.call_after_refresh(painted.set)
    await asyncio.wait_for(painted.wait(), TIMEOUT)


def view_complete(timeline: Any) -> bool:
    """Every row the view has room for is loaded (no placeholder lines)."""
    if not timeline.loaded or timeline.current is None:
        return False
    rows = timeline.visible_rows()
    return len(rows) >= min(timeline.total, 10)


async def measure(db: str, repeat: int) -> dict[str, Any]:
    from tracker.clock import FixedClock
    from tracker.domain import EventFilter
    from tracker.services import open_services
    from tracker.settings import Settings

    try:
        from tracker.ui.app import create_app
        from tracker.ui.query import parse_query
        from tracker.ui.widgets.timeline_list import Anchor
    except ImportError as exc:
        return {"skipped": f"UI not available: {exc}"}

    clock = Clock()
    timeline_class = instrument(clock)
    settings = Settings.from_env(db)
    assert settings.today is not None, "TRACKER_TODAY must be set"
    services = open_services(settings, FixedClock.on(settings.today))
    app = create_app(settings, services, services.ctx.clock)
    rng = random.Random(7)
    results: dict[str, Any] = {}
    try:
        async with app.run_test(size=SIZE) as pilot:
            timeline = app.screen.query_one(timeline_class)
            await until(app, lambda: view_complete(timeline), "the first timeline")
            await pilot.pause()

            floor = []
            for _ in range(repeat * 4):
                started = time.perf_counter()
                await press(app, "f19")  # bound to nothing
                await until(app, lambda: True, "a refresh")
                floor.append(time.perf_counter() - started)
            results["floor"] = floor

            day_bound = app.screen._day_bound  # the screen's own reading of dates
            typed, applied = [], []
            for word in WORDS[:1] if os.environ.get("TRACKER_BENCHMARK_SMOKE") else WORDS:
                box = app.screen.filter_bar.input
                if box.value:
                    await press(app, "escape")  # the filter box clears itself
                await until(app, lambda: timeline.filter == EventFilter(), "a cleared filter")
                await press(app, "slash")
                await until(app, lambda b=box: app.screen.focused is b, "the filter box")
                await pilot.pause()
                for length in range(1, len(word) + 1):
                    text = word[:length]
                    wanted = parse_query(text, day_bound).filter
                    asked = len(clock.asked)
                    started = time.perf_counter()
                    await press(app, word[length - 1])
                    await until(
                        app,
                        lambda w=wanted, a=asked: (
                            timeline.filter == w
                            and len(clock.asked) > a
                            and clock.done[-1] >= clock.asked[-1]
                            and timeline.loaded
                        ),
                        f"the results for {text!r}",
                    )
                    finished = time.perf_counter()
                    typed.append(finished - started)
                    applied.append(finished - clock.asked[-1])
            results["search_typed"] = typed
            results["search_applied"] = applied

            names = [name for name, _ in services.stakeholders.names()]
            people = rng.sample(names, min(len(names), repeat * 3))
            chosen = []
            for name in people:
                box = app.screen.filter_bar.input
                wanted = parse_query(f'with:"{name}"', day_bound).filter
                asked = len(clock.asked)
                started = time.perf_counter()
                box.value = f'with:"{name}"'
                await until(
                    app,
                    lambda w=wanted, a=asked: (
                        timeline.filter == w
                        and len(clock.asked) > a
                        and clock.done[-1] >= clock.asked[-1]
                    ),
                    f"the timeline with {name}",
                )
                finished = time.perf_counter()
                chosen.append(finished - clock.asked[-1])
            results["stakeholder_applied"] = chosen

            await press(app, "escape")  # clear the filter, back to the whole timeline
            await until(app, lambda: timeline.filter == EventFilter(), "the whole timeline")
            await until(app, lambda: view_complete(timeline), "the whole timeline's rows")
            timeline.focus()
            await pilot.pause()
            pages = []
            step = max(timeline.size.height - 4, 1)
            for _ in range(repeat * 4 if timeline.total > 3 * step else 0):
                before = timeline.cursor
                near_end = before + step >= timeline.total - 1
                key = "pageup" if near_end or rng.random() < 0.2 else "pagedown"
                started = time.perf_counter()
                await press(app, key)
                await until(
                    app,
                    lambda b=before: timeline.cursor != b and view_complete(timeline),
                    "the next page",
                )
                pages.append(time.perf_counter() - started)
            results["page_down"] = pages

            jumps = []
            first, last = dt.date(2017, 1, 1), dt.date(2026, 12, 31)
            for _ in range(repeat * 2):
                day = first + dt.timedelta(days=rng.randrange((last - first).days))
                done = len(clock.done)
                started = time.perf_counter()
                timeline.load(timeline.filter, Anchor(day))
                await until(
                    app,
                    lambda d=done: len(clock.done) > d and view_complete(timeline),
                    f"the timeline at {day}",
                )
                jumps.append(time.perf_counter() - started)
            results["jump"] = jumps
    finally:
        services.close()
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("out", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    # As `tracker` starts the app (tracker.launch): the cyclic collector is held off until
    # the app has set aside what it keeps, and turned on by the app then.
    gc.disable()
    try:
        results = asyncio.run(measure(args.db, args.repeat))
    except Exception as exc:  # reported, not raised: the runner prints it in the table
        results = {"error": f"{type(exc).__name__}: {exc}"}
    args.out.write_text(json.dumps(results))
    sys.exit(0)


if __name__ == "__main__":
    main()
