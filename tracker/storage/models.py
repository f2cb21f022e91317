"""Typed SQLAlchemy models: stakeholders, events, participations, follow-ups."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from tracker.domain import (
    Attendance,
    EventKind,
    EventStatus,
    FollowUpStatus,
    Precision,
    Role,
    StakeholderKind,
)
from tracker.storage.types import TextEnum, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Stakeholder(Timestamped, Base):
    __tablename__ = "stakeholders"
    __table_args__ = (UniqueConstraint("kind", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)  # casefolded name
    kind: Mapped[StakeholderKind] = mapped_column(TextEnum(StakeholderKind))
    title: Mapped[str] = mapped_column(String(300), default="")
    affiliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholders.id", ondelete="SET NULL"), index=True
    )
    country: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    affiliation: Mapped[Stakeholder | None] = relationship(remote_side=[id])
    aliases: Mapped[list[StakeholderAlias]] = relationship(
        back_populates="stakeholder", cascade="all, delete-orphan", order_by="StakeholderAlias.id"
    )
    tags: Mapped[list[StakeholderTag]] = relationship(
        cascade="all, delete-orphan", order_by="StakeholderTag.tag"
    )


class StakeholderAlias(Base):
    __tablename__ = "stakeholder_aliases"
    __table_args__ = (UniqueConstraint("stakeholder_id", "alias_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stakeholder_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholders.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(200))
    alias_key: Mapped[str] = mapped_column(String(200), index=True)

    stakeholder: Mapped[Stakeholder] = relationship(back_populates="aliases")


class StakeholderTag(Base):
    __tablename__ = "stakeholder_tags"

    stakeholder_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholders.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class Event(Timestamped, Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="interval_order"),
        Index("ix_events_timeline", "start_date", "sort_time", "id"),
        Index("ix_events_end_date", "end_date"),
        Index("ix_events_span_dates", "span_class", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[EventKind] = mapped_column(TextEnum(EventKind), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    precision: Mapped[Precision] = mapped_column(TextEnum(Precision))
    # Minutes after midnight (in the zone written) for timed events, -1 for whole days:
    # a non-null sort key, so the timeline orders and pages on (start_date, sort_time, id).
    sort_time: Mapped[int] = mapped_column(Integer, default=-1)
    # span_class(start_date, end_date), kept by the ORM hooks below: date-range filters read
    # each length class as one short range of ix_events_span_dates (migrations 0003, 0005).
    span_class: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    start_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    end_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    tz: Mapped[str | None] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[EventStatus] = mapped_column(TextEnum(EventStatus), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")

    participations: Mapped[list[Participation]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )
    tags: Mapped[list[EventTag]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EventTag.tag"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="event", passive_deletes=True, order_by="FollowUp.id"
    )


def span_class(start: dt.date, end: dt.date) -> int:
    """The bit length of an interval's length in days: 0 for one day, 1 for two, 2 for three
    or four...; an event of class k is at most 2**k - 1 days longer than its first day."""
    return max((end - start).days, 0).bit_length()


@event.listens_for(Event, "before_insert")
@event.listens_for(Event, "before_update")
def _keep_span_class(_mapper: object, _connection: object, target: Event) -> None:
    target.span_class = span_class(target.start_date, target.end_date)


class EventTag(Base):
    __tablename__ = "event_tags"
    __table_args__ = ({"sqlite_with_rowid": False},)  # stored in key order (migration 0006)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class Participation(Base):
    __tablename__ = "participations"
    __table_args__ = (
        Index("ix_participations_stakeholder_event", "stakeholder_id", "event_id"),
        {"sqlite_with_rowid": False},  # stored in key order (migration 0006)
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    stakeholder_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholders.id", ondelete="RESTRICT"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(TextEnum(Role))
    attendance: Mapped[Attendance] = mapped_column(TextEnum(Attendance))

    event: Mapped[Event] = relationship(back_populates="participations")
    stakeholder: Mapped[Stakeholder] = relationship()


class FollowUp(Timestamped, Base):
    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_status_due", "status", "due_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholders.id", ondelete="RESTRICT"), index=True
    )
    due_start: Mapped[dt.date | None] = mapped_column(Date)
    due_end: Mapped[dt.date | None] = mapped_column(Date)
    due_precision: Mapped[Precision | None] = mapped_column(TextEnum(Precision))
    status: Mapped[FollowUpStatus] = mapped_column(TextEnum(FollowUpStatus))
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event | None] = relationship(back_populates="follow_ups")
    owner: Mapped[Stakeholder | None] = relationship()
