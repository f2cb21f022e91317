"""`tracker undo` takes back the command line's last changes, newest first, on a real file."""

from __future__ import annotations

import json


def show(cli, *args: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    result = cli(*args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def test_deletes_edits_and_merges_undone_newest_first(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed").code == 0
    event_before = show(cli, "event", "show", "13")
    castro_before = show(cli, "stakeholder", "show", "Xiomara Castro")

    assert cli("event", "edit", "13", "--title", "Renamed", "--add-tag", "oops").code == 0
    assert cli("stakeholder", "merge", "Honduras", "Xiomara Castro", "--force", "--yes").code == 0
    assert cli("event", "delete", "13", "--yes").code == 0
    assert cli("event", "show", "13").code == 2

    said = [cli("undo") for _ in range(3)]
    assert [r.code for r in said] == [0, 0, 0], [r.err for r in said]
    assert said[0].out.startswith("undid deleting event")
    assert said[1].out.startswith("undid merging Honduras (government) into Xiomara Castro")
    assert said[2].out.startswith("undid the edit of event")

    assert show(cli, "event", "show", "13") == event_before
    assert show(cli, "stakeholder", "show", "Xiomara Castro") == castro_before
    assert cli("stakeholder", "show", "Honduras").code == 0  # back as its own stakeholder
    nothing = cli("undo")
    assert nothing.code == 2 and "nothing to undo" in nothing.err


def test_follow_up_done_and_added_undone(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed").code == 0
    assert cli("followup", "add", "Send the readout", "--event", "12").code == 0
    assert cli("followup", "done", "1").code == 0
    assert cli("undo", "--dry-run").out.startswith("would undo the edit of follow-up")
    assert cli("undo").code == 0
    listed = cli("followup", "list", "--format", "json").out
    assert '"status": "open"' in listed.split('"id": 1,')[1].split("}")[0]
    assert cli("undo").out.startswith("undid adding follow-up Send the readout")
    assert "Send the readout" not in cli("followup", "list").out


def test_undo_refuses_over_a_later_change_and_can_forget_it(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed").code == 0
    assert cli("event", "edit", "13", "--title", "Mine").code == 0
    before = cli("undo", "--dry-run").out
    # Someone else changes it again, through the services (not recorded as ours).
    from tracker.domain import EventChanges
    from tracker.services import open_services
    from tracker.settings import Settings

    services = open_services(Settings.from_env())
    try:
        services.events.edit(13, EventChanges(title="A colleague's"))
    finally:
        services.close()
    refused = cli("undo")
    assert refused.code == 2 and "has changed since" in refused.err
    assert refused.err.count("\n") == 1
    assert show(cli, "event", "show", "13")["title"] == "A colleague's"
    assert cli("undo", "--dry-run").out == before  # still there, not lost
    assert cli("undo", "--forget").out.startswith("forgot the edit of event")
    assert cli("undo").code == 2
