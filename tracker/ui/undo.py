"""The undo stack: the changes made in this app session that `u` takes back, newest first
(pure, no Textual)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.domain import Change, Deleted
from tracker.errors import NotFound
from tracker.services.undo import Snapshots

LIMIT = 50


@dataclass
class UndoStack:
    """Changes kept for `u`; the oldest fall off past `LIMIT`."""

    items: list[Change] = field(default_factory=list)

    def push(self, change: Change) -> None:
        self.items.append(change)
        del self.items[:-LIMIT]

    def pop(self) -> Change | None:
        return self.items.pop() if self.items else None

    def peek(self) -> Change | None:
        return self.items[-1] if self.items else None

    def __len__(self) -> int:
        return len(self.items)


def snapshot_if_there(service: Snapshots, record_id: int) -> Deleted | None:
    """The record as stored before a change, None if it is gone (the save then says so)."""
    try:
        return service.snapshot(record_id)
    except NotFound:
        return None
