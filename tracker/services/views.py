"""Turning ORM rows into the frozen views the CLI and TUI receive (no ORM object leaves)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from tracker.domain import ROLE_ORDER as ROLE_ORDER  # re-exported: csv_rows reads it here
from tracker.domain import (
    EventView,
    FollowUpStatus,
    FollowUpView,
    ParticipantView,
    Precision,
    When,
)
from tracker.services.context import Context
from tracker.services.queries import Unindexed
from tracker.storage.models import Event, EventTag, FollowUp, Participation, Stakeholder


def event_when(ctx: Context, event: Event) -> When:
    return ctx.rebuild(
        event.start_date, event.end_date, event.precision, event.start_at, event.end_at, event.tz
    )


def due_when(ctx: Context, follow_up: FollowUp) -> When | None:
    if follow_up.due_start is None or follow_up.due_end is None or follow_up.due_precision is None:
        return None
    return ctx.rebuild(follow_up.due_start, follow_up.due_end, follow_up.due_precision)


def is_overdue(follow_up: FollowUp, today: dt.date) -> bool:
    return (
        follow_up.status is FollowUpStatus.OPEN
        and follow_up.due_end is not None
        and follow_up.due_end < today
    )


def follow_up_view(ctx: Context, follow_up: FollowUp) -> FollowUpView:
    return FollowUpView(
        id=follow_up.id,
        text=follow_up.text,
        status=follow_up.status,
        event_id=follow_up.event_id,
        event_title=follow_up.event.title if follow_up.event else None,
        owner_id=follow_up.owner_id,
        owner_name=follow_up.owner.name if follow_up.owner else None,
        due=due_when(ctx, follow_up),
        done_on=follow_up.done_on,
        notes=follow_up.notes,
        overdue=is_overdue(follow_up, ctx.today()),
    )


EVENT_COLUMNS = (
    Event.id,
    Event.title,
    Event.kind,
    Event.start_date,
    Event.end_date,
    Event.precision,
    Event.sort_time,
    Event.start_at,
    Event.end_at,
    Event.tz,
    Event.status,
    Event.location,
    Event.summary,
    Event.notes,
    Event.source,
    Event.created_at,
    Event.updated_at,
)
"""What an EventView is built from, in this order (select(*EVENT_COLUMNS) rows or tuples)."""

EventRow = Sequence[Any]
_P = Participation.__table__
_S = Stakeholder.__table__
_BATCH = 900  # ids per IN (...) list: well under every database's bound-parameter limit


def event_row(event: Event) -> tuple[Any, ...]:
    """An ORM event as the tuple `EVENT_COLUMNS` selects."""
    return tuple(getattr(event, column.key) for column in EVENT_COLUMNS)


class WhenCache:
    """Labels for stored intervals: a timeline repeats the same days, months and quarters,
    so each is rebuilt once per read (When is frozen, so sharing it is safe)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._seen: dict[tuple[Any, ...], When] = {}

    def get(
        self,
        start: dt.date,
        end: dt.date,
        precision: Precision | str,
        start_at: dt.datetime | None = None,
        end_at: dt.datetime | None = None,
        tz: str | None = None,
    ) -> When:
        key = (start, end, precision, start_at, end_at, tz)
        when = self._seen.get(key)
        if when is None:
            if len(self._seen) > 50_000:
                self._seen.clear()
            when = self._seen[key] = self.ctx.rebuild(
                start, end, Precision(precision), start_at, end_at, tz
            )
        return when


def event_views(
    ctx: Context, session: Session, events: Sequence[Event], *, full: bool = False
) -> list[EventView]:
    """Views for ORM events (after a write); reads use `load_event_views` on plain rows."""
    return load_event_views(ctx, session, [event_row(event) for event in events], full=full)


