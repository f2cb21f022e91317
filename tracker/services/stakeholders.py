"""Stakeholders: add, list, show with their timeline, edit, merge and guarded delete."""

from __future__ import annotations

import builtins
import datetime as dt
import json
from dataclasses import replace

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from tracker.domain import (
    STAKEHOLDER_FIELDS,
    Attendance,
    Deleted,
    EventStatus,
    FollowUpStatus,
    Role,
    StakeholderChanges,
    StakeholderDraft,
    StakeholderKind,
    StakeholderProfile,
    StakeholderView,
    When,
    differences,
    unchanged_since,
)
from tracker.errors import ChangedMeanwhile, Conflict, NotFound, UserError
from tracker.services.context import Context
from tracker.services.merging import MergePlan, apply_merge, plan_merge
from tracker.services.names import (
    clean_name,
    find_stakeholders,
    name_key,
    name_taken,
    resolve_stakeholder,
)
from tracker.services.stakeholder_import import (
    StakeholderImportReport,
    StakeholderRow,
    import_rows,
)
from tracker.services.tags import clean_tags
from tracker.services.views import event_views, event_when, follow_up_view
from tracker.storage.models import (
    Event,
    FollowUp,
    Participation,
    Stakeholder,
    StakeholderAlias,
    StakeholderTag,
)
from tracker.textsafe import refuse_controls_in


