"""Events: add, show, list, edit, delete and undo — each one short transaction."""

from __future__ import annotations

import builtins
import datetime as dt
import functools
import re
import sqlite3
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, and_, func, select, tuple_
from sqlalchemy.orm import Session

from tracker.domain import (
    Deleted,
    EventChanges,
    EventDraft,
    EventFilter,
    EventStatus,
    EventView,
    Location,
    ParticipantSpec,
    Precision,
    TimelineKey,
    When,
    Window,
    event_differences,
    unchanged_since,
)
from tracker.errors import ChangedMeanwhile, NotFound, UserError
from tracker.services.context import Context
from tracker.services.names import (
    FOLDED_NAMES,
    NAME_INDEX,
    NameIndex,
    folded_names,
    name_key,
    resolve_stakeholder,
)
from tracker.services.queries import (
    TIMELINE_ORDER,
    count_events,
    event_conditions,
    has_search,
    stakeholder_ids,
)
from tracker.services.quick import QuickReads
from tracker.services.searching import SearchWindows
from tracker.services.tags import clean_tags
from tracker.services.timeline import (
    Anchor,
    Days,
    Matches,
    ReadCache,
    TimelineOrder,
    data_version,
    gather_matches,
    key_of,
    read_page,
    read_window,
    rows_by_id,
    stored_key,
    window_of,
)
from tracker.services.views import EVENT_COLUMNS, WhenCache, event_views, load_event_views
from tracker.storage import lite
from tracker.storage.engine import interruptible
from tracker.storage.models import Event, EventTag, FollowUp, Participation
from tracker.textsafe import refuse_controls_in

MAX_TITLE = 500


def _title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise UserError("an event needs a title")
    if len(cleaned) > MAX_TITLE:
        raise UserError(f"the title is longer than {MAX_TITLE} characters")
    return cleaned


def sort_time(when: When) -> int:
    """Minutes after midnight in the written zone for a timed event; -1 for whole days."""
    if when.precision is not Precision.MINUTE or when.start_at is None:
        return -1
    local = _in_written_zone(when.start_at, when.tz)
    return local.hour * 60 + local.minute


def _in_written_zone(instant: dt.datetime, tz: str | None) -> dt.datetime:
    """`instant` on the clock of the zone the user wrote: an offset like -04:00 or a zone name."""
    if not tz:
        return instant
    zone = _written_zone(tz)
    return instant if zone is None else instant.astimezone(zone)


@functools.lru_cache(maxsize=512)
def _written_zone(tz: str) -> dt.tzinfo | None:
    """The zone a stored `tz` names (None for one no zone has): an import asks for a few
    zones tens of thousands of times."""
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", tz.strip())
    if match:
        offset = dt.timedelta(hours=int(match[2]), minutes=int(match[3]))
        return dt.timezone(-offset if match[1] == "-" else offset)
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def apply_when(event: Event, when: When) -> None:
    event.start_date = when.start
    event.end_date = when.end
    event.precision = when.precision
    event.start_at = when.start_at
    event.end_at = when.end_at
    event.tz = when.tz
    event.sort_time = sort_time(when)


