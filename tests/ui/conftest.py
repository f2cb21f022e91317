"""Fixtures for the UI tests: a migrated, seeded SQLite file per test and the app built on it."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

from tracker.clock import FixedClock
from tracker.services import Services, open_services
from tracker.settings import Settings
from tracker.ui.app import TrackerApp, create_app

TODAY = dt.date(2022, 6, 6)


def settings_for(path: Path) -> Settings:
    return Settings(db_url=f"sqlite:///{path}", data_dir=path.parent, local_tz=dt.UTC)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample portfolio, migrated and loaded once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("seeded") / "tracker.db"
    services = open_services(settings_for(path), FixedClock.on(TODAY))
    services.seed.load()
    services.close()
    return path


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.on(TODAY)


@pytest.fixture
def settings(tmp_path: Path, seeded_db: Path) -> Settings:
    path = tmp_path / "tracker.db"
    shutil.copy(seeded_db, path)
    return settings_for(path)


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    services = open_services(settings, clock)
    yield services
    services.close()


@pytest.fixture
def app(settings: Settings, services: Services, clock: FixedClock) -> TrackerApp:
    return create_app(settings, services, clock)


async def settle(pilot: Pilot[None], delay: float = 0.0) -> None:
    """Let timers fire, workers finish and their messages land (twice: results start more)."""
    for _ in range(2):
        await pilot.pause(delay)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type `text` as key events, the way a terminal delivers them, then let the app catch up.

    (`pilot.press` waits for the app to go idle after every key, which costs ~50 ms a key.)
    """
    app = pilot.app
    for char in text:
        key = char if char.isalnum() else _character_to_key(char)
        app.post_message(events.Key(key, char))
    await pilot.pause()
