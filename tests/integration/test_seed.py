"""The sample portfolio: loaded idempotently, and faithful to the article's facts."""

from __future__ import annotations

import datetime as dt

from tracker.domain import Attendance, EventFilter, EventKind, EventStatus, Precision
from tracker.services import FollowUpScope, Services


def test_seed_twice_adds_nothing(services: Services) -> None:
    first = services.seed.load()
    assert first.events >= 12 and first.stakeholders >= 30 and first.follow_ups >= 8
    counts = (
        services.events.count(),
        len(services.stakeholders.list()),
        len(services.followups.list(FollowUpScope.ALL)),
    )
    assert services.seed.load().total == 0
    assert counts == (
        services.events.count(),
        len(services.stakeholders.list()),
        len(services.followups.list(FollowUpScope.ALL)),
    )


def by_title(services: Services, needle: str):  # type: ignore[no-untyped-def]
    matches = [e for e in services.events.list() if needle.lower() in e.title.lower()]
    assert len(matches) == 1, [e.title for e in matches]
    return services.events.get(matches[0].id)


def test_the_articles_events_are_there_and_dated(seeded: Services) -> None:
    asean = by_title(seeded, "ASEAN")
    assert asean.kind is EventKind.SUMMIT and asean.when.end == dt.date(2022, 5, 13)
    call = by_title(seeded, "Call with President Xiomara Castro")
    assert call.when.precision is Precision.PART_OF_MONTH and call.when.label == "late May 2022"
    inauguration = by_title(seeded, "Inauguration")
    assert inauguration.when.start == dt.date(2022, 1, 27)
    assert "Kamala Harris" in {p.name for p in inauguration.participants}
    summit = by_title(seeded, "Summit of the Americas")
    assert (summit.when.start, summit.when.end) == (dt.date(2022, 6, 6), dt.date(2022, 6, 10))
    assert summit.status is EventStatus.PLANNED
    invited = {p.name for p in summit.participants if p.attendance is Attendance.INVITED}
    assert {"Xiomara Castro", "Alejandro Giammattei", "Nayib Bukele"} <= invited
    calls = by_title(seeded, "Air Force Two")
    assert "Partnership for Central America" in {p.name for p in calls.participants}
    fact_sheet = by_title(seeded, "fact sheet")
    assert fact_sheet.when.label == "April 2022"
    companies = {
        p.name for e in seeded.events.list() for p in e.participants if p.kind == "company"
    }
    assert {
        "Microsoft",
        "Mastercard",
        "Chobani",
        "Duolingo",
        "Nespresso",
        "Bancolombia",
        "Davivienda",
    } <= companies
    planned = seeded.events.list(EventFilter(statuses=(EventStatus.PLANNED,)))
    assert len(planned) >= 3  # the summit and the launches planned during it
    assert all(e.source for e in seeded.events.list())


def test_follow_ups_from_the_article(seeded: Services) -> None:
    items = seeded.followups.list(FollowUpScope.ALL)
    microsoft = [f for f in items if f.owner_name == "Microsoft"]
    assert microsoft and microsoft[0].due is not None
    assert microsoft[0].due.end == dt.date(2022, 7, 31)
    castro = [f for f in items if f.owner_name == "Xiomara Castro"]
    assert castro and castro[0].event_title == "Call with President Xiomara Castro"
    assert any(f.event_id is None for f in items)
