"""Shared fixtures: real SQLite files in tmp_path, a fixed clock, and the CLI run in-process."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracker.clock import FixedClock
from tracker.services import Services, open_services
from tracker.settings import Settings

ARTICLE_DAY = dt.date(2022, 6, 6)  # the day the seed article appeared


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test remembers its preferences (the app's theme) in its own folder."""
    path = tmp_path / "config"
    monkeypatch.setenv("TRACKER_CONFIG_DIR", str(path))
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tracker.sqlite3"


@pytest.fixture
def settings(tmp_path: Path, db_path: Path) -> Settings:
    return Settings(db_url=f"sqlite:///{db_path}", data_dir=tmp_path, local_tz=dt.UTC)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    svc = open_services(settings, FixedClock.on(ARTICLE_DAY))
    yield svc
    svc.close()


@pytest.fixture
def seeded(services: Services) -> Services:
    services.seed.load()
    return services


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_path: Path) -> Path:
    """Environment for running `tracker` in-process against a fresh database file."""
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRACKER_DB", f"sqlite:///{db_path}")
    monkeypatch.setenv("TRACKER_TZ", "UTC")
    monkeypatch.setenv("TRACKER_TODAY", ARTICLE_DAY.isoformat())
    monkeypatch.delenv("TRACKER_DATE_ORDER", raising=False)
    monkeypatch.delenv("TRACKER_FISCAL_START", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return db_path


@pytest.fixture
def cli(cli_env: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `tracker ARGS...` in this process; returns exit code, stdout and stderr."""
    from tracker.cli import main

    def run(*args: str) -> Run:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def services_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Open more databases in tmp_path by file name (closed at the end of the test)."""
    opened: list[Services] = []

    def make(name: str) -> Services:
        settings = Settings(
            db_url=f"sqlite:///{tmp_path / name}", data_dir=tmp_path, local_tz=dt.UTC
        )
        svc = open_services(settings, FixedClock.on(ARTICLE_DAY))
        opened.append(svc)
        return svc

    yield make
    for svc in opened:
        svc.close()


@pytest.fixture(scope="session")
def postgres():  # type: ignore[no-untyped-def]
    """One PostgreSQL server for the whole run; skipped only where no binaries exist and
    TRACKER_REQUIRE_POSTGRES is unset (CI sets it, so there it must run)."""
    import os

    from tests.pg import PostgresServer

    try:
        server = PostgresServer.start()
    except FileNotFoundError as exc:
        if os.environ.get("TRACKER_REQUIRE_POSTGRES"):
            raise
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres, request: pytest.FixtureRequest) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty database on the test server."""
    import re

    from sqlalchemy import create_engine

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    admin = create_engine(postgres.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return str(postgres.url(name))


@pytest.fixture
def pg_services(pg_url: str, tmp_path: Path) -> Iterator[Services]:
    settings = Settings(db_url=pg_url, data_dir=tmp_path, local_tz=dt.UTC)
    svc = open_services(settings, FixedClock.on(ARTICLE_DAY))
    yield svc
    svc.close()
