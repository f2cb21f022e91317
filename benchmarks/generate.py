"""Deterministic synthetic portfolios: N events over ten years, N/10 stakeholders, N/2 follow-ups.

The rows are made with `random.Random(seed)` and written through SQLAlchemy Core
(`insert(table)` executemany, one transaction) into a database migrated by tracker itself,
so the files are exactly what the app would have stored. Run it alone with

    python -m benchmarks.generate 100k            # -> benchmarks/data/tracker-100k.sqlite3
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import os
import random
import sys
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, TableClause, column, insert, table

from tracker.domain import (
    Attendance,
    EventKind,
    EventStatus,
    FollowUpStatus,
    Precision,
    Role,
    StakeholderKind,
    When,
)
from tracker.services.events import sort_time
from tracker.services.names import name_key
from tracker.storage import migrations
from tracker.storage.engine import make_engine
from tracker.storage.models import Base, span_class

GENERATOR_VERSION = 3  # bump when the data changes shape: cached databases are rebuilt
DEFAULT_SEED = 20220606
SIZES = {"tiny": 300, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
FIRST_DAY = dt.date(2017, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)
REFERENCE_DAY = dt.date(2026, 6, 15)  # "today" for statuses here and TRACKER_TODAY in the runs
CREATED = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
# Where databases and scratch files go (git-ignored); the smoke test points it elsewhere.
DATA_DIR = Path(
    os.environ.get("TRACKER_BENCHMARK_DATA") or Path(__file__).resolve().parent / "data"
)
CHUNK = 20_000  # events generated and inserted per round (bounded memory at 1M)


def _instant(moment: dt.datetime | None) -> str | None:
    """A UTC instant as tracker's UTCDateTime stores it on SQLite (naive, microseconds)."""
    return None if moment is None else f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S.%f}"


_CREATED = _instant(CREATED)

# -- word pools (accents, hyphens and commas on purpose) -----------------------------------

