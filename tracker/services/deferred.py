"""The services as the full-screen app opens them: painting first, SQLAlchemy after.

`tracker` shows its first timeline about as fast as a bare Textual app starts: that first
window of the unfiltered timeline comes from quick reads (the standard sqlite3 module), and
the full services (SQLAlchemy, imported in a worker) open right after it is on screen, or
as soon as anything else needs them. A database that is not a SQLite file at the schema
head gets the full services from the start.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from tracker.clock import Clock, clock_for
from tracker.domain import EventFilter, Location, TimelineKey, Window
from tracker.services.quick import QuickReads
from tracker.services.reading import DateReader
from tracker.settings import Settings

if TYPE_CHECKING:
    from tracker.services.bundle import Services
    from tracker.services.changes import ChangeService
    from tracker.services.events import EventService
    from tracker.services.followups import FollowUpService
    from tracker.services.stakeholders import StakeholderService
    from tracker.services.transfer import TransferService


class TimelineReads(Protocol):
    """What a scrolling timeline reads: keyset windows, where a row sits, rows by position."""

    def window(
        self,
        flt: EventFilter = ...,
        anchor: TimelineKey | dt.date | None = ...,
        *,
        before: int = ...,
        after: int = ...,
        stop: Callable[[], bool] = ...,
    ) -> Window: ...

    def locate(
        self, flt: EventFilter, key: TimelineKey, *, stop: Callable[[], bool] = ...
    ) -> Location: ...

    def window_at(self, flt: EventFilter, offset: int, limit: int) -> tuple[int, Window]: ...


class AppServices(Protocol):
    """What the full-screen app uses: `Services`, or `DeferredServices` until they open."""

    @property
    def ctx(self) -> DateReader: ...

    @property
    def timeline(self) -> TimelineReads: ...

    @property
    def events(self) -> EventService: ...

    @property
    def stakeholders(self) -> StakeholderService: ...

    @property
    def followups(self) -> FollowUpService: ...

    @property
    def transfer(self) -> TransferService: ...

    @property
    def changes(self) -> ChangeService: ...

    def close(self) -> None: ...


def open_for_app(settings: Settings, clock: Clock | None = None) -> AppServices:
    """The services for the app: deferred when quick reads can paint the first timeline."""
    clock = clock or clock_for(settings.today, settings.local_tz)
    quick = QuickReads.open(settings, clock)
    if quick is None:
        from tracker.services.bundle import open_services

        return open_services(settings, clock)
    return DeferredServices(settings, clock, quick)


class DeferredServices:
    """`Services` opened on first use (in whichever thread asks), with quick reads for the
    unfiltered timeline until then."""

    def __init__(self, settings: Settings, clock: Clock, quick: QuickReads) -> None:
        self._settings = settings
        self._clock = clock
        self._quick: QuickReads | None = quick
        self._reader = DateReader(clock=clock, settings=settings)
        self._opened: Services | None = None
        self._lock = threading.Lock()
        self.timeline = _DeferredTimeline(self)

    def open(self) -> Services:
        """The full services (importing SQLAlchemy the first time: call it from a worker)."""
        with self._lock:
            if self._opened is None:
                from tracker.services.bundle import open_services

                # Quick reads found the schema at head; the check need not run again.
                self._opened = open_services(self._settings, self._clock, migrate=False)
                if self._quick is not None:  # its snapshot would only grow stale now
                    self._quick.close()
                    self._quick = None
            return self._opened

    def quick_window(
        self, flt: EventFilter, anchor: TimelineKey | dt.date | None, before: int, after: int
    ) -> Window | None:
        """The window from quick reads while the services are not open (else None)."""
        with self._lock:
            quick = self._quick
            if self._opened is not None or quick is None:
                return None
            if not flt.is_empty() or isinstance(anchor, TimelineKey):
                return None
            return quick.window(anchor, before=before, after=after)

    @property
    def ctx(self) -> DateReader:
        return self._opened.ctx if self._opened is not None else self._reader

    @property
    def events(self) -> EventService:
        return self.open().events

    @property
    def stakeholders(self) -> StakeholderService:
        return self.open().stakeholders

    @property
    def followups(self) -> FollowUpService:
        return self.open().followups

    @property
    def transfer(self) -> TransferService:
        return self.open().transfer

    @property
    def changes(self) -> ChangeService:
        return self.open().changes

    def close(self) -> None:
        with self._lock:
            if self._quick is not None:
                self._quick.close()
                self._quick = None
            if self._opened is not None:
                self._opened.close()


class _DeferredTimeline:
    def __init__(self, services: DeferredServices) -> None:
        self._services = services

    def window(
        self,
        flt: EventFilter = EventFilter(),
        anchor: TimelineKey | dt.date | None = None,
        *,
        before: int = 0,
        after: int = 100,
        stop: Callable[[], bool] = lambda: False,
    ) -> Window:
        quick = self._services.quick_window(flt, anchor, before, after)
        if quick is not None:
            return quick
        return self._services.events.window(flt, anchor, before=before, after=after, stop=stop)

    def locate(
        self, flt: EventFilter, key: TimelineKey, *, stop: Callable[[], bool] = lambda: False
    ) -> Location:
        return self._services.events.locate(flt, key, stop=stop)

    def window_at(self, flt: EventFilter, offset: int, limit: int) -> tuple[int, Window]:
        return self._services.events.window_at(flt, offset, limit)
