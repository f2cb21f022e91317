"""What the CLI does not do silently: replace files, delete without asking, create databases
a read named, leave files others can read, leave half-written files behind."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import older_database
from tracker.exporting.files import free_name, remove_stale_parts
from tracker.launch import BUSY, database_error
from tracker.services import Services
from tracker.storage.engine import Busy, make_engine, writing


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        found = conn.execute(sql).fetchall()
    conn.close()
    return found


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that takes nothing away: what tracker creates must restrict itself."""
    before = os.umask(0)
    yield
    os.umask(before)


@pytest.fixture
def seeded_cli(cli, cli_env: Path):  # type: ignore[no-untyped-def]
    assert cli("seed").code == 0
    return cli


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


# -- exports -------------------------------------------------------------------------------


def test_an_export_does_not_replace_a_file_unless_forced(seeded_cli, tmp_path: Path) -> None:
    out = tmp_path / "timeline.csv"
    out.write_text("precious\n")
    refused = seeded_cli("export", "csv", "-o", str(out))
    assert refused.code == 2
    assert (
        refused.err
        == f"tracker: error: {out} already exists; not replacing it (--force replaces it)\n"
    )
    assert out.read_text() == "precious\n"
    os.chmod(out, 0o640)
    forced = seeded_cli("export", "csv", "-o", str(out), "--force")
    assert forced.code == 0, forced.err
    assert out.read_text().startswith("id,start,end")
    assert mode(out) == 0o640  # the replaced file's permissions are kept


def test_a_new_export_is_readable_by_its_owner_only(
    seeded_cli, tmp_path: Path, open_umask: None
) -> None:
    out = tmp_path / "timeline.csv"
    assert seeded_cli("export", "csv", "-o", str(out)).code == 0
    assert mode(out) == 0o600
    full = tmp_path / "full.csv"  # a filter the quick reads do not cover: the services' path
    assert seeded_cli("export", "csv", "-o", str(full), "--with", "Castro").code == 0
    assert mode(full) == 0o600


def test_an_export_removes_what_a_killed_export_left(seeded_cli, tmp_path: Path) -> None:
    out = tmp_path / "timeline.csv"
    stale = tmp_path / f".timeline.csv.tracker-{_dead_pid()}-x1y2.part"
    live = tmp_path / f".timeline.csv.tracker-{os.getpid()}-a1b2.part"  # a run still going
    other = tmp_path / f".other.csv.tracker-{_dead_pid()}-x1y2.part"  # another target's
    for path in (stale, live, other):
        path.write_text("half")
    assert seeded_cli("export", "csv", "-o", str(out)).code == 0
    assert not stale.exists()
    assert live.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [live.name, other.name, "timeline.csv", "tracker.sqlite3", *_wal(tmp_path)]
    )


def _wal(folder: Path) -> list[str]:
    return [p.name for p in folder.glob("tracker.sqlite3-*")]


def test_free_name_proposes_the_first_name_not_taken(tmp_path: Path) -> None:
    target = tmp_path / "timeline.csv"
    assert free_name(target) == target
    target.write_text("")
    assert free_name(target) == tmp_path / "timeline (2).csv"
    (tmp_path / "timeline (2).csv").write_text("")
    assert free_name(target) == tmp_path / "timeline (3).csv"


def test_remove_stale_parts_leaves_other_files(tmp_path: Path) -> None:
    dead = _dead_pid()
    kept = [
        tmp_path / "timeline.csv",
        tmp_path / f".timeline.csv.{dead}.part",  # not of our naming
        tmp_path / f".timeline.csv.tracker-{os.getpid()}-ab.part",
    ]
    gone = tmp_path / f".timeline.csv.tracker-{dead}-ab.part"
    for path in [*kept, gone]:
        path.write_text("")
    assert remove_stale_parts(tmp_path / "timeline.csv") == [gone]
    assert all(p.exists() for p in kept)


# -- deleting asks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "table", "what"),
    [
        (("event", "delete", "1"), "events", "delete event 1 and its participations"),
        (("followup", "delete", "1"), "follow_ups", "delete follow-up 1"),
        (
            ("stakeholder", "delete", "Xiomara Castro", "--force"),
            "stakeholders",
            "delete stakeholder 'Xiomara Castro'",
        ),
        (
            ("stakeholder", "merge", "Joe Biden", "Xiomara Castro"),
            "stakeholders",
            "merge Joe Biden into Xiomara Castro",
        ),
    ],
)
def test_deleting_outside_a_terminal_needs_yes(
    seeded_cli, cli_env: Path, args: tuple[str, ...], table: str, what: str
) -> None:
    before = rows(cli_env, f"SELECT count(*) FROM {table}")
    refused = seeded_cli(*args)
    assert refused.code == 2
    assert refused.err == (
        f"tracker: error: pass --yes to {what} (not asked: input is not a terminal)\n"
    )
    assert rows(cli_env, f"SELECT count(*) FROM {table}") == before
    done = seeded_cli(*args, "--yes")
    assert done.code == 0, done.err
    assert rows(cli_env, f"SELECT count(*) FROM {table}") != before