def load_event_views(
    ctx: Context,
    session: Session,
    rows: Sequence[EventRow],
    *,
    full: bool = False,
    whens: WhenCache | None = None,
) -> list[EventView]:
    """Views for a page of `EVENT_COLUMNS` rows: participants, tags and follow-up counts (and
    with `full` the follow-ups themselves) come in a few batched queries, not one per event."""
    if not rows:
        return []
    whens = whens or WhenCache(ctx)
    ids = [row[0] for row in rows]
    participants: dict[int, list[ParticipantView]] = defaultdict(list)
    tags: dict[int, list[str]] = defaultdict(list)
    open_counts: dict[int, int] = {}
    follow_ups: dict[int, list[FollowUpView]] = defaultdict(list)
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        _load_participants(session, batch, participants)
        tag_table = EventTag.__table__.c
        for event_id, tag in session.execute(
            select(tag_table.event_id, tag_table.tag)
            .where(tag_table.event_id.in_(batch))
            .order_by(tag_table.event_id, tag_table.tag)
        ).all():  # fetched at once: iterating a result fetches row by row
            tags[event_id].append(tag)
        if full:
            _load_follow_ups(ctx, session, batch, follow_ups, open_counts, whens)
        else:
            f = FollowUp.__table__.c
            for owner_event, count in session.execute(
                select(f.event_id, func.count())
                .where(
                    f.event_id.in_(batch),
                    # not the (status, due) index: SQLite would walk every open follow-up
                    Unindexed(f.status) == FollowUpStatus.OPEN,
                )
                .group_by(f.event_id)
            ).all():
                if owner_event is not None:
                    open_counts[owner_event] = count
    no_people: tuple[ParticipantView, ...] = ()
    views = []
    for row in rows:
        (event_id, title, kind, start, end, precision, _sort, start_at, end_at, tz) = row[:10]
        people = participants.get(event_id)
        if people is not None and len(people) > 1:
            people.sort(key=_participant_order)
        views.append(
            EventView(
                id=event_id,
                title=title,
                kind=kind,
                when=whens.get(start, end, precision, start_at, end_at, tz),
                status=row[10],
                location=row[11],
                summary=row[12],
                notes=row[13],
                source=row[14],
                tags=tuple(tags.get(event_id, ())),
                participants=tuple(people) if people else no_people,
                follow_ups=tuple(follow_ups.get(event_id, ())),
                open_follow_ups=open_counts.get(event_id, 0),
                created_at=row[15],
                updated_at=row[16],
            )
        )
    return views


def _participant_order(person: ParticipantView) -> tuple[int, str]:
    return (_ROLE_ORDER.get(person.role, 9), person.name.casefold())


def _load_participants(
    session: Session, ids: Sequence[int], into: dict[int, list[ParticipantView]]
) -> None:
    p, s = _P.c, _S.c  # Core columns: plain rows, no ORM loading step
    rows = session.execute(
        select(p.event_id, s.id, s.name, s.kind, p.role, p.attendance)
        .join_from(_P, _S, s.id == p.stakeholder_id)
        .where(p.event_id.in_(ids))
        .order_by(p.event_id, p.role, s.name_key)
    ).all()
    for event_id, stakeholder_id, name, kind, role, attendance in rows:
        into[event_id].append(ParticipantView(stakeholder_id, name, kind, role, attendance))


def _load_follow_ups(
    ctx: Context,
    session: Session,
    ids: Sequence[int],
    into: dict[int, list[FollowUpView]],
    open_counts: dict[int, int],
    whens: WhenCache,
) -> None:
    owner = aliased(Stakeholder)
    rows = session.execute(
        select(
            FollowUp.id,
            FollowUp.text,
            FollowUp.status,
            FollowUp.event_id,
            Event.title,
            FollowUp.owner_id,
            owner.name,
            FollowUp.due_start,
            FollowUp.due_end,
            FollowUp.due_precision,
            FollowUp.done_on,
            FollowUp.notes,
        )
        .join(Event, Event.id == FollowUp.event_id)
        .outerjoin(owner, owner.id == FollowUp.owner_id)
        .where(FollowUp.event_id.in_(ids))
        .order_by(FollowUp.id)
    ).all()
    today = ctx.today()
    for row in rows:
        (follow_up_id, text, status, event_id, event_title, owner_id, owner_name) = row[:7]
        due_start, due_end, due_precision, done_on, notes = row[7:]
        due = (
            whens.get(due_start, due_end, due_precision)
            if due_start is not None and due_end is not None and due_precision is not None
            else None
        )
        if event_id is None:  # only follow-ups of these events were selected
            continue
        is_open = status is FollowUpStatus.OPEN
        if is_open:
            open_counts[event_id] = open_counts.get(event_id, 0) + 1
        into[event_id].append(
            FollowUpView(
                id=follow_up_id,
                text=text,
                status=status,
                event_id=event_id,
                event_title=event_title,
                owner_id=owner_id,
                owner_name=owner_name,
                due=due,
                done_on=done_on,
                notes=notes,
                overdue=is_open and due_end is not None and due_end < today,
            )
        )


_ROLE_ORDER = ROLE_ORDER


def date_only(when: When) -> tuple[dt.date, dt.date, Precision]:
    """The dates and precision a follow-up's due keeps (times are dropped to their day)."""
    precision = Precision.DAY if when.precision is Precision.MINUTE else when.precision
    return when.start, when.end, precision