FIRST_NAMES = (
    "Kamala", "Xiomara", "José", "María", "Ana", "Luis", "Nayib", "Alejandro", "Giammattei",
    "Andrés", "Manuel", "Sofía", "Lucía", "Renée", "Zoë", "Søren", "Ngozi", "Nguyễn", "Chloé",
    "François", "Joaquín", "Inés", "Björn", "Ayşe", "Mehmet", "Priyanka", "Raúl", "Ximena",
    "Antonio", "Mónica", "Hélène", "Jürgen", "Łukasz", "Agnès", "Tomás", "Adrián", "Verónica",
    "Olúwaseun", "Siobhán", "Mateus", "João", "Camila", "Ramón", "Dolores", "Gabriel", "Irène",
    "Karin", "Dmitri", "Ioana", "Pedro", "Carmen", "Beatriz", "Ulises", "Yolanda", "Efraín",
    "Wei", "Haruto", "Amara", "Fatima", "Emeka",
)  # fmt: skip
LAST_NAMES = (
    "Harris", "Castro", "Bukele", "Giammattei", "López Obrador", "Méndez-Dardón", "Zelaya",
    "Hernández", "Pérez", "García Márquez", "Núñez", "Ibáñez", "O'Connor", "Müller", "Søndergaard",
    "Đorđević", "Çelik", "Ferrández", "Rodríguez", "Santamaría", "Villaseñor", "Öztürk", "Lévesque",
    "Ramírez", "Gómez", "Sánchez", "Díaz", "Álvarez", "Jiménez", "Martín", "Ruiz", "Peña",
    "Okonjo-Iweala", "Nakamura", "Kowalczyk", "Dubois", "Lefèvre", "Mäkinen", "Kovačević",
    "Fernández de Kirchner", "Bachelet", "Lula da Silva", "Boric", "Arévalo", "Cortizo",
    "Abinader", "Chaves Robles", "Lasso", "Noboa", "Petro Urrego", "Arce Catacora", "Boluarte",
    "Mulino", "Ortega Saavedra", "Moïse", "Henry", "Bernardo", "Tshisekedi", "Ruto", "Tinubu",
    "Widodo", "Marcos", "Prabowo", "Thaçi", "Çavuşoğlu", "Åström", "Mitsotakis", "Sørensen",
)  # fmt: skip
COUNTRIES = (
    "Honduras", "Guatemala", "El Salvador", "México", "Perú", "Panamá", "Costa Rica",
    "Colombia", "Ecuador", "Bolivia", "Chile", "Argentina", "Brasil", "Côte d'Ivoire",
    "Türkiye", "Indonesia", "Viet Nam", "Philippines", "Thailand", "Malaysia", "Singapore",
    "Cambodia", "Lao PDR", "Myanmar", "Brunei Darussalam", "Nigeria", "Kenya", "Ghana",
    "República Dominicana", "Haïti", "Canada", "France", "España", "Deutschland", "Italia",
    "Polska", "Sverige", "Norge", "São Tomé and Príncipe", "Curaçao",
)  # fmt: skip
CITIES = (
    "Tegucigalpa", "San Pedro Sula", "Guatemala City", "San Salvador", "Ciudad de México",
    "Monterrey", "Lima", "Panamá City", "San José", "Bogotá", "Quito", "La Paz", "Santiago",
    "Buenos Aires", "Brasília", "São Paulo", "Abidjan", "Ankara", "Jakarta", "Hà Nội",
    "Manila", "Bangkok", "Kuala Lumpur", "Phnom Penh", "Vientiane", "Lagos", "Nairobi",
    "Accra", "Santo Domingo", "Port-au-Prince", "Ottawa", "Montréal", "Paris", "Madrid",
    "Berlin", "Rome", "Warsaw", "Stockholm", "Oslo", "Washington, D.C.", "Los Angeles",
    "New York", "Miami", "Houston", "Geneva", "Brussels", "Zürich", "Kraków", "Málaga",
)  # fmt: skip
TOPICS = (
    "migration", "root causes of migration", "anti-corruption", "climate resilience",
    "food security", "digital inclusion", "vaccine delivery", "women's economic empowerment",
    "rule of law", "labour rights", "energy transition", "maritime security", "trade, tariffs",
    "supply chains", "public health", "election integrity", "press freedom",
    "youth employment", "remittances", "agricultural exports", "coffee-rust relief",
    "disaster response", "broadband, 5G", "critical minerals", "fisheries",
)  # fmt: skip
OFFICES = ("Ministry", "Secretariat", "Directorate", "Agency", "Council", "Commission", "Office")
COMPANY_SUFFIXES = ("S.A.", "S.A. de C.V.", "Inc.", "Ltd.", "GmbH", "S.p.A.", "LLC", "Group")
COMPANY_WORDS = (
    "Café", "Cacao", "Energía", "Solar", "Textiles", "Logística", "Telecom", "Minería",
    "Agroindustria", "Pharma", "Puertos", "Azúcar", "Banano", "Data", "Nube", "Cemento",
)  # fmt: skip
MEDIA_WORDS = ("Diario", "Heraldo", "Prensa", "Tribuna", "Voz", "Noticias", "Semanario", "Radio")
TAGS = (
    "honduras", "guatemala", "el-salvador", "mexico", "northern-triangle", "asean",
    "summit-of-the-americas", "root-causes", "migration", "vaccines", "climate", "trade",
    "anti-corruption", "women", "labour", "energy", "security", "health", "press",
    "elections", "youth", "remittances", "agriculture", "disaster", "digital", "minerals",
    "fisheries", "embassy", "congress", "white-house",
)  # fmt: skip
SUMMARY_WORDS = (
    "discussed", "agreed", "reviewed", "progress", "commitments", "private-sector",
    "investment", "announced", "readout", "follow-up", "bilateral", "multilateral",
    "cooperation", "funding", "pledges", "framework", "partnership", "concerns", "raised",
    "jobs", "border", "asylum", "visas", "accountability", "transparency", "reforms",
)  # fmt: skip
ZONES = (
    "America/New_York", "America/Tegucigalpa", "America/Mexico_City", "Europe/Madrid",
    "Asia/Jakarta", "UTC", "-04:00", "-06:00", "+02:00", "+05:30", "+07:00",
)  # fmt: skip
FOLLOW_UP_TEXTS = (
    "Send readout to {p}", "Confirm attendance of {p}", "Draft memo on {t}",
    "Share talking points, {t}", "Schedule call with {p}", "Thank-you letter to {p}",
    "Circulate notes: {t}", "Ask {p} for the agreed figures", "Brief staff on {t}",
)  # fmt: skip

