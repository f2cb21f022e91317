"""The command line's undo journal: the last changes made from `tracker ...` on one database,
kept in a private file of the user's so that `tracker undo` can take them back, newest first.

One file per database (named by a hash of its URL) in the data folder, written to a temporary
name and renamed, readable by the owner only: it holds copies of the records changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tracker.domain import Change, Deleted
from tracker.paths import make_private_dirs

LIMIT = 20


class Journal:
    """The last `LIMIT` changes made from the command line on the database at `url`."""

    def __init__(self, folder: Path, url: str) -> None:
        digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        self.path = folder / f"undo-{digest}.json"

    def push(self, change: Change) -> None:
        with self._changes() as changes:
            changes.append(change)
            del changes[:-LIMIT]

    def pop(self) -> Change | None:
        with self._changes() as changes:
            return changes.pop() if changes else None

    def peek(self) -> Change | None:
        changes = self._read()
        return changes[-1] if changes else None

    @contextmanager
    def _changes(self) -> Iterator[list[Change]]:
        changes = self._read()
        before = list(changes)
        yield changes
        if changes != before:
            self._write(changes)

    def _read(self) -> list[Change]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        try:
            return [_change(item) for item in json.loads(text)]
        except (ValueError, KeyError, TypeError):
            return []  # an unreadable journal is no reason to refuse work: start afresh

    def _write(self, changes: list[Change]) -> None:
        folder = self.path.parent
        make_private_dirs(folder)
        temporary = folder / f".{self.path.name}.{os.getpid()}.part"
        data = json.dumps([_encode_change(c) for c in changes], default=_encode)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)


def _encode(value: object) -> Any:
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    raise TypeError(f"cannot keep {type(value).__name__} in the undo journal")


def _encode_record(record: Deleted | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "what": record.what,
        "id": record.id,
        "label": record.label,
        "payload": record.payload,
        "detached": list(record.detached_follow_ups),
    }


def _encode_change(change: Change) -> dict[str, Any]:
    return {
        "action": change.action,
        "before": _encode_record(change.before),
        "after": _encode_record(change.after),
        "merged_away": _encode_record(change.merged_away),
    }


def _decode(value: Any) -> Any:
    """A value as the services keep it: dates and times, tuples for the rows of a list."""
    if isinstance(value, dict):
        if set(value) == {"datetime"}:
            return dt.datetime.fromisoformat(value["datetime"])
        if set(value) == {"date"}:
            return dt.date.fromisoformat(value["date"])
    if isinstance(value, list):
        return [tuple(item) if isinstance(item, list) else item for item in value]
    return value


def _record(item: dict[str, Any] | None) -> Deleted | None:
    if item is None:
        return None
    payload = {key: _decode(value) for key, value in item["payload"].items()}
    return Deleted(
        str(item["what"]),
        int(item["id"]),
        str(item["label"]),
        payload,
        tuple(int(i) for i in item["detached"]),
    )


def _change(item: dict[str, Any]) -> Change:
    return Change(
        str(item["action"]),
        _record(item["before"]),
        _record(item["after"]),
        _record(item["merged_away"]),
    )


__all__ = ["Journal"]
