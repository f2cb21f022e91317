"""`services.changes`: another process's commits change the token, this process's do not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.clock import FixedClock
from tracker.domain import EventChanges, EventDraft, EventKind
from tracker.services import Services, open_services
from tracker.settings import Settings


def _check(mine: Services, theirs: Services) -> None:
    event, _ = mine.events.add(EventDraft("Call", EventKind.CALL, "June 7, 2022"))
    start = mine.changes.version()
    mine.events.edit(event.id, EventChanges(title="Call with Castro"))
    assert mine.changes.version() == start  # our own write: the app reloads by itself
    theirs.events.edit(event.id, EventChanges(title="Call with President Castro"))
    assert mine.changes.version() == start + 1
    assert mine.changes.version() == start + 1  # seen once


def test_sqlite_sees_another_connections_commit(services: Services, settings: Settings) -> None:
    other = open_services(settings, FixedClock.on(dt.date(2022, 6, 6)))
    try:
        _check(services, other)
    finally:
        other.close()


@pytest.mark.postgres
def test_postgres_sees_another_connections_commit(pg_url: str, tmp_path: Path) -> None:
    settings = Settings(db_url=pg_url, data_dir=tmp_path, local_tz=dt.UTC)
    mine = open_services(settings, FixedClock.on(dt.date(2022, 6, 6)))
    theirs = open_services(settings, FixedClock.on(dt.date(2022, 6, 6)))
    try:
        _check(mine, theirs)
    finally:
        mine.close()
        theirs.close()
