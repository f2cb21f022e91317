"""The same code on a real PostgreSQL 15 server: migrations, services, search, CSV, concurrency."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from tests.integration import workers
from tracker.domain import EventDraft, EventFilter, EventKind, FollowUpDraft
from tracker.services import Services
from tracker.storage import migrations
from tracker.storage.engine import make_engine

pytestmark = pytest.mark.postgres


def test_migrations_round_trip_without_drift(pg_url: str) -> None:
    engine = make_engine(pg_url)
    migrations.upgrade(engine)
    head = migrations.head_revision(engine)
    assert migrations.current_revision(engine) == head
    assert migrations.drift(engine) == []
    migrations.downgrade(engine, "base")
    assert migrations.current_revision(engine) is None
    migrations.upgrade(engine)
    assert migrations.drift(engine) == []
    engine.dispose()


def test_seed_filters_and_search(pg_services: Services) -> None:
    report = pg_services.seed.load()
    assert report.events == 16
    assert pg_services.seed.load().total == 0
    castro = pg_services.events.list(EventFilter(with_names=("Castro",)))
    assert [e.when.label for e in castro] == [
        "January 27, 2022",
        "late May 2022",
        "June 6–10, 2022",
    ]
    found = pg_services.events.list(EventFilter(search="asean"))
    assert [e.title for e in found] == ["US-ASEAN Special Summit"]
    may = pg_services.events.list(
        EventFilter(date_from=castro[1].when.start, date_to=castro[1].when.end)
    )
    assert "Call with President Xiomara Castro" in [e.title for e in may]


def test_csv_from_sqlite_round_trips_through_postgres(
    seeded: Services, pg_services: Services, tmp_path: Path
) -> None:
    first, second = tmp_path / "sqlite.csv", tmp_path / "pg.csv"
    seeded.transfer.export_csv(first)
    report = pg_services.transfer.import_csv(first)
    assert report.added == seeded.events.count()
    pg_services.transfer.export_csv(second)
    assert first.read_bytes() == second.read_bytes()
    # Ids were kept; the sequence moved past them, so a new event gets a fresh id.
    view, _ = pg_services.events.add(EventDraft("New", EventKind.CALL, "June 7, 2022"))
    assert view.id == max(e.id for e in seeded.events.list()) + 1


def test_concurrent_edits_lose_nothing(pg_services: Services, pg_url: str) -> None:
    event, _ = pg_services.events.add(EventDraft("Shared", EventKind.MEETING, "May 2022"))
    follow_up, _ = pg_services.followups.add(FollowUpDraft("Shared follow-up"))
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=workers.add_tags, args=(pg_url, event.id, w, 10)) for w in range(3)]
    procs += [
        ctx.Process(target=workers.append_notes, args=(pg_url, follow_up.id, w, 10))
        for w in range(3)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * 6
    assert len(pg_services.events.get(event.id).tags) == 30
    assert len(pg_services.followups.get(follow_up.id).notes.splitlines()) == 30
