"""Merging two stakeholders: the plan of what moves and what is kept, and carrying it out.

`plan_merge` decides everything and `apply_merge` only does what the plan says, so a dry run
(the plan alone) and the merge itself cannot disagree.

What a staffer can expect of a merge of DUPLICATE into TARGET:
- DUPLICATE's participations, owned follow-ups and affiliated stakeholders move to TARGET;
  its name and aliases become TARGET's aliases and its tags are added to TARGET's.
- Where both took part in one event, one participation stays, with the stronger role and the
  stronger attendance of the two (`ROLE_STRENGTH`, `ATTENDANCE_STRENGTH`).
- No value is lost: a field TARGET leaves empty takes DUPLICATE's value; where both have
  different values, TARGET's is kept and DUPLICATE's is written into TARGET's notes, on a
  line naming where it came from. DUPLICATE's notes are added below TARGET's.
- Different kinds (a government into a person) are refused unless forced; TARGET's kind is
  kept and DUPLICATE's goes into the notes like any other differing value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.domain import Attendance, Role, StakeholderKind
from tracker.errors import Conflict, UserError
from tracker.services.names import clean_name, name_key
from tracker.storage.models import (
    Event,
    FollowUp,
    Participation,
    Stakeholder,
    StakeholderAlias,
    StakeholderTag,
)

_E = TypeVar("_E", Role, Attendance)

ROLE_STRENGTH: tuple[Role, ...] = (
    Role.HOST,
    Role.ORGANIZER,
    Role.SPEAKER,
    Role.PARTICIPANT,
    Role.INVITED,
    Role.MENTIONED,
)
"""Roles, strongest first: who ran the event, then who spoke, took part, was asked, was named."""

ATTENDANCE_STRENGTH: tuple[Attendance, ...] = (
    Attendance.ATTENDED,
    Attendance.CONFIRMED,
    Attendance.DECLINED,
    Attendance.INVITED,
    Attendance.UNKNOWN,
)
"""Attendances, strongest first: what happened, then what was promised; a declined invitation
is stronger than the bare invitation it answers (keeping 'invited' would bring back an
invitation already turned down), and 'unknown' says nothing."""


@dataclass(frozen=True)
class MergeParty:
    id: int
    name: str
    kind: StakeholderKind


@dataclass(frozen=True)
class MovedParticipation:
    """A participation of the duplicate's in an event the target was not part of."""

    event_id: int
    event_title: str
    role: Role
    attendance: Attendance


@dataclass(frozen=True)
class CombinedParticipation:
    """An event both took part in: one participation stays, with the stronger of each."""

    event_id: int
    event_title: str
    target: tuple[Role, Attendance]
    duplicate: tuple[Role, Attendance]
    kept: tuple[Role, Attendance]


@dataclass(frozen=True)
class FieldOutcome:
    """What happens to one field the duplicate has a value for."""

    field: str  # "title", "country", "affiliation" or "kind"
    target: str  # the target's value before ("" for none)
    duplicate: str
    kept: str  # the target's value after
    to_notes: bool  # the duplicate's value is written into the target's notes


