"""Undo on a real SQLite file: every kind of change comes back exactly as it was."""

from __future__ import annotations

import pytest

from tracker.domain import Change, EventChanges, FollowUpScope, StakeholderChanges
from tracker.errors import Conflict
from tracker.services import Services
from tracker.services.undo import undo


def everything(services: Services) -> tuple[object, ...]:
    """Every stakeholder, event and follow-up as stored, for comparing before and after."""
    stakeholders = tuple(services.stakeholders.snapshot(s.id) for s in services.stakeholders.list())
    events = tuple(services.events.snapshot(e.id) for e in services.events.list())
    follow_ups = tuple(
        services.followups.snapshot(f.id) for f in services.followups.list(FollowUpScope.ALL)
    )
    # `updated_at` says when a row was last written: putting it back is a write too.
    return tuple(
        (r.what, r.id, {k: v for k, v in r.payload.items() if k != "updated_at"})
        for r in (*stakeholders, *events, *follow_ups)
    ) + tuple(r.detached_follow_ups for r in events)


def test_a_merge_undone_leaves_both_as_they_were(seeded: Services) -> None:
    services = seeded
    before_all = everything(services)
    survivor = services.stakeholders.get("Xiomara Castro")
    loser = services.stakeholders.get("Honduras")
    kept, away = (
        services.stakeholders.snapshot(survivor.id),
        services.stakeholders.snapshot(loser.id),
    )
    services.stakeholders.merge("Honduras", "Xiomara Castro", force=True)
    after = services.stakeholders.snapshot(survivor.id)
    assert everything(services) != before_all
    undo(services, Change("merged", kept, after, merged_away=away))
    assert everything(services) == before_all


def test_edits_and_deletes_undone_in_turn(seeded: Services) -> None:
    services = seeded
    before_all = everything(services)
    event = services.events.list()[3]
    changes: list[Change] = []

    before = services.events.snapshot(event.id)
    services.events.edit(event.id, EventChanges(title="Changed", tags=("x",)))
    changes.append(Change("edited", before, services.events.snapshot(event.id)))

    castro = services.stakeholders.get("Xiomara Castro")
    before = services.stakeholders.snapshot(castro.id)
    services.stakeholders.edit("Xiomara Castro", StakeholderChanges(title="Someone else"))
    changes.append(Change("edited", before, services.stakeholders.snapshot(castro.id)))

    changes.append(Change("deleted", services.events.delete(event.id), None))
    for change in reversed(changes):
        undo(services, change)
    assert everything(services) == before_all


def test_undo_refuses_when_the_record_changed_since(seeded: Services) -> None:
    services = seeded
    event = services.events.list()[0]
    before = services.events.snapshot(event.id)
    services.events.edit(event.id, EventChanges(title="Mine"))
    after = services.events.snapshot(event.id)
    services.events.edit(event.id, EventChanges(title="A colleague's"))
    with pytest.raises(Conflict, match="has changed since"):
        undo(services, Change("edited", before, after))
    assert services.events.get(event.id).title == "A colleague's"
