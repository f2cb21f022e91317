"""The one timeline query: every filter of the TUI, `event list` and `export csv`.

Each filter is a condition on `events`. A filter that names a set of events (a stakeholder,
a tag, a text search) can be written three ways with one meaning: as membership the database
may start from (`events.id IN (...)`: best when the set is small), as a test of each row
against the set gathered once (`+events.id IN (...)`), or as a lookup per row (`EXISTS`:
nothing gathered; best when most rows pass and only a page is wanted). A `Plan` says which,
and which one access path the query may use an index for; `WHOLE` lets the database choose,
which suits whole results (lists, counts, exports). `tracker.services.timeline` plans the
windows the TUI scrolls through.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.visitors import InternalTraversal

from tracker.domain import EventFilter
from tracker.services.names import NAME_INDEX, NameIndexSource, resolve_stakeholder
from tracker.storage.lite import MAX_SPAN_CLASS
from tracker.storage.models import Event, EventTag, Participation, Stakeholder
from tracker.storage.search import fts_query

TIMELINE_ORDER = (Event.start_date, Event.sort_time, Event.id)

_FTS = table("events_fts")
_ROWID: ColumnClause[Any] = literal_column("events_fts.rowid")
_FTS_MATCH = literal_column("events_fts").op("MATCH")


class Unindexed(ColumnElement[Any]):
    """A column the query planner must not use an index for (`+column` on SQLite; the
    plain column elsewhere). It reads the same value: only the access path changes."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column: ColumnElement[Any] = coercions.expect(roles.ExpressionElementRole, column)
        self.type = self.column.type

    @property
    def comparator(self) -> Any:
        return self.type.comparator_factory(self)