@dataclass(frozen=True)
class MergePlan:
    duplicate: MergeParty
    target: MergeParty
    moved: tuple[MovedParticipation, ...]
    combined: tuple[CombinedParticipation, ...]
    follow_ups: tuple[str, ...]  # the texts of the duplicate's follow-ups, moving to the target
    affiliates: tuple[str, ...]  # stakeholders affiliated to the duplicate, now to the target
    aliases: tuple[str, ...]  # names the target gains as aliases
    tags: tuple[str, ...]  # tags the target gains
    fields: tuple[FieldOutcome, ...]
    notes: str  # the target's notes after the merge
    affiliation_id: int | None  # the target's affiliation after the merge

    def lines(self) -> list[str]:
        """The plan as a staffer reads it, one line each."""
        d, t = self.duplicate, self.target
        out = [f"merge {d.name} ({d.kind}, #{d.id}) into {t.name} ({t.kind}, #{t.id})"]
        out.append(f"participations moved: {len(self.moved)}")
        out += [f"  {p.event_title} (#{p.event_id}): {p.role}, {p.attendance}" for p in self.moved]
        out.append(f"events both took part in: {len(self.combined)} (the stronger of each kept)")
        out += [
            f"  {c.event_title} (#{c.event_id}): {_pair(c.kept)}"
            f" (was {_pair(c.target)}; {d.name}: {_pair(c.duplicate)})"
            for c in self.combined
        ]
        out.append(f"follow-ups moved: {len(self.follow_ups)}")
        out += [f"  {text}" for text in self.follow_ups]
        if self.affiliates:
            out.append(f"affiliated stakeholders moved: {', '.join(self.affiliates)}")
        out.append(f"aliases added: {', '.join(self.aliases) or 'none'}")
        if self.tags:
            out.append(f"tags added: {', '.join(self.tags)}")
        for f in self.fields:
            if f.to_notes:
                out.append(
                    f"{f.field}: {f.target!r} kept; {d.name}'s {f.duplicate!r} goes into the notes"
                )
            elif f.target != f.kept:
                out.append(f"{f.field}: {f.kept!r} taken from {d.name}")
            else:
                out.append(f"{f.field}: {f.kept!r} (the same in both)")
        return out


def stronger(order: tuple[_E, ...], first: _E, second: _E) -> _E:
    """The stronger of two roles (or attendances) by `order`; the first when equal."""
    return second if order.index(second) < order.index(first) else first


def plan_merge(
    session: Session, duplicate: Stakeholder, target: Stakeholder, *, force: bool = False
) -> MergePlan:
    """What merging `duplicate` into `target` would do; nothing is written."""
    if duplicate.id == target.id:
        raise UserError(f"{duplicate.name} and {target.name} are the same stakeholder")
    if duplicate.kind != target.kind and not force:
        raise Conflict(
            f"{duplicate.name} is a {duplicate.kind} and {target.name} a {target.kind}",
            cli="; use --force to merge different kinds",
        )
    ours = {
        p.event_id: p
        for p in session.scalars(
            select(Participation).where(Participation.stakeholder_id == target.id)
        )
    }
    moved: list[MovedParticipation] = []
    combined: list[CombinedParticipation] = []
    for participation, title in session.execute(
        select(Participation, Event.title)
        .join(Event, Event.id == Participation.event_id)
        .where(Participation.stakeholder_id == duplicate.id)
        .order_by(Event.start_date, Event.sort_time, Event.id)
    ):
        mine = ours.get(participation.event_id)
        theirs = (participation.role, participation.attendance)
        if mine is None:
            moved.append(MovedParticipation(participation.event_id, title, *theirs))
            continue
        before = (mine.role, mine.attendance)
        kept = (
            stronger(ROLE_STRENGTH, mine.role, participation.role),
            stronger(ATTENDANCE_STRENGTH, mine.attendance, participation.attendance),
        )
        combined.append(CombinedParticipation(participation.event_id, title, before, theirs, kept))
    follow_ups = session.scalars(
        select(FollowUp.text).where(FollowUp.owner_id == duplicate.id).order_by(FollowUp.id)
    ).all()
    affiliates = session.scalars(
        select(Stakeholder.name)
        .where(Stakeholder.affiliation_id == duplicate.id, Stakeholder.id != target.id)
        .order_by(Stakeholder.name_key)
    ).all()
    have = {target.name_key, *(a.alias_key for a in target.aliases)}
    new_aliases: list[str] = []
    for alias in [duplicate.name, *(a.alias for a in duplicate.aliases)]:
        if name_key(alias) not in have:
            have.add(name_key(alias))
            new_aliases.append(alias)
    tags = [t.tag for t in duplicate.tags if t.tag not in {x.tag for x in target.tags}]
    fields, affiliation_id = _fields(duplicate, target)
    differing = [f for f in fields if f.to_notes]
    notes = [target.notes, duplicate.notes]
    if differing:
        said = "; ".join(f"{f.field} {f.duplicate!r}" for f in differing)
        notes.append(f"From {duplicate.name} (#{duplicate.id}, merged in): {said}")
    return MergePlan(
        duplicate=_party(duplicate),
        target=_party(target),
        moved=tuple(moved),
        combined=tuple(combined),
        follow_ups=tuple(follow_ups),
        affiliates=tuple(affiliates),
        aliases=tuple(new_aliases),
        tags=tuple(tags),
        fields=tuple(fields),
        notes="\n".join(n for n in notes if n),
        affiliation_id=affiliation_id,
    )


