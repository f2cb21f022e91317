"""`tracker event ...` end to end on a real SQLite file, including every kind of mistake."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_add_list_show_edit_delete(cli, cli_env: Path) -> None:
    assert (
        cli(
            "stakeholder",
            "add",
            "Xiomara Castro",
            "--kind",
            "person",
            "--alias",
            "Castro",
            "--alias",
            "President Castro",
        ).code
        == 0
    )
    added = cli(
        "event",
        "add",
        "Call with Castro",
        "--kind",
        "call",
        "--when",
        "late May 2022",
        "--with",
        "President Castro:participant:attended",
        "--tag",
        "Honduras",
        "--source",
        "CNN, June 6, 2022",
    )
    assert added.code == 0, added.err
    assert "added event 1: Call with Castro (late May 2022)" in added.out

    shown = json.loads(cli("event", "show", "1", "--json").out)
    assert shown["when"] == {
        "start": "2022-05-21",
        "end": "2022-05-31",
        "precision": "part",
        "label": "late May 2022",
    }
    assert shown["participants"] == [
        {"name": "Xiomara Castro", "role": "participant", "attendance": "attended"}
    ]
    assert shown["tags"] == ["honduras"]
    assert shown["status"] == "held"  # in the past relative to TRACKER_TODAY

    edited = cli(
        "event",
        "edit",
        "1",
        "--add-tag",
        "northern-triangle",
        "--remove-tag",
        "honduras",
        "--when",
        "May 27, 2022",
        "--location",
        "West Wing",
    )
    assert edited.code == 0, edited.err
    shown = json.loads(cli("event", "show", "1", "--json").out)
    assert shown["tags"] == ["northern-triangle"]
    assert shown["when"]["label"] == "May 27, 2022"
    assert shown["location"] == "West Wing"

    cli(
        "followup", "add", "Send readout", "--event", "1", "--owner", "Castro", "--due", "June 2022"
    )
    deleted = cli("event", "delete", "1", "--yes")
    assert deleted.code == 0
    assert "1 follow-up kept, detached" in deleted.out
    assert rows(cli_env, "select count(*) from events") == [(0,)]
    assert rows(cli_env, "select count(*) from participations") == [(0,)]
    assert rows(cli_env, "select text, event_id from follow_ups") == [("Send readout", None)]


def test_list_filters_and_formats(cli) -> None:
    assert cli("seed").code == 0
    table = cli("event", "list", "--from", "May 2022", "--to", "May 2022")
    titles = table.out
    assert "US-ASEAN Special Summit" in titles
    assert "Call with President Xiomara Castro" in titles
    assert "Inauguration" not in titles

    data = json.loads(cli("event", "list", "--with", "Castro", "--format", "json").out)
    assert [e["when"]["label"] for e in data] == [
        "January 27, 2022",
        "late May 2022",
        "June 6–10, 2022",
    ]

    calls = json.loads(cli("event", "list", "--kind", "call", "--format", "json").out)
    assert {e["kind"] for e in calls} == {"call"} and len(calls) >= 2

    planned = json.loads(cli("event", "list", "--status", "planned", "--format", "json").out)
    assert planned and all(e["status"] == "planned" for e in planned)

    by_text = json.loads(cli("event", "list", "--search", "asean", "--format", "json").out)
    assert [e["title"] for e in by_text] == ["US-ASEAN Special Summit"]

    csv_out = cli("event", "list", "--kind", "inauguration", "--format", "csv").out
    assert csv_out.splitlines()[0].startswith("id,start,end,when,precision,kind,title")
    assert len(csv_out.splitlines()) == 2


def test_dates_sort_by_interval_start(cli) -> None:
    for title, when in [
        ("B", "June 2022"),
        ("A", "late May 2022"),
        ("C", "June 1, 2022"),
        ("D", "Q2 2022"),
        ("E", "2022-06-01 09:30"),
    ]:
        assert cli("event", "add", title, "--kind", "meeting", "--when", when).code == 0
    data = json.loads(cli("event", "list", "--format", "json").out)
    assert [e["title"] for e in data] == ["D", "A", "B", "C", "E"]
    overlap = json.loads(cli("event", "list", "--from", "June 5, 2022", "--format", "json").out)
    assert [e["title"] for e in overlap] == ["D", "B"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["event", "add", "X", "--kind", "call", "--when", "sometime soon"], "sometime soon"),
        (["event", "add", "X", "--kind", "party", "--when", "May 2022"], "party"),
        (["event", "add", "X", "--kind", "call"], "--when"),
        (["event", "add", "  ", "--kind", "call", "--when", "May 2022"], "title"),
        (
            ["event", "add", "X", "--kind", "call", "--when", "May 2022", "--with", "Nobody"],
            "no stakeholder named 'Nobody'",
        ),
        (
            ["event", "add", "X", "--kind", "call", "--when", "May 2022", "--with", "Castro:boss"],
            "unknown role 'boss'",
        ),
        (
            [
                "event",
                "add",
                "X",
                "--kind",
                "call",
                "--when",
                "June 10, 2022",
                "--until",
                "June 1, 2022",
            ],
            "June 1, 2022",
        ),
        (["event", "show", "99"], "no event with id 99"),
        (["event", "edit", "99", "--title", "Y"], "no event with id 99"),
        (["event", "edit", "1"], "nothing to change"),
        (["event", "list", "--from", "next blursday"], "next blursday"),
        (["event", "delete", "abc"], "abc"),
        (["followup", "done", "77"], "no follow-up with id 77"),
        (["stakeholder", "show", "Nobody"], "no stakeholder named 'Nobody'"),
        (["import", "csv", "missing.csv"], "no such file"),
    ],
)
def test_errors_are_one_line_exit_2_and_write_nothing(cli, cli_env: Path, args, message) -> None:
    cli("stakeholder", "add", "Xiomara Castro", "--kind", "person", "--alias", "Castro")
    cli("event", "add", "Existing", "--kind", "call", "--when", "May 2, 2022")
    before = rows(cli_env, "select * from events") + rows(cli_env, "select * from stakeholders")
    result = cli(*args)
    assert result.code == 2
    assert result.err.count("\n") == 1, result.err
    assert result.err.startswith("tracker: error: ")
    assert message in result.err
    assert "Traceback" not in result.err
    after = rows(cli_env, "select * from events") + rows(cli_env, "select * from stakeholders")
    assert before == after


def test_ambiguous_and_unknown_names(cli) -> None:
    cli("stakeholder", "add", "Xiomara Castro", "--kind", "person")
    cli("stakeholder", "add", "Fidel Castro", "--kind", "person")
    result = cli("event", "add", "Call", "--kind", "call", "--when", "May 2022", "--with", "castro")
    assert result.code == 2
    assert "Xiomara Castro" in result.err and "Fidel Castro" in result.err
    ok = cli(
        "event",
        "add",
        "Call",
        "--kind",
        "call",
        "--when",
        "May 2022",
        "--with",
        "xiomara castro",
        "--with",
        "Guatemala:invited",
        "--create",
    )
    assert ok.code == 0, ok.err
    assert "created stakeholder 'Guatemala'" in ok.err
    data = json.loads(cli("event", "show", "1", "--json").out)
    assert {(p["name"], p["role"], p["attendance"]) for p in data["participants"]} == {
        ("Xiomara Castro", "participant", "unknown"),
        ("Guatemala", "invited", "invited"),
    }


def test_edit_participants(cli) -> None:
    cli("stakeholder", "add", "Kamala Harris", "--kind", "person", "--alias", "Harris")
    cli("stakeholder", "add", "Honduras", "--kind", "government")
    cli(
        "event",
        "add",
        "Summit",
        "--kind",
        "summit",
        "--when",
        "June 6-10, 2022",
        "--with",
        "Harris:host:attended",
    )
    assert cli("event", "edit", "1", "--add-with", "Honduras:invited").code == 0
    assert cli("event", "edit", "1", "--remove-with", "harris").code == 0
    data = json.loads(cli("event", "show", "1", "--json").out)
    assert data["participants"] == [
        {"name": "Honduras", "role": "invited", "attendance": "invited"}
    ]
    missing = cli("event", "edit", "1", "--remove-with", "Harris")
    assert missing.code == 2 and "not a participant" in missing.err


def test_when_command(cli) -> None:
    result = cli("when", "late", "May", "2022", "--json")
    assert result.code == 0
    assert json.loads(result.out) == {
        "start": "2022-05-21",
        "end": "2022-05-31",
        "precision": "part",
        "label": "late May 2022",
    }
    assert len(result.out.strip().splitlines()) == 1
    relative = json.loads(cli("when", "in 3 days", "--today", "2022-06-06", "--json").out)
    assert relative["start"] == relative["end"] == "2022-06-09"
    timed = json.loads(cli("when", "2022-05-13T14:30-04:00", "--json").out)
    assert timed["start"] == "2022-05-13T14:30:00-04:00"
    assert timed["precision"] == "minute"
    bad = cli("when", "hearing on HR 2 at 7 pm")
    assert bad.code == 2 and "hearing on HR 2 at 7 pm" in bad.err and bad.out == ""
    bad_today = cli("when", "today", "--today", "yesterday")
    assert bad_today.code == 2


def test_date_order_is_configurable(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert json.loads(cli("when", "5/13/2022", "--json").out)["start"] == "2022-05-13"
    assert cli("when", "13/5/2022").code == 2
    monkeypatch.setenv("TRACKER_DATE_ORDER", "dmy")
    assert json.loads(cli("when", "13/5/2022", "--json").out)["start"] == "2022-05-13"
    assert cli("when", "5/13/2022").code == 2


def test_help_for_every_command(cli) -> None:
    for args in (
        ["--help"],
        ["event", "--help"],
        ["event", "add", "--help"],
        ["export", "csv", "--help"],
        ["import", "csv", "--help"],
        ["db", "--help"],
        ["stakeholder", "merge", "--help"],
        ["followup", "list", "--help"],
    ):
        result = cli(*args)
        assert result.code == 0 and "Usage:" in result.out


def _titles(cli, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
    result = cli("event", "list", "--format", "json", *args)
    assert result.code == 0, result.err
    return [e["title"] for e in json.loads(result.out)]


def test_with_takes_a_unique_word_or_start_of_a_name_and_ignores_accents(cli) -> None:
    cli("seed")
    cli("stakeholder", "add", "André Carson", "--kind", "person")
    cli("event", "add", "Hearing", "--kind", "hearing", "--when", "May 3, 2022")
    cli("event", "edit", "17", "--with", "André Carson")
    castro = _titles(cli, "--with", "Castro")  # the README's example: an alias
    assert castro and _titles(cli, "--with", "Xiomara") == castro  # a word of her name
    assert _titles(cli, "--with", "xiom") == castro  # the start of one
    assert _titles(cli, "--with", "Gia") == _titles(cli, "--with", "Alejandro Giammattei")
    assert _titles(cli, "--with", "Andre Carson") == ["Hearing"]
    assert _titles(cli, "--with", "carson") == ["Hearing"]
    shown = cli("stakeholder", "show", "Castro")
    assert shown.code == 0 and "Xiomara Castro" in shown.out


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Xiomarra", "no stakeholder named 'Xiomarra'; did you mean Xiomara Castro?"),
        ("Giamatei", "did you mean "),
        ("President", "'President' could be several: did you mean "),
    ],
)
def test_an_unknown_or_ambiguous_with_gets_suggestions(cli, name: str, said: str) -> None:
    cli("seed")
    result = cli("event", "list", "--with", name)
    assert result.code == 2 and result.out == ""
    assert said in result.err and result.err.count("\n") == 1
    assert "Traceback" not in result.err


def test_with_biden_and_president_lists_the_candidates(cli) -> None:
    cli("seed")
    err = cli("event", "list", "--with", "President").err
    assert "Joe Biden" in err and "Xiomara Castro" in err and "Use the full name or #id" in err


def test_a_short_form_is_not_created_by_create(cli, cli_env: Path) -> None:
    cli("seed")
    before = rows(cli_env, "select count(*) from stakeholders")
    result = cli(
        "event",
        "add",
        "Call",
        "--kind",
        "call",
        "--when",
        "May 2022",
        "--with",
        "Xiomara",
        "--create",
    )
    assert result.code == 2 and "did you mean Xiomara Castro?" in result.err
    assert rows(cli_env, "select count(*) from stakeholders") == before


@pytest.mark.parametrize(
    ("args", "has_create"),
    [
        (["event", "list", "--with", "Nobody"], False),
        (["stakeholder", "show", "Nobody"], False),
        (["stakeholder", "merge", "Nobody", "Castro"], False),
        (["stakeholder", "edit", "Castro", "--affiliation", "Nobody"], False),
        (["followup", "list", "--owner", "Nobody"], False),
        (["event", "add", "X", "--kind", "call", "--when", "May 2022", "--with", "Nobody"], True),
        (["followup", "add", "X", "--owner", "Nobody"], True),
    ],
)
def test_not_found_hints_only_at_options_the_command_has(cli, args, has_create: bool) -> None:
    cli("stakeholder", "add", "Xiomara Castro", "--kind", "person", "--alias", "Castro")
    result = cli(*args)
    assert result.code == 2 and "no stakeholder named 'Nobody'" in result.err
    assert ("--create" in result.err) is has_create
