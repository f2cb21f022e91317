"""The app in a real terminal (tmux), typed at 60 ms a key with no pause after any key that
opens something: what was typed is exactly what is stored and exported."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.ui.conftest import TODAY, settings_for
from tracker.clock import FixedClock
from tracker.domain import FollowUpScope, FollowUpStatus
from tracker.services import open_services

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

KEY_GAP = 0.06
SESSION = f"tracker-test-{os.getpid()}"


class Terminal:
    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), *args], capture_output=True, text=True, timeout=20
        )
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", SESSION)

    def wait_for(self, check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen:\n{self.screen()}")

    def type(self, *keys: str) -> None:
        """Each key as its own keystroke, 60 ms apart; a literal text is typed a character
        at a time, names in <angle brackets> are tmux key names (Tab, C-s, Space)."""
        for key in keys:
            if key.startswith("<") and key.endswith(">"):
                self.tmux("send-keys", "-t", SESSION, key[1:-1])
                time.sleep(KEY_GAP)
                continue
            for char in key:
                self.tmux("send-keys", "-t", SESSION, "-l", char)
                time.sleep(KEY_GAP)


@pytest.fixture
def terminal(tmp_path: Path, seeded_db: Path) -> Iterator[tuple[Terminal, Path]]:
    db = tmp_path / "tracker.db"
    shutil.copy(seeded_db, db)
    env = {
        **os.environ,
        "TRACKER_DB": str(db),
        "TRACKER_TODAY": TODAY.isoformat(),
        "TRACKER_TZ": "UTC",
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
    }
    term = Terminal(tmp_path / "tmux.sock")
    command = f"cd {tmp_path} && {sys.executable} -m tracker"
    subprocess.run(
        [
            "tmux",
            "-S",
            str(term.socket),
            "new-session",
            "-d",
            "-s",
            SESSION,
            "-x",
            "120",
            "-y",
            "36",
            command,
        ],
        check=True,
        env=env,
        timeout=20,
    )
    try:
        term.wait_for(lambda: "Timeline" in term.screen(), "the app to start")
        yield term, db
    finally:
        term.tmux("kill-server")


def test_typed_at_speed_everything_lands_where_it_was_typed(
    terminal: tuple[Terminal, Path], tmp_path: Path
) -> None:
    term, db = terminal
    services = open_services(settings_for(db), FixedClock.on(TODAY))
    try:
        before = {f.id: f.status for f in services.followups.list(FollowUpScope.ALL)}
        export = tmp_path / "out.csv"
        term.type(
            "a", "Readout call with Honduras", "<Tab>", "<Tab>", "June 7, 2022", "<C-s>",
            "f", "Send the readout to the embassy", "<C-s>",
            "3", "<Space>", "<Space>",
            "1", "x", "<C-u>", str(export), "<C-s>",
        )  # fmt: skip
        term.wait_for(export.exists, "the export")
        term.wait_for(lambda: "Exported" in term.screen(), "the export to finish")

        added = [e for e in services.events.list() if e.title == "Readout call with Honduras"]
        assert len(added) == 1
        event = services.events.get(added[0].id)
        assert event.when.label == "June 7, 2022"
        follow_ups = {f.id: f for f in services.followups.list(FollowUpScope.ALL)}
        new = [f for f in follow_ups.values() if f.id not in before]
        assert [(f.text, f.event_id, f.status) for f in new] == [
            ("Send the readout to the embassy", event.id, FollowUpStatus.OPEN)
        ]
        # toggled twice: every follow-up is as it was
        assert {i: f.status for i, f in follow_ups.items() if i in before} == before

        with export.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        exported = [r for r in rows if r["title"] == "Readout call with Honduras"]
        assert len(exported) == 1
        assert "[open] Send the readout to the embassy" in exported[0]["follow_ups"]
        assert len(rows) == services.events.count()
    finally:
        services.close()