def apply_merge(
    session: Session, plan: MergePlan, duplicate: Stakeholder, target: Stakeholder
) -> None:
    """Carry out `plan` (from `plan_merge` on the same session, nothing changed since)."""
    kept = {c.event_id: c.kept for c in plan.combined}
    for participation in session.scalars(
        select(Participation).where(Participation.stakeholder_id.in_([duplicate.id, target.id]))
    ):
        if participation.event_id not in kept:
            participation.stakeholder_id = target.id
        elif participation.stakeholder_id == duplicate.id:
            session.delete(participation)
        else:
            participation.role, participation.attendance = kept[participation.event_id]
    session.flush()
    for follow_up in session.scalars(select(FollowUp).where(FollowUp.owner_id == duplicate.id)):
        follow_up.owner_id = target.id
    for affiliate in session.scalars(
        select(Stakeholder).where(
            Stakeholder.affiliation_id == duplicate.id, Stakeholder.id != target.id
        )
    ):
        affiliate.affiliation_id = target.id
    for f in plan.fields:
        if f.field in ("title", "country"):
            setattr(target, f.field, f.kept)
    target.affiliation_id = plan.affiliation_id
    target.notes = plan.notes
    tags = [t.tag for t in target.tags] + list(plan.tags)
    session.delete(duplicate)
    session.flush()
    session.expire(target, ["affiliation"])
    for alias in plan.aliases:
        cleaned = clean_name(alias, "alias")
        target.aliases.append(StakeholderAlias(alias=cleaned, alias_key=name_key(cleaned)))
    target.tags = [StakeholderTag(tag=t) for t in dict.fromkeys(tags)]
    target.updated_at = dt.datetime.now(dt.UTC)
    session.flush()


def _fields(duplicate: Stakeholder, target: Stakeholder) -> tuple[list[FieldOutcome], int | None]:
    """The outcome for each field the duplicate has a value in, and the target's affiliation."""
    fields: list[FieldOutcome] = []
    for name in ("title", "country"):
        mine, theirs = getattr(target, name), getattr(duplicate, name)
        if theirs:
            fields.append(_outcome(name, mine, theirs))
    if duplicate.kind != target.kind:
        kinds = str(target.kind), str(duplicate.kind)
        fields.append(FieldOutcome("kind", kinds[0], kinds[1], kinds[0], True))
    # The target's affiliation; one to the duplicate itself is replaced by the duplicate's.
    mine_id = target.affiliation_id
    mine = target.affiliation
    if mine_id == duplicate.id:
        mine_id, mine = None, None
    theirs = duplicate.affiliation
    if theirs is not None and theirs.id != target.id:
        if mine is None and _loops(theirs, {target.id, duplicate.id}):
            # Taking it would make an affiliation loop: kept in the notes instead.
            fields.append(FieldOutcome("affiliation", "", theirs.name, "", True))
        else:
            outcome = _outcome("affiliation", mine.name if mine else "", theirs.name)
            fields.append(outcome)
            if mine is None:
                mine_id = theirs.id
    return fields, mine_id


def _outcome(field: str, mine: str, theirs: str) -> FieldOutcome:
    if not mine:
        return FieldOutcome(field, mine, theirs, theirs, False)
    same = " ".join(mine.split()).casefold() == " ".join(theirs.split()).casefold()
    return FieldOutcome(field, mine, theirs, mine, not same)


def _loops(start: Stakeholder, ids: set[int]) -> bool:
    seen: set[int] = set()
    current: Stakeholder | None = start
    while current is not None and current.id not in seen:
        if current.id in ids:
            return True
        seen.add(current.id)
        current = current.affiliation
    return False


def _party(stakeholder: Stakeholder) -> MergeParty:
    return MergeParty(stakeholder.id, stakeholder.name, stakeholder.kind)


def _pair(value: tuple[Role, Attendance]) -> str:
    return f"{value[0]}, {value[1]}"
