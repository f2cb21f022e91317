"""A big CSV file gives PostgreSQL (through Core) the data it gives SQLite (through its driver)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from benchmarks.generate import generate
from tests.conftest import ARTICLE_DAY
from tracker.clock import FixedClock
from tracker.services import Services, open_services
from tracker.settings import Settings

pytestmark = pytest.mark.postgres


def _exported(folder: Path, events: int) -> Path:
    generate(folder / "generated.sqlite3", events, seed=29)
    settings = Settings(
        db_url=f"sqlite:///{folder / 'generated.sqlite3'}", data_dir=folder, local_tz=dt.UTC
    )
    services = open_services(settings, FixedClock.on(ARTICLE_DAY))
    try:
        services.transfer.export_csv(folder / "export.csv")
    finally:
        services.close()
    return folder / "export.csv"


def _mixed(source: Path, target: Path) -> Path:
    """New engagements whose ids are taken, blank, or new and above every other id: a
    blank one after a new high id takes the id after it, on either database."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:40]
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        for number, row in enumerate(rows):
            ids = (row["id"], "", str(5_000 + number))
            writer.writerow({**row, "title": f"{row['title']} again", "id": ids[number % 3]})
    return target


def test_a_big_file_stores_the_same_on_both(
    services: Services, pg_services: Services, tmp_path: Path
) -> None:
    source = _exported(tmp_path, 600)
    mixed = _mixed(source, tmp_path / "mixed.csv")
    exports = []
    for name, target in (("sqlite", services), ("postgres", pg_services)):
        for path in (source, mixed):
            report = target.transfer.import_csv(path)
            assert report.skipped == 0
        out = tmp_path / f"{name}.csv"
        target.transfer.export_csv(out)
        exports.append(out.read_bytes())
    assert exports[0] == exports[1]
