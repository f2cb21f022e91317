"""Databases that tests start from."""

from __future__ import annotations

from pathlib import Path

from tracker.storage import migrations
from tracker.storage.engine import make_engine


def older_database(path: Path) -> Path:
    """A SQLite file at the first migration with one event in it (a user's old database)."""
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO events (title, kind, start_date, end_date, precision, sort_time, "
            "location, status, summary, notes, source, created_at, updated_at) VALUES "
            "('Call with Castro', 'call', '2022-05-21', '2022-05-31', 'part', -1, '', 'held', "
            "'', '', '', '2022-06-01 00:00:00', '2022-06-01 00:00:00')"
        )
    engine.dispose()
    return path
