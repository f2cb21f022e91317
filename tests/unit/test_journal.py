"""The command line's undo journal keeps changes exactly, privately, newest first."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

from tracker.domain import Change, Deleted, EventKind
from tracker.services.journal import LIMIT, Journal


def record(n: int) -> Deleted:
    payload: dict[str, object] = {
        "id": n,
        "title": f"Event {n}",
        "kind": EventKind.CALL,
        "start_date": dt.date(2022, 5, 21),
        "start_at": dt.datetime(2022, 5, 21, 14, 30, tzinfo=dt.UTC),
        "end_at": None,
        "tags": ["honduras"],
        "participants": [(3, "host", "attended"), (4, "participant", "invited")],
    }
    return Deleted("event", n, f"Event {n}", payload, (7, 8))


def test_a_change_comes_back_equal_and_the_file_is_private(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "data", "sqlite:///portfolio.db")
    change = Change("edited", record(1), record(2))
    journal.push(change)
    assert Journal(tmp_path / "data", "sqlite:///portfolio.db").pop() == change
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.path.parent.stat().st_mode) == 0o700
    assert journal.pop() is None


def test_one_journal_per_database_newest_first_and_bounded(tmp_path: Path) -> None:
    mine, other = Journal(tmp_path, "sqlite:///a.db"), Journal(tmp_path, "sqlite:///b.db")
    for n in range(LIMIT + 5):
        mine.push(Change("deleted", record(n), None))
    assert other.pop() is None
    popped = [mine.pop() for _ in range(LIMIT + 1)]
    assert [c.record.id for c in popped if c] == list(range(LIMIT + 4, 4, -1))
    assert popped[-1] is None


def test_an_unreadable_journal_is_started_afresh(tmp_path: Path) -> None:
    journal = Journal(tmp_path, "sqlite:///a.db")
    journal.path.write_text("{not json", encoding="utf-8")
    assert journal.pop() is None
    journal.push(Change("deleted", record(1), None))
    assert journal.peek() == Change("deleted", record(1), None)