def test_downgrading_to_base_needs_yes(seeded_cli, cli_env: Path) -> None:
    refused = seeded_cli("db", "downgrade", "base")
    assert refused.code == 2 and "pass --yes to downgrade to base" in refused.err
    assert rows(cli_env, "SELECT count(*) FROM events") == [(16,)]
    assert list(cli_env.parent.glob("*.bak")) == []  # asked before anything was copied


def _at_a_terminal(args: list[str], answer: str, env: dict[str, str]) -> tuple[int, str]:
    """`tracker ARGS` with a terminal as its input, answering `answer`."""
    leader, follower = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    os.write(leader, answer.encode())
    _out, err = process.communicate(timeout=120)
    os.close(leader)
    return process.returncode, err.decode()


def test_at_a_terminal_deleting_asks_first(seeded_cli, cli_env: Path) -> None:
    env = {**os.environ, "TRACKER_DB": str(cli_env)}
    code, err = _at_a_terminal(["event", "delete", "1"], "n\n", env)
    assert code == 1
    assert "Delete event 1 and its participations? [y/N]" in err
    assert rows(cli_env, "SELECT count(*) FROM events WHERE id = 1") == [(1,)]
    code, err = _at_a_terminal(["event", "delete", "1"], "y\n", env)
    assert code == 0, err
    assert rows(cli_env, "SELECT count(*) FROM events WHERE id = 1") == [(0,)]


# -- databases named that are not there ------------------------------------------------------


def test_a_read_of_a_database_not_there_does_not_create_it(cli, tmp_path: Path) -> None:
    path = tmp_path / "typo.sqlite3"
    for args in (("event", "list"), ("export", "csv"), ("db", "current"), ("event", "show", "1")):
        result = cli("--db", str(path), *args)
        assert (result.code, result.err) == (2, f"tracker: error: no database at {path}\n")
    assert not path.exists()


def test_a_write_creates_the_database_and_says_so(cli, tmp_path: Path, open_umask: None) -> None:
    path = tmp_path / "new.sqlite3"
    added = cli("--db", str(path), "event", "add", "Call", "--kind", "call", "--when", "May 2022")
    assert added.code == 0
    assert added.err == f"creating a new database at {path}\n"
    assert rows(path, "SELECT title FROM events") == [("Call",)]
    assert mode(path) == 0o600
    for companion in tmp_path.glob("new.sqlite3-*"):  # WAL and shared memory
        assert mode(companion) == 0o600, companion
    again = cli("--db", str(path), "event", "list")
    assert again.code == 0 and again.err == ""


