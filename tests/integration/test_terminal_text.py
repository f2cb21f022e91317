"""Stored text with control characters in it is shown escaped by every command, never run;
and none can be typed or imported (an old database or another tool may hold some)."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ATTACK = "Call\x1b]0;pwned\x07 then\x1b[2J"
SHOWN = "Call\\x1b]0;pwned\\x07 then\\x1b[2J"
NAME = "Eve\x1b[2J Mallory"


@pytest.fixture
def tainted(cli, cli_env: Path) -> Path:
    """A database whose texts were written past the checks, as another tool could."""
    assert cli("stakeholder", "add", "Eve Mallory", "--kind", "person").code == 0
    assert (
        cli(
            "event", "add", "Call", "--kind", "call", "--when", "June 1 2022",
            "--with", "Eve Mallory", "--note", "notes",
        ).code
        == 0
    )  # fmt: skip
    assert cli("followup", "add", "Reply", "--event", "1", "--owner", "Eve Mallory").code == 0
    with sqlite3.connect(cli_env) as conn:
        conn.execute("UPDATE events SET title = ?, notes = ?", (ATTACK, "one\n" + ATTACK))
        conn.execute("UPDATE stakeholders SET name = ?, title = ?", (NAME, ATTACK))
        conn.execute("UPDATE follow_ups SET text = ?", (ATTACK,))
    return cli_env


def _escaped(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output
    assert "\\x1b" in output or "\\u001b" in output  # as text, or in JSON


@pytest.mark.parametrize(
    "args",
    [
        ("event", "list"),
        ("event", "list", "--format", "json"),
        ("event", "list", "--search", "pwned"),
        ("event", "show", "1"),
        ("event", "show", "1", "--json"),
        ("stakeholder", "list"),
        ("stakeholder", "list", "--format", "json"),
        ("stakeholder", "show", "#1"),
        ("followup", "list"),
        ("followup", "list", "--format", "json"),
        ("followup", "done", "1"),
        ("event", "edit", "1", "--kind", "meeting"),
        ("stakeholder", "edit", "#1", "--country", "Honduras"),
    ],
)
def test_every_command_shows_stored_control_characters_escaped(cli, tainted: Path, args) -> None:
    result = cli(*args)
    assert result.code == 0, result.err
    _escaped(result.out + result.err)


def test_tables_and_details_show_the_escapes_python_writes(cli, tainted: Path) -> None:
    assert SHOWN in cli("event", "list").out
    detail = cli("event", "show", "1").out
    assert f"#1  {SHOWN}" in detail and "Eve\\x1b[2J Mallory" in detail
    assert f"notes     one\n{SHOWN}" in detail  # notes keep their lines
    assert "Eve\\x1b[2J Mallory" in cli("stakeholder", "list").out


def test_json_keeps_the_exact_text(cli, tainted: Path) -> None:
    data = json.loads(cli("event", "show", "1", "--json").out)
    assert data["title"] == ATTACK and data["participants"][0]["name"] == NAME


def test_an_error_quoting_stored_text_shows_it_escaped(cli, tainted: Path) -> None:
    result = cli("event", "edit", "1", "--remove-with", "#1", "--remove-with", "#1")
    assert result.code == 2
    _escaped(result.err)
    assert result.err.count("\n") == 1


def test_csv_to_a_file_or_a_pipe_is_exact(cli, tainted: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert cli("export", "csv", "-o", str(out)).code == 0
    assert ATTACK in out.read_text(encoding="utf-8")
    piped = cli("export", "csv")  # captured: not a terminal
    assert ATTACK in piped.out
    assert ATTACK in cli("event", "list", "--format", "csv").out


def _on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """What `tracker ARGS` writes to standard output when that is a terminal."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
        return b"".join(chunks)
    finally:
        os.close(leader)


@pytest.mark.parametrize("args", [["export", "csv"], ["event", "list", "--format", "csv"]])
def test_csv_on_a_terminal_is_shown_escaped(tainted: Path, args: list[str]) -> None:
    env = {**os.environ, "TRACKER_DB": f"sqlite:///{tainted}", "TRACKER_TZ": "UTC"}
    shown = _on_a_terminal(args, env)
    assert b"\x1b" not in shown and b"\x07" not in shown
    assert SHOWN.encode() in shown


# -- refused on the way in -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("event", "add", "Call\x1b]0;x\x07", "--kind", "call", "--when", "May 2022"),
            "title: control character U+001B (ESC) is not allowed",
        ),
        (
            (
                "event",
                "add",
                "Call",
                "--kind",
                "call",
                "--when",
                "May 2022",
                "--location",
                "\x9b2J",
            ),
            "location: control character U+009B (CSI) is not allowed",
        ),
        (
            ("stakeholder", "add", "Eve\x07", "--kind", "person"),
            "name: control character U+0007 (BEL) is not allowed",
        ),
        (
            ("stakeholder", "add", "Eve", "--kind", "person", "--alias", "E\x1b"),
            "alias: control character U+001B (ESC) is not allowed",
        ),
        (
            ("followup", "add", "Reply\x08\x08", "--due", "July 2022"),
            "text: control character U+0008 (BS) is not allowed",
        ),
    ],
)
def test_control_characters_are_refused_with_one_line(cli, args, message: str) -> None:
    assert cli("db", "upgrade").code == 0  # the database exists: the refusal is the one line
    result = cli(*args)
    assert result.code == 2
    assert result.err == f"tracker: error: {message}\n"
    assert "no events yet" in cli("event", "list").err or "Call" not in cli("event", "list").out


def test_an_edit_with_a_control_character_changes_nothing(cli, cli_env: Path) -> None:
    assert cli("event", "add", "Call", "--kind", "call", "--when", "May 2022").code == 0
    result = cli("event", "edit", "1", "--title", "New", "--tag", "a\x1bb")
    assert result.code == 2 and "tag: control character U+001B" in result.err
    assert json.loads(cli("event", "show", "1", "--json").out)["title"] == "Call"


def test_notes_keep_their_lines_and_tabs(cli, cli_env: Path) -> None:
    notes = "first line\n\tindented\r\nthird"
    assert (
        cli("event", "add", "Call", "--kind", "call", "--when", "May 2022", "--note", notes).code
        == 0
    )
    assert json.loads(cli("event", "show", "1", "--json").out)["notes"] == notes


def test_an_imported_row_with_a_control_character_is_rejected_with_its_line(
    cli, cli_env: Path, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "title,kind,when,notes\r\n"
        'Fine,call,May 2022,"two\r\nlines"\r\n'
        "Bad\x1b[2J,call,May 2022,\r\n"
        "Fine too,call,May 2022,ok\x7f\r\n",
        encoding="utf-8",
    )
    result = cli("import", "csv", str(source))
    assert result.code == 2
    assert "line 4: title: control character U+001B (ESC) is not allowed" in result.err
    assert "line 5: notes: control character U+007F (DEL) is not allowed" in result.err
    assert "\x1b" not in result.err and "\x7f" not in result.err
    assert "no events yet" in cli("event", "list").err
