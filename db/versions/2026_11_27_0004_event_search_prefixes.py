"""event search prefixes: FTS5 prefix indexes for words of one to four letters (SQLite)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

Every search word is a prefix query ("cas" finds Castro). Without a prefix index FTS5 merges
the posting lists of every term that starts so, again for each row it is asked about; with
`prefix='1 2 3 4'` a short word reads one list. The table is rebuilt with the same columns,
content table and tokenizer as in 0002; its triggers name it and carry on unchanged.
PostgreSQL's trigram indexes need nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_COLUMNS = "title, location, summary, notes"


def _recreate(options: str) -> None:
    op.execute("DROP TABLE events_fts")
    op.execute(
        f"""
        CREATE VIRTUAL TABLE events_fts USING fts5(
            {FTS_COLUMNS}, content='events', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'{options}
        )
        """
    )
    op.execute("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _recreate(", prefix='1 2 3 4'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _recreate("")
