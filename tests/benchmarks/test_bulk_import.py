"""The bulk import's SQLite path stores what the Core path stores, on generated data.

On SQLite the import writes through the driver, numbers new rows itself and builds its
indexes after a big load; every other database goes through Core. Both are run here on
the same files (`SQLITE_DRIVER` off gives SQLite the Core path) and the databases compared
table by table, with their schema, search answers and search settings; a rejected or dry
import must leave all of that as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import REFERENCE_DAY, generate
from tracker.clock import FixedClock
from tracker.errors import UserError
from tracker.services import (
    ImportRejected,
    Services,
    bulk_import,
    import_start,
    import_worker,
    open_services,
)
from tracker.settings import Settings

SEARCHED = ("summit", "cas", "ö", "border", "a", "washington", "o'connor")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 generated events as `export csv` writes them (more than BULK_INDEX_FROM)."""
    folder = tmp_path_factory.mktemp("bulk")
    generate(folder / "generated.sqlite3", 600, seed=23)
    services = _open(folder / "generated.sqlite3")
    try:
        services.transfer.export_csv(folder / "export.csv")
    finally:
        services.close()
    return folder / "export.csv"


@pytest.fixture(params=["driver", "core", "worker"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    _use(monkeypatch, request.param)
    return str(request.param)


def _use(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """The SQLite driver path in this process, the Core path, or the driver path with the
    rows read by a worker process (a small chunk, so that these files take several)."""
    monkeypatch.setattr(bulk_import, "SQLITE_DRIVER", path != "core")
    monkeypatch.setattr(import_worker, "WORKER_FROM_BYTES", 0 if path == "worker" else 2**62)
    monkeypatch.setattr(import_worker, "CHUNK_ROWS", 70)
    monkeypatch.setattr(import_worker, "FIRST_CHUNK_ROWS", 30)
    monkeypatch.setattr(import_worker, "TEXT_INDEX_EVERY", 150)
    # Some of the indexes set aside are built as the last chunks come, the rest at the end.
    monkeypatch.setattr(import_worker, "INDEXES_BEFORE_END", 150)


def _open(db: Path, clock: Any = None) -> Services:
    settings = Settings(db_url=f"sqlite:///{db}", data_dir=db.parent, local_tz=dt.UTC)
    return open_services(settings, clock or FixedClock.on(REFERENCE_DAY))


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Services]:
    services = _open(tmp_path / "fresh.sqlite3")
    yield services
    services.close()


def _contents(db: Path) -> dict[str, Any]:
    """Everything an import may change: each table's rows (without the timestamps of the
    moment), the schema, the search index's answers and settings. Rows with an id of their
    own are compared with it, in id order; the rows of a table keyed by other columns (who
    took part in which event, an event's tags) as a set: SQLite's own numbering of those
    follows the order they were written in, which a worker's chunks change, and nothing
    reads it."""
    with sqlite3.connect(db) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'events_fts%' ORDER BY name"
            )
        ]
        found: dict[str, Any] = {}
        for table in tables:
            columns = [
                row[1]
                for row in connection.execute(f"PRAGMA table_info({table})")
                if row[1] not in ("created_at", "updated_at")
            ]
            key = [
                row[2].upper()
                for row in connection.execute(f"PRAGMA table_info({table})")
                if row[5]
            ]
            if key == ["INTEGER"]:  # a one-column INTEGER PRIMARY KEY is the rowid
                found[table] = connection.execute(
                    f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid"
                ).fetchall()
            else:
                found[table] = sorted(
                    connection.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(),
                    key=repr,
                )
        found["schema"] = sorted(
            connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
        )
        found["search"] = [
            connection.execute(
                "SELECT rowid FROM events_fts WHERE events_fts MATCH ? ORDER BY rowid",
                (f'"{word}"*',),
            ).fetchall()
            for word in SEARCHED
        ]
        found["search settings"] = connection.execute(
            "SELECT k, v FROM events_fts_config ORDER BY k"
        ).fetchall()
        connection.execute("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')")
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    return found


def _cache_size(services: Services) -> int:
    with services.ctx.engine.connect() as connection:
        return int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())


