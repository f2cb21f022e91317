"""Quick reads (sqlite3, no SQLAlchemy) give what the services give, or step aside for them.

On a real file with varied data (the benchmark generator's fuzzy, exact and timed dates,
several participants, tags and accented names, plus the sample portfolio and a few
hand-made oddities) every listing and window is compared with the services' own; a
database that is not at the schema head, or not there yet, still goes the services' way
(upgraded with a backup); and `event list` on the quick path never loads SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.generate import REFERENCE_DAY, generate
from tests.databases import older_database
from tracker.clock import FixedClock
from tracker.domain import (
    Attendance,
    EventDraft,
    EventFilter,
    EventKind,
    EventLine,
    EventLines,
    EventStatus,
    ParticipantSpec,
    Role,
    StakeholderDraft,
    StakeholderKind,
)
from tracker.render import event_json, events_table
from tracker.services import Services, open_services
from tracker.services.quick import QuickReads, Unreadable
from tracker.settings import Settings
from tracker.storage import lite, migrations
from tracker.storage.engine import make_engine

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated events, the sample portfolio, and participants whose order is delicate."""
    path = tmp_path_factory.mktemp("quick") / "tracker.sqlite3"
    generate(path, 700, seed=7)
    settings = Settings(db_url=f"sqlite:///{path}", data_dir=path.parent, local_tz=dt.UTC)
    services = open_services(settings, FixedClock.on(REFERENCE_DAY))
    try:
        services.seed.load()
        # Two stakeholders of one name (a person and a government: the services refuse a
        # second, but a database may hold them), a name whose stored key is not its
        # case-folded name, and a role outside the ranked ones.
        services.stakeholders.add(StakeholderDraft("Ñandú Örtegá", StakeholderKind.PERSON))
        with sqlite3.connect(path) as connection:
            connection.execute(
                "INSERT INTO stakeholders (name, name_key, kind, title, country, notes, "
                "created_at, updated_at) SELECT name, name_key, "
                "(SELECT kind FROM stakeholders WHERE name = 'Honduras'), title, country, "
                "notes, created_at, updated_at FROM stakeholders WHERE name = 'Ñandú Örtegá'"
            )
        connection.close()
        services.stakeholders.add(StakeholderDraft("Straße Müller", StakeholderKind.MEDIA))
        twins = services.stakeholders.list(search="Ñandú")
        people = [
            *(ParticipantSpec(f"#{s.id}", Role.PARTICIPANT) for s in twins),
            ParticipantSpec("Straße Müller", Role.PARTICIPANT, Attendance.ATTENDED),
            ParticipantSpec("Kamala Harris", Role.MENTIONED),
        ]
        for when in ("May 13, 2022 2:30pm", "late May 2022", "May 30 - June 2, 2022"):
            services.events.add(
                EventDraft(
                    "Çağrı: ‘Ñandú’ briefing", EventKind.CALL, when, participants=tuple(people)
                ),
                create=True,
            )
    finally:
        services.close()
    with sqlite3.connect(path) as connection:  # a key after "ñandú", a name before it
        connection.execute("UPDATE stakeholders SET name_key = 'ñzz' WHERE name = 'Straße Müller'")
    connection.close()
    return path


@pytest.fixture
def services(varied: Path, tmp_path: Path) -> Iterator[Services]:
    svc = open_services(_settings(varied, tmp_path), FixedClock.on(REFERENCE_DAY))
    yield svc
    svc.close()


@pytest.fixture
def quick(varied: Path, tmp_path: Path) -> Iterator[QuickReads]:
    reads = QuickReads.open(_settings(varied, tmp_path), FixedClock.on(REFERENCE_DAY))
    assert reads is not None
    yield reads
    reads.close()


@pytest.fixture
def twins(varied: Path, tmp_path: Path) -> Iterator[QuickReads]:
    """Quick reads on two connections (`event list`'s table): a second thread reads names."""
    reads = QuickReads.open(_settings(varied, tmp_path), FixedClock.on(REFERENCE_DAY), twins=True)
    assert reads is not None and reads.twinned
    yield reads
    reads.close()


def _settings(path: Path, data_dir: Path) -> Settings:
    return Settings(db_url=f"sqlite:///{path}", data_dir=data_dir, local_tz=dt.UTC)


