"""Names of the search structures that live outside the models (FTS5 tables, trigram indexes)."""

from __future__ import annotations

from typing import Any

EXTERNAL_TABLE_PREFIX = "events_fts"
# Prefix lengths events_fts keeps extra indexes for (migration 0004): a search word this short
# is answered from one posting list, cheap enough to test row by row.
FTS_PREFIXES = (1, 2, 3, 4)
EXTERNAL_INDEXES = frozenset({"ix_events_search_trgm", "ix_stakeholders_name_trgm"})


def include_name(name: str | None, type_: str, _parent: Any) -> bool:
    """Alembic filter: leave the hand-made search structures out of model comparisons."""
    if name is None:
        return True
    if type_ == "table" and name.startswith(EXTERNAL_TABLE_PREFIX):
        return False
    return not (type_ == "index" and name in EXTERNAL_INDEXES)


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression: every word must appear, each as a prefix."""
    words = [w.replace('"', '""') for w in text.split()]
    return " AND ".join(f'"{word}"*' for word in words if word.strip('"'))
