"""Finding stakeholders by what a staffer types: names, aliases or #id, case-insensitively."""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tracker.domain import Attendance, Role, StakeholderKind
from tracker.errors import Ambiguous, NotFound, UserError
from tracker.storage.models import Stakeholder, StakeholderAlias


def name_key(name: str) -> str:
    """The form names are compared in: case-folded, inner spaces collapsed."""
    return " ".join(name.split()).casefold()


class NameIndex:
    """Every stakeholder's name key in one string, so which names contain a text is a few
    `str.find` calls (about a millisecond at 100,000 names) rather than a scan of the table
    with LIKE for each query that needs it. Built once per data version."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        self._ids = array("q", (row[0] for row in rows))
        self._starts: list[int] = []
        at = 0
        for _, key in rows:
            self._starts.append(at)
            at += len(key) + 1
        self._text = "\n".join(key for _, key in rows)
        self._found: dict[tuple[str, int], list[int] | None] = {}  # lines, by text

    @classmethod
    def build(cls, session: Session) -> NameIndex:
        rows = session.execute(select(Stakeholder.id, Stakeholder.name_key))
        return cls([(stakeholder_id, key) for stakeholder_id, key in rows])

    def containing(self, text: str, limit: int) -> list[int] | None:
        """The ids of the stakeholders whose name key contains `text` (as LIKE '%text%' on
        the lower-cased text does), or None when there are more than `limit`."""
        if (text, limit) not in self._found:
            if len(self._found) > 64:
                self._found.clear()
            lines = self._narrowed(text, limit)
            self._found[text, limit] = self._lines(text, limit) if lines is None else lines
        lines = self._found[text, limit]
        return None if lines is None else [self._ids[line] for line in lines]

    def _narrowed(self, text: str, limit: int) -> list[int] | None:
        """As typing goes on, what a text this one begins with found, narrowed (a name that
        holds this text holds that one too): a few names read instead of all of them."""
        for (shorter, within), lines in list(self._found.items()):
            if lines is not None and within == limit and shorter and text.startswith(shorter):
                return [line for line in lines if text in self._key(line)]
        return None

    def _key(self, line: int) -> str:
        starts = self._starts
        end = starts[line + 1] - 1 if line + 1 < len(starts) else len(self._text)
        return self._text[starts[line] : end]

    def _lines(self, text: str, limit: int) -> list[int] | None:
        found: list[int] = []
        starts, find = self._starts, self._text.find
        at = find(text) if text and "\n" not in text else -1
        while at != -1:
            line = bisect.bisect_right(starts, at) - 1
            found.append(line)
            if len(found) > limit:
                return None
            after = starts[line + 1] if line + 1 < len(starts) else len(self._text)
            at = find(text, after)
        return found


# Where a session's reads find the name index (set by the services that cache it).
NAME_INDEX = "tracker.name_index"
NameIndexSource = Callable[[], NameIndex]


def clean_name(name: str, what: str = "name") -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserError(f"{what} must not be empty")
    if ";" in cleaned:
        raise UserError(f"{what} {cleaned!r} must not contain ';' (it separates names in CSV)")
    if len(cleaned) > 200:
        raise UserError(f"{what} is longer than 200 characters")
    return cleaned


_E = TypeVar("_E", Role, Attendance)

_ID = re.compile(r"^#(\d+)$")


def find_stakeholders(session: Session, text: str) -> list[Stakeholder]:
    """Every stakeholder whose name or alias matches `text` (or the one with `#id`)."""
    match = _ID.match(text.strip())
    if match:
        found = session.get(Stakeholder, int(match.group(1)))
        return [found] if found else []
    key = name_key(text)
    alias_owner = select(StakeholderAlias.stakeholder_id).where(StakeholderAlias.alias_key == key)
    rows = session.scalars(
        select(Stakeholder)
        .where(or_(Stakeholder.name_key == key, Stakeholder.id.in_(alias_owner)))
        .order_by(Stakeholder.name_key, Stakeholder.id)
    ).all()
    return list(rows)


def resolve_stakeholder(
    session: Session,
    text: str,
    *,
    create: bool = False,
    kind: StakeholderKind = StakeholderKind.OTHER,
    created: list[str] | None = None,
) -> Stakeholder:
    """Exactly one stakeholder for `text`, or a one-line error saying why not."""
    matches = find_stakeholders(session, text)
    if len(matches) > 1:
        exact = [s for s in matches if s.name_key == name_key(text)]
        if len(exact) == 1:
            return exact[0]
        listed = "; ".join(f"{s.name} ({s.kind}, #{s.id})" for s in matches)
        raise Ambiguous(f"{text!r} could be {listed} — use the full name or #id")
    if matches:
        return matches[0]
    if not create:
        if _ID.match(text.strip()):
            raise NotFound(f"no stakeholder {text.strip()}")
        raise NotFound(f"no stakeholder named {text!r}", cli=" (add it, or pass --create)")
    name = clean_name(text)
    stakeholder = Stakeholder(name=name, name_key=name_key(name), kind=kind)
    session.add(stakeholder)
    session.flush()
    if created is not None:
        created.append(name)
    return stakeholder


def parse_participant(spec: str) -> tuple[str, Role, Attendance]:
    """`NAME[:role[:attendance]]` as typed after --with."""
    parts = spec.split(":")
    name = parts[0].strip()
    if not name:
        raise UserError(f"participant {spec!r} has no name (expected NAME[:role[:attendance]])")
    if len(parts) > 3:
        raise UserError(
            f"participant {spec!r} has too many ':' (expected NAME[:role[:attendance]])"
        )
    role = _choice(Role, parts[1], spec, "role") if len(parts) > 1 and parts[1].strip() else None
    attendance = (
        _choice(Attendance, parts[2], spec, "attendance")
        if len(parts) > 2 and parts[2].strip()
        else None
    )
    role = role or Role.PARTICIPANT
    if attendance is None:
        attendance = Attendance.INVITED if role is Role.INVITED else Attendance.UNKNOWN
    return name, role, attendance


def _choice(enum: type[_E], value: str, spec: str, what: str) -> _E:
    try:
        return enum(value.strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise UserError(
            f"unknown {what} {value.strip()!r} in {spec!r} (one of: {allowed})"
        ) from None
