"""The undo stack of deletes: what `u` restores, newest first (pure, no Textual)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.domain import Deleted

LIMIT = 50


@dataclass
class UndoStack:
    """Deleted items kept for `u`; the oldest fall off past `LIMIT`."""

    items: list[Deleted] = field(default_factory=list)

    def push(self, deleted: Deleted) -> None:
        self.items.append(deleted)
        del self.items[:-LIMIT]

    def pop(self) -> Deleted | None:
        return self.items.pop() if self.items else None

    def peek(self) -> Deleted | None:
        return self.items[-1] if self.items else None

    def __len__(self) -> int:
        return len(self.items)
