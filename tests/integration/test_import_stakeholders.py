"""`tracker import stakeholders`: a roster in one transaction, all or nothing, idempotent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent.parent / "fixtures"
CONGRESS = FIXTURES / "congress-legislators-excerpt.csv"
MAPPING = (
    "--column",
    "name={first_name} {middle_name} {last_name}, {suffix}",
    "--column",
    "title={type} {state} {district}",
    "--column",
    "country=United States",
    "--column",
    "tags={party}",
    "--kind",
    "person",
)


def listed(cli) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    out = cli("stakeholder", "list", "--format", "json").out
    return {s["name"]: s for s in json.loads(out)}


def test_congress_excerpt_imports_once_with_column_mappings(cli) -> None:  # type: ignore[no-untyped-def]
    first = cli("import", "stakeholders", str(CONGRESS), *MAPPING)
    assert first.code == 0, first.err
    assert first.out.strip() == "added 8 stakeholders from 8 rows"
    people = listed(cli)
    assert set(people) >= {
        "Sanford D. Bishop, Jr.",  # the comma of a suffix kept, an empty one dropped
        "André Carson",
        "Ben Ray Luján",
        "Jesús G. García",
        "Analilia Mejia",  # no full_name in the file: built from its parts
        "Maria Cantwell",
    }
    assert people["Ben Ray Luján"]["title"] == "sen NM"
    assert people["Ben Ray Luján"]["tags"] == ["democrat"]
    assert people["Bernard Sanders"]["kind"] == "person"
    assert people["Bernard Sanders"]["country"] == "United States"

    again = cli("import", "stakeholders", str(CONGRESS), *MAPPING)
    assert again.code == 0, again.err
    assert again.out.strip() == "added 0 stakeholders, skipped 8 already present from 8 rows"
    assert len(listed(cli)) == 8


def test_dry_run_reports_and_writes_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("import", "stakeholders", str(CONGRESS), *MAPPING, "--dry-run")
    assert run.code == 0, run.err
    assert run.out.strip() == "would add 8 stakeholders from 8 rows"
    assert listed(cli) == {}


def test_a_bad_row_refuses_the_whole_file_with_its_line(cli) -> None:  # type: ignore[no-untyped-def]
    # Mejia's row (line 9) has no full_name.
    run = cli(
        "import", "stakeholders", str(CONGRESS), "--column", "name={full_name}", "--kind", "person"
    )
    assert run.code == 2
    assert f"{CONGRESS}: line 9: name must not be empty" in run.err
    assert "nothing was imported" in run.err
    assert "Traceback" not in run.err
    assert listed(cli) == {}


def test_rows_already_present_but_different_are_reported_not_changed(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    assert cli("stakeholder", "add", "Andre Carson", "--kind", "person").code == 0
    run = cli("import", "stakeholders", str(CONGRESS), *MAPPING)
    assert run.code == 0, run.err
    assert run.out.strip() == (
        "added 7 stakeholders, skipped 1 already present, 1 of them differ (not changed): "
        "lines 5 from 8 rows"
    )
    assert listed(cli)["Andre Carson"]["title"] == ""  # the stored one left as it was


def test_kinds_aliases_tags_and_affiliations_within_the_file(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,kind,title,affiliation,country,aliases,tags,notes\n"
        "Ana Gómez,Person,Minister,Ministry of Health,Honduras,A. Gómez;Anita,health; cabinet,\n"
        "Ministry of Health,government,,,Honduras,MinSalud,,\n",
        encoding="utf-8-sig",
    )
    run = cli("import", "stakeholders", str(roster))
    assert run.code == 0, run.err
    ana = listed(cli)["Ana Gómez"]
    assert (ana["kind"], ana["affiliation"]) == ("person", "Ministry of Health")
    assert ana["aliases"] == ["A. Gómez", "Anita"]
    assert sorted(ana["tags"]) == ["cabinet", "health"]
    assert cli("stakeholder", "show", "MinSalud").code == 0


def test_bad_rows_each_reported_once(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,kind,affiliation,aliases\n"
        "Ana Gómez,person,,\n"
        "Ana Gomez,person,,\n"  # the same name but for the accent
        "Luis Pérez,wizard,,\n"
        "Rosa Díaz,,,\n"
        "Juan Soto,person,Nowhere Inc,\n"
        "Eva Ruiz,person,,Ana Gómez\n"
        "Bad\x1bName,person,,\n"
        "Ann,person,Bo,\n"  # affiliated with each other: a loop
        "Bo,person,Ann,\n",
        encoding="utf-8",
    )
    run = cli("import", "stakeholders", str(roster))
    assert run.code == 2
    lines = [line for line in run.err.splitlines() if ": line " in line]
    assert [line.split(": line ")[1].split(":")[0] for line in lines] == [
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
    ]
    assert "in the file already (line 2)" in lines[0]
    assert "'Ana Gómez' (an alias here) is in the file already (line 2)" in lines[4]
    assert "'wizard' is not one of" in lines[1]
    assert "--kind" in lines[2]
    assert "--create" in lines[3]
    assert "U+001B" in lines[5] and "\x1b" not in run.err
    assert "loop" in lines[6]
    assert listed(cli) == {}

    created = cli("import", "stakeholders", str(roster), "--kind", "person", "--create")
    assert created.code == 2  # the other bad rows still refuse the file


def test_create_adds_an_unknown_affiliation_as_an_organization(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    shutil.copy(CONGRESS, roster)
    run = cli(
        "import",
        "stakeholders",
        str(roster),
        *MAPPING,
        "--column",
        "affiliation={party}",
        "--create",
    )
    assert run.code == 0, run.err
    assert run.out.startswith("added 8 stakeholders, 2 new organizations as affiliations")
    people = listed(cli)
    assert people["Democrat"]["kind"] == "organization"
    assert people["Bernard Sanders"]["affiliation"] == "Independent"