STAKEHOLDER_KINDS = (
    (StakeholderKind.PERSON, 60),
    (StakeholderKind.GOVERNMENT, 14),
    (StakeholderKind.ORGANIZATION, 10),
    (StakeholderKind.COMPANY, 8),
    (StakeholderKind.NGO, 6),
    (StakeholderKind.MEDIA, 2),
)
EVENT_KINDS = (
    (EventKind.CALL, 25),
    (EventKind.MEETING, 35),
    (EventKind.SUMMIT, 6),
    (EventKind.INAUGURATION, 2),
    (EventKind.TRIP, 8),
    (EventKind.ANNOUNCEMENT, 10),
    (EventKind.HEARING, 6),
    (EventKind.OTHER, 8),
)
PRECISIONS = (
    (Precision.MINUTE, 25),
    (Precision.DAY, 30),
    (Precision.DAYS, 10),
    (Precision.PART_OF_MONTH, 10),
    (Precision.WEEK, 3),
    (Precision.MONTH, 10),
    (Precision.MONTHS, 2),
    (Precision.QUARTER, 6),
    (Precision.YEAR, 4),
)
PARTICIPANT_COUNTS = ((1, 20), (2, 20), (3, 15), (4, 12), (5, 10), (6, 9), (7, 7), (8, 7))


@dataclass(frozen=True)
class Generated:
    """What a run wrote, and how long it took."""

    path: str
    seed: int
    events: int
    stakeholders: int
    aliases: int
    participations: int
    event_tags: int
    follow_ups: int
    seconds: float
    version: int = GENERATOR_VERSION


def _weighted(rng: random.Random, table: Sequence[tuple[Any, int]], k: int) -> list[Any]:
    values = [value for value, _ in table]
    weights = [weight for _, weight in table]
    return rng.choices(values, weights, k=k)


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _add_months(year: int, month: int, count: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + count
    return total // 12, total % 12 + 1


# -- the interval of one event -------------------------------------------------------------

_DAYS = (LAST_DAY - FIRST_DAY).days


def make_when(rng: random.Random, precision: Precision) -> When:
    """A stored interval of `precision` inside the ten years (label left empty: not stored)."""
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(_DAYS + 1))
    year, month = day.year, day.month
    match precision:
        case Precision.MINUTE:
            zone_name = rng.choice(ZONES)
            hour, minute = rng.randrange(7, 21), rng.choice((0, 0, 15, 30, 45))
            if zone_name.startswith(("+", "-")):
                sign = -1 if zone_name[0] == "-" else 1
                hours, minutes = int(zone_name[1:3]), int(zone_name[4:6])
                zone: dt.tzinfo = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
            elif zone_name == "UTC":
                zone = dt.UTC
            else:
                zone = ZoneInfo(zone_name)
            wall = dt.datetime(year, month, day.day, hour, minute, tzinfo=zone)
            instant = wall.astimezone(dt.UTC)  # the zone is stored as written: name or offset
            return When(day, day, precision, "", instant, instant, zone_name)
        case Precision.DAY:
            return When(day, day, precision, "")
        case Precision.DAYS:
            return When(day, day + dt.timedelta(days=rng.randrange(1, 6)), precision, "")
        case Precision.PART_OF_MONTH:
            first, last = rng.choice(((1, 10), (11, 20), (21, 0)))
            end = _month_end(year, month) if last == 0 else dt.date(year, month, last)
            return When(dt.date(year, month, first), end, precision, "")
        case Precision.WEEK:
            monday = day - dt.timedelta(days=day.weekday())
            return When(monday, monday + dt.timedelta(days=6), precision, "")
        case Precision.MONTH:
            return When(dt.date(year, month, 1), _month_end(year, month), precision, "")
        case Precision.MONTHS:
            last_year, last_month = _add_months(year, month, rng.randrange(1, 7))
            end = _month_end(last_year, last_month)
            return When(dt.date(year, month, 1), end, precision, "")
        case Precision.QUARTER:
            first_month = (month - 1) // 3 * 3 + 1
            end = _month_end(year, first_month + 2)
            return When(dt.date(year, first_month, 1), end, precision, "")
        case _:
            return When(dt.date(year, 1, 1), dt.date(year, 12, 31), Precision.YEAR, "")


