"""The benchmark code still runs: the generator and every scenario once, on a tiny database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.generate import REFERENCE_DAY, generate

ROOT = Path(__file__).resolve().parents[2]


def test_the_generator_writes_a_database_tracker_reads(tmp_path: Path) -> None:
    from tracker.clock import FixedClock
    from tracker.domain import EventFilter
    from tracker.services import open_services
    from tracker.settings import Settings
    from tracker.storage import migrations

    path = tmp_path / "tiny.sqlite3"
    made = generate(path, 200, seed=3)
    assert (made.events, made.stakeholders, made.follow_ups) == (200, 20, 100)
    assert 200 <= made.participations <= 8 * 200
    services = open_services(
        Settings(db_url=f"sqlite:///{path}", data_dir=tmp_path), FixedClock.on(REFERENCE_DAY)
    )
    try:
        assert migrations.drift(services.ctx.engine) == []
        events = services.events.list()
        assert len(events) == 200
        assert all(1 <= len(e.participants) <= 8 for e in events)
        assert {e.when.precision.value for e in events} >= {"minute", "day", "days", "month"}
        word = events[0].title.split()[-1]
        assert services.events.count(EventFilter(search=word)) >= 1
    finally:
        services.close()
    again = generate(tmp_path / "again.sqlite3", 200, seed=3)
    assert again.participations == made.participations  # the same seed, the same data


def test_every_scenario_runs_once_on_a_tiny_database(tmp_path: Path) -> None:
    env = dict(os.environ, TRACKER_BENCHMARK_DATA=str(tmp_path))
    results = tmp_path / "RESULTS.md"
    command = [sys.executable, "-m", "benchmarks", "--sizes", "tiny", "--repeat", "1"]
    done = subprocess.run(
        [*command, "--smoke", "--results", str(results)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = results.read_text()
    for scenario in (
        "tracker export csv",
        "tracker import csv",
        "tracker event list",
        "bare Textual app",
    ):
        assert scenario in table
    # The UI scenarios either ran or say plainly why not.
    assert "TUI cold start" in table
    assert "keystroke" in table or "UI not available" in table
    assert "error" not in table.lower()
