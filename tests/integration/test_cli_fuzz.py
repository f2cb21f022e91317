"""Every command given hostile values: one line on stderr, exit code 2, never a traceback.

A table of values per command, run in this process on a seeded SQLite file; arguments that
are not UTF-8 (which only an operating system's argv can carry) in a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIG = "9223372036854775808"  # 2**63: past SQL's integers
HUGE = "99999999999999999999"
NEGATIVE_BIG = "-9223372036854775809"

IDS = [BIG, HUGE, "abc", "", "1.5"]
DATES = ["10000-01-01", "0000-01-01", "\x00", "February 30, 2022", "13/45/2022", "next"]
REVISIONS = ["", "-1", "+1", "zzz", "heads", "0", "base+1"]


def _cases() -> list[tuple[str, ...]]:
    cases: list[tuple[str, ...]] = []
    for bad in IDS:
        cases += [
            ("event", "show", bad),
            ("event", "edit", bad, "--title", "x"),
            ("event", "delete", bad, "--yes"),
            ("followup", "done", bad),
            ("followup", "reopen", bad),
            ("followup", "edit", bad, "--text", "x"),
            ("followup", "delete", bad, "--yes"),
            ("followup", "add", "x", "--event", bad),
            ("followup", "list", "--event", bad),
            ("followup", "edit", "1", "--event", bad),
        ]
    cases += [
        ("event", "show", "--", NEGATIVE_BIG),
        ("followup", "list", "--event", NEGATIVE_BIG),
        ("event", "list", "--limit", HUGE),
        ("event", "list", "--limit", BIG),
        ("event", "list", "--limit", "0"),
        ("event", "list", "--limit", "-1"),
        ("event", "list", "--format", "json", "--limit", HUGE),
    ]
    for bad in DATES:
        cases += [
            ("event", "add", "x", "--kind", "call", "--when", bad),
            ("event", "add", "x", "--kind", "call", "--when", "May 2022", "--until", bad),
            ("event", "edit", "1", "--when", bad),
            ("event", "list", "--from", bad),
            ("event", "list", "--to", bad),
            ("export", "csv", "--from", bad),
            ("followup", "add", "x", "--due", bad),
            ("when", bad),
        ]
    for text in ("tomorrow", "next week", "next month", "in 3 days", "+2w", "next year"):
        cases.append(("when", "--today", "9999-12-31", text))
    for text in ("yesterday", "last week", "last month", "3 days ago", "-2w", "last year"):
        cases.append(("when", "--today", "0001-01-01", text))
    cases += [
        ("when", "--today", "10000-01-01", "today"),
        ("event", "add", "", "--kind", "call", "--when", "May 2022"),
        ("event", "add", "x", "--kind", "nope", "--when", "May 2022"),
        ("event", "add", "x", "--kind", "call", "--when", "May 2022", "--with", ""),
        ("event", "add", "x", "--kind", "call", "--when", "May 2022", "--with", "Nobody Known"),
        ("event", "edit", "1"),
        ("stakeholder", "add", "", "--kind", "person"),
        ("stakeholder", "show", ""),
        ("stakeholder", "show", "\x00"),
        ("stakeholder", "show", "nobody at all"),
        ("stakeholder", "edit", "nobody at all", "--title", "x"),
        ("stakeholder", "delete", "nobody at all", "--yes"),
        ("stakeholder", "merge", "nobody at all", "nobody else", "--yes"),
        ("followup", "add", ""),
        ("followup", "add", "x", "--owner", "nobody at all"),
        ("followup", "list", "--owner", "nobody at all"),
    ]
    for bad in REVISIONS:
        cases += [("db", "downgrade", "--yes", "--", bad), ("db", "upgrade", "--", bad)]
    cases += [
        ("db", "downgrade", "--yes", "head"),
        ("db", "downgrade", "--", "-1"),
        ("--db", "postgresql+psycopg://u@h:abc/db", "event", "list"),
        ("--db", "postgresql+psycopg://u@h:abc/db", "db", "current"),
        ("--db", "postgresql+psycopg://u@h:abc/db", "db", "downgrade", "base", "--yes"),
        ("--db", "postgresql+nosuchdriver://u@h/db", "event", "list"),
        ("--db", "nosuchdialect://u@h/db", "event", "list"),
        ("--db", "postgresql+psycopg://u@[::1/db", "event", "list"),
    ]
    return cases


CASES = _cases()


@pytest.fixture
def seeded_cli(cli, cli_env: Path):  # type: ignore[no-untyped-def]
    assert cli("seed").code == 0
    return cli


def _one_line_refusal(code: int, out: str, err: str) -> None:
    assert "Traceback" not in err + out
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("tracker: error: "), err


@pytest.mark.parametrize("args", CASES, ids=[" ".join(map(repr, c)) for c in CASES])
def test_hostile_values_are_refused_in_one_line(seeded_cli, args: tuple[str, ...]) -> None:
    result = seeded_cli(*args)
    _one_line_refusal(result.code, result.out, result.err)


@pytest.fixture
def hostile(tmp_path: Path) -> dict[str, str]:
    """Files and folders to name where a file is expected, by name for the table below."""
    tmp = tmp_path / "hostile"
    tmp.mkdir()
    (tmp / "notes.txt").write_text("not a database\n")
    (tmp / "binary.csv").write_bytes(b"\x00\xff\xfe" * 100)
    (tmp / "latin.csv").write_bytes("title,kind,when\nCaf\xe9,call,May 2022\n".encode("latin-1"))
    (tmp / "empty.csv").write_text("")
    (tmp / "no-header.csv").write_text("a,b\n1,2\n")
    (tmp / "bad.yaml").write_text("events: [\n")
    (tmp / "folder").mkdir()
    names = ["notes.txt", "binary.csv", "latin.csv", "empty.csv", "no-header.csv", "bad.yaml"]
    found = {name: str(tmp / name) for name in [*names, "folder", "absent.sqlite3"]}
    found["missing"] = str(tmp / "missing" / "x")
    return found


ADD = ("event", "add", "x", "--kind", "call", "--when", "May 2022")
FILE_CASES: dict[str, tuple[str, ...]] = {
    "backup onto a folder": ("db", "backup", "-o", "{folder}"),
    "backup onto a non-SQLite file": ("db", "backup", "-o", "{notes.txt}"),
    "backup into a missing folder": ("db", "backup", "-o", "{missing}"),
    "backup to an empty name": ("db", "backup", "-o", ""),
    "export onto a folder": ("export", "csv", "-o", "{folder}"),
    "export onto an existing file": ("export", "csv", "-o", "{notes.txt}"),
    "export into a missing folder": ("export", "csv", "-o", "{missing}"),
    "forced export into a missing folder": ("export", "csv", "--force", "-o", "{missing}"),
    "import a folder": ("import", "csv", "{folder}"),
    "import a missing file": ("import", "csv", "{missing}"),
    "import a binary file": ("import", "csv", "{binary.csv}"),
    "import a Latin-1 file": ("import", "csv", "{latin.csv}"),
    "import an empty file": ("import", "csv", "{empty.csv}"),
    "import a file without our columns": ("import", "csv", "{no-header.csv}"),
    "import a text file": ("import", "csv", "{notes.txt}"),
    "import with a bad --column": ("import", "csv", "{empty.csv}", "--column", "nonsense"),
    "seed a missing file": ("seed", "--file", "{missing}"),
    "seed a folder": ("seed", "--file", "{folder}"),
    "seed bad YAML": ("seed", "--file", "{bad.yaml}"),
    "read a database in a missing folder": ("--db", "{missing}", "event", "list"),
    "write a database in a missing folder": ("--db", "{missing}", *ADD),
    "read a database not there": ("--db", "{absent.sqlite3}", "event", "list"),
    "db current of a database not there": ("--db", "{absent.sqlite3}", "db", "current"),
    "back up a database not there": ("--db", "{absent.sqlite3}", "db", "backup"),
    "downgrade a database not there": (
        *("--db", "{absent.sqlite3}"),
        *("db", "downgrade", "base", "--yes"),
    ),
    "delete from a database not there": (
        *("--db", "{absent.sqlite3}"),
        *("event", "delete", "1", "--yes"),
    ),
    "a folder as database": ("--db", "{folder}", "event", "list"),
    "a text file as database (read)": ("--db", "{notes.txt}", "event", "list"),
    "a text file as database (write)": ("--db", "{notes.txt}", *ADD),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_hostile_files_are_refused_in_one_line(
    seeded_cli, hostile: dict[str, str], case: str
) -> None:
    args = [hostile[arg[1:-1]] if arg.startswith("{") else arg for arg in FILE_CASES[case]]
    result = seeded_cli(*args)
    _one_line_refusal(result.code, result.out, result.err)
    assert not Path(hostile["absent.sqlite3"]).exists()
    assert not Path(hostile["missing"]).parent.exists()


@pytest.mark.parametrize(
    "when",
    ["0001-01-01T00:30:00+05:00", "9999-12-31T23:30:00-05:00", "10000-01-01", "0000-12-31"],
)
def test_an_import_of_times_past_year_1_or_9999_is_refused(
    seeded_cli, tmp_path: Path, when: str
) -> None:
    """Each bad row has its line, then the one-line error (exit 2), and no traceback."""
    path = tmp_path / "far.csv"
    path.write_text(f"title,kind,when\nFar,call,{when}\n", encoding="utf-8")
    result = seeded_cli("import", "csv", str(path))
    assert "Traceback" not in result.err
    assert result.code == 2
    assert result.err.splitlines() == [
        result.err.splitlines()[0],
        "tracker: error: 1 bad row; nothing was imported",
    ]
    assert result.err.startswith(f"{path}: line 2: ")


# -- arguments that are not UTF-8: through a real argv -------------------------------------

NOT_UTF8 = [
    ("event", "add", b"Caf\xe9", "--kind", "call", "--when", "May 2022"),
    ("event", "list", "--search", b"\xff"),
    ("event", "list", "--with", b"\xff"),
    ("event", "list", "--tag", b"\xff"),
    ("event", "list", "--from", b"\xff"),
    ("event", "show", b"\xff"),
    ("stakeholder", "add", b"\xffz", "--kind", "person"),
    ("stakeholder", "show", b"\xff"),
    ("followup", "add", b"\xff"),
    ("when", b"\xff"),
    ("import", "csv", b"/nonexistent/\xff.csv"),
    ("--db", b"/nonexistent/\xff.sqlite3", "event", "list"),
]


@pytest.mark.parametrize("args", NOT_UTF8, ids=[repr(a) for a in NOT_UTF8])
def test_arguments_that_are_not_utf8_are_refused_in_one_line(
    tmp_path: Path, args: tuple[str | bytes, ...]
) -> None:
    db = tmp_path / "tracker.sqlite3"
    environ = {
        **os.environ,
        "TRACKER_DATA_DIR": str(tmp_path / "data"),
        "TRACKER_DB": str(db),
        "TRACKER_TZ": "UTC",
        "LC_ALL": "C.UTF-8",
    }
    argv = [os.fsencode(a) if isinstance(a, str) else a for a in args]
    result = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"tracker", *argv],
        capture_output=True,
        env=environ,
        check=False,
        timeout=120,
    )
    err = result.stderr.decode("utf-8", "replace")
    _one_line_refusal(result.returncode, result.stdout.decode("utf-8", "replace"), err)
    assert "not UTF-8" in err
    assert not db.exists()  # refused before anything was opened
