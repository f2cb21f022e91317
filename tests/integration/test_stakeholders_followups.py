"""Stakeholders and follow-ups through the services and the CLI, on real SQLite files."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tracker.domain import (
    EventDraft,
    EventKind,
    FollowUpDraft,
    FollowUpStatus,
    ParticipantSpec,
    StakeholderChanges,
    StakeholderDraft,
    StakeholderKind,
)
from tracker.errors import Ambiguous, Conflict, UserError
from tracker.services import FollowUpScope, Services


def test_names_are_unique_case_and_accent_insensitively(services: Services) -> None:
    services.stakeholders.add(StakeholderDraft("Honduras", StakeholderKind.GOVERNMENT))
    with pytest.raises(Conflict, match="exists already"):
        services.stakeholders.add(StakeholderDraft("  HONDURAS ", StakeholderKind.GOVERNMENT))
    # Another kind of the same name would make `--with Honduras` ambiguous: refused too.
    with pytest.raises(Conflict, match=r"'Honduras' exists already as the name of Honduras"):
        services.stakeholders.add(StakeholderDraft("Honduras", StakeholderKind.OTHER))
    services.stakeholders.add(StakeholderDraft("André Carson", StakeholderKind.PERSON))
    with pytest.raises(Conflict, match="the name of André Carson"):
        services.stakeholders.add(StakeholderDraft("Andre CARSON", StakeholderKind.PERSON))
    assert [s.name for s in services.stakeholders.list()] == ["André Carson", "Honduras"]


def test_a_name_or_alias_may_not_shadow_another_stakeholders(seeded: Services) -> None:
    with pytest.raises(Conflict, match=r"an alias \('Castro'\) of Xiomara Castro \(person"):
        seeded.stakeholders.add(StakeholderDraft("Castro", StakeholderKind.OTHER))
    with pytest.raises(Conflict, match=r"an alias \('Jesús García'\) of Jesus"):
        seeded.stakeholders.add(StakeholderDraft("Jesus Garcia", StakeholderKind.PERSON))
    with pytest.raises(Conflict, match="the name of Joe Biden"):
        seeded.stakeholders.add(
            StakeholderDraft("J. Biden", StakeholderKind.PERSON, aliases=("joe biden",))
        )
    # Renaming, and adding an alias, are held to the same rule; one's own names are fine.
    with pytest.raises(Conflict, match="the name of Kamala Harris"):
        seeded.stakeholders.edit("Biden", StakeholderChanges(name="Kamala Harris"))
    with pytest.raises(Conflict, match=r"an alias \('Harris'\) of Kamala Harris"):
        seeded.stakeholders.edit("Biden", StakeholderChanges(add_aliases=("harris",)))
    renamed = seeded.stakeholders.edit("Biden", StakeholderChanges(name="JOE BIDEN"))
    assert renamed.name == "JOE BIDEN"
    assert seeded.stakeholders.get("Castro").name == "Xiomara Castro"


def test_ambiguous_names_are_refused_with_the_candidates(seeded: Services) -> None:
    with pytest.raises(Ambiguous, match=r"could be several: .*Joe Biden.*Xiomara Castro"):
        seeded.stakeholders.get("president")


def test_aliases_resolve_to_one_person(seeded: Services) -> None:
    for name in ("Castro", "President Castro", "xiomara castro", "XIOMARA  CASTRO"):
        assert seeded.stakeholders.get(name).name == "Xiomara Castro"


def test_delete_refused_while_referenced_then_forced(seeded: Services) -> None:
    with pytest.raises(Conflict) as caught:
        seeded.stakeholders.delete("Castro")
    message = caught.value.message
    assert "Xiomara Castro is referred to by 3 events, 1 follow-up" in message
    assert "--force" in message
    assert seeded.stakeholders.get("Castro")  # nothing removed
    deleted = seeded.stakeholders.delete("Castro", force=True)
    assert all(
        "Xiomara Castro" not in {p.name for p in e.participants} for e in seeded.events.list()
    )
    owned = [f for f in seeded.followups.list(FollowUpScope.ALL) if "Castro will attend" in f.text]
    assert owned[0].owner_name is None
    restored = seeded.stakeholders.restore(deleted)
    assert restored.name == "Xiomara Castro"
    assert len(seeded.stakeholders.show("Castro").timeline) == 3


def test_merge_moves_everything_and_keeps_the_name_as_alias(seeded: Services) -> None:
    dup = seeded.stakeholders.add(
        StakeholderDraft("X. Castro", StakeholderKind.PERSON, aliases=("XC",), tags=("vip",))
    )
    seeded.events.add(
        EventDraft(
            "Dinner",
            EventKind.MEETING,
            "June 8, 2022",
            participants=(ParticipantSpec("X. Castro"),),
        )
    )
    seeded.followups.add(FollowUpDraft("Send thank-you note", owner="XC"))
    survivor = seeded.stakeholders.merge("X. Castro", "Xiomara Castro")
    assert {"X. Castro", "XC", "Castro"} <= set(survivor.aliases)
    assert "vip" in survivor.tags
    profile = seeded.stakeholders.show("X. Castro")  # the old name still finds her
    assert profile.stakeholder.id == survivor.id
    assert "Dinner" in [e.title for e in profile.timeline]
    assert "Send thank-you note" in [f.text for f in profile.open_follow_ups]
    with pytest.raises(UserError):
        seeded.stakeholders.get(f"#{dup.id}")


def test_affiliation_loops_are_refused(services: Services) -> None:
    services.stakeholders.add(StakeholderDraft("Honduras", StakeholderKind.GOVERNMENT))
    services.stakeholders.add(
        StakeholderDraft("Ministry", StakeholderKind.GOVERNMENT, affiliation="Honduras")
    )
    with pytest.raises(UserError, match="loop"):
        services.stakeholders.edit("Honduras", StakeholderChanges(affiliation="Ministry"))


def test_last_and_next_contact(seeded: Services) -> None:
    castro = seeded.stakeholders.get("Castro")
    # Last: the held late-May call; the summit is planned, so it is next (starting today).
    assert castro.last_contact is not None and castro.last_contact.label == "late May 2022"
    assert castro.next_contact is not None and castro.next_contact.label == "June 6–10, 2022"
    harris = seeded.stakeholders.get("Harris")
    assert harris.last_contact is not None and harris.last_contact.label == "late May 2022"
    # Only mentioned in the article: no contact either way.
    chile = seeded.stakeholders.get("Chile")
    assert (chile.last_contact, chile.next_contact) == (None, None)


def test_follow_up_due_overdue_done_reopen(seeded: Services) -> None:
    view, _ = seeded.followups.add(FollowUpDraft("Send readout", owner="Harris", due="by May 2022"))
    assert view.due is not None and view.due.end == dt.date(2022, 5, 31)
    assert view.overdue  # open and past the end of May, today being June 6
    overdue_ids = {f.id for f in seeded.followups.list(FollowUpScope.OVERDUE)}
    assert view.id in overdue_ids
    done = seeded.followups.set_status(view.id, FollowUpStatus.DONE)
    assert done.done_on == dt.date(2022, 6, 6) and not done.overdue
    assert view.id not in {f.id for f in seeded.followups.list(FollowUpScope.OVERDUE)}
    reopened = seeded.followups.toggle_done(view.id)
    assert reopened.status is FollowUpStatus.OPEN and reopened.done_on is None
    later, _ = seeded.followups.add(FollowUpDraft("Later", due="late June 2022"))
    assert not later.overdue


def test_cli_stakeholder_flow(cli) -> None:
    assert cli("stakeholder", "add", "Honduras", "--kind", "government").code == 0
    added = cli(
        "stakeholder",
        "add",
        "Xiomara Castro",
        "--kind",
        "person",
        "--title",
        "President of Honduras",
        "--affiliation",
        "Honduras",
        "--alias",
        "Castro",
        "--tag",
        "Northern Triangle",
    )
    assert added.code == 0, added.err
    listed = json.loads(cli("stakeholder", "list", "--format", "json").out)
    castro = next(s for s in listed if s["name"] == "Xiomara Castro")
    assert castro["affiliation"] == "Honduras" and castro["tags"] == ["northern-triangle"]
    cli(
        "event",
        "add",
        "Inauguration",
        "--kind",
        "inauguration",
        "--when",
        "Jan. 27, 2022",
        "--with",
        "Castro:host:attended",
    )
    cli(
        "followup",
        "add",
        "Confirm attendance",
        "--owner",
        "Castro",
        "--due",
        "June 6, 2022",
        "--event",
        "1",
    )
    shown = cli("stakeholder", "show", "castro")
    assert "last contact  January 27, 2022" in shown.out
    assert "Confirm attendance" in shown.out
    refused = cli("stakeholder", "delete", "Castro", "--yes")
    assert refused.code == 2 and "1 event, 1 follow-up" in refused.err
    assert cli("stakeholder", "edit", "Castro", "--add-alias", "XC").code == 0
    assert cli("stakeholder", "add", "Xiomara C.", "--kind", "person").code == 0
    merged = cli("stakeholder", "merge", "Xiomara C.", "Castro", "--yes")
    assert merged.code == 0 and "Xiomara C." in merged.out
    forced = cli("stakeholder", "delete", "Castro", "--force", "--yes")
    assert forced.code == 0
    assert json.loads(cli("event", "show", "1", "--json").out)["participants"] == []


def test_cli_followups(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("seed")
    monkeypatch.setenv("TRACKER_TODAY", "2022-08-01")
    overdue = cli("followup", "list", "--status", "overdue", "--format", "json")
    items = json.loads(overdue.out)
    assert items and all(f["overdue"] for f in items)
    first = items[0]["id"]
    assert cli("followup", "done", str(first)).code == 0
    done = json.loads(cli("followup", "list", "--status", "done", "--format", "json").out)
    assert first in [f["id"] for f in done]
    assert cli("followup", "reopen", str(first)).code == 0
    mine = json.loads(cli("followup", "list", "--owner", "Microsoft", "--format", "json").out)
    assert [f["due"]["label"] for f in mine] == ["July 2022"]
    added = cli("followup", "add", "Call back", "--owner", "Nobody Known")
    assert added.code == 2 and "no stakeholder named 'Nobody Known'" in added.err
