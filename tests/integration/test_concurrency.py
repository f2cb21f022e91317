"""Several processes doing read-modify-write on one SQLite file lose no update."""

from __future__ import annotations

import multiprocessing

import pytest

from tests.integration import workers
from tracker.domain import EventDraft, EventKind, FollowUpDraft
from tracker.services import Services

WORKERS = 4
EACH = 15


def run_workers(target, *args) -> None:  # type: ignore[no-untyped-def]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=target, args=(*args, w, EACH)) for w in range(WORKERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [proc.exitcode for proc in procs] == [0] * WORKERS


@pytest.mark.timeout_sensitive
def test_no_note_appended_to_a_follow_up_is_lost(services: Services, db_path) -> None:
    view, _ = services.followups.add(FollowUpDraft("Shared follow-up"))
    run_workers(workers.append_notes, str(db_path), view.id)
    lines = services.followups.get(view.id).notes.splitlines()
    assert sorted(lines) == sorted(f"w{w}-{n}" for w in range(WORKERS) for n in range(EACH))


@pytest.mark.timeout_sensitive
def test_no_tag_added_to_an_event_is_lost(services: Services, db_path) -> None:
    view, _ = services.events.add(EventDraft("Shared event", EventKind.MEETING, "May 2022"))
    run_workers(workers.add_tags, str(db_path), view.id)
    tags = services.events.get(view.id).tags
    assert len(tags) == WORKERS * EACH
