"""The filter box's one-line query language, parsed into an EventFilter (pure, no Textual)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from tracker.domain import EventFilter, EventKind, EventStatus
from tracker.errors import UserError

DayBound = Callable[[str, bool], dt.date]
"""Reads a fuzzy date as a filter bound: `(text, end)` -> its first day, or its last if `end`."""

KEYS = ("kind", "with", "tag", "status", "from", "to", "in")
SYNTAX = 'words  kind:call  with:Castro  tag:asean  status:planned  from:"Q2 2022"  to:"June 2022"'

_TOKEN = re.compile(
    r"""(?P<key>[A-Za-z]+):(?:"(?P<dq>[^"]*)"?|'(?P<sq>[^']*)'?|(?P<bare>\S*))"""
    r"""|"(?P<phrase>[^"]*)"?|(?P<word>\S+)"""
)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """What the filter box says: the filter it reads as, or the first problem in it."""

    text: str
    filter: EventFilter
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def tokenize(text: str) -> list[tuple[str | None, str]]:
    """`(key, value)` pairs; plain words and quoted phrases come with key None.

    An unclosed quote runs to the end of the text, so a query reads sensibly while typed.
    """
    tokens: list[tuple[str | None, str]] = []
    for match in _TOKEN.finditer(text):
        key = match.group("key")
        if key is not None:
            value = next(
                (v for v in (match.group("dq"), match.group("sq"), match.group("bare")) if v),
                "",
            )
            tokens.append((key.lower(), value.strip()))
        else:
            value = match.group("phrase") if match.group("phrase") is not None else ""
            tokens.append((None, (value or match.group("word") or "").strip()))
    return [(k, v) for k, v in tokens if k is not None or v]


def _choices(enum: type[EventKind] | type[EventStatus], what: str, value: str) -> list[str]:
    allowed = [member.value for member in enum]
    picked: list[str] = []
    for part in filter(None, (p.strip().lower() for p in value.split(","))):
        matches = [a for a in allowed if a == part] or [a for a in allowed if a.startswith(part)]
        if len(matches) != 1:
            raise UserError(f"unknown {what} {part!r} (one of: {', '.join(allowed)})")
        picked.append(matches[0])
    if not picked:
        raise UserError(f"{what}: needs a value (one of: {', '.join(allowed)})")
    return picked


def parse_query(text: str, day_bound: DayBound) -> ParsedQuery:
    """Read the filter box. Plain words search titles, places, notes and names; `key:value`
    tokens set the other filters (repeat a key, or separate kinds/statuses with commas)."""
    flt = EventFilter()
    words: list[str] = []
    try:
        for key, value in tokenize(text):
            if key is None:
                words.append(value)
                continue
            if key not in KEYS:
                raise UserError(
                    f"unknown filter {key + ':'!r} (use {', '.join(k + ':' for k in KEYS)})"
                )
            if not value:
                raise UserError(f"{key}: needs a value")
            if key == "kind":
                kinds = tuple(EventKind(v) for v in _choices(EventKind, "kind", value))
                flt = replace(flt, kinds=tuple(dict.fromkeys(flt.kinds + kinds)))
            elif key == "status":
                found = tuple(EventStatus(v) for v in _choices(EventStatus, "status", value))
                flt = replace(flt, statuses=tuple(dict.fromkeys(flt.statuses + found)))
            elif key == "with":
                flt = replace(flt, with_names=(*flt.with_names, value))
            elif key == "tag":
                flt = replace(flt, tags=(*flt.tags, value.lower()))
            elif key == "from":
                flt = replace(flt, date_from=day_bound(value, False))
            elif key == "to":
                flt = replace(flt, date_to=day_bound(value, True))
            else:  # in: a whole period
                flt = replace(
                    flt, date_from=day_bound(value, False), date_to=day_bound(value, True)
                )
        if flt.date_from and flt.date_to and flt.date_to < flt.date_from:
            raise UserError("to: is before from:")
    except UserError as exc:
        return ParsedQuery(text, flt, exc.message)
    return ParsedQuery(text, replace(flt, search=" ".join(words) or None))


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b} {day.year}"


def describe_filter(flt: EventFilter) -> str:
    """The active filter in one line, e.g. `kind call · with Castro · 1 Apr 2022 → 30 Jun 2022`."""
    if flt.is_empty():
        return "all events"
    parts: list[str] = []
    if flt.search:
        parts.append(f"“{flt.search}”")
    if flt.kinds:
        parts.append("kind " + ", ".join(k.value for k in flt.kinds))
    if flt.statuses:
        parts.append("status " + ", ".join(s.value for s in flt.statuses))
    parts += [f"with {name}" for name in flt.with_names]
    if flt.stakeholder_ids:
        parts.append("with " + ", ".join(f"#{i}" for i in flt.stakeholder_ids))
    parts += [f"tag {tag}" for tag in flt.tags]
    if flt.date_from or flt.date_to:
        start = _day(flt.date_from) if flt.date_from else "…"
        end = _day(flt.date_to) if flt.date_to else "…"
        parts.append(f"{start} → {end}")
    return " · ".join(parts)


def quote(value: str) -> str:
    """A value as it must be written after `key:` (quoted when it has spaces or quotes)."""
    if value and not any(c.isspace() or c in "\"'" for c in value):
        return value
    return "'" + value.replace("'", "") + "'" if '"' in value else f'"{value}"'
