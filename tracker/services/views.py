"""Turning ORM rows into the frozen views the CLI and TUI receive (no ORM object leaves)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain import (
    EventView,
    FollowUpStatus,
    FollowUpView,
    ParticipantView,
    Precision,
    When,
)
from tracker.services.context import Context
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


def event_views(
    ctx: Context, session: Session, events: Sequence[Event], *, full: bool = False
) -> list[EventView]:
    """Views for a page of events, loading participants, tags and counts in a few queries."""
    ids = [event.id for event in events]
    if not ids:
        return []
    participants: dict[int, list[ParticipantView]] = defaultdict(list)
    rows = session.execute(
        select(Participation, Stakeholder)
        .join(Stakeholder, Stakeholder.id == Participation.stakeholder_id)
        .where(Participation.event_id.in_(ids))
        .order_by(Participation.event_id, Participation.role, Stakeholder.name_key)
    )
    for participation, stakeholder in rows:
        participants[participation.event_id].append(
            ParticipantView(
                stakeholder_id=stakeholder.id,
                name=stakeholder.name,
                kind=stakeholder.kind,
                role=participation.role,
                attendance=participation.attendance,
            )
        )
    for people in participants.values():
        people.sort(key=lambda p: (_ROLE_ORDER.get(p.role, 9), p.name.casefold()))
    tags: dict[int, list[str]] = defaultdict(list)
    for event_id, tag in session.execute(
        select(EventTag.event_id, EventTag.tag)
        .where(EventTag.event_id.in_(ids))
        .order_by(EventTag.event_id, EventTag.tag)
    ):
        tags[event_id].append(tag)
    open_counts: dict[int | None, int] = dict(
        session.execute(
            select(FollowUp.event_id, func.count())
            .where(FollowUp.event_id.in_(ids), FollowUp.status == FollowUpStatus.OPEN)
            .group_by(FollowUp.event_id)
        ).all()
    )
    follow_ups: dict[int, list[FollowUpView]] = defaultdict(list)
    if full:
        for follow_up in session.scalars(
            select(FollowUp).where(FollowUp.event_id.in_(ids)).order_by(FollowUp.id)
        ):
            assert follow_up.event_id is not None
            follow_ups[follow_up.event_id].append(follow_up_view(ctx, follow_up))
    return [
        EventView(
            id=event.id,
            title=event.title,
            kind=event.kind,
            when=event_when(ctx, event),
            status=event.status,
            location=event.location,
            summary=event.summary,
            notes=event.notes,
            source=event.source,
            tags=tuple(tags[event.id]),
            participants=tuple(participants[event.id]),
            follow_ups=tuple(follow_ups[event.id]),
            open_follow_ups=open_counts.get(event.id, 0),
            created_at=event.created_at,
            updated_at=event.updated_at,
        )
        for event in events
    ]


_ROLE_ORDER = {"host": 0, "organizer": 1, "speaker": 2, "participant": 3, "invited": 4}


def date_only(when: When) -> tuple[dt.date, dt.date, Precision]:
    """The dates and precision a follow-up's due keeps (times are dropped to their day)."""
    precision = Precision.DAY if when.precision is Precision.MINUTE else when.precision
    return when.start, when.end, precision
