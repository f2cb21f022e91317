"""event span class: date-range filters range-scan each length class instead of the table

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

An event overlaps [from, to] when start_date <= to and end_date >= from. Neither index bounds
that scan (every event that starts before `to` is a candidate), so `span_class` stores the
bit length of the event's length in days (0 for one day, 1 for two, 2 for three or four, ...)
and `ix_events_span_start` (span_class, start_date) lets each class be read as one short range:
an event of class k is at most 2**k - 1 days long, so it starts on or after from - (2**k - 1).

The column is added in place (no batch copy: that would drop the FTS5 triggers on SQLite)
and filled from the dates.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_CLASS = 22  # 2**22 days is more than 11,000 years


def _class_of(days: str) -> str:
    """SQL for the bit length of the non-negative integer expression `days`."""
    steps = " ".join(f"WHEN {days} < {2**k} THEN {k}" for k in range(MAX_CLASS + 1))
    return f"CASE {steps} ELSE {MAX_CLASS + 1} END"


def upgrade() -> None:
    op.add_column(
        "events",
        sa.Column("span_class", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    if op.get_bind().dialect.name == "sqlite":
        days = "CAST(julianday(end_date) - julianday(start_date) AS INTEGER)"
    else:
        days = "(end_date - start_date)"
    op.execute(f"UPDATE events SET span_class = {_class_of(days)} WHERE end_date > start_date")
    op.create_index("ix_events_span_start", "events", ["span_class", "start_date"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_events_span_start", table_name="events")
    op.drop_column("events", "span_class")