# -- stakeholders --------------------------------------------------------------------------


@dataclass
class _People:
    names: list[str]
    kinds: list[StakeholderKind]
    keys: set[str]


def _stakeholder_name(rng: random.Random, kind: StakeholderKind, attempt: int) -> str:
    suffix = f" {attempt}" if attempt > 40 else ""
    match kind:
        case StakeholderKind.PERSON:
            first = rng.choice(FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            if rng.random() < 0.6:
                first = f"{first} {rng.choice('ABCDEFGHIJKLMNOPRSTVZ')}."
            if rng.random() < 0.5:
                last = f"{last} {rng.choice(LAST_NAMES)}"
            return f"{first} {last}{suffix}"
        case StakeholderKind.GOVERNMENT:
            place = rng.choice(COUNTRIES + CITIES)
            return f"{rng.choice(OFFICES)} of {rng.choice(TOPICS).title()}, {place}{suffix}"
        case StakeholderKind.ORGANIZATION:
            return (
                f"{rng.choice(('Institute', 'Forum', 'Bank', 'Fund', 'Alliance'))} for "
                f"{rng.choice(TOPICS).title()} in {rng.choice(COUNTRIES)}{suffix}"
            )
        case StakeholderKind.COMPANY:
            return (
                f"{rng.choice(COMPANY_WORDS)} {rng.choice(LAST_NAMES)}, "
                f"{rng.choice(COMPANY_SUFFIXES)}{suffix}"
            )
        case StakeholderKind.NGO:
            return f"Fundación {rng.choice(LAST_NAMES)} para {rng.choice(TOPICS)}{suffix}"
        case _:
            return f"{rng.choice(MEDIA_WORDS)} de {rng.choice(CITIES)}{suffix}"


def _alias(rng: random.Random, name: str, kind: StakeholderKind) -> str:
    words = name.replace(",", "").split()
    if kind is StakeholderKind.PERSON:
        return rng.choice(
            (f"{words[0][0]}. {' '.join(words[1:])}", f"Pres. {words[-1]}", f"{words[-1]}")
        )
    acronym = "".join(w[0] for w in words if w[0].isupper())
    return f"{acronym}-{rng.randrange(10, 99)}"


def _stakeholders(
    rng: random.Random, count: int
) -> tuple[_People, list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    people = _People([], [], set())
    rows: list[dict[str, Any]] = []
    for stakeholder_id, kind in enumerate(_weighted(rng, STAKEHOLDER_KINDS, count), start=1):
        for attempt in range(1000):
            name = _stakeholder_name(rng, kind, attempt)
            if name_key(name) not in people.keys:
                break
        people.keys.add(name_key(name))
        people.names.append(name)
        people.kinds.append(kind)
        rows.append(
            {
                "id": stakeholder_id,
                "name": name,
                "name_key": name_key(name),
                "kind": kind,
                "title": (
                    f"Minister of {rng.choice(TOPICS).title()}"
                    if kind is StakeholderKind.PERSON and rng.random() < 0.3
                    else ""
                ),
                "affiliation_id": None,
                "country": rng.choice(COUNTRIES) if rng.random() < 0.7 else "",
                "notes": "",
                "created_at": _CREATED,
                "updated_at": _CREATED,
            }
        )
    institutions = [i + 1 for i, k in enumerate(people.kinds) if k is not StakeholderKind.PERSON]
    for row in rows:
        if row["kind"] is StakeholderKind.PERSON and institutions and rng.random() < 0.4:
            row["affiliation_id"] = rng.choice(institutions)
    aliases: list[dict[str, Any]] = []
    for stakeholder_id, (name, kind) in enumerate(
        zip(people.names, people.kinds, strict=True), start=1
    ):
        if rng.random() >= 0.25:
            continue
        for _ in range(rng.choice((1, 1, 2))):
            alias = _alias(rng, name, kind)
            key = name_key(alias)
            if key in people.keys:
                continue
            people.keys.add(key)
            aliases.append(
                {
                    "id": len(aliases) + 1,
                    "stakeholder_id": stakeholder_id,
                    "alias": alias,
                    "alias_key": key,
                }
            )
    tags = [
        {"stakeholder_id": i, "tag": tag}
        for i in range(1, count + 1)
        if rng.random() < 0.2
        for tag in rng.sample(TAGS, rng.choice((1, 2)))
    ]
    return people, rows, aliases, tags


# -- events --------------------------------------------------------------------------------


def _pick_people(rng: random.Random, count: int, how_many: int) -> list[int]:
    """Distinct stakeholder ids, skewed: a few people are in very many events."""
    chosen: dict[int, None] = {}
    while len(chosen) < min(how_many, count):
        chosen[int(count * rng.random() ** 2.2) + 1] = None
    return list(chosen)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choices(SUMMARY_WORDS, k=words))
    return text[0].upper() + text[1:] + "."


def _title(rng: random.Random, kind: EventKind, who: str) -> str:
    topic = rng.choice(TOPICS)
    match kind:
        case EventKind.CALL:
            return f"Call with {who}"
        case EventKind.MEETING:
            return f"Meeting with {who} on {topic}"
        case EventKind.SUMMIT:
            return f"Summit on {topic}, {rng.choice(CITIES)}"
        case EventKind.INAUGURATION:
            return f"Inauguration of {who}"
        case EventKind.TRIP:
            return f"Trip to {rng.choice(CITIES)}, {rng.choice(COUNTRIES)}"
        case EventKind.ANNOUNCEMENT:
            return f"Announcement: {topic} initiative with {who}"
        case EventKind.HEARING:
            return f"Hearing on {topic}"
        case _:
            return f"Briefing: {topic} — {who}"


def _pick(rng: random.Random, values: Sequence[Any], cumulative: Sequence[float]) -> Any:
    """A weighted choice from precomputed cumulative weights (rng.choices, without its setup)."""
    return values[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def _cumulative(weights: Sequence[int]) -> list[float]:
    return list(itertools.accumulate(float(w) for w in weights))


_PAST = (EventStatus.HELD, EventStatus.CANCELLED, EventStatus.POSTPONED)
_PAST_W = _cumulative((85, 8, 7))
_FUTURE = (EventStatus.PLANNED, EventStatus.POSTPONED, EventStatus.CANCELLED)
_FUTURE_W = _cumulative((90, 5, 5))
_ROLES = (Role.PARTICIPANT, Role.INVITED, Role.SPEAKER, Role.ORGANIZER)
_ROLES_W = _cumulative((70, 15, 10, 5))
_ANSWERS = (Attendance.INVITED, Attendance.DECLINED, Attendance.CONFIRMED)
_HELD = (Attendance.ATTENDED, Attendance.UNKNOWN)
_HELD_W = _cumulative((85, 15))
_AHEAD = (Attendance.INVITED, Attendance.CONFIRMED, Attendance.UNKNOWN)


def _status(rng: random.Random, when: When) -> EventStatus:
    if when.end < REFERENCE_DAY:
        return _pick(rng, _PAST, _PAST_W)
    return _pick(rng, _FUTURE, _FUTURE_W)


def _attendance(rng: random.Random, status: EventStatus, role: Role) -> Attendance:
    if role is Role.INVITED:
        return _ANSWERS[int(rng.random() * 3)]
    if status is EventStatus.HELD:
        return _pick(rng, _HELD, _HELD_W)
    return _AHEAD[int(rng.random() * 3)]


@dataclass
class _EventChunk:
    events: list[dict[str, Any]]
    participations: list[dict[str, Any]]
    tags: list[dict[str, Any]]


def _events(
    rng: random.Random, count: int, people: _People, ends: list[int], firsts: list[int]
) -> Iterator[_EventChunk]:
    n_people = len(people.names)
    seen: set[tuple[int, int, int]] = set()
    next_id = 1
    while next_id <= count:
        size = min(CHUNK, count - next_id + 1)
        kinds = _weighted(rng, EVENT_KINDS, size)
        precisions = _weighted(rng, PRECISIONS, size)
        sizes = _weighted(rng, PARTICIPANT_COUNTS, size)
        chunk = _EventChunk([], [], [])
        for i in range(size):
            event_id = next_id + i
            kind = kinds[i]
            when = make_when(rng, precisions[i])
            status = _status(rng, when)
            who = _pick_people(rng, n_people, sizes[i])
            first = people.names[who[0] - 1]
            notes = ""
            if rng.random() < 0.2:
                notes = f'{_sentence(rng, 6)}\n"{_sentence(rng, 4)}", said {first}.'
            title = _title(rng, kind, first)
            key = (zlib.crc32(title.lower().encode()), when.start.toordinal(), when.end.toordinal())
            while key in seen:  # an import skips a second event of the same title and dates
                title += " (follow-up)"
                key = (zlib.crc32(title.lower().encode()), key[1], key[2])
            seen.add(key)
            chunk.events.append(
                {
                    "id": event_id,
                    "title": title,
                    "kind": kind,
                    "start_date": when.start.isoformat(),
                    "end_date": when.end.isoformat(),
                    "precision": when.precision,
                    "sort_time": sort_time(when),
                    "span_class": span_class(when.start, when.end),
                    "start_at": _instant(when.start_at),
                    "end_at": _instant(when.end_at),
                    "tz": when.tz,
                    "location": (
                        f"{rng.choice(CITIES)}, {rng.choice(COUNTRIES)}"
                        if rng.random() < 0.7
                        else ""
                    ),
                    "status": status,
                    "summary": _sentence(rng, rng.randrange(4, 18)) if rng.random() < 0.8 else "",
                    "notes": notes,
                    "source": (
                        f"https://news.example/{when.start:%Y/%m/%d}/{event_id}"
                        if rng.random() < 0.5
                        else ""
                    ),
                    "created_at": _CREATED,
                    "updated_at": _CREATED,
                }
            )
            ends.append(when.end.toordinal())
            firsts.append(who[0])
            for position, stakeholder_id in enumerate(who):
                role = (
                    Role.HOST
                    if position == 0 and rng.random() < 0.5
                    else _pick(rng, _ROLES, _ROLES_W)
                )
                chunk.participations.append(
                    {
                        "event_id": event_id,
                        "stakeholder_id": stakeholder_id,
                        "role": role,
                        "attendance": _attendance(rng, status, role),
                    }
                )
            for tag in rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3))):
                chunk.tags.append({"event_id": event_id, "tag": tag})
        next_id += size
        yield chunk