def test_a_missing_folder_for_the_database_is_not_created(cli, tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "tracker.sqlite3"
    for args in (("event", "list"), ("seed",), ("db", "upgrade")):
        result = cli("--db", str(path), *args)
        assert result.code == 2
        assert (
            result.err
            == f"tracker: error: no folder {path.parent} for the database; create it first\n"
        )
    assert not (tmp_path / "no").exists()


def test_the_default_database_is_made_on_first_use_owner_only(
    tmp_path: Path, open_umask: None
) -> None:
    data = tmp_path / "fresh" / "data"
    env = {**os.environ, "TRACKER_DATA_DIR": str(data), "TRACKER_TZ": "UTC"}
    env.pop("TRACKER_DB", None)
    seeded = subprocess.run(
        [sys.executable, "-m", "tracker", "seed"], capture_output=True, text=True, env=env
    )
    assert seeded.returncode == 0, seeded.stderr
    assert mode(data) == 0o700 and mode(data.parent) == 0o700
    assert mode(data / "tracker.sqlite3") == 0o600
    listed = subprocess.run(
        [sys.executable, "-m", "tracker", "event", "list"], capture_output=True, text=True, env=env
    )
    assert listed.returncode == 0 and "Summit of the Americas" in listed.stdout


# -- backups and downgrades ----------------------------------------------------------------


def test_a_backup_never_replaces_a_file(seeded_cli, tmp_path: Path, open_umask: None) -> None:
    out = tmp_path / "copy.sqlite3"
    made = seeded_cli("db", "backup", "-o", str(out))
    assert made.code == 0 and made.out.strip() == str(out)
    assert mode(out) == 0o600
    assert rows(out, "SELECT count(*) FROM events") == [(16,)]
    again = seeded_cli("db", "backup", "-o", str(out))
    assert (again.code, again.err) == (
        2,
        f"tracker: error: {out} already exists; not replacing it\n",
    )
    assert [p.name for p in tmp_path.glob(".copy.sqlite3*")] == []


def test_the_backup_before_an_upgrade_is_complete_and_left_alone(
    cli, tmp_path: Path, open_umask: None
) -> None:
    old = older_database(tmp_path / "old.sqlite3")
    stale = tmp_path / (
        f".old.sqlite3.20200101T000000000000Z.before-upgrade-from-0001.bak"
        f".tracker-{_dead_pid()}-ab12.part"
    )
    stale.write_bytes(b"")  # what a killed backup left
    upgraded = cli("--db", str(old), "db", "upgrade")
    assert upgraded.code == 0, upgraded.err
    backups = list(tmp_path.glob("old.sqlite3.*.bak"))
    assert len(backups) == 1 and mode(backups[0]) == 0o600
    assert rows(backups[0], "SELECT version_num FROM alembic_version") == [("0001",)]
    assert [p.name for p in tmp_path.glob(".*")] == []


@pytest.mark.parametrize("revision", ["zzz", "", "-1", "head", "9999"])
def test_a_bad_downgrade_copies_nothing(seeded_cli, cli_env: Path, revision: str) -> None:
    result = seeded_cli("db", "downgrade", "--yes", "--", revision)
    assert result.code == 2
    assert f"unknown revision {revision!r}" in result.err
    assert [p.name for p in cli_env.parent.iterdir() if ".bak" in p.name] == []


def test_a_downgrade_above_the_database_is_refused(seeded_cli, cli_env: Path) -> None:
    assert seeded_cli("db", "downgrade", "0005").code == 0
    result = seeded_cli("db", "downgrade", "0006")
    assert (result.code, result.err) == (
        2,
        "tracker: error: the database is at 0005; 0006 is not below it\n",
    )


# -- a busy database ----------------------------------------------------------------------


def test_a_write_behind_another_writer_is_reported_busy(services: Services, db_path: Path) -> None:
    from tracker.domain import StakeholderDraft, StakeholderKind

    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # as a long import holds it
    impatient = Services.build(
        make_engine(f"sqlite:///{db_path}", busy_timeout_ms=50),
        services.ctx.settings,
        services.ctx.clock,
    )
    draft = StakeholderDraft(name="Ana", kind=StakeholderKind.PERSON)
    try:
        with pytest.raises(Busy) as unnamed:
            impatient.stakeholders.add(draft)
        with writing(services.ctx.engine, "an import of big.csv"), pytest.raises(Busy) as named:
            impatient.stakeholders.add(draft)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        impatient.close()
    assert unnamed.value.message == BUSY
    assert named.value.message == (
        "the database is busy: another process is writing "
        f"(an import of big.csv, process {os.getpid()}); try again"
    )
    assert [p.name for p in db_path.parent.glob(".*")] == []  # the note is gone with it
    assert impatient.stakeholders.list(search="Ana") == []


def test_a_database_refusal_says_busy_in_one_line() -> None:
    assert database_error(sqlite3.OperationalError("database is locked")) == BUSY


# -- Ctrl-C during an import -------------------------------------------------------------


def test_ctrl_c_during_an_import_writes_nothing(seeded_cli, cli_env: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write("title,kind,when\n")
        for n in range(60_000):
            out.write(f"Call {n},call,2022-05-{n % 28 + 1:02d}\n")
    env = {**os.environ, "TRACKER_DB": str(cli_env)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "import", "csv", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    if not _wait_for_write_lock(cli_env, process):
        process.communicate(timeout=300)
        pytest.skip("the import was done before it could be interrupted")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=300)
    assert "Traceback" not in err.decode()
    assert process.returncode == 2
    assert err.decode() == "tracker: error: import cancelled, nothing written\n"
    assert rows(cli_env, "SELECT count(*) FROM events") == [(16,)]


def _wait_for_write_lock(db: Path, process: subprocess.Popen[bytes]) -> bool:
    """Wait until `process` holds the database's write lock (True) or has ended (False)."""
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        while process.poll() is None:
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
            except sqlite3.OperationalError:
                return True
            time.sleep(0.005)
        return False
    finally:
        probe.close()
