"""event span dates: the date-range index carries each event's end date too

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

A date-range filter reads one short range of the span index per length class (migration
0003) and keeps the events that end on or after its first day. With only (span_class,
start_date) in the index, every event of those ranges was looked up in the table to read its
end date, including the ones then left out; with end_date in the index too, they are left
out from the index, and the ids of a range's events come from the index alone (the
participants of a month's events, say, are found without reading the events).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_events_span_start", table_name="events")
    op.create_index("ix_events_span_dates", "events", ["span_class", "start_date", "end_date"])


def downgrade() -> None:
    op.drop_index("ix_events_span_dates", table_name="events")
    op.create_index("ix_events_span_start", "events", ["span_class", "start_date"])
