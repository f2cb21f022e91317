"""Taking a change back: the one place that knows how each kind of change is undone, for the
app's `u` and for `tracker undo` alike."""

from __future__ import annotations

from typing import Protocol

from tracker.domain import Change, Deleted


class Snapshots(Protocol):
    """A service that can say how one of its records is stored now."""

    def snapshot(self, record_id: int, /) -> Deleted: ...


class Undoes(Protocol):
    """What a service offers to take back a change to its records."""

    def restore(self, deleted: Deleted) -> object: ...

    def take_back(self, added: Deleted) -> object: ...

    def put_back(self, before: Deleted, after: Deleted) -> object: ...


class Unmerges(Undoes, Protocol):
    def unmerge(self, kept: Deleted, merged_away: Deleted, after: Deleted) -> object: ...


class HasRecords(Protocol):
    @property
    def events(self) -> Undoes: ...

    @property
    def stakeholders(self) -> Unmerges: ...

    @property
    def followups(self) -> Undoes: ...


def undo(services: HasRecords, change: Change) -> object:
    """Take `change` back in one transaction; what it returns is the record as it is now
    (a view), or what an undone add removed. Refused (UserError) when the record changed
    since, so that nobody's later work is overwritten."""
    record = change.record
    if record.what == "event":
        service: Undoes = services.events
    elif record.what == "stakeholder":
        service = services.stakeholders
    else:
        service = services.followups
    if change.merged_away is not None:
        assert change.before is not None and change.after is not None
        return services.stakeholders.unmerge(change.before, change.merged_away, change.after)
    if change.action == "deleted":
        assert change.before is not None
        return service.restore(change.before)
    if change.action == "added":
        assert change.after is not None
        return service.take_back(change.after)
    assert change.before is not None and change.after is not None
    return service.put_back(change.before, change.after)


__all__ = ["HasRecords", "Snapshots", "Undoes", "undo"]