FILTERS = [
    EventFilter(),
    EventFilter(date_from=dt.date(2022, 5, 1), date_to=dt.date(2022, 5, 31)),
    EventFilter(date_from=dt.date(2022, 5, 13), date_to=dt.date(2022, 5, 13)),
    EventFilter(date_from=dt.date(2021, 1, 1), date_to=dt.date(2021, 12, 31)),
    EventFilter(date_from=dt.date(2019, 4, 1), date_to=dt.date(2019, 6, 30)),
    EventFilter(date_from=dt.date(1, 1, 3), date_to=dt.date(2017, 2, 1)),  # reaches past year 1
    EventFilter(date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 1, 1)),  # reversed: none
    EventFilter(date_from=dt.date(2025, 6, 1)),
    EventFilter(date_to=dt.date(2018, 3, 1)),
    EventFilter(kinds=(EventKind.CALL, EventKind.SUMMIT)),
    EventFilter(statuses=(EventStatus.PLANNED, EventStatus.CANCELLED)),
    EventFilter(tags=("migration",)),
    EventFilter(tags=(" Migration ", "migration", "honduras")),
    EventFilter(tags=("no-such-tag",)),
    EventFilter(
        date_from=dt.date(2020, 1, 1),
        date_to=dt.date(2023, 12, 31),
        kinds=(EventKind.MEETING, EventKind.CALL),
        statuses=(EventStatus.HELD,),
    ),
    EventFilter(search="   "),  # blank: no search at all
]


@pytest.mark.parametrize("flt", FILTERS, ids=range(len(FILTERS)))
def test_lists_are_the_services_lists(
    quick: QuickReads, twins: QuickReads, services: Services, flt: EventFilter
) -> None:
    assert quick.covers(flt)
    expected = services.events.list(flt)
    assert quick.list(flt) == expected
    assert quick.list(flt, limit=7) == services.events.list(flt, limit=7)
    assert [event_json(e) for e in quick.list(flt)] == [event_json(e) for e in expected]
    lines = quick.lines(flt)
    assert list(lines) == [EventLine.of(view) for view in expected]
    assert lines == EventLines.of(EventLine.of(view) for view in expected)
    assert list(quick.lines(flt, limit=7)) == list(lines)[:7]
    assert events_table(lines) == events_table(expected)
    assert twins.lines(flt) == lines
    assert list(twins.lines(flt, limit=7)) == list(lines)[:7]


def test_closing_in_the_background_closes_both_connections(twins: QuickReads) -> None:
    """`event list` closes its reads in a thread while it writes the table; the thread
    finishes the close (the interpreter waits for it), and ends both read transactions."""
    assert twins.lines(EventFilter())
    closing = twins.close(in_background=True)
    assert closing is not None and not closing.daemon
    closing.join()
    for connection in (twins._connection, twins._second):
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            connection.execute("SELECT 1")  # type: ignore[union-attr]


def test_the_data_has_what_the_comparison_needs(services: Services) -> None:
    everyone = services.events.list()
    precisions = {e.when.precision for e in everyone}
    assert len(precisions) >= 8 and any(e.when.start_at for e in everyone)
    assert any(len(e.participants) >= 4 for e in everyone)
    assert any(e.open_follow_ups for e in everyone) and any(len(e.tags) >= 2 for e in everyone)
    assert any(not p.name.isascii() for e in everyone for p in e.participants)
    delicate = [e for e in everyone if e.title.startswith("Çağrı")]
    assert len(delicate) == 3
    names = [p.name for p in delicate[0].participants]
    assert names == ["Straße Müller", "Ñandú Örtegá", "Ñandú Örtegá", "Kamala Harris"]


@pytest.mark.parametrize(
    ("before", "after"),
    [(0, 40), (10, 25), (300, 300), (0, 1)],
    ids=["after", "around", "wide", "one"],
)
def test_windows_are_the_services_windows(
    quick: QuickReads, services: Services, before: int, after: int
) -> None:
    services.events.quick_windows = False  # the services' own route, to compare with
    everyone = services.events.list()
    days = [None, everyone[0].when.start, dt.date(2000, 1, 1), dt.date(2022, 5, 21)]
    days += [REFERENCE_DAY, everyone[-1].when.start, dt.date(2090, 1, 1)]
    for day in days:
        expected = services.events.window(EventFilter(), day, before=before, after=after)
        assert quick.window(day, before=before, after=after) == expected, day


def test_filters_of_names_and_words_are_left_to_the_services(quick: QuickReads) -> None:
    for flt in (
        EventFilter(with_names=("Castro",)),
        EventFilter(stakeholder_ids=(1,)),
        EventFilter(search="summit"),
    ):
        assert not quick.covers(flt)
        with pytest.raises(ValueError, match="dates, kinds, statuses and tags"):
            quick.list(flt)