class StakeholderService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- reading -------------------------------------------------------------------------

    def list(
        self,
        *,
        kind: StakeholderKind | None = None,
        search: str | None = None,
        tag: str | None = None,
    ) -> builtins.list[StakeholderView]:
        with self.ctx.read() as session:
            query = select(Stakeholder).order_by(Stakeholder.name_key, Stakeholder.id)
            if kind is not None:
                query = query.where(Stakeholder.kind == kind)
            if tag:
                query = query.where(
                    Stakeholder.id.in_(
                        select(StakeholderTag.stakeholder_id).where(
                            StakeholderTag.tag == clean_tags([tag])[0]
                        )
                    )
                )
            if search and search.strip():
                key = f"%{name_key(search)}%"
                query = query.where(
                    Stakeholder.name_key.like(key)
                    | Stakeholder.id.in_(
                        select(StakeholderAlias.stakeholder_id).where(
                            StakeholderAlias.alias_key.like(key)
                        )
                    )
                    | func.lower(Stakeholder.title).like(key)
                )
            return self._views(session, list(session.scalars(query)))

    def get(self, name: str) -> StakeholderView:
        with self.ctx.read() as session:
            return self._views(session, [resolve_stakeholder(session, name)])[0]

    def names(self) -> builtins.list[tuple[str, int]]:
        """Every name and alias with its stakeholder id, for completion."""
        with self.ctx.read() as session:
            if session.get_bind().dialect.name == "sqlite":
                # Sorted by SQLite and read as one JSON value: at 100,000 stakeholders a
                # Python sort and a row-by-row read hold up the TUI's other threads (a
                # stored key is its name case-folded; SQLite orders text by code point).
                listed = session.connection().exec_driver_sql(_NAMES_SQL).scalar()
                return [
                    (name, stakeholder_id) for name, stakeholder_id in json.loads(listed or "[]")
                ]
            names = session.execute(select(Stakeholder.name, Stakeholder.id)).all()
            aliases = session.execute(
                select(StakeholderAlias.alias, StakeholderAlias.stakeholder_id)
            ).all()
            return sorted([*names, *aliases], key=lambda item: item[0].casefold())

    def candidates(self, text: str) -> builtins.list[StakeholderView]:
        with self.ctx.read() as session:
            return self._views(session, find_stakeholders(session, text))

    def show(self, name: str) -> StakeholderProfile:
        with self.ctx.read() as session:
            stakeholder = resolve_stakeholder(session, name)
            events = session.scalars(
                select(Event)
                .join(Participation, Participation.event_id == Event.id)
                .where(Participation.stakeholder_id == stakeholder.id)
                .order_by(Event.start_date, Event.sort_time, Event.id)
            ).all()
            follow_ups = session.scalars(
                select(FollowUp)
                .where(FollowUp.owner_id == stakeholder.id, FollowUp.status == FollowUpStatus.OPEN)
                .order_by(FollowUp.due_end.is_(None), FollowUp.due_end, FollowUp.id)
            ).all()
            affiliates = session.scalars(
                select(Stakeholder.name)
                .where(Stakeholder.affiliation_id == stakeholder.id)
                .order_by(Stakeholder.name_key)
            ).all()
            return StakeholderProfile(
                stakeholder=self._views(session, [stakeholder])[0],
                timeline=tuple(event_views(self.ctx, session, events)),
                open_follow_ups=tuple(follow_up_view(self.ctx, f) for f in follow_ups),
                affiliates=tuple(affiliates),
            )

    # -- writing -------------------------------------------------------------------------

    def add(self, draft: StakeholderDraft) -> StakeholderView:
        refuse_controls_in(draft)
        with self.ctx.write() as session:
            name = clean_name(draft.name)
            self._check_free(session, [name, *draft.aliases], None)
            stakeholder = Stakeholder(
                name=name,
                name_key=name_key(name),
                kind=draft.kind,
                title=draft.title.strip(),
                country=draft.country.strip(),
                notes=draft.notes.strip(),
            )
            if draft.affiliation:
                stakeholder.affiliation = resolve_stakeholder(session, draft.affiliation)
            session.add(stakeholder)
            self._add_aliases(stakeholder, draft.aliases)
            stakeholder.tags = [StakeholderTag(tag=t) for t in clean_tags(draft.tags)]
            session.flush()
            return self._views(session, [stakeholder])[0]

    def import_rows(
        self,
        rows: builtins.list[StakeholderRow],
        *,
        kind: StakeholderKind | None = None,
        create: bool = False,
        dry_run: bool = False,
    ) -> StakeholderImportReport:
        """Add the rows of a roster in one transaction, all or nothing (see
        tracker.services.stakeholder_import); `dry_run` checks and reports, writing nothing."""
        try:
            with self.ctx.write() as session:
                report = import_rows(session, rows, kind=kind, create=create)
                if dry_run:
                    raise _DryRun(report)
        except _DryRun as undone:
            return undone.report
        return report

    def edit(
        self, name: str, changes: StakeholderChanges, *, expected: StakeholderView | None = None
    ) -> StakeholderView:
        """Apply `changes`; with `expected` (as a form read it), refused with ChangedMeanwhile
        when the stored stakeholder is no longer that (changed, or deleted)."""
        refuse_controls_in(changes)
        with self.ctx.write() as session:
            if expected is not None:
                found = session.get(Stakeholder, expected.id, with_for_update=True)
                if found is None:
                    raise ChangedMeanwhile("stakeholder", None)
                stored = self._views(session, [found])[0]
                differ = differences(expected, stored, STAKEHOLDER_FIELDS)
                if differ:
                    raise ChangedMeanwhile("stakeholder", stored, differ)
            stakeholder = resolve_stakeholder(session, name)
            new_name = clean_name(changes.name) if changes.name is not None else stakeholder.name
            new_kind = changes.kind or stakeholder.kind
            if name_key(new_name) != stakeholder.name_key:
                self._check_free(session, [new_name], stakeholder.id)
            if (name_key(new_name), new_kind) != (stakeholder.name_key, stakeholder.kind):
                self._check_unique(session, new_name, new_kind, stakeholder.id)
            self._check_free(session, changes.add_aliases, stakeholder.id)
            stakeholder.name, stakeholder.name_key, stakeholder.kind = (
                new_name,
                name_key(new_name),
                new_kind,
            )
            for field in ("title", "country", "notes"):
                value = getattr(changes, field)
                if value is not None:
                    setattr(stakeholder, field, value.strip())
            if changes.affiliation is not None:
                if changes.affiliation.strip() == "":
                    stakeholder.affiliation = None
                else:
                    target = resolve_stakeholder(session, changes.affiliation)
                    self._check_affiliation(session, stakeholder, target)
                    stakeholder.affiliation = target
            removed = {name_key(a) for a in changes.remove_aliases}
            unknown = removed - {a.alias_key for a in stakeholder.aliases}
            if unknown:
                raise UserError(f"{stakeholder.name} has no alias {sorted(unknown)[0]!r}")
            for alias in [a for a in stakeholder.aliases if a.alias_key in removed]:
                stakeholder.aliases.remove(alias)
            self._add_aliases(stakeholder, changes.add_aliases)
            tags = [t.tag for t in stakeholder.tags]
            dropped = set(clean_tags(changes.remove_tags))
            if dropped - set(tags):
                raise UserError(f"{stakeholder.name} has no tag {sorted(dropped - set(tags))[0]!r}")
            wanted = list(
                dict.fromkeys([t for t in tags if t not in dropped] + clean_tags(changes.add_tags))
            )
            if wanted != tags:
                stakeholder.tags = [StakeholderTag(tag=t) for t in wanted]
            stakeholder.updated_at = dt.datetime.now(dt.UTC)
            session.flush()
            return self._views(session, [stakeholder])[0]

    def merge_plan(self, duplicate: str, into: str, *, force: bool = False) -> MergePlan:
        """What `merge(duplicate, into)` would do, computed as the merge computes it; writes
        nothing."""
        with self.ctx.read() as session:
            loser = resolve_stakeholder(session, duplicate)
            survivor = resolve_stakeholder(session, into)
            return plan_merge(session, loser, survivor, force=force)

    def merge(self, duplicate: str, into: str, *, force: bool = False) -> StakeholderView:
        """Move everything of `duplicate` to `into`, as `merge_plan` says (see
        tracker.services.merging); the duplicate's names become aliases. Different kinds
        need `force`."""
        with self.ctx.write() as session:
            loser = resolve_stakeholder(session, duplicate)
            survivor = resolve_stakeholder(session, into)
            apply_merge(session, plan_merge(session, loser, survivor, force=force), loser, survivor)
            return self._views(session, [survivor])[0]

    def delete(self, name: str, *, force: bool = False) -> Deleted:
        """Delete a stakeholder; refused while anything refers to them unless `force`."""
        with self.ctx.write() as session:
            stakeholder = resolve_stakeholder(session, name)
            refs = self._references(session, stakeholder.id)
            if any(refs.values()) and not force:
                said = ", ".join(f"{n} {what}" for what, n in refs.items() if n)
                raise Conflict(
                    f"{stakeholder.name} is referred to by {said}",
                    cli="; use --force to delete anyway (participations are removed, "
                    "follow-ups and affiliates lose the link)",
                )
            return self._delete_in(session, stakeholder)

    def restore(self, deleted: Deleted) -> StakeholderView:
        if deleted.what != "stakeholder":
            raise UserError(f"cannot restore a {deleted.what} as a stakeholder")
        with self.ctx.write() as session:
            if session.get(Stakeholder, deleted.id) is not None:
                raise UserError(f"stakeholder {deleted.id} exists already")
            stakeholder = self._restore_in(session, deleted)
            return self._views(session, [stakeholder])[0]

    def snapshot(self, stakeholder_id: int) -> Deleted:
        """The stakeholder as stored now (for undoing an add or an edit)."""
        with self.ctx.read() as session:
            return _snapshot(session, self._by_id(session, stakeholder_id))

    def put_back(self, before: Deleted, after: Deleted) -> StakeholderView:
        """Undo an edit: their fields, aliases and tags as `before` (their events, follow-ups
        and affiliates as now), if they are still as the edit left them."""
        with self.ctx.write() as session:
            stakeholder = self._by_id(session, before.id, lock=True)
            unchanged_since(_snapshot(session, stakeholder), after)
            now = self._delete_in(session, stakeholder)
            links = ("participations", "owned", "affiliates")
            payload = {k: (now if k in links else before).payload[k] for k in before.payload}
            stakeholder = self._restore_in(session, replace(before, payload=payload))
            return self._views(session, [stakeholder])[0]

    def unmerge(self, kept: Deleted, merged_away: Deleted, after: Deleted) -> StakeholderView:
        """Undo a merge: both as they were before it, each with their own events, follow-ups
        and affiliates, if the one kept is still as the merge left it."""
        with self.ctx.write() as session:
            stakeholder = self._by_id(session, kept.id, lock=True)
            unchanged_since(_snapshot(session, stakeholder), after)
            if session.get(Stakeholder, merged_away.id) is not None:
                raise UserError(f"stakeholder {merged_away.id} exists already")
            self._delete_in(session, stakeholder)
            payload = dict(kept.payload)
            if payload["affiliation_id"] == merged_away.id:  # linked again as their affiliate
                payload["affiliation_id"] = None
            stakeholder = self._restore_in(session, replace(kept, payload=payload))
            self._restore_in(session, merged_away)
            session.refresh(stakeholder)
            return self._views(session, [stakeholder])[0]

    def take_back(self, added: Deleted) -> Deleted:
        """Undo an add, if they are still as they were added (and nothing refers to them)."""
        with self.ctx.write() as session:
            stakeholder = self._by_id(session, added.id, lock=True)
            unchanged_since(_snapshot(session, stakeholder), added)
            return self._delete_in(session, stakeholder)

    def _delete_in(self, session: Session, stakeholder: Stakeholder) -> Deleted:
        deleted = _snapshot(session, stakeholder)
        session.execute(delete(Participation).where(Participation.stakeholder_id == stakeholder.id))
        session.execute(
            update(FollowUp).where(FollowUp.owner_id == stakeholder.id).values(owner_id=None)
        )
        session.execute(
            update(Stakeholder)
            .where(Stakeholder.affiliation_id == stakeholder.id)
            .values(affiliation_id=None)
        )
        session.delete(stakeholder)
        session.flush()
        return deleted

    def _restore_in(self, session: Session, deleted: Deleted) -> Stakeholder:
        data = dict(deleted.payload)
        aliases = data.pop("aliases")
        tags = data.pop("tags")
        participations = data.pop("participations")
        owned = data.pop("owned")
        affiliates = data.pop("affiliates")
        assert isinstance(aliases, list) and isinstance(tags, list)
        assert isinstance(participations, list) and isinstance(owned, list)
        assert isinstance(affiliates, list)
        stakeholder = Stakeholder(**data)
        session.add(stakeholder)
        self._add_aliases(stakeholder, aliases)
        stakeholder.tags = [StakeholderTag(tag=t) for t in tags]
        session.flush()
        live_events = set(
            session.scalars(select(Event.id).where(Event.id.in_([p[0] for p in participations])))
        )
        for event_id, role, attendance in participations:
            if event_id in live_events:
                session.add(
                    Participation(
                        event_id=event_id,
                        stakeholder_id=stakeholder.id,
                        role=role,
                        attendance=attendance,
                    )
                )
        session.execute(
            update(FollowUp)
            .where(FollowUp.id.in_(owned), FollowUp.owner_id.is_(None))
            .values(owner_id=stakeholder.id)
        )
        session.execute(
            update(Stakeholder)
            .where(Stakeholder.id.in_(affiliates), Stakeholder.affiliation_id.is_(None))
            .values(affiliation_id=stakeholder.id)
        )
        session.flush()
        session.refresh(stakeholder)  # values kept as text (the undo journal) read back typed
        return stakeholder

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _by_id(session: Session, stakeholder_id: int, *, lock: bool = False) -> Stakeholder:
        stakeholder = session.get(Stakeholder, stakeholder_id, with_for_update=lock or None)
        if stakeholder is None:
            raise NotFound(f"no stakeholder with id {stakeholder_id}")
        return stakeholder

    @staticmethod
    def _references(session: Session, stakeholder_id: int) -> dict[str, int]:
        def count(query: object) -> int:
            return int(session.scalar(query) or 0)  # type: ignore[call-overload]

        events = count(select(func.count()).where(Participation.stakeholder_id == stakeholder_id))
        owned = count(select(func.count()).where(FollowUp.owner_id == stakeholder_id))
        affiliates = count(select(func.count()).where(Stakeholder.affiliation_id == stakeholder_id))
        return {
            _plural(events, "event"): events,
            _plural(owned, "follow-up"): owned,
            _plural(affiliates, "affiliated stakeholder"): affiliates,
        }

    @staticmethod
    def _check_unique(
        session: Session, name: str, kind: StakeholderKind, own_id: int | None
    ) -> None:
        clash = session.scalar(
            select(Stakeholder).where(
                Stakeholder.name_key == name_key(name), Stakeholder.kind == kind
            )
        )
        if clash is not None and clash.id != own_id:
            raise Conflict(f"a {kind} named {clash.name!r} exists already (#{clash.id})")

    @staticmethod
    def _check_free(
        session: Session, names: builtins.list[str] | tuple[str, ...], own_id: int | None
    ) -> None:
        """Refuse a name or alias that another stakeholder has as a name or alias (ignoring
        case and accents): it would shadow theirs, and `--with` would find neither."""
        for name in names:
            taken = name_taken(session, name, own_id)
            if taken is not None:
                raise Conflict(f"{' '.join(name.split())!r} exists already as {taken}")

    @staticmethod
    def _check_affiliation(session: Session, stakeholder: Stakeholder, target: Stakeholder) -> None:
        seen: set[int] = set()
        current: Stakeholder | None = target
        while current is not None and current.id not in seen:
            if current.id == stakeholder.id:
                raise UserError(
                    f"{target.name} cannot be the affiliation of {stakeholder.name}: "
                    "that would make a loop"
                )
            seen.add(current.id)
            current = current.affiliation

    @staticmethod
    def _add_aliases(
        stakeholder: Stakeholder, aliases: builtins.list[str] | tuple[str, ...]
    ) -> None:
        have = {a.alias_key for a in stakeholder.aliases} | {name_key(stakeholder.name)}
        for alias in aliases:
            cleaned = clean_name(alias, "alias")
            if name_key(cleaned) in have:
                continue
            have.add(name_key(cleaned))
            stakeholder.aliases.append(StakeholderAlias(alias=cleaned, alias_key=name_key(cleaned)))

    def _views(
        self, session: Session, stakeholders: builtins.list[Stakeholder]
    ) -> builtins.list[StakeholderView]:
        if not stakeholders:
            return []
        ids = [s.id for s in stakeholders]
        today = self.ctx.today()
        open_counts: dict[int | None, int] = dict(
            session.execute(
                select(FollowUp.owner_id, func.count())
                .where(FollowUp.owner_id.in_(ids), FollowUp.status == FollowUpStatus.OPEN)
                .group_by(FollowUp.owner_id)
            ).all()
        )
        contact = (
            select(Participation.stakeholder_id, Event)
            .join(Event, Event.id == Participation.event_id)
            .where(Participation.stakeholder_id.in_(ids))
        )
        # Last contact: a held engagement they took part in (not just invited or mentioned).
        met = contact.where(
            Event.start_date <= today,
            Event.status == EventStatus.HELD,
            Participation.attendance.in_(_MET),
            Participation.role != Role.MENTIONED,
        )
        last: dict[int, When] = {}
        for stakeholder_id, event in session.execute(
            met.order_by(Event.start_date, Event.sort_time, Event.id)
        ):
            last[stakeholder_id] = event_when(self.ctx, event)
        # Next: the earliest planned engagement from today on that they have not declined.
        scheduled = contact.where(
            Event.start_date >= today,
            Event.status == EventStatus.PLANNED,
            Participation.attendance != Attendance.DECLINED,
            Participation.role != Role.MENTIONED,
        )
        upcoming: dict[int, When] = {}
        for stakeholder_id, event in session.execute(
            scheduled.order_by(Event.start_date.desc(), Event.sort_time.desc(), Event.id.desc())
        ):
            upcoming[stakeholder_id] = event_when(self.ctx, event)
        return [
            StakeholderView(
                id=s.id,
                name=s.name,
                kind=s.kind,
                title=s.title,
                affiliation_id=s.affiliation_id,
                affiliation_name=s.affiliation.name if s.affiliation else None,
                country=s.country,
                aliases=tuple(a.alias for a in s.aliases),
                tags=tuple(t.tag for t in s.tags),
                notes=s.notes,
                last_contact=last.get(s.id),
                next_contact=upcoming.get(s.id),
                open_follow_ups=open_counts.get(s.id, 0),
            )
            for s in stakeholders
        ]