def _rewrite(source: Path, target: Path, change: Any) -> Path:
    """`source` with each row passed through `change` (which may drop it by giving None)."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        for number, row in enumerate(rows):
            changed = change(number, row)
            if changed is not None:
                writer.writerow(changed)
    return target


def _moved(number: int, row: dict[str, str], *, keep_all: bool = False) -> dict[str, str] | None:
    """Another engagement under a new title: its id is taken (it takes the next one), or
    left blank, or one no event has yet; every fourth row is left out unless `keep_all`."""
    if number % 4 == 3 and not keep_all:
        return None
    row = {**row, "title": f"{row['title']} (follow-up meeting)"}
    if number % 4 == 1:
        row["id"] = ""
    if number % 4 == 2:
        row["id"] = str(10_000 + number)
    return row


def test_an_export_goes_in_and_comes_out_the_same(
    exported: Path, fresh: Services, path: str, tmp_path: Path
) -> None:
    # A time written in a named zone comes back in its offset, so the first file read back
    # is the one that must survive a second round trip byte for byte.
    cache_size = _cache_size(fresh)
    report = fresh.transfer.import_csv(exported)
    assert report.added == 600 >= bulk_import.BULK_INDEX_FROM
    assert _cache_size(fresh) == cache_size  # the load's larger page cache is given back
    second, third = tmp_path / "second.csv", tmp_path / "third.csv"
    fresh.transfer.export_csv(second)
    again = _open(tmp_path / "again.sqlite3")
    try:
        assert again.transfer.import_csv(second).added == 600
        again.transfer.export_csv(third)
    finally:
        again.close()
    assert second.read_bytes() == third.read_bytes()


def test_both_paths_store_the_same_rows(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into an empty database (indexes built after the load), then files of new rows into
    it: a small one (indexes kept up row by row) and one that grows the events by less than
    double (search index after, other indexes kept up); compared after every step."""
    small = _rewrite(
        exported, tmp_path / "small.csv", lambda n, r: _moved(n, r) if n < 120 else None
    )
    big = _rewrite(exported, tmp_path / "big.csv", lambda n, r: _moved(n, r, keep_all=True))
    reports: dict[str, list[tuple[int, int, int, int]]] = {}
    contents: dict[str, list[dict[str, Any]]] = {}
    for driver in ("driver", "core", "worker"):
        _use(monkeypatch, driver)
        db = tmp_path / f"{driver}.sqlite3"
        services = _open(db)
        try:
            for source in (exported, small, big):
                report = services.transfer.import_csv(source)
                reports.setdefault(driver, []).append(
                    (
                        report.added,
                        report.skipped,
                        report.follow_ups,
                        len(report.created_stakeholders),
                    )
                )
                contents.setdefault(driver, []).append(_contents(db))
        finally:
            services.close()
    assert reports["driver"] == reports["core"] == reports["worker"]
    first, second, third = (added for added, *_ in reports["driver"])
    assert (first, second) == (600, 90)
    # About 90 of the big file's rows are the small one's (not all are recognised as such:
    # SQLite's lower() folds ASCII only); enough are new to index their text after the load,
    # too few to build the other indexes again.
    assert bulk_import.BULK_INDEX_FROM <= third < first + second
    for other in ("core", "worker"):
        for after_driver, after_other in zip(contents["driver"], contents[other], strict=True):
            assert after_driver.keys() == after_other.keys()
            for key in after_driver:
                assert after_driver[key] == after_other[key], (other, key)


def test_a_rejected_file_writes_nothing(
    exported: Path, fresh: Services, path: str, tmp_path: Path
) -> None:
    fresh.transfer.import_csv(
        _rewrite(exported, tmp_path / "some.csv", lambda n, r: r if n < 50 else None)
    )
    db = Path(str(fresh.ctx.engine.url.database))
    before = _contents(db)

    def spoiled(number: int, row: dict[str, str]) -> dict[str, str]:
        if number == 100:
            return {**row, "kind": "party"}
        if number == 400:
            return {**row, "start": "", "precision": "", "when": "sometime soon"}
        return row

    bad = _rewrite(exported, tmp_path / "bad.csv", spoiled)
    with pytest.raises(ImportRejected) as caught:
        fresh.transfer.import_csv(bad)
    lines = [problem.line for problem in caught.value.problems]
    assert len(lines) == 2 and lines == sorted(lines)
    assert _contents(db) == before


def test_a_dry_run_writes_nothing(exported: Path, fresh: Services, path: str) -> None:
    db = Path(str(fresh.ctx.engine.url.database))
    before = _contents(db)
    report = fresh.transfer.import_csv(exported, dry_run=True)
    assert report.added == 600 and report.dry_run
    # The dropped trigger and indexes and the search settings came back with the rollback.
    assert _contents(db) == before


class _DayPerRead:
    """A clock whose day moves on each time it is asked (an import running past midnight)."""

    def __init__(self, first: dt.date) -> None:
        self.day = first - dt.timedelta(days=1)

    def now(self) -> dt.datetime:
        return dt.datetime(self.day.year, self.day.month, self.day.day, 12, tzinfo=dt.UTC)

    def today(self) -> dt.date:
        self.day += dt.timedelta(days=1)
        return self.day


