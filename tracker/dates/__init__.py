"""Read, label, preview and compare the fuzzy dates staffers type ("late May 2022", "Q2", "+2w").

The language is split in parts: `common` (errors, intervals, names), `zones`, `days`, `times`,
`labels`, `grammar` (the common forms), `forms` (the less common ones, read after them) and
`words` (why a text is no date); this module names what the rest of the tracker uses.
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
    ("June 6, 2022 9:00–10:30 AM · 3pm ET", "a time range; ET, CT, MT, PT after a time"),
    ("FY2023 · Q4 FY2022 · Mar-2020 · 2Q22", "fiscal year (October–September), month"),
    ("early 2023 · mid-2023 · late 2023", "January–April, May–August, Sept–December"),
    ("summer 2022 · fall 2022 · winter 2022", "June–August, Sept–Nov, Dec–February"),
    ("c. May 2022 · ~2019", "approximate, and shown so"),
    ("by · no later than · COB (5 pm)", "deadline words"),
)