_MET = (Attendance.ATTENDED, Attendance.CONFIRMED, Attendance.UNKNOWN)
_NAMES_SQL = """
SELECT coalesce(json_group_array(json_array(name, id)), '[]') FROM (
    SELECT name, id, name_key AS sort_key, 0 AS source, rowid AS seq FROM stakeholders
    UNION ALL
    SELECT alias, stakeholder_id, alias_key, 1, id FROM stakeholder_aliases
    ORDER BY sort_key, source, seq
)
"""


class _DryRun(Exception):
    """Rolls a dry run's transaction back, carrying what it would have done."""

    def __init__(self, report: StakeholderImportReport) -> None:
        self.report = report


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def _snapshot(session: Session, stakeholder: Stakeholder) -> Deleted:
    payload: dict[str, object] = {
        c.key: getattr(stakeholder, c.key) for c in Stakeholder.__table__.columns
    }
    payload["aliases"] = sorted(a.alias for a in stakeholder.aliases)
    payload["tags"] = sorted(t.tag for t in stakeholder.tags)
    payload["participations"] = sorted(
        (p.event_id, p.role.value, p.attendance.value)
        for p in session.scalars(
            select(Participation).where(Participation.stakeholder_id == stakeholder.id)
        )
    )
    payload["owned"] = sorted(
        session.scalars(select(FollowUp.id).where(FollowUp.owner_id == stakeholder.id))
    )
    payload["affiliates"] = sorted(
        session.scalars(select(Stakeholder.id).where(Stakeholder.affiliation_id == stakeholder.id))
    )
    label = f"{stakeholder.name} ({stakeholder.kind})"
    return Deleted("stakeholder", stakeholder.id, label, payload)


__all__ = ["StakeholderProfile", "StakeholderService"]