class EventService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._cache = ReadCache()
        self._gathered = ReadCache(size=8)  # recent filters' matches
        self._orders = ReadCache(size=1)  # the timeline's order, for the latest data version
        self._order_lock = threading.Lock()
        self._searches = SearchWindows()
        # Unfiltered windows of a SQLite file by day are read as quick reads do (plain
        # sqlite3 on this transaction's connection): a third of the time, the same views.
        self.quick_windows = True
        self._json1: bool | None = None

    # -- reading -------------------------------------------------------------------------

    def get(self, event_id: int) -> EventView:
        with self._reading() as session:
            return event_views(self.ctx, session, [self._load(session, event_id)], full=True)[0]

    def tags(self, limit: int = 2000) -> builtins.list[str]:
        """Every tag in use, in order (for completion): one index seek per distinct tag, so
        it costs the number of tags, not of events."""
        found: builtins.list[str] = []
        with self.ctx.read() as session:
            query = select(func.min(EventTag.tag))
            tag = session.scalar(query)
            while tag is not None and len(found) < limit:
                found.append(tag)
                tag = session.scalar(query.where(EventTag.tag > tag))
        return found

    def list(
        self, flt: EventFilter = EventFilter(), *, limit: int | None = None
    ) -> builtins.list[EventView]:
        with self._reading() as session:
            query = _timeline(session, flt)
            if limit is not None:
                query = query.limit(limit)
            return load_event_views(self.ctx, session, session.execute(query).all())

    def iter(self, flt: EventFilter = EventFilter(), *, batch: int = 1000) -> Iterator[EventView]:
        """Every matching event in timeline order, loaded a batch at a time (for export)."""
        with self._reading() as session:
            result = session.execute(_timeline(session, flt).execution_options(yield_per=batch))
            whens = WhenCache(self.ctx)
            for chunk in result.partitions(batch):
                yield from load_event_views(self.ctx, session, chunk, full=True, whens=whens)

    def count(self, flt: EventFilter = EventFilter()) -> int:
        with self._reading() as session:
            return self._count(session, flt)

    def window(
        self,
        flt: EventFilter = EventFilter(),
        anchor: TimelineKey | dt.date | None = None,
        *,
        before: int = 0,
        after: int = 100,
        stop: Callable[[], bool] = lambda: False,
    ) -> Window:
        """Up to `before` rows before `anchor` and `after` rows from it, in timeline order.

        `anchor` is a date (the first event starting that day or later), a row's key (that
        row, from `Window.keys`), or None (the start of the timeline). It costs the same
        anywhere in the timeline and counts nothing: page down with the last key, up with the
        first, jump with a date. A key that the filter excludes still marks the place.
        When `stop()` turns true the read is abandoned (Cancelled; SQLite).
        """
        with self._reading() as session, interruptible(session, stop):
            # Gathering a filter's matches can take a second (that is `locate`'s work);
            # a window only uses them when they are already at hand.
            if flt.is_empty() and not isinstance(anchor, TimelineKey):  # by day: the same
                quick = self._quick(session)
                if quick is not None:
                    return quick.window(anchor, before=before, after=after)
            matches = self._matches(session, flt, gather=False)
            if matches is not None:
                found = window_of(self.ctx, session, matches, anchor, before, after)
                if found is not None:
                    return found
            if flt == EventFilter(search=flt.search):  # typed into the filter box
                searched = self._search_window(session, flt, anchor, before, after)
                if searched is not None:
                    return searched
            return read_window(self.ctx, session, flt, anchor, before=before, after=after)

    def _search_window(
        self, session: Session, flt: EventFilter, anchor: Anchor, before: int, after: int
    ) -> Window | None:
        """A search's window read as `tracker.services.searching` does (a SQLite file with
        JSON1), or None: `read_window` reads it then."""
        quick = self._quick(session)
        version = data_version(self.ctx, session)
        if quick is None or version is None or not (flt.search and has_search(flt)):
            return None
        raw = session.connection().connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)

        def order() -> TimelineOrder | None:
            found, timeline = self._orders.peek(("order", version))
            return timeline if found else None

        def remember(matches: Matches) -> None:
            self._gathered.get(("matches", version, flt), lambda: matches)

        found = self._searches.window(
            raw,
            flt.search,
            anchor,
            before=before,
            after=after,
            version=version,
            names=session.info[NAME_INDEX](),
            order=order,
            remember=remember,
        )
        if found is None:
            return None
        return quick.as_window(
            found.rows, more_before=found.more_before, more_after=found.more_after
        )

    def prepare(self) -> None:
        """Build now what the first searches and counts will need (the stakeholders' name
        index and the timeline's order in memory: about a second at a million events), so
        that they need not wait for it."""
        with self._reading() as session:
            version = data_version(self.ctx, session)
            if version is not None:
                session.info[NAME_INDEX]()
                self._order(session, version)

    def _quick(self, session: Session) -> QuickReads | None:
        """Quick reads over this session's connection (a SQLite file with JSON1), or None."""
        if not self.quick_windows or self.ctx.versions is None:  # not a SQLite file
            return None
        raw = session.connection().connection.driver_connection
        if not isinstance(raw, sqlite3.Connection):
            return None
        if self._json1 is None:
            self._json1 = lite.has_json1(raw)
        return QuickReads(raw, self.ctx.settings, self.ctx.clock) if self._json1 else None

    def locate(
        self, flt: EventFilter, key: TimelineKey, *, stop: Callable[[], bool] = lambda: False
    ) -> Location:
        """How many filtered events come before `key` (a row's key from a `Window`; the row
        need not match), and how many there are. Exact, and cached until the data changes;
        for a filter that keeps most of a million events it can take seconds, so a caller
        that stops wanting the answer makes `stop()` true and gets Cancelled (SQLite)."""
        with self._reading() as session, interruptible(session, stop):
            matches = self._matches(session, flt)
            if matches is not None:
                at = matches.index(key, lambda event_id: stored_key(session, event_id))
                if at is not None:
                    return Location(at, len(matches))
            total = self._count(session, flt)
            version = data_version(self.ctx, session)
            cache_key = None if version is None else ("locate", version, flt, key)
            position = self._cache.get(
                cache_key, lambda: self._position_of_key(session, flt, key, total)
            )
            return Location(position, total)

    def window_at(self, flt: EventFilter, offset: int, limit: int) -> tuple[int, Window]:
        """`limit` rows from `offset` (clamped to the timeline) as a `Window`, for a jump to a
        place known only by its number (a scrollbar drag). Counts the filter, like `page`."""
        with self._reading() as session:
            matches = self._matches(session, flt)
            if matches is not None:
                total = len(matches)
                offset = max(0, min(offset, max(total - 1, 0)))
                rows = rows_by_id(session, matches.ids(offset, offset + limit))
            else:
                total = self._count(session, flt)
                offset = max(0, min(offset, max(total - 1, 0)))
                version = data_version(self.ctx, session)
                checkpoints = self._cache.checkpoints(None if version is None else (version, flt))
                rows = read_page(self.ctx, session, flt, offset, limit, checkpoints)
            window = Window(
                rows=tuple(load_event_views(self.ctx, session, rows)),
                keys=tuple(key_of(row) for row in rows),
                more_before=offset > 0,
                more_after=offset + len(rows) < total,
            )
            return offset, window

    def _position_of_key(
        self, session: Session, flt: EventFilter, key: TimelineKey, total: int
    ) -> int:
        same_day_before = and_(
            Event.start_date == key.start,
            tuple_(Event.sort_time, Event.id) < tuple_(key.sort_time, key.id),
        )
        if flt.is_empty() and self.ctx.versions is not None:  # whole days from `Days`
            return self._days(session).first_on_or_after(key.start) + count_events(
                session, flt, same_day_before
            )
        before = tuple_(Event.start_date, Event.sort_time, Event.id) < tuple_(
            key.start, key.sort_time, key.id
        )
        after = tuple_(Event.start_date, Event.sort_time, Event.id) >= tuple_(
            key.start, key.sort_time, key.id
        )
        ends = session.execute(
            select(
                select(func.min(Event.start_date)).scalar_subquery(),
                select(func.max(Event.start_date)).scalar_subquery(),
            )
        ).one()
        first: dt.date | None = ends[0]
        last: dt.date | None = ends[1]
        if first is None or last is None:
            return 0
        if (key.start - first) > (last - key.start):  # count the shorter side
            return total - count_events(session, flt, after)
        return count_events(session, flt, before)

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """A read whose searches find stakeholder names in the cached name index (SQLite
        files, where changes can be told; elsewhere names are matched in SQL)."""
        with self.ctx.read() as session:
            version = data_version(self.ctx, session)
            if version is not None:
                session.info[NAME_INDEX] = lambda: self._cache.get(
                    ("names", version), lambda: NameIndex.build(session)
                )
                session.info[FOLDED_NAMES] = lambda: self._cache.get(
                    ("folded names", version), lambda: folded_names(session)
                )
            yield session

    def _count(self, session: Session, flt: EventFilter) -> int:
        matches = self._matches(session, flt)
        if matches is not None:
            return len(matches)
        version = data_version(self.ctx, session)
        key = None if version is None else ("count", version, flt)
        return self._cache.get(key, lambda: count_events(session, flt))

    def _matches(
        self, session: Session, flt: EventFilter, *, gather: bool = True
    ) -> Matches | None:
        """A selective filter's matches, gathered once per filter and data version (or,
        without `gather`, only when they already were)."""
        if flt.is_empty():
            return None
        version = data_version(self.ctx, session)
        if version is None:
            return None
        if not gather:
            found, matches = self._gathered.peek(("matches", version, flt))
            return matches if found else None
        return self._gathered.get(
            ("matches", version, flt),
            lambda: gather_matches(
                session,
                flt,
                stakeholder_ids(session, flt),
                lambda: self._order(session, version),
            ),
        )

    def _order(self, session: Session, version: Hashable) -> TimelineOrder:
        """The timeline's order in memory, built once per data version (a second thread
        asking while it is built waits for it rather than building it again)."""
        with self._order_lock:
            return self._orders.get(
                ("order", version), lambda: TimelineOrder.build(session, self._days(session))
            )

    def _days(self, session: Session) -> Days:
        version = data_version(self.ctx, session)
        key = None if version is None else ("days", version)
        return self._cache.get(key, lambda: Days.build(session))

    # -- writing -------------------------------------------------------------------------

    def add(
        self, draft: EventDraft, *, create: bool = False
    ) -> tuple[EventView, builtins.list[str]]:
        """Store a new event; returns it and the names of stakeholders created on the way."""
        refuse_controls_in(draft)
        when = self.ctx.parse_when(draft.when, draft.until)
        created: builtins.list[str] = []
        with self.ctx.write() as session:
            event = Event(
                title=_title(draft.title),
                kind=draft.kind,
                location=draft.location.strip(),
                status=draft.status or self._default_status(when),
                summary=draft.summary.strip(),
                notes=draft.notes.strip(),
                source=draft.source.strip(),
            )
            apply_when(event, when)
            event.tags = [EventTag(tag=tag) for tag in clean_tags(draft.tags)]
            session.add(event)
            self._set_participants(session, event, draft.participants, create, created)
            session.flush()
            return event_views(self.ctx, session, [event], full=True)[0], created

    def edit(
        self,
        event_id: int,
        changes: EventChanges,
        *,
        create: bool = False,
        expected: EventView | None = None,
    ) -> tuple[EventView, builtins.list[str]]:
        """Apply `changes` to what is stored now (read and write in one locked transaction).

        With `expected` (the event as a form read it), the edit is refused with
        ChangedMeanwhile when the stored event is no longer that (changed, or deleted)."""
        refuse_controls_in(changes)
        created: builtins.list[str] = []
        with self.ctx.write() as session:
            if expected is not None:
                event = self._check_expected(session, event_id, expected)
            else:
                event = self._load(session, event_id, lock=True)
            if changes.title is not None:
                event.title = _title(changes.title)
            if changes.kind is not None:
                event.kind = changes.kind
            if changes.when is not None:
                apply_when(event, self.ctx.parse_when(changes.when, changes.until))
            elif changes.until is not None:
                current = self.ctx.rebuild(
                    event.start_date,
                    event.end_date,
                    event.precision,
                    event.start_at,
                    event.end_at,
                    event.tz,
                )
                apply_when(event, self.ctx.parse_when(current.label, changes.until))
            for field in ("location", "status", "summary", "notes", "source"):
                value = getattr(changes, field)
                if value is not None:
                    setattr(event, field, value.strip() if isinstance(value, str) else value)
            if changes.tags is not None:
                event.tags = [EventTag(tag=tag) for tag in clean_tags(changes.tags)]
            tags = [t.tag for t in event.tags]
            removed = set(clean_tags(changes.remove_tags))
            missing = removed - set(tags)
            if missing:
                raise UserError(f"event {event_id} has no tag {sorted(missing)[0]!r}")
            wanted = [t for t in tags if t not in removed] + clean_tags(changes.add_tags)
            wanted = list(dict.fromkeys(wanted))
            if wanted != tags:
                event.tags = [EventTag(tag=tag) for tag in wanted]
            if changes.participants is not None:
                event.participations.clear()
                session.flush()
                self._set_participants(session, event, changes.participants, create, created)
            for name in changes.remove_participants:
                stakeholder = resolve_stakeholder(session, name)
                match = [p for p in event.participations if p.stakeholder_id == stakeholder.id]
                if not match:
                    raise UserError(f"{stakeholder.name} is not a participant of event {event_id}")
                event.participations.remove(match[0])
            session.flush()
            self._set_participants(session, event, changes.add_participants, create, created)
            event.updated_at = dt.datetime.now(dt.UTC)
            session.flush()
            return event_views(self.ctx, session, [event], full=True)[0], created

    def delete(self, event_id: int) -> Deleted:
        """Remove the event and its participations; its follow-ups stay, detached."""
        with self.ctx.write() as session:
            return self._delete_in(session, self._load(session, event_id))

    def restore(self, deleted: Deleted) -> EventView:
        """Undo a delete: the event comes back with its id, participants, tags and follow-ups."""
        if deleted.what != "event":
            raise UserError(f"cannot restore a {deleted.what} as an event")
        with self.ctx.write() as session:
            if session.get(Event, deleted.id) is not None:
                raise UserError(f"event {deleted.id} exists already")
            event = self._restore_in(session, deleted)
            return event_views(self.ctx, session, [event], full=True)[0]

    def snapshot(self, event_id: int) -> Deleted:
        """The event as stored now, in the form a delete keeps (for undoing an add or edit)."""
        with self.ctx.read() as session:
            return self._snapshot_in(session, self._load(session, event_id))

    def put_back(self, before: Deleted, after: Deleted) -> EventView:
        """Undo an edit: the event as `before`, if it is still as the edit left it (`after`);
        refused when it changed since (another process, a colleague)."""
        with self.ctx.write() as session:
            event = self._load(session, before.id, lock=True)
            unchanged_since(self._snapshot_in(session, event), after)
            now = self._delete_in(session, event)
            event = self._restore_in(
                session, replace(before, detached_follow_ups=now.detached_follow_ups)
            )
            return event_views(self.ctx, session, [event], full=True)[0]

    def take_back(self, added: Deleted) -> Deleted:
        """Undo an add: delete the event, if it is still as it was added."""
        with self.ctx.write() as session:
            event = self._load(session, added.id, lock=True)
            unchanged_since(self._snapshot_in(session, event), added)
            return self._delete_in(session, event)

    def _snapshot_in(self, session: Session, event: Event) -> Deleted:
        view = event_views(self.ctx, session, [event])[0]
        detached = tuple(
            session.scalars(
                select(FollowUp.id).where(FollowUp.event_id == event.id).order_by(FollowUp.id)
            ).all()
        )
        payload: dict[str, object] = {
            column.key: getattr(event, column.key) for column in Event.__table__.columns
        }
        payload["tags"] = list(view.tags)
        payload["participants"] = sorted(
            (p.stakeholder_id, p.role.value, p.attendance.value) for p in view.participants
        )
        return Deleted("event", event.id, f"{view.title} ({view.when.label})", payload, detached)

    def _delete_in(self, session: Session, event: Event) -> Deleted:
        deleted = self._snapshot_in(session, event)
        session.delete(event)
        session.flush()
        return deleted

    @staticmethod
    def _restore_in(session: Session, deleted: Deleted) -> Event:
        data = dict(deleted.payload)
        tags = data.pop("tags")
        participants = data.pop("participants")
        event = Event(**data)
        assert isinstance(tags, list) and isinstance(participants, list)
        event.tags = [EventTag(tag=tag) for tag in tags]
        session.add(event)
        session.flush()
        for stakeholder_id, role, attendance in participants:
            session.add(
                Participation(
                    event_id=event.id,
                    stakeholder_id=stakeholder_id,
                    role=role,
                    attendance=attendance,
                )
            )
        for follow_up in session.scalars(
            select(FollowUp).where(
                FollowUp.id.in_(deleted.detached_follow_ups),
                FollowUp.event_id.is_(None),
            )
        ):
            follow_up.event_id = event.id
        session.flush()
        session.refresh(event)  # values kept as text (the undo journal) read back typed
        return event

    # -- helpers -------------------------------------------------------------------------

    def _default_status(self, when: When) -> EventStatus:
        return EventStatus.HELD if when.end < self.ctx.today() else EventStatus.PLANNED

    def _check_expected(self, session: Session, event_id: int, expected: EventView) -> Event:
        """The event, locked, if it is still as `expected`; else ChangedMeanwhile."""
        try:
            event = self._load(session, event_id, lock=True)
        except NotFound:
            raise ChangedMeanwhile("event", None) from None
        stored = event_views(self.ctx, session, [event], full=True)[0]
        differ = event_differences(expected, stored)
        if differ:
            raise ChangedMeanwhile("event", stored, differ)
        return event

    @staticmethod
    def _load(session: Session, event_id: int, *, lock: bool = False) -> Event:
        """The row, locked FOR UPDATE when about to be changed (PostgreSQL; SQLite's
        IMMEDIATE transaction already holds the write lock)."""
        event = session.get(Event, event_id, with_for_update=lock or None)
        if event is None:
            raise NotFound(f"no event with id {event_id}")
        return event

    @staticmethod
    def _set_participants(
        session: Session,
        event: Event,
        specs: Sequence[ParticipantSpec],
        create: bool,
        created: builtins.list[str],
    ) -> None:
        existing = {p.stakeholder_id: p for p in event.participations}
        for spec in specs:
            stakeholder = resolve_stakeholder(
                session, spec.name, create=create, created=created, offer_create=True
            )
            current = existing.get(stakeholder.id)
            if current is not None:
                current.role = spec.role
                current.attendance = spec.attendance
                continue
            participation = Participation(
                stakeholder=stakeholder, role=spec.role, attendance=spec.attendance
            )
            event.participations.append(participation)
            existing[stakeholder.id] = participation


def _timeline(session: Session, flt: EventFilter) -> Select[*tuple[Any, ...]]:
    """The filtered timeline as plain rows of `EVENT_COLUMNS` (no ORM objects to build)."""
    query = select(*EVENT_COLUMNS)
    conditions = event_conditions(session, flt)
    if conditions:
        query = query.where(and_(*conditions))
    return query.order_by(*TIMELINE_ORDER)


__all__ = ["EventService", "TimelineKey", "Window", "apply_when", "name_key", "sort_time"]
