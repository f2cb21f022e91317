"""Read, label, preview and compare the fuzzy dates staffers type ("late May 2022", "Q2", "+2w").

The language is split in parts: `common` (errors, intervals, names), `zones`, `labels` and
`grammar`; this module names what the rest of the tracker uses.
"""

from __future__ import annotations

from tracker.dates.common import DateOrder, DateParseError
from tracker.dates.grammar import parse_when
from tracker.dates.labels import (
    at_local_time,
    at_own_offset,
    describe,
    is_past,
    overlaps,
    rebuild,
    span,
    stored_cells,
    to_json,
)

__all__ = [
    "VOCABULARY",
    "DateOrder",
    "DateParseError",
    "at_local_time",
    "at_own_offset",
    "describe",
    "is_past",
    "overlaps",
    "parse_when",
    "rebuild",
    "span",
    "stored_cells",
    "to_json",
]

# What a date field takes, for people (the help screen lists it): an example and what it means.
VOCABULARY: tuple[tuple[str, str], ...] = (
    ("May 13, 2022 · 2022-05-13", "that day"),
    ("May 13, 2022 2:30pm", "an instant, in your zone unless one is given"),
    ("late May 2022 · early May · mid-May", "21–31, 1–10, 11–20 May"),
    ("May 2022 · Q2 2022 · 2022", "the month, quarter, year"),
    ("June 6-10, 2022 · Oct 2021 - Apr 2022", "a range"),
    ("today · in 3 days · +2w · this week · last year", "relative to today"),
    ("May (no year)", "its nearest occurrence"),
)
