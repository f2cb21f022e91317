"""The date language through the command line: `tracker when`, settings, a follow-up's due."""

from __future__ import annotations

import json

import pytest


def test_a_month_joined_to_its_year_is_that_month(cli) -> None:
    result = cli("when", "Mar-2020")
    assert result.code == 0
    assert result.out.startswith("March 2020  →  1–31 Mar 2020  (month)")


def test_fiscal_years_start_in_october_unless_configured(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    federal = json.loads(cli("when", "FY2023", "--json").out)
    assert (federal["start"], federal["end"]) == ("2022-10-01", "2023-09-30")
    monkeypatch.setenv("TRACKER_FISCAL_START", "7")
    state = json.loads(cli("when", "FY2023", "--json").out)
    assert (state["start"], state["end"]) == ("2022-07-01", "2023-06-30")
    monkeypatch.setenv("TRACKER_FISCAL_START", "13")
    bad = cli("when", "FY2023")
    assert bad.code == 2 and "TRACKER_FISCAL_START must be a month number 1-12" in bad.err


def test_a_refusal_names_the_word_not_understood(cli) -> None:
    bad = cli("when", "June 6 ET")
    assert bad.code == 2 and bad.out == ""
    assert '"ET" is a zone: write it after a time' in bad.err


def test_a_follow_up_due_takes_the_deadline_words(cli) -> None:
    added = cli("followup", "add", "Call back", "--due", "no later than June 10 COB")
    assert added.code == 0 and "due June 10, 2022" in added.out
    added = cli("followup", "add", "Send memo", "--due", "by end of month")
    assert added.code == 0 and "due late June 2022" in added.out


def test_times_with_zone_names_and_time_ranges_survive_export_and_import(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    for title, when in (
        ("Range ET", "June 6 2022 9am-12pm ET"),
        ("Point PT", "June 7 2022 10:00 PT"),
        ("Over two days", "June 8 2022 9:00 AM - June 9 2022 5:00 PM"),
    ):
        assert cli("event", "add", title, "--kind", "meeting", "--when", when).code == 0
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert cli("export", "csv", "-o", str(first)).code == 0
    assert "June 6, 2022 9:00 AM–12:00 PM ET" in first.read_text(encoding="utf-8")
    monkeypatch.setenv("TRACKER_DB", f"sqlite:///{tmp_path / 'other.db'}")
    assert cli("db", "upgrade").code == 0
    assert cli("import", "csv", str(first)).code == 0
    assert cli("export", "csv", "-o", str(second)).code == 0
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
