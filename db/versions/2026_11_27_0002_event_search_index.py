"""event search index: FTS5 on SQLite, trigram GIN indexes on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_COLUMNS = "title, location, summary, notes"

SQLITE_UP = [
    f"""
    CREATE VIRTUAL TABLE events_fts USING fts5(
        {FTS_COLUMNS}, content='events', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    f"""
    CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
        INSERT INTO events_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.location, new.summary, new.notes);
    END
    """,
    f"""
    CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.location, old.summary, old.notes);
    END
    """,
    f"""
    CREATE TRIGGER events_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.location, old.summary, old.notes);
        INSERT INTO events_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.location, new.summary, new.notes);
    END
    """,
    "INSERT INTO events_fts(events_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS events_fts_update",
    "DROP TRIGGER IF EXISTS events_fts_delete",
    "DROP TRIGGER IF EXISTS events_fts_insert",
    "DROP TABLE IF EXISTS events_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_events_search_trgm ON events USING gin "
    "((lower(title || ' ' || location || ' ' || summary || ' ' || notes)) gin_trgm_ops)",
    "CREATE INDEX ix_stakeholders_name_trgm ON stakeholders USING gin (name_key gin_trgm_ops)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_stakeholders_name_trgm",
    "DROP INDEX IF EXISTS ix_events_search_trgm",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _run(POSTGRES_UP)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(POSTGRES_DOWN)
