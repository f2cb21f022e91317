"""Worker functions for the multi-process tests (importable by spawned processes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tracker.clock import FixedClock
from tracker.domain import EventChanges, FollowUpChanges
from tracker.services import open_services
from tracker.settings import Settings


def _services(db: str) -> object:
    url = db if "://" in db else f"sqlite:///{db}"
    settings = Settings(db_url=url, data_dir=Path("."), local_tz=dt.UTC)
    return open_services(settings, FixedClock.on(dt.date(2022, 6, 6)), migrate=False)


def append_notes(db: str, follow_up_id: int, worker: int, count: int) -> None:
    services = _services(db)
    for n in range(count):
        services.followups.edit(  # type: ignore[attr-defined]
            follow_up_id, FollowUpChanges(append_note=f"w{worker}-{n}")
        )
    services.close()  # type: ignore[attr-defined]


def add_tags(db: str, event_id: int, worker: int, count: int) -> None:
    services = _services(db)
    for n in range(count):
        services.events.edit(  # type: ignore[attr-defined]
            event_id, EventChanges(add_tags=(f"w{worker}-{n}",))
        )
    services.close()  # type: ignore[attr-defined]
