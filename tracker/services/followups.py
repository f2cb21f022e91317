"""Follow-ups: what an engagement leaves to do, who owes it, by when; done and reopen."""

from __future__ import annotations

import builtins
import datetime as dt

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tracker.domain import (
    FOLLOW_UP_FIELDS,
    Deleted,
    FollowUpChanges,
    FollowUpDraft,
    FollowUpScope,
    FollowUpStatus,
    FollowUpView,
    differences,
    unchanged_since,
)
from tracker.errors import ChangedMeanwhile, NotFound, UserError
from tracker.services.context import Context
from tracker.services.names import resolve_stakeholder
from tracker.services.views import date_only, follow_up_view
from tracker.storage.models import Event, FollowUp
from tracker.textsafe import refuse_controls_in

DUE_SOON_DAYS = 14


def _text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise UserError("a follow-up needs some text saying what must happen")
    return cleaned


class FollowUpService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def list(
        self,
        scope: FollowUpScope = FollowUpScope.OPEN,
        *,
        owner: str | None = None,
        event_id: int | None = None,
    ) -> builtins.list[FollowUpView]:
        """Follow-ups in `scope`, soonest due first (no due date last)."""
        today = self.ctx.today()
        with self.ctx.read() as session:
            query: Select[FollowUp] = select(FollowUp)
            if scope is FollowUpScope.OPEN:
                query = query.where(FollowUp.status == FollowUpStatus.OPEN)
            elif scope is FollowUpScope.OVERDUE:
                query = query.where(
                    FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_end < today
                )
            elif scope is FollowUpScope.DUE_SOON:
                query = query.where(
                    FollowUp.status == FollowUpStatus.OPEN,
                    FollowUp.due_end >= today,
                    FollowUp.due_end <= today + dt.timedelta(days=DUE_SOON_DAYS),
                )
            elif scope is FollowUpScope.DONE:
                query = query.where(FollowUp.status == FollowUpStatus.DONE)
            if owner:
                query = query.where(FollowUp.owner_id == resolve_stakeholder(session, owner).id)
            if event_id is not None:
                query = query.where(FollowUp.event_id == event_id)
            query = query.order_by(FollowUp.due_end.is_(None), FollowUp.due_end, FollowUp.id)
            return [follow_up_view(self.ctx, f) for f in session.scalars(query)]

    def get(self, follow_up_id: int) -> FollowUpView:
        with self.ctx.read() as session:
            return follow_up_view(self.ctx, self._load(session, follow_up_id))

    def add(
        self, draft: FollowUpDraft, *, create: bool = False
    ) -> tuple[FollowUpView, builtins.list[str]]:
        refuse_controls_in(draft)
        created: builtins.list[str] = []
        due = date_only(self.ctx.parse_when(draft.due)) if draft.due else None
        with self.ctx.write() as session:
            follow_up = FollowUp(text=_text(draft.text), status=draft.status, notes=draft.notes)
            session.add(follow_up)
            if draft.event_id is not None:
                follow_up.event = self._event(session, draft.event_id)
            if draft.owner:
                follow_up.owner = resolve_stakeholder(
                    session, draft.owner, create=create, created=created, offer_create=True
                )
            if due:
                follow_up.due_start, follow_up.due_end, follow_up.due_precision = due
            if draft.status is FollowUpStatus.DONE:
                follow_up.done_on = self.ctx.today()
            session.flush()
            return follow_up_view(self.ctx, follow_up), created

    def edit(
        self,
        follow_up_id: int,
        changes: FollowUpChanges,
        *,
        create: bool = False,
        expected: FollowUpView | None = None,
    ) -> tuple[FollowUpView, builtins.list[str]]:
        """Apply `changes`; with `expected` (as a form read it), refused with ChangedMeanwhile
        when the stored follow-up is no longer that (changed, or deleted)."""
        refuse_controls_in(changes)
        created: builtins.list[str] = []
        due = date_only(self.ctx.parse_when(changes.due)) if changes.due else None
        with self.ctx.write() as session:
            try:
                follow_up = self._load(session, follow_up_id, lock=True)
            except NotFound:
                if expected is None:
                    raise
                raise ChangedMeanwhile("follow-up", None) from None
            if expected is not None:
                stored = follow_up_view(self.ctx, follow_up)
                differ = differences(expected, stored, FOLLOW_UP_FIELDS)
                if differ:
                    raise ChangedMeanwhile("follow-up", stored, differ)
            if changes.text is not None:
                follow_up.text = _text(changes.text)
            if changes.detach_event:
                follow_up.event = None
            elif changes.event_id is not None:
                follow_up.event = self._event(session, changes.event_id)
            if changes.owner is not None:
                follow_up.owner = (
                    resolve_stakeholder(
                        session, changes.owner, create=create, created=created, offer_create=True
                    )
                    if changes.owner.strip()
                    else None
                )
            if changes.due is not None:
                follow_up.due_start, follow_up.due_end, follow_up.due_precision = (
                    due if due else (None, None, None)
                )
            if changes.status is not None:
                self._set_status(follow_up, changes.status)
            if changes.notes is not None:
                follow_up.notes = changes.notes.strip()
            if changes.append_note:
                follow_up.notes = "\n".join(filter(None, [follow_up.notes, changes.append_note]))
            follow_up.updated_at = dt.datetime.now(dt.UTC)
            session.flush()
            return follow_up_view(self.ctx, follow_up), created

    def set_status(self, follow_up_id: int, status: FollowUpStatus) -> FollowUpView:
        view, _ = self.edit(follow_up_id, FollowUpChanges(status=status))
        return view

    def toggle_done(self, follow_up_id: int) -> FollowUpView:
        """Done if it was not, open again if it was: one locked read-modify-write."""
        with self.ctx.write() as session:
            follow_up = self._load(session, follow_up_id, lock=True)
            target = (
                FollowUpStatus.OPEN
                if follow_up.status is FollowUpStatus.DONE
                else FollowUpStatus.DONE
            )
            self._set_status(follow_up, target)
            session.flush()
            return follow_up_view(self.ctx, follow_up)

    def delete(self, follow_up_id: int) -> Deleted:
        with self.ctx.write() as session:
            follow_up = self._load(session, follow_up_id)
            deleted = _snapshot(follow_up)
            session.delete(follow_up)
            return deleted

    def restore(self, deleted: Deleted) -> FollowUpView:
        if deleted.what != "follow-up":
            raise UserError(f"cannot restore a {deleted.what} as a follow-up")
        with self.ctx.write() as session:
            return follow_up_view(self.ctx, _restore_in(session, deleted))

    def snapshot(self, follow_up_id: int) -> Deleted:
        """The follow-up as stored now (for undoing an add, an edit or a toggle)."""
        with self.ctx.read() as session:
            return _snapshot(self._load(session, follow_up_id))

    def put_back(self, before: Deleted, after: Deleted) -> FollowUpView:
        """Undo an edit or a toggle, if it is still as the change left it."""
        with self.ctx.write() as session:
            follow_up = self._load(session, before.id, lock=True)
            unchanged_since(_snapshot(follow_up), after)
            for key, value in before.payload.items():
                setattr(follow_up, key, value)
            session.flush()
            session.refresh(follow_up)  # values kept as text (the undo journal) read back typed
            return follow_up_view(self.ctx, follow_up)

    def take_back(self, added: Deleted) -> Deleted:
        """Undo an add, if it is still as it was added."""
        with self.ctx.write() as session:
            follow_up = self._load(session, added.id, lock=True)
            unchanged_since(_snapshot(follow_up), added)
            session.delete(follow_up)
            return added

    def _set_status(self, follow_up: FollowUp, status: FollowUpStatus) -> None:
        follow_up.status = status
        follow_up.done_on = self.ctx.today() if status is FollowUpStatus.DONE else None

    @staticmethod
    def _event(session: Session, event_id: int) -> Event:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound(f"no event with id {event_id}")
        return event

    @staticmethod
    def _load(session: Session, follow_up_id: int, *, lock: bool = False) -> FollowUp:
        """The row, locked FOR UPDATE when about to be changed (PostgreSQL; SQLite's
        IMMEDIATE transaction already holds the write lock)."""
        follow_up = session.get(FollowUp, follow_up_id, with_for_update=lock or None)
        if follow_up is None:
            raise NotFound(f"no follow-up with id {follow_up_id}")
        return follow_up


def _snapshot(follow_up: FollowUp) -> Deleted:
    payload: dict[str, object] = {
        c.key: getattr(follow_up, c.key) for c in FollowUp.__table__.columns
    }
    return Deleted("follow-up", follow_up.id, follow_up.text[:60], payload)


def _restore_in(session: Session, deleted: Deleted) -> FollowUp:
    data = dict(deleted.payload)
    if data.get("event_id") is not None and session.get(Event, data["event_id"]) is None:
        data["event_id"] = None
    follow_up = FollowUp(**data)
    session.add(follow_up)
    session.flush()
    session.refresh(follow_up)  # values kept as text (the undo journal) read back typed
    return follow_up


__all__ = ["DUE_SOON_DAYS", "FollowUpScope", "FollowUpService"]
