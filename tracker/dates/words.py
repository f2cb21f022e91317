"""Why a text is not a date: the first word the language does not know, or a zone written
where no time is."""

from __future__ import annotations

import re

from tracker.dates.common import EXAMPLES, MONTH_NAMES, WEEKDAY_NAMES
from tracker.dates.zones import ZONE_WORDS

_WORDS = """
today tomorrow yesterday this next last in ago a an day days week weeks month months year years
quarter early mid late beginning start middle end of the from to through thru until till between
and at on by am pm m p noon midnight q h w t z d y utc gmt fy cy first second half st nd rd th
spring summer fall autumn winter c ca circa cob no later than morning afternoon evening
one two three four five six seven eight nine ten eleven twelve sept tues thur thurs
"""
_KNOWN = frozenset(
    {name.lower() for name in (*MONTH_NAMES, *WEEKDAY_NAMES)}
    | {name[:3].lower() for name in (*MONTH_NAMES, *WEEKDAY_NAMES)}
    | set(_WORDS.split())
)
_WORD = re.compile(r"[a-z]+")


def explain(normalized: str, text: str) -> str:
    """The reason `normalized` (of the user's `text`) reads as no date, naming the part."""
    words = _WORD.findall(normalized)
    for word in words:
        if word not in _KNOWN and word not in ZONE_WORDS:
            return f"{_as_written(word, text)} is not a known word; {EXAMPLES}"
    for word in words:
        if word in ZONE_WORDS:
            zone = _as_written(word, text)
            return f'{zone} is a zone: write it after a time, e.g. "June 6, 2022 2:30 PM ET"'
    return EXAMPLES


def _as_written(word: str, text: str) -> str:
    found = re.search(rf"(?i)(?<![a-z]){re.escape(word)}(?![a-z])", text)
    return f'"{found.group() if found else word}"'