@compiles(Unindexed)
def _compile_unindexed(element: Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(Unindexed, "sqlite")
def _compile_unindexed_sqlite(element: Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


class Access(Enum):
    """How a set-like filter is written (see the module docstring)."""

    SET = "set"  # events.id IN (the set): the database may start from the set
    PROBE = "probe"  # the set gathered once, each row tested against it (never a start)
    ROW = "row"  # EXISTS (...) for each row: nothing gathered up front


class Driver(Enum):
    """The one access path a planned query may use an index for."""

    ANY = "any"  # the database chooses (whole results)
    TIMELINE = "timeline"  # walk the timeline index in order
    SET = "set"  # start from the set filter named by Plan.driving
    DATES = "dates"  # start from the date range (ix_events_span_dates)


@dataclass(frozen=True)
class SearchPlan:
    """How each part of a text search is tested (SQLite; PostgreSQL plans by itself)."""

    text: Access = Access.SET  # ROW asks the FTS index per row: cheap for short prefixes only
    names: Access = Access.SET


@dataclass(frozen=True)
class Plan:
    driver: Driver = Driver.ANY
    driving: str | None = None  # with Driver.SET: "with:<id>", "tag:<tag>" or "search"
    sets: Access = Access.SET  # stakeholder and tag filters that do not drive
    search: SearchPlan = field(default_factory=SearchPlan)

    def column(self, column: Any, path: Driver) -> Any:
        """`column` as a plain (indexable) column only on the chosen path."""
        return column if self.driver in (Driver.ANY, path) else Unindexed(column)

    def access(self, name: str) -> Access:
        if self.driver is Driver.ANY or self.driving == name:
            return Access.SET
        return self.sets


WHOLE = Plan()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def name_pattern(text: str) -> str:
    """The LIKE pattern a search matches stakeholder names with (the whole text, inside)."""
    return _like(" ".join(text.lower().split()))


def stakeholder_ids(session: Session, flt: EventFilter) -> list[int]:
    """The stakeholders `flt` requires, named ones resolved (an unknown name is an error)."""
    ids = list(flt.stakeholder_ids)
    ids += [resolve_stakeholder(session, name).id for name in flt.with_names]
    return list(dict.fromkeys(ids))


def clean_tags(flt: EventFilter) -> list[str]:
    return list(dict.fromkeys(t.strip().lower() for t in flt.tags))


def has_search(flt: EventFilter) -> bool:
    return bool(flt.search and flt.search.strip())


def event_conditions(
    session: Session,
    flt: EventFilter,
    plan: Plan = WHOLE,
    *,
    people: list[int] | None = None,
) -> list[ColumnElement[bool]]:
    """WHERE clauses for `flt`; date ranges match by overlap with the event's interval.

    `people` are the stakeholder ids of `flt` when the caller has resolved them already.
    """
    widest = None
    if flt.date_from is not None and flt.date_to is not None:
        widest = session.scalar(select(func.max(Event.span_class)))
    conditions = date_conditions(flt, plan, widest=widest)
    if flt.kinds:
        conditions.append(plan.column(Event.kind, Driver.TIMELINE).in_(flt.kinds))
    if flt.statuses:
        conditions.append(plan.column(Event.status, Driver.TIMELINE).in_(flt.statuses))
    for stakeholder_id in stakeholder_ids(session, flt) if people is None else people:
        involved = select(Participation.event_id).where(
            Participation.stakeholder_id == stakeholder_id
        )
        conditions.append(
            _member(
                plan.access(f"with:{stakeholder_id}"),
                involved,
                exists().where(
                    Participation.event_id == Event.id,
                    Participation.stakeholder_id == stakeholder_id,
                ),
            )
        )
    for tag in clean_tags(flt):
        tagged = select(EventTag.event_id).where(EventTag.tag == tag)
        conditions.append(
            _member(
                plan.access(f"tag:{tag}"),
                tagged,
                exists().where(EventTag.event_id == Event.id, EventTag.tag == tag),
            )
        )
    if flt.search and flt.search.strip():
        search = SearchPlan() if plan.access("search") is Access.SET else plan.search
        conditions.append(search_condition(session, flt.search, search))
    return conditions


def _member(access: Access, ids: Select[Any], per_row: ColumnElement[bool]) -> ColumnElement[bool]:
    if access is Access.SET:
        return Event.id.in_(ids)
    if access is Access.PROBE:
        return Unindexed(Event.id).in_(ids)
    return per_row


def date_conditions(
    flt: EventFilter, plan: Plan = WHOLE, *, widest: int | None = None
) -> list[ColumnElement[bool]]:
    """Overlap with [date_from, date_to]; with both bounds also a test the span index serves.

    `start <= to and end >= from` leaves every event that starts before `to` a candidate.
    An event of span class k ends at most 2**k - 1 days after it starts, so it can only
    overlap when it starts on or after from - (2**k - 1): one short index range per class,
    for the classes up to `widest`, the largest stored (SQLite weighs a few short ranges
    against walking the timeline; two dozen of them it would not).
    """
    conditions: list[ColumnElement[bool]] = []
    end_date = plan.column(Event.end_date, Driver.ANY)
    start_date = plan.column(Event.start_date, Driver.TIMELINE)  # bounds a timeline walk
    if flt.date_from is not None:
        conditions.append(end_date >= flt.date_from)
    if flt.date_to is not None:
        conditions.append(start_date <= flt.date_to)
    if flt.date_from is not None and flt.date_to is not None and plan.driver is not Driver.TIMELINE:
        last = MAX_SPAN_CLASS if widest is None else min(widest, MAX_SPAN_CLASS)
        conditions.append(_within_reach(flt.date_from, flt.date_to, plan, last))
    return conditions


def _within_reach(
    date_from: dt.date, date_to: dt.date, plan: Plan, widest: int
) -> ColumnElement[bool]:
    span_class = plan.column(Event.span_class, Driver.DATES)
    start_date = plan.column(Event.start_date, Driver.DATES)
    terms: list[ColumnElement[bool]] = []
    first = date_from.toordinal()
    for k in range(max(widest, 0) + 1):
        reach = (1 << k) - 1
        if first - reach < 1:  # reaches back past year 1: the rest of the classes, unbounded
            terms.append(and_(span_class >= k, start_date <= date_to))
            break
        earliest = dt.date.fromordinal(first - reach)
        terms.append(and_(span_class == k, start_date.between(earliest, date_to)))
    return or_(*terms)


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def search_condition(
    session: Session, text: str, plan: SearchPlan = SearchPlan()
) -> ColumnElement[bool]:
    """Every word in the event's text (FTS5 / trigram index), or the event involves a
    stakeholder whose name contains the whole text."""
    named = named_stakeholders(session, text)
    if isinstance(named, list):
        involves = exists().where(  # tested per row: not one lookup per listed stakeholder
            Participation.event_id == Event.id, Unindexed(Participation.stakeholder_id).in_(named)
        )
    else:
        involves = exists().where(
            Participation.event_id == Event.id,
            Participation.stakeholder_id == Stakeholder.id,
            Stakeholder.name_key.like(name_pattern(text), escape="\\"),
        )
    by_participant = _member(plan.names, names_matches(session, text), involves)
    if is_sqlite(session):
        match = fts_query(text)
        if not match:
            return by_participant
        by_text = _member(
            plan.text,
            text_matches(match),
            exists(
                select(literal_column("1"))
                .select_from(_FTS)
                .where(Event.id == _ROWID, _FTS_MATCH(match))
            ),
        )
    else:
        document = func.lower(
            Event.title + " " + Event.location + " " + Event.summary + " " + Event.notes
        )
        by_text = and_(*(document.like(_like(w.lower()), escape="\\") for w in text.split()))
    return or_(by_text, by_participant)


def text_matches(match: str) -> Select[Any]:
    """The ids of events whose text matches the FTS5 expression `match` (SQLite)."""
    return select(_ROWID).select_from(_FTS).where(_FTS_MATCH(match))


NAMED_LIMIT = 500  # more stakeholders than this matching a search are selected in SQL


def named_stakeholders(session: Session, text: str) -> list[int] | Select[Any]:
    """The stakeholders whose name contains the whole search `text`: their ids from the
    session's name index when it has one and they are few, else the query selecting them."""
    source: NameIndexSource | None = session.info.get(NAME_INDEX)
    if source is not None:
        ids = source().containing(" ".join(text.lower().split()), NAMED_LIMIT)
        if ids is not None:
            return ids
    like = Stakeholder.name_key.like(name_pattern(text), escape="\\")
    return select(Stakeholder.id).where(like)


def names_matches(session: Session, text: str) -> Select[Any]:
    """The ids of events with a participant whose name contains the search `text`."""
    named = named_stakeholders(session, text)
    return select(Participation.event_id).where(Participation.stakeholder_id.in_(named))


def filtered_events(session: Session, flt: EventFilter) -> Select[Event]:
    conditions = event_conditions(session, flt)
    query = select(Event)
    if conditions:
        query = query.where(and_(*conditions))
    return query.order_by(*TIMELINE_ORDER)


def count_events(session: Session, flt: EventFilter, *extra: ColumnElement[bool]) -> int:
    conditions = event_conditions(session, flt) + list(extra)
    query = select(func.count()).select_from(Event)
    if conditions:
        query = query.where(and_(*conditions))
    return int(session.scalar(query) or 0)
