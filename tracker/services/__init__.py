"""Use cases: one object per area, each action one short transaction; no UI imports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from tracker.clock import Clock, FixedClock, SystemClock
from tracker.services.context import Context
from tracker.services.events import EventService
from tracker.services.followups import FollowUpScope, FollowUpService
from tracker.services.seed import SeedService
from tracker.services.stakeholders import StakeholderProfile, StakeholderService
from tracker.services.transfer import ImportRejected, ImportReport, TransferService
from tracker.settings import Settings
from tracker.storage import migrations
from tracker.storage.engine import make_engine

__all__ = [
    "FollowUpScope",
    "ImportRejected",
    "ImportReport",
    "Services",
    "StakeholderProfile",
    "open_services",
]


@dataclass(frozen=True)
class Services:
    ctx: Context
    events: EventService
    stakeholders: StakeholderService
    followups: FollowUpService
    transfer: TransferService
    seed: SeedService

    @classmethod
    def build(cls, engine: Engine, settings: Settings, clock: Clock) -> Services:
        ctx = Context(engine=engine, clock=clock, settings=settings)
        events = EventService(ctx)
        return cls(
            ctx=ctx,
            events=events,
            stakeholders=StakeholderService(ctx),
            followups=FollowUpService(ctx),
            transfer=TransferService(ctx, events),
            seed=SeedService(ctx),
        )

    def close(self) -> None:
        self.ctx.close()


def open_services(
    settings: Settings, clock: Clock | None = None, *, migrate: bool = True
) -> Services:
    """Connect to the configured database, bring its schema to head, and build the services."""
    engine = make_engine(settings.db_url)
    if migrate:
        migrations.ensure_current(engine)
    if clock is None:
        clock = FixedClock.on(settings.today) if settings.today else SystemClock(settings.local_tz)
    return Services.build(engine, settings, clock)