def _due(rng: random.Random, after: dt.date) -> tuple[dt.date, dt.date, Precision]:
    day = after + dt.timedelta(days=rng.randrange(3, 90))
    precision = rng.choices(
        (Precision.DAY, Precision.MONTH, Precision.PART_OF_MONTH, Precision.QUARTER),
        (60, 20, 12, 8),
    )[0]
    match precision:
        case Precision.DAY:
            return day, day, precision
        case Precision.MONTH:
            return day.replace(day=1), _month_end(day.year, day.month), precision
        case Precision.PART_OF_MONTH:
            if day.day <= 10:
                return day.replace(day=1), day.replace(day=10), precision
            if day.day <= 20:
                return day.replace(day=11), day.replace(day=20), precision
            return day.replace(day=21), _month_end(day.year, day.month), precision
        case _:
            first_month = (day.month - 1) // 3 * 3 + 1
            start = dt.date(day.year, first_month, 1)
            return start, _month_end(day.year, first_month + 2), precision


def _follow_ups(
    rng: random.Random, count: int, people: _People, ends: list[int], firsts: list[int]
) -> Iterator[list[dict[str, Any]]]:
    n_events, n_people = len(ends), len(people.names)
    rows: list[dict[str, Any]] = []
    for follow_up_id in range(1, count + 1):
        event_index = rng.randrange(n_events)
        linked = rng.random() < 0.85
        after = dt.date.fromordinal(ends[event_index])
        who = firsts[event_index] if rng.random() < 0.6 else int(n_people * rng.random()) + 1
        text = rng.choice(FOLLOW_UP_TEXTS).format(p=people.names[who - 1], t=rng.choice(TOPICS))
        due: tuple[dt.date | None, dt.date | None, Precision | None] = (None, None, None)
        if rng.random() < 0.8:
            due = _due(rng, after)
        status = rng.choices(
            (FollowUpStatus.OPEN, FollowUpStatus.DONE, FollowUpStatus.DROPPED,
             FollowUpStatus.BLOCKED),
            (40, 45, 10, 5),
        )[0]  # fmt: skip
        done_on = None
        if status is FollowUpStatus.DONE:
            done_on = min(after + dt.timedelta(days=rng.randrange(1, 60)), REFERENCE_DAY)
        rows.append(
            {
                "id": follow_up_id,
                "text": text,
                "event_id": event_index + 1 if linked else None,
                "owner_id": who if rng.random() < 0.7 else None,
                "due_start": due[0].isoformat() if due[0] else None,
                "due_end": due[1].isoformat() if due[1] else None,
                "due_precision": due[2],
                "status": status,
                "done_on": done_on.isoformat() if done_on else None,
                "notes": "",
                "created_at": _CREATED,
                "updated_at": _CREATED,
            }
        )
        if len(rows) >= CHUNK:
            yield rows
            rows = []
    if rows:
        yield rows