def test_a_value_sqlalchemy_would_not_read_is_left_to_the_services(tmp_path: Path) -> None:
    path = tmp_path / "odd.sqlite3"
    services = open_services(_settings(path, tmp_path), FixedClock.on(REFERENCE_DAY))
    services.events.add(EventDraft("Gala", EventKind.OTHER, "May 2022"))
    services.close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE events SET kind = 'gala'")
    connection.close()
    reads = QuickReads.open(_settings(path, tmp_path))
    assert reads is not None
    with pytest.raises(Unreadable):
        reads.list()
    reads.close()


def test_the_head_is_read_from_the_migrations_as_alembic_reads_it() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrations.alembic_config(make_engine("sqlite://")))
    assert scripts.get_heads() == [lite.scripted_head(str(lite.script_location()))]


# -- the command line ------------------------------------------------------------------------


def _tracker(*args: str, data: Path, code: str = "") -> subprocess.CompletedProcess[str]:
    """`tracker ARGS` in a fresh process (data folder `data`); `code` runs after it there."""
    script = (
        "import sys\nfrom tracker.cli import main\n"
        f"try:\n    main({list(args)!r})\nfinally:\n    sys.stdout.flush()\n{code}"
    )
    environ = {
        **os.environ,
        "TRACKER_DATA_DIR": str(data),
        "TRACKER_TZ": "UTC",
        "TRACKER_TODAY": REFERENCE_DAY.isoformat(),
        "TRACKER_DATE_ORDER": "mdy",
        "COLUMNS": "160",
    }
    environ.pop("TRACKER_DB", None)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environ, cwd=REPO
    )


LOADED = (
    "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic'}))"
)


