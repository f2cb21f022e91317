"""The `tracker` command opens the app without building the command line, and paints the
first timeline before SQLAlchemy is loaded; anything else goes to the command line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.launch import _app_only
from tracker.services import Services

REPO = Path(__file__).resolve().parents[2]

# Runs the real entry point headless and leaves at the first painted timeline, printing
# whether SQLAlchemy was imported when its rows came in (they are painted next, and only
# then do the services open) and the rows on screen.
FIRST_PAINT = """
import sys
from textual.app import App
from tracker.ui.widgets.timeline_list import TimelineList

loaded = TimelineList.on_timeline_loaded

def on_timeline_loaded(self, message):
    loaded(self, message)  # the rows are in: the next refresh paints them
    print("SQLALCHEMY", "sqlalchemy" in sys.modules, file=sys.__stderr__)
    def painted():
        print("ROWS", [row.title for row in self.visible_rows()][:3], file=sys.__stderr__)
        self.app.exit()
    self.app.call_after_refresh(painted)

TimelineList.on_timeline_loaded = on_timeline_loaded
run = App.run
App.run = lambda self, *a, **k: run(self, headless=True, size=(100, 30))
from tracker.launch import main
main(sys.argv[1:])
"""


def _run(*args: str, data: Path, script: str | None = None) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "TRACKER_DATA_DIR": str(data),
        "TRACKER_TZ": "UTC",
        "TRACKER_TODAY": "2022-06-06",
    }
    environ.pop("TRACKER_DB", None)
    command = (
        [sys.executable, "-c", script, *args]
        if script
        else [sys.executable, "-m", "tracker", *args]
    )
    return subprocess.run(
        command, capture_output=True, text=True, env=environ, cwd=REPO, timeout=120
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (True, None)),
        (["--db", "x.db"], (True, "x.db")),
        (["--db=x.db"], (True, "x.db")),
        (["--db"], (False, None)),
        (["--db", "--help"], (False, None)),
        (["--help"], (False, None)),
        (["--version"], (False, None)),
        (["event", "list"], (False, None)),
        (["--db", "x.db", "event", "list"], (False, None)),
    ],
)
def test_only_a_bare_command_opens_the_app_directly(
    args: list[str], expected: tuple[bool, str | None]
) -> None:
    assert _app_only(args) == expected


def test_the_app_paints_the_first_timeline_before_sqlalchemy_loads(
    seeded: Services, db_path: Path, tmp_path: Path
) -> None:
    seeded.close()
    result = _run("--db", str(db_path), data=tmp_path, script=FIRST_PAINT)
    assert result.returncode == 0, result.stderr
    assert "SQLALCHEMY False" in result.stderr
    assert "ROWS ['" in result.stderr  # the seeded timeline's rows, from quick reads


def test_a_database_that_is_not_trackers_is_refused_in_one_line(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    before = foreign.read_bytes()
    result = _run("--db", str(foreign), data=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("tracker: error: ")
    assert "does not look like a tracker database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert foreign.read_bytes() == before


def test_commands_still_go_to_the_command_line(
    seeded: Services, db_path: Path, tmp_path: Path
) -> None:
    seeded.close()
    result = _run("--db", str(db_path), "event", "list", "--from", "June 2022", data=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Summit of the Americas" in result.stdout


COLLECTOR = """
import gc, sys
from tracker import cli

ran = cli.main

def main(args):
    print("DURING", gc.isenabled(), gc.get_freeze_count() > 0, file=sys.__stderr__)
    ran(args)

cli.main = main
from tracker.launch import main as launch
try:
    launch(sys.argv[1:])
except SystemExit:
    pass
"""


def test_a_command_runs_with_the_collector_on(tmp_path: Path) -> None:
    # Held off while the modules load, it runs again, over what came after, for the command.
    done = _run("when", "May 2022", data=tmp_path, script=COLLECTOR)
    assert "DURING True True" in done.stderr, done.stderr
    assert "May 2022" in done.stdout


def test_the_app_on_a_db_file_not_there_says_it_creates_it_or_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tracker.launch import check_new_database
    from tracker.settings import Settings

    missing_folder = tmp_path / "no such folder" / "portfolio.db"
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(missing_folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert (
        done.stderr
        == f"tracker: error: no folder {missing_folder.parent} for the database; create it first\n"
    )
    assert not missing_folder.parent.exists()

    check_new_database(Settings.from_env(str(tmp_path / "new.db")), needed=False)
    assert capsys.readouterr().err == f"creating a new database at {tmp_path / 'new.db'}\n"
