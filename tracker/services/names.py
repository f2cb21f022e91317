"""Finding stakeholders by what a staffer types: names, aliases or #id, case-insensitively."""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from collections.abc import Callable
from typing import TypeVar

from rapidfuzz import fuzz, process
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tracker.domain import Attendance, Role, StakeholderKind
from tracker.errors import Ambiguous, NotFound, UserError
from tracker.storage.models import Stakeholder, StakeholderAlias


def name_key(name: str) -> str:
    """The form names are compared in: case-folded, inner spaces collapsed."""
    return " ".join(name.split()).casefold()


# Accents: the combining diacritical marks a decomposed Latin, Greek or Cyrillic letter
# carries (other scripts' combining signs are letters of their words, and stay).
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Latin letters whose accent is not a combining mark, read as the letter they are written
# for ("Đorđević" is "dordevic", "Søndergaard" is "sondergaard").
_LETTERS = str.maketrans(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ħ": "h", "ı": "i", "ŧ": "t", "ƚ": "l", "ɨ": "i"}
)


def fold(name: str) -> str:
    """The form names are matched in: as `name_key`, and accents ignored ("André" is "andre")."""
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", name_key(name))).translate(_LETTERS)


def folded_names(session: Session) -> list[tuple[int, str, str]]:
    """Every name and alias: (stakeholder id, as stored, folded), folded in one pass (a
    stored name has its spaces collapsed already, so `fold` of the lot is that of each)."""
    rows = [
        *session.execute(select(Stakeholder.id, Stakeholder.name)),
        *session.execute(select(StakeholderAlias.stakeholder_id, StakeholderAlias.alias)),
    ]
    joined = "\n".join(text for _, text in rows).casefold()
    lot = _ACCENTS.sub("", unicodedata.normalize("NFKD", joined)).translate(_LETTERS)
    folded = lot.split("\n")
    if len(folded) != len(rows) or any(space in joined for space in ("  ", "\t", "\r")):
        folded = [fold(text) for _, text in rows]  # a name clean_name did not make
    return [(row[0], row[1], key) for row, key in zip(rows, folded, strict=True)]


# Where a session's reads find every name folded (set by the services that cache it).
FOLDED_NAMES = "tracker.folded_names"


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
    offer_create: bool = False,
) -> Stakeholder:
    """Exactly one stakeholder for `text`, or a one-line error saying why not.

    The order: `#id`; a name or alias as typed (case-insensitively); one as typed but for
    accents ("Andre Carson" is "André Carson"); then, unless `create`, a name or alias
    holding `text` as whole words ("Castro"), then as the start of a word ("Xiom", "Gia").
    The first step that finds anybody decides: one stakeholder is the answer, several are
    an `Ambiguous` error naming them. With `create`, a text found only in the last two
    steps is refused rather than created (it looks like a short form of someone).
    `offer_create` says the caller's command can create (the error then says how).
    """
    matches = find_stakeholders(session, text)
    if len(matches) > 1:
        exact = [s for s in matches if s.name_key == name_key(text)]
        if len(exact) == 1:
            return exact[0]
        raise Ambiguous(_could_be(text, matches))
    if matches:
        return matches[0]
    if _ID.match(text.strip()):
        raise NotFound(f"no stakeholder {text.strip()}")
    named = _named(session)
    steps = _loose_steps(named, text)
    for step, ids in enumerate(steps):
        if not ids:
            continue
        found = _stakeholders(session, ids)
        if len(found) > 1:
            raise Ambiguous(_could_be(text, found))
        if step == 0 or not create:
            return found[0]
        raise Ambiguous(
            f"{text!r} is not a full name; did you mean {found[0].name}? (use the full name or #id)"
        )
    if not create:
        hint = " (add it, or pass --create)" if offer_create else ""
        raise NotFound(f"no stakeholder named {text!r}{_did_you_mean(named, text)}", cli=hint)
    name = clean_name(text)
    stakeholder = Stakeholder(name=name, name_key=name_key(name), kind=kind)
    session.add(stakeholder)
    session.flush()
    if created is not None:
        created.append(name)
    return stakeholder


def name_taken(session: Session, text: str, own_id: int | None = None) -> str | None:
    """How `text` is taken already as another stakeholder's name or alias, ignoring case and
    accents ("the name of Xiomara Castro (person, #3)"), or None when it is free."""
    key, folded = name_key(text), fold(text)
    rows = [
        *session.scalars(select(Stakeholder.id).where(Stakeholder.name_key == key)),
        *session.scalars(
            select(StakeholderAlias.stakeholder_id).where(StakeholderAlias.alias_key == key)
        ),
    ]
    clash = [i for i in rows if i != own_id]
    if not clash:
        clash = [i for i, _, f in _named(session) if f == folded and i != own_id]
    if not clash:
        return None
    owner = _stakeholders(session, clash[:1])[0]
    if fold(owner.name) == folded:
        return f"the name of {_label(owner)}"
    alias = next(a.alias for a in owner.aliases if fold(a.alias) == folded)
    return f"an alias ({alias!r}) of {_label(owner)}"


def _named(session: Session) -> list[tuple[int, str, str]]:
    source: Callable[[], list[tuple[int, str, str]]] | None = session.info.get(FOLDED_NAMES)
    return source() if source is not None else folded_names(session)


def _loose_steps(named: list[tuple[int, str, str]], text: str) -> list[list[int]]:
    """The ids found by each loose step: same but for accents, whole words, word start."""
    folded = fold(text)
    if not folded:
        return []
    words = re.compile(rf"(?<!\w){re.escape(folded)}(?!\w)")
    start = re.compile(rf"(?<!\w){re.escape(folded)}")
    same = [i for i, _, f in named if f == folded]
    whole = [i for i, _, f in named if words.search(f)]
    begun = [i for i, _, f in named if start.search(f)] if len(folded) >= 2 else []
    return [list(dict.fromkeys(ids)) for ids in (same, whole, begun)]


def _did_you_mean(named: list[tuple[int, str, str]], text: str) -> str:
    """The error's end "; did you mean A, B or C?": at most three names or aliases like `text`."""
    folded = fold(text)
    choices = [f for _, _, f in named]
    found = process.extract(folded, choices, scorer=fuzz.WRatio, limit=20, score_cutoff=80)
    # WRatio scores a part of the longer text: a short name inside a long misspelt one is
    # no suggestion unless it is close as a whole.
    found = [hit for hit in found if len(hit[0]) >= len(folded) or fuzz.ratio(folded, hit[0]) >= 80]
    seen: dict[int, str] = {}
    for _, _, index in found:
        stakeholder_id, stored, _ = named[index]
        seen.setdefault(stakeholder_id, stored)
    names = list(seen.values())[:3]
    if not names:
        return ""
    said = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"; did you mean {said}?"


def _stakeholders(session: Session, ids: list[int]) -> list[Stakeholder]:
    return list(
        session.scalars(
            select(Stakeholder)
            .where(Stakeholder.id.in_(ids))
            .order_by(Stakeholder.name_key, Stakeholder.id)
        )
    )


def _label(stakeholder: Stakeholder) -> str:
    return f"{stakeholder.name} ({stakeholder.kind}, #{stakeholder.id})"


def _could_be(text: str, matches: list[Stakeholder]) -> str:
    listed = "; ".join(_label(s) for s in matches[:5])
    more = f" (or {len(matches) - 5} more)" if len(matches) > 5 else ""
    return f"{text!r} could be several: did you mean {listed}{more}? Use the full name or #id"


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
