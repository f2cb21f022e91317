"""Cold start to the first paint, then exit: `bare` or `tracker --db URL`.

    python -m benchmarks.apps.first_paint OUT bare
    python -m benchmarks.apps.first_paint OUT tracker sqlite:///benchmarks/data/tracker-1m.sqlite3

`bare` is a Textual app with one empty DataTable (four columns); `tracker` is the real entry
point (`tracker.launch.main`) on the database, waiting for the timeline's first rows. Both run
headless at 120x40 and write the CLOCK_MONOTONIC time of the first refresh after that
moment to OUT (the parent compares it with the time it spawned the process): Textual
redirects print() while an app runs, so the time goes to a file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

SIZE = (120, 40)


def _record(out: Path) -> None:
    out.write_text(f"{time.monotonic()!r}\n")


def bare(out: Path) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            self.query_one(DataTable).add_columns("When", "Kind", "Title", "With")
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            _record(out)
            self.exit()

    Bare().run(headless=True, size=SIZE)


def tracker(out: Path, db: str) -> None:
    """`tracker --db DB`, headless, leaving once the first timeline rows are on screen.

    The hook wraps the timeline widget's handler for its first load (and needs nothing else
    from the UI); when the UI grows an official switch for this, use it here instead.
    """
    try:
        from textual.app import App

        from tracker.ui.widgets.timeline_list import TimelineList
    except ImportError as exc:
        print(f"UI not available: {exc}", file=sys.stderr)
        sys.exit(3)

    loaded = TimelineList.on_timeline_loaded

    def on_timeline_loaded(self: Any, message: Any) -> None:
        loaded(self, message)
        if self.loaded and self.visible_rows():

            def painted() -> None:
                _record(out)
                self.app.exit()

            self.app.call_after_refresh(painted)

    TimelineList.on_timeline_loaded = on_timeline_loaded  # type: ignore[method-assign]
    run = App.run

    def headless(self: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs.update(headless=True, size=SIZE)
        return run(self, *args, **kwargs)

    App.run = headless  # type: ignore[method-assign]
    from tracker.launch import main

    main(["--db", db])


if __name__ == "__main__":
    target = Path(sys.argv[1])
    if sys.argv[2] == "bare":
        bare(target)
    else:
        tracker(target, sys.argv[3])