def test_event_list_prints_the_services_views_without_loading_sqlalchemy(
    varied: Path, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    month = ("--from", "May 2022", "--to", "May 2022")
    listed = _tracker("--db", str(varied), "event", "list", *month, data=tmp_path, code=LOADED)
    assert listed.returncode == 0, listed.stderr
    table, loaded = listed.stdout.rsplit("LOADED ", 1)
    assert loaded == "[]\n"
    expected = services.events.list(
        EventFilter(date_from=dt.date(2022, 5, 1), date_to=dt.date(2022, 5, 31))
    )
    assert len(expected) > 10
    monkeypatch.setenv("COLUMNS", "160")  # the table fits the terminal the process had
    assert table == events_table(expected) + "\n"
    month_json = (*month, "--format", "json")
    as_json = _tracker("--db", str(varied), "event", "list", *month_json, data=tmp_path)
    assert json.loads(as_json.stdout) == [event_json(e) for e in expected]
    # A filter that quick reads leave alone goes through the services, as before.
    with_harris = ("--with", "Kamala Harris")
    named = _tracker("--db", str(varied), "event", "list", *with_harris, data=tmp_path, code=LOADED)
    table, loaded = named.stdout.rsplit("LOADED ", 1)
    assert loaded == "['sqlalchemy']\n"
    flt = EventFilter(with_names=("Kamala Harris",))
    assert table == events_table(services.events.list(flt)) + "\n"


def test_export_writes_the_services_csv_without_loading_sqlalchemy(
    varied: Path, services: Services, tmp_path: Path
) -> None:
    out = tmp_path / "may.csv"
    month = ("--from", "May 2022", "--to", "May 2022")
    args = ("--db", str(varied), "export", "csv", "-o", str(out), "--excel", *month)
    written = _tracker(*args, data=tmp_path, code=LOADED)
    assert written.returncode == 0, written.stderr
    assert written.stdout == "LOADED []\n"
    may = EventFilter(date_from=dt.date(2022, 5, 1), date_to=dt.date(2022, 5, 31))
    expected = io.StringIO()
    count = services.transfer.export_csv(expected, may, excel=True)
    assert count > 10 and written.stderr == f"wrote {count} events to {out}\n"
    assert out.read_bytes().decode("utf-8") == expected.getvalue()
    # To standard output, the whole timeline; a search goes through the services.
    everything = _tracker("--db", str(varied), "export", "csv", data=tmp_path)
    whole = io.StringIO()
    services.transfer.export_csv(whole)
    assert everything.stdout == _universal(whole.getvalue())  # read as text: \n for line ends
    searched = _tracker(
        "--db", str(varied), "export", "csv", "--search", "summit", data=tmp_path, code=LOADED
    )
    table, loaded = searched.stdout.rsplit("LOADED ", 1)
    assert loaded == "['sqlalchemy']\n"
    summits = io.StringIO()
    assert services.transfer.export_csv(summits, EventFilter(search="summit")) > 1
    assert table == _universal(summits.getvalue())


def _universal(text: str) -> str:
    """`text` as a process's output read in text mode reads it (universal newlines)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_an_empty_listing_or_a_bad_date_reads_as_before(varied: Path, tmp_path: Path) -> None:
    result = _tracker("--db", str(varied), "event", "list", "--tag", "nothing", data=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "no events match\n")
    bad = _tracker("--db", str(varied), "event", "list", "--from", "Smarch 2022", data=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("tracker: error: ")
    assert bad.stderr.count("\n") == 1


def test_a_database_behind_the_head_is_upgraded_with_a_backup_as_before(tmp_path: Path) -> None:
    path = older_database(tmp_path / "old.sqlite3")
    assert QuickReads.open(_settings(path, tmp_path)) is None
    result = _tracker("--db", str(path), "event", "list", data=tmp_path, code=LOADED)
    assert result.returncode == 0, result.stderr
    assert "Call with Castro" in result.stdout
    assert "LOADED ['alembic', 'sqlalchemy']" in result.stdout
    backups = sorted(tmp_path.glob("old.sqlite3.*.bak"))
    assert len(backups) == 1 and "before-upgrade-from-0001" in backups[0].name
    reads = QuickReads.open(_settings(path, tmp_path))  # at the head now: quick from here on
    assert reads is not None
    assert [e.title for e in reads.list()] == ["Call with Castro"]
    reads.close()


def test_a_database_not_there_yet_is_created_by_the_services(tmp_path: Path) -> None:
    # The default database, in a data folder not there yet (one named with --db that is
    # not there is not created by a read: see test_cli_safety).
    path = tmp_path / "new" / "tracker.sqlite3"
    result = _tracker("event", "list", data=tmp_path / "new")
    assert (result.returncode, result.stderr) == (0, "no events yet (try `tracker seed`)\n")
    with sqlite3.connect(path) as connection:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    connection.close()
    assert revision == [(lite.scripted_head(str(lite.script_location())),)]


def _copy_with_writer(path: Path, tmp_path: Path) -> tuple[Path, sqlite3.Connection]:
    """A copy of `path` in WAL mode, and a connection to write to it as another process
    would (the caller closes it)."""
    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()
    writer = sqlite3.connect(copy, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    return copy, writer


def test_quick_reads_write_nothing_and_wait_for_no_writer(varied: Path, tmp_path: Path) -> None:
    copy, writer = _copy_with_writer(varied, tmp_path)
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    writer.execute("BEGIN IMMEDIATE")  # another process is in the middle of a write
    writer.execute("UPDATE events SET title = 'Half-written' WHERE id = 1")
    try:
        reads = QuickReads.open(_settings(copy, tmp_path))
        assert reads is not None
        titles = [e.title for e in reads.list()]
        reads.close()
        assert "Half-written" not in titles and len(titles) > 700
        connection = lite.open_at_head(copy)
        assert connection is not None
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute("DELETE FROM event_tags")
        connection.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before


def test_twin_reads_share_one_snapshot_or_read_alone(varied: Path, tmp_path: Path) -> None:
    copy, writer = _copy_with_writer(varied, tmp_path)
    may = EventFilter(date_from=dt.date(2022, 5, 1), date_to=dt.date(2022, 5, 31))
    settings = _settings(copy, tmp_path)
    try:
        reads = QuickReads.open(settings, FixedClock.on(REFERENCE_DAY), twins=True)
        assert reads is not None and reads.twinned
        # Committed after both began: neither connection sees it, names included.
        writer.execute(
            "UPDATE stakeholders SET name = name || ' (ret.)', name_key = name_key || ' (ret.)'"
        )
        names = [name for line in reads.lines(may) for name in line.names]
        reads.close()
        assert names and not any(name.endswith(" (ret.)") for name in names)
        after = QuickReads.open(settings, FixedClock.on(REFERENCE_DAY), twins=True)
        assert after is not None
        renamed = [name for line in after.lines(may) for name in line.names]
        after.close()
        assert renamed == [f"{name} (ret.)" for name in names]

        # The check that pairs the two: a commit between a connection's last read and its
        # new transaction shows; none, and the snapshot is the one it last saw.
        second = sqlite3.connect(copy.as_uri() + "?mode=ro", uri=True, isolation_level=None)
        seen = lite.data_version(second)
        writer.execute("UPDATE events SET title = 'Changed' WHERE id = 1")
        assert not lite.begin_if_unchanged(second, seen)
        assert not second.in_transaction
        seen = lite.data_version(second)
        assert lite.begin_if_unchanged(second, seen)
        writer.execute("UPDATE events SET title = 'Changed again' WHERE id = 1")
        title = second.execute("SELECT title FROM events WHERE id = 1").fetchone()
        assert title == ("Changed",)
        second.close()
    finally:
        writer.close()
