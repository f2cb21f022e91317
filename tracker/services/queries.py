"""The one timeline query: every filter of the TUI, `event list` and `export csv`."""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from tracker.domain import EventFilter
from tracker.services.names import resolve_stakeholder
from tracker.storage.models import Event, EventTag, Participation, Stakeholder

TIMELINE_ORDER = (Event.start_date, Event.sort_time, Event.id)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def event_conditions(session: Session, flt: EventFilter) -> list[object]:
    """WHERE clauses for `flt`; date ranges match by overlap with the event's interval."""
    conditions: list[object] = []
    if flt.date_from is not None:
        conditions.append(Event.end_date >= flt.date_from)
    if flt.date_to is not None:
        conditions.append(Event.start_date <= flt.date_to)
    if flt.kinds:
        conditions.append(Event.kind.in_(flt.kinds))
    if flt.statuses:
        conditions.append(Event.status.in_(flt.statuses))
    stakeholder_ids = list(flt.stakeholder_ids)
    stakeholder_ids += [resolve_stakeholder(session, name).id for name in flt.with_names]
    for stakeholder_id in dict.fromkeys(stakeholder_ids):
        conditions.append(
            exists().where(
                Participation.event_id == Event.id, Participation.stakeholder_id == stakeholder_id
            )
        )
    for tag in dict.fromkeys(t.strip().lower() for t in flt.tags):
        conditions.append(exists().where(EventTag.event_id == Event.id, EventTag.tag == tag))
    if flt.search and flt.search.strip():
        for word in flt.search.split():
            pattern = _like(word.lower())
            participant_match = exists().where(
                Participation.event_id == Event.id,
                Participation.stakeholder_id == Stakeholder.id,
                func.lower(Stakeholder.name).like(pattern, escape="\\"),
            )
            conditions.append(
                or_(
                    func.lower(Event.title).like(pattern, escape="\\"),
                    func.lower(Event.location).like(pattern, escape="\\"),
                    func.lower(Event.summary).like(pattern, escape="\\"),
                    func.lower(Event.notes).like(pattern, escape="\\"),
                    participant_match,
                )
            )
    return conditions


def filtered_events(session: Session, flt: EventFilter) -> Select[tuple[Event]]:
    conditions = event_conditions(session, flt)
    query = select(Event)
    if conditions:
        query = query.where(and_(*conditions))  # type: ignore[arg-type]
    return query.order_by(*TIMELINE_ORDER)


def count_events(session: Session, flt: EventFilter, *extra: object) -> int:
    conditions = event_conditions(session, flt) + list(extra)
    query = select(func.count()).select_from(Event)
    if conditions:
        query = query.where(and_(*conditions))  # type: ignore[arg-type]
    return int(session.scalar(query) or 0)
