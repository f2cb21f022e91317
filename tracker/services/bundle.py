"""The services over one database: every use case sharing one engine, clock and settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from tracker.clock import Clock, clock_for
from tracker.paths import make_private_dirs
from tracker.services.changes import ChangeService
from tracker.services.context import Context
from tracker.services.events import EventService
from tracker.services.followups import FollowUpService
from tracker.services.seed import SeedService
from tracker.services.stakeholders import StakeholderService
from tracker.services.transfer import TransferService
from tracker.settings import Settings
from tracker.storage import lite, migrations
from tracker.storage.engine import make_engine


@dataclass(frozen=True)
class Services:
    ctx: Context
    events: EventService
    stakeholders: StakeholderService
    followups: FollowUpService
    transfer: TransferService
    seed: SeedService
    changes: ChangeService

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
            changes=ChangeService(ctx),
        )

    @property
    def timeline(self) -> EventService:
        """What the app's timeline reads (windows, places, rows by position)."""
        return self.events

    def close(self) -> None:
        self.ctx.close()


def open_services(
    settings: Settings, clock: Clock | None = None, *, migrate: bool = True
) -> Services:
    """Connect to the configured database, bring its schema to head, and build the services.

    Another program's SQLite file is refused before the engine touches it. The default
    database's folder is made on first use (owner-only); another file's must exist."""
    path = lite.sqlite_file(settings.db_url)
    if settings.is_default_db:
        make_private_dirs(settings.data_dir)
    if migrate and path is not None and lite.foreign_tables(path):
        raise migrations.foreign_database(settings.db_url)
    engine = make_engine(settings.db_url)
    if migrate:
        migrations.ensure_current(engine)
    return Services.build(engine, settings, clock or clock_for(settings.today, settings.local_tz))