# -- writing -------------------------------------------------------------------------------


def _fts_triggers(connection: Connection) -> list[tuple[str, str]]:
    rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events' "
        "AND name LIKE 'events_fts%' ORDER BY name"
    ).all()
    return [(str(name), str(sql)) for name, sql in rows]


def _plain(name: str) -> TableClause:
    """`name` without its column types: the rows below are already in the stored form
    (ISO dates, UTC instants as tracker writes them, enum values), so no per-cell
    conversion runs; tests/benchmarks reads them back through the services."""
    return table(name, *(column(c.name) for c in Base.metadata.tables[name].columns))


def generate(path: Path, events: int, *, seed: int = DEFAULT_SEED) -> Generated:
    """Write a fresh database of `events` events (and N/10 stakeholders, N/2 follow-ups).

    All rows go in through Core executemany in one transaction. The FTS5 triggers are set
    aside for the load (their exact SQL is read back from sqlite_master and re-run after),
    and the index is rebuilt once at the end, which is several times faster than a trigger
    firing per row.
    """
    started = time.perf_counter()
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine, backup=False)
    rng = random.Random(seed)
    n_people = max(events // 10, 10)
    counts = dict.fromkeys(("participations", "event_tags", "follow_ups"), 0)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        # A fresh file that is thrown away on failure: no journal, no syncs while loading.
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -262144"):
            raw.execute(f"PRAGMA {pragma}")
        with connection.begin():
            # affiliations point forward; the check runs at commit instead
            connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            triggers = _fts_triggers(connection)
            for name, _ in triggers:
                connection.exec_driver_sql(f"DROP TRIGGER {name}")
            people, stakeholders, aliases, tags = _stakeholders(rng, n_people)
            connection.execute(insert(_plain("stakeholders")), stakeholders)
            if aliases:
                connection.execute(insert(_plain("stakeholder_aliases")), aliases)
            if tags:
                connection.execute(insert(_plain("stakeholder_tags")), tags)
            ends: list[int] = []
            firsts: list[int] = []
            for chunk in _events(rng, events, people, ends, firsts):
                connection.execute(insert(_plain("events")), chunk.events)
                connection.execute(insert(_plain("participations")), chunk.participations)
                counts["participations"] += len(chunk.participations)
                if chunk.tags:
                    connection.execute(insert(_plain("event_tags")), chunk.tags)
                    counts["event_tags"] += len(chunk.tags)
            for rows in _follow_ups(rng, events // 2, people, ends, firsts):
                connection.execute(insert(_plain("follow_ups")), rows)
                counts["follow_ups"] += len(rows)
            for _, sql in triggers:
                connection.exec_driver_sql(sql)
            connection.exec_driver_sql("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")
        raw.execute("PRAGMA journal_mode = WAL")
    engine.dispose()
    return Generated(
        path=str(path),
        seed=seed,
        events=events,
        stakeholders=n_people,
        aliases=len(aliases),
        participations=counts["participations"],
        event_tags=counts["event_tags"],
        follow_ups=counts["follow_ups"],
        seconds=round(time.perf_counter() - started, 2),
    )


def database_path(size: str, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / f"tracker-{size}.sqlite3"


def ensure_database(
    size: str, data_dir: Path = DATA_DIR, *, seed: int = DEFAULT_SEED, force: bool = False
) -> tuple[Path, Generated | None]:
    """The database for `size`, generated only when missing or made by another version.

    Returns the path and the generation report when one ran (None when reused).
    """
    path = database_path(size, data_dir)
    manifest = path.with_suffix(".json")
    head = migrations.head_revision(make_engine(f"sqlite:///{path}"))
    wanted = {"version": GENERATOR_VERSION, "seed": seed, "events": SIZES[size], "head": head}
    if not force and path.exists() and manifest.exists():
        try:
            saved = json.loads(manifest.read_text())
        except ValueError:
            saved = {}
        if {key: saved.get(key) for key in wanted} == wanted:
            return path, None
    report = generate(path, SIZES[size], seed=seed)
    manifest.write_text(json.dumps({**asdict(report), "head": head}, indent=2) + "\n")
    return path, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__)
    parser.add_argument("sizes", nargs="*", default=["10k", "100k"], choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="Regenerate even when up to date.")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    for size in args.sizes:
        path, report = ensure_database(size, args.data_dir, seed=args.seed, force=args.force)
        if report is None:
            print(f"{size}: {path} is up to date")
        else:
            print(
                f"{size}: {report.events} events, {report.stakeholders} stakeholders "
                f"({report.aliases} aliases), {report.participations} participations, "
                f"{report.follow_ups} follow-ups in {report.seconds:.1f} s -> {path}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
