"""Merging stakeholders: the dry run's plan, what moves, what is kept, and nothing lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tracker.domain import (
    Attendance,
    EventDraft,
    EventKind,
    ParticipantSpec,
    Role,
    StakeholderChanges,
    StakeholderDraft,
    StakeholderKind,
)
from tracker.errors import Conflict
from tracker.services import Services
from tracker.services.merging import ATTENDANCE_STRENGTH, ROLE_STRENGTH, stronger


def dump(db: Path) -> list[list[tuple[object, ...]]]:
    tables = ("stakeholders", "stakeholder_aliases", "stakeholder_tags", "participations")
    with sqlite3.connect(db) as conn:
        return [conn.execute(f"select * from {t} order by 1").fetchall() for t in tables]


def duplicate_of_castro(services: Services) -> None:
    """A second record of Xiomara Castro, with what the first lacks or says otherwise."""
    services.stakeholders.add(StakeholderDraft("Guatemala government", StakeholderKind.GOVERNMENT))
    services.stakeholders.add(
        StakeholderDraft(
            "X. Castro",
            StakeholderKind.PERSON,
            title="Former First Lady",
            affiliation="Guatemala government",
            aliases=("XC",),
            tags=("vip",),
            notes="Met at the embassy.",
        )
    )
    services.events.add(
        EventDraft(
            "Dinner",
            EventKind.MEETING,
            "June 8, 2022",
            participants=(ParticipantSpec("X. Castro", Role.HOST, Attendance.ATTENDED),),
        )
    )


def test_a_dry_run_shows_the_plan_and_writes_nothing(seeded: Services, cli, cli_env: Path) -> None:
    duplicate_of_castro(seeded)
    before = dump(cli_env)
    result = cli("stakeholder", "merge", "X. Castro", "Xiomara Castro", "--dry-run")
    assert result.code == 0, result.err
    assert dump(cli_env) == before
    out = result.out
    assert "merge X. Castro (person, #" in out and "into Xiomara Castro (person, #3)" in out
    assert "participations moved: 1" in out and "Dinner" in out
    assert "aliases added: X. Castro, XC" in out and "tags added: vip" in out
    assert "title: 'President of Honduras' kept; X. Castro's 'Former First Lady' goes into" in out
    assert "dry run: nothing was written" in out


def test_the_merge_does_what_the_plan_says_and_loses_no_value(seeded: Services) -> None:
    duplicate_of_castro(seeded)
    seeded.stakeholders.edit("Xiomara Castro", StakeholderChanges(affiliation=""))
    plan = seeded.stakeholders.merge_plan("X. Castro", "Xiomara Castro")
    merged = seeded.stakeholders.merge("X. Castro", "Xiomara Castro")
    # The affiliation was dropped before: now taken where the target had none.
    assert merged.affiliation_name == "Guatemala government"
    assert [f.field for f in plan.fields if not f.to_notes and f.target != f.kept] == [
        "affiliation"
    ]
    # Both titles differ: the target's is kept and the other's is in the notes.
    assert merged.title == "President of Honduras"
    assert merged.notes == plan.notes
    assert "Met at the embassy." in merged.notes
    assert "'Former First Lady'" in merged.notes.splitlines()[-1]
    assert set(plan.aliases) <= set(merged.aliases) and set(plan.tags) <= set(merged.tags)
    timeline = seeded.stakeholders.show("Xiomara Castro").timeline
    assert [e.title for e in timeline if e.title == "Dinner"] == ["Dinner"]


def test_an_event_both_took_part_in_keeps_the_stronger_role_and_attendance(
    seeded: Services,
) -> None:
    seeded.stakeholders.add(StakeholderDraft("X. Castro", StakeholderKind.PERSON))
    event, _ = seeded.events.add(
        EventDraft(
            "Lunch",
            EventKind.MEETING,
            "June 9, 2022",
            participants=(
                ParticipantSpec("Xiomara Castro", Role.PARTICIPANT, Attendance.DECLINED),
                ParticipantSpec("X. Castro", Role.HOST, Attendance.INVITED),
            ),
        )
    )
    plan = seeded.stakeholders.merge_plan("X. Castro", "Xiomara Castro")
    assert [(c.event_title, c.kept) for c in plan.combined] == [
        ("Lunch", (Role.HOST, Attendance.DECLINED))
    ]
    seeded.stakeholders.merge("X. Castro", "Xiomara Castro")
    people = [(p.name, p.role, p.attendance) for p in seeded.events.get(event.id).participants]
    assert people == [("Xiomara Castro", Role.HOST, Attendance.DECLINED)]


def test_the_strength_orders() -> None:
    assert stronger(ATTENDANCE_STRENGTH, Attendance.CONFIRMED, Attendance.ATTENDED) == (
        Attendance.ATTENDED
    )
    assert stronger(ATTENDANCE_STRENGTH, Attendance.INVITED, Attendance.DECLINED) == (
        Attendance.DECLINED
    )
    assert stronger(ATTENDANCE_STRENGTH, Attendance.UNKNOWN, Attendance.INVITED) == (
        Attendance.INVITED
    )
    assert stronger(ROLE_STRENGTH, Role.PARTICIPANT, Role.HOST) == Role.HOST
    assert stronger(ROLE_STRENGTH, Role.MENTIONED, Role.INVITED) == Role.INVITED
    assert set(ROLE_STRENGTH) == set(Role) and set(ATTENDANCE_STRENGTH) == set(Attendance)


def test_different_kinds_need_force(seeded: Services, cli, cli_env: Path) -> None:
    before = dump(cli_env)
    for extra in ((), ("--dry-run",)):
        refused = cli("stakeholder", "merge", "Honduras", "Xiomara Castro", *extra)
        assert refused.code == 2 and refused.out == ""
        assert refused.err.count("\n") == 1 and "--force" in refused.err
        assert "Honduras is a government and Xiomara Castro a person" in refused.err
    assert dump(cli_env) == before
    with pytest.raises(Conflict):
        seeded.stakeholders.merge("Honduras", "Xiomara Castro")
    forced = cli("stakeholder", "merge", "Honduras", "Xiomara Castro", "--force", "--yes")
    assert forced.code == 0, forced.err
    castro = seeded.stakeholders.get("Xiomara Castro")
    assert castro.kind is StakeholderKind.PERSON
    assert "kind 'government'" in castro.notes
    assert "Honduras" in castro.aliases
