"""The TUI scenarios: cold start against a bare Textual app, and timings inside the app."""

from __future__ import annotations

import json
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.generate import DATA_DIR
from benchmarks.process import PYTHON, environment, run, smoke
from benchmarks.stats import Measurement, Results, Verdict

Say = Callable[[str], None]
COLD_TARGETS = {"100k": 1.0, "1m": 1.3}


def _first_paint(args: list[str]) -> tuple[float | None, str]:
    """Seconds from spawning `first_paint` to its first paint (None and why, if it failed)."""
    out = DATA_DIR / "first-paint.txt"
    out.unlink(missing_ok=True)
    started = time.monotonic()
    process = subprocess.run(
        [PYTHON, "-m", "benchmarks.apps.first_paint", str(out), *args],
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if process.returncode != 0 or not out.exists():
        return None, (process.stderr.strip().splitlines() or ["no output"])[-1]
    return float(out.read_text()) - started, ""


def cold_start(
    results: Results, dbs: dict[str, Path], sizes: list[str], repeat: int, say: Say
) -> None:
    """A new process to the first painted timeline, alternating with a bare Textual app."""
    bare: list[float] = []
    ours: dict[str, list[float]] = {size: [] for size in sizes}
    problem = ""
    if not smoke():  # compile and cache bytecode, warm the page cache: outside the timings
        _first_paint(["bare"])
        for size in sizes:
            _first_paint(["tracker", f"sqlite:///{dbs[size]}"])
    for attempt in range(repeat):
        seconds, why = _first_paint(["bare"])
        if seconds is not None:
            bare.append(seconds)
        for size in sizes:
            seconds, why = _first_paint(["tracker", f"sqlite:///{dbs[size]}"])
            if seconds is None:
                problem = why
                continue
            ours[size].append(seconds)
        say(
            f"  cold start #{attempt + 1}: bare {bare[-1] if bare else float('nan'):.2f} s, "
            + ", ".join(f"{s} {v[-1]:.2f} s" for s, v in ours.items() if v)
        )
    baseline = Measurement("bare Textual app, one empty DataTable: first paint", "—", bare)
    for size in sizes:
        m = Measurement("TUI cold start to first painted timeline", size, ours[size])
        if not m.samples:
            results.add(m, Verdict("first paint", None, problem or "UI not available"))
            results.skipped.append(f"TUI cold start {size}: {problem or 'UI not available'}")
            continue
        limit = COLD_TARGETS.get(size, 1.3)
        ratio = m.median / baseline.median if bare else float("nan")
        results.add(
            m,
            Verdict(
                f"≤ {limit:.1f} s and ≤ 2× bare Textual",
                m.median <= limit and ratio <= 2,
                f"{ratio:.2f}× bare",
            ),
        )
    results.add(baseline)


def in_app(results: Results, db: Path, size: str, repeat: int, say: Say) -> None:
    """Filter keystrokes, page down and jumps inside the app, and its peak RSS."""
    out = DATA_DIR / f"in-app-{size}.json"
    out.unlink(missing_ok=True)
    run(
        [PYTHON, "-m", "benchmarks.apps.in_app", f"sqlite:///{db}", str(out), f"--repeat={repeat}"],
        check=True,
    )
    data = json.loads(out.read_text())
    if "skipped" in data or "error" in data:
        reason = data.get("skipped") or data.get("error")
        say(f"  in-app {size}: {reason}")
        results.skipped.append(f"in-app scenarios {size}: {reason}")
        m = Measurement("filter keystroke to updated table", size, [])
        results.add(m, Verdict("≤ 50 ms p50, ≤ 150 ms p95", None, str(reason)))
        return
    say(
        f"  in-app {size}: "
        + ", ".join(
            f"{k} {statistics.median(v) * 1000:.0f} ms"
            for k, v in data.items()
            if isinstance(v, list)
        )
    )

    def timing(key: str, name: str) -> Measurement:
        return Measurement(name, size, list(data[key]))

    floor = timing("floor", "harness floor: a key bound to nothing, to the next refresh")
    for key, name in (
        ("search_typed", "text search: keystroke → table updated"),
        ("stakeholder_applied", "stakeholder filter: applied → table updated"),
    ):
        m = timing(key, name)
        results.add(
            m,
            Verdict("≤ 50 ms p50, ≤ 150 ms p95", m.median <= 0.050 and m.p95 <= 0.150),
        )
    applied = timing("search_applied", "text search: filter applied → table updated")
    results.add(applied, Verdict("(the part after the filter box parsed the key)", None))
    for key, name in (
        ("page_down", "page down/up: key → new rows on screen"),
        ("jump", "jump to a date: reopen at a day → rows on screen"),
    ):
        m = timing(key, name)
        if m.samples:
            results.add(m, Verdict("≤ 50 ms p50", m.median <= 0.050))
    results.add(floor)
    rss = Measurement("peak RSS browsing (app + harness)", size, [data["peak_rss_mb"]], unit="MB")
    results.add(rss, Verdict("≤ 250 MB", rss.median <= 250))
