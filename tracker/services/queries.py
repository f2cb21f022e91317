"""The one timeline query: every filter of the TUI, `event list` and `export csv`."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal_column, or_, select, table
from sqlalchemy.orm import Session

from tracker.domain import EventFilter
from tracker.services.names import resolve_stakeholder
from tracker.storage.models import Event, EventTag, Participation, Stakeholder
from tracker.storage.search import fts_query

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
        conditions.append(_search(session, flt.search))
    return conditions


def _search(session: Session, text: str) -> ColumnElement[bool]:
    """Every word in the event's text (FTS5 / trigram index), or the event involves a
    stakeholder whose name contains the whole text."""
    name_pattern = _like(" ".join(text.lower().split()))
    named = select(Stakeholder.id).where(Stakeholder.name_key.like(name_pattern, escape="\\"))
    by_participant = Event.id.in_(
        select(Participation.event_id).where(Participation.stakeholder_id.in_(named))
    )
    if session.get_bind().dialect.name == "sqlite":
        match = fts_query(text)
        if not match:
            return by_participant
        by_text: ColumnElement[bool] = Event.id.in_(
            select(literal_column("rowid"))
            .select_from(table("events_fts"))
            .where(literal_column("events_fts").op("MATCH")(match))
        )
    else:
        document = func.lower(
            Event.title + " " + Event.location + " " + Event.summary + " " + Event.notes
        )
        by_text = and_(*(document.like(_like(w.lower()), escape="\\") for w in text.split()))
    return or_(by_text, by_participant)


def filtered_events(session: Session, flt: EventFilter) -> Select[Event]:
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