def test_a_date_read_once_is_not_reused_for_another_day(tmp_path: Path) -> None:
    source = tmp_path / "relative.csv"
    source.write_text(
        "title,kind,when,status\r\nFirst,call,tomorrow,planned\r\nSecond,call,tomorrow,planned\r\n",
        encoding="utf-8",
    )
    services = _open(tmp_path / "relative.sqlite3", _DayPerRead(dt.date(2022, 6, 6)))
    try:
        services.transfer.import_csv(source)
        starts = {e.title: e.when.start for e in services.events.list()}
    finally:
        services.close()
    assert starts["Second"] - starts["First"] == dt.timedelta(days=1)


def test_a_file_that_goes_wrong_midway_writes_nothing(
    exported: Path, fresh: Services, path: str, tmp_path: Path
) -> None:
    """Bytes that are not UTF-8 after a few chunks: the same error, and nothing written."""
    db = Path(str(fresh.ctx.engine.url.database))
    before = _contents(db)
    broken = tmp_path / "broken.csv"
    data = exported.read_bytes()
    broken.write_bytes(data[: len(data) // 2] + b"\xff" + data[len(data) // 2 :])
    with pytest.raises(UserError, match="is not UTF-8 text"):
        fresh.transfer.import_csv(broken)
    assert _contents(db) == before


def test_a_row_naming_someone_twice_is_reported_as_one_by_one(
    fresh: Services, path: str, tmp_path: Path
) -> None:
    source = tmp_path / "twice.csv"
    source.write_text(
        "title,kind,when,participants\r\n"
        "Fine,call,May 2022,Ann Lee; Bo Park\r\n"
        'Twice,call,May 2022,"Ann Lee (host, confirmed); Cy Ng; ann  lee"\r\n'
        "Once more,call,May 2022,Bo Park; Bo Park\r\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        fresh.transfer.import_csv(source)
    assert [str(problem) for problem in caught.value.problems] == [
        "line 3: Ann Lee is listed twice among the participants",
        "line 4: Bo Park is listed twice among the participants",
    ]


def test_references_are_checked_again_after_an_import(
    exported: Path, fresh: Services, path: str, tmp_path: Path
) -> None:
    """A worker's import writes without SQLite's foreign key checks; the connection it used
    checks them again afterwards, whether the import was committed or rolled back."""
    fresh.transfer.import_csv(exported)
    bad = _rewrite(exported, tmp_path / "bad.csv", lambda n, r: {**r, "kind": "?"} if n else r)
    with pytest.raises(ImportRejected):
        fresh.transfer.import_csv(bad)
    with fresh.ctx.write() as session:  # the pool lends the connection returned last
        assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_reading_process_started_early_does_the_import(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command starts a big file's reading process as it begins (`import_start`); the
    import takes it and hands it its job: the same rows as a process started by the import."""
    _use(monkeypatch, "worker")
    monkeypatch.setattr(import_start, "WORKER_FROM_BYTES", 0)
    contents = []
    for early in (True, False):
        db = tmp_path / f"early-{early}.sqlite3"
        services = _open(db)
        try:
            if early:
                import_start.start_early(exported, services.ctx.settings.db_url)
                assert import_start._early is not None
                worker = import_start._early[1]
            assert services.transfer.import_csv(exported).added == 600
            assert import_start._early is None
            if early:
                assert worker.process.exitcode == 0
        finally:
            import_start.discard()
            services.close()
        contents.append(_contents(db))
    assert contents[0] == contents[1]


def test_a_reading_process_no_import_takes_is_stopped(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_start, "WORKER_FROM_BYTES", 0)
    import_start.start_early(exported, "postgresql://nowhere/tracker")  # not for this one
    assert import_start._early is None
    import_start.start_early(exported, f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    assert import_start._early is not None
    worker = import_start._early[1]
    assert import_start.take(tmp_path / "another.csv") is None  # for another file: not taken
    import_start.discard()
    assert import_start._early is None
    assert worker.process.exitcode == 0


def test_the_command_imports_a_big_file_with_its_early_reading_process(
    exported: Path, cli: Any, cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, "worker")
    monkeypatch.setattr(import_start, "WORKER_FROM_BYTES", 0)
    result = cli("import", "csv", str(exported))
    assert (result.code, result.err) == (0, f"creating a new database at {cli_env}\n")
    assert result.out.startswith("added 600 events")
    assert import_start._early is None
    with sqlite3.connect(cli_env) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (600,)
