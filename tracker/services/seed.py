"""Loading the sample portfolio (`seeds/portfolio.yaml`) idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tracker.domain import (
    Attendance,
    EventKind,
    EventStatus,
    FollowUpStatus,
    Role,
    StakeholderKind,
)
from tracker.errors import UserError
from tracker.services.context import Context
from tracker.services.events import apply_when
from tracker.services.names import clean_name, name_key, resolve_stakeholder
from tracker.services.tags import clean_tags
from tracker.services.views import date_only
from tracker.storage.models import (
    Event,
    EventTag,
    FollowUp,
    Participation,
    Stakeholder,
    StakeholderAlias,
    StakeholderTag,
)


def default_seed_path() -> Path:
    """The sample portfolio: inside the installed wheel, or `seeds/` in a source checkout."""
    packaged = resources.files("tracker") / "_seeds" / "portfolio.yaml"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "seeds" / "portfolio.yaml"


@dataclass
class SeedReport:
    stakeholders: int = 0
    events: int = 0
    follow_ups: int = 0

    @property
    def total(self) -> int:
        return self.stakeholders + self.events + self.follow_ups


class SeedService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def load(self, path: Path | None = None) -> SeedReport:
        """Add what the file has and the database lacks; running it twice adds nothing."""
        import yaml  # only seeding reads YAML; every other command starts without it

        path = path or default_seed_path()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise UserError(f"no seed file at {path}") from None
        except yaml.YAMLError as exc:
            raise UserError(f"{path} is not valid YAML: {' '.join(str(exc).split())}") from None
        report = SeedReport()
        with self.ctx.write() as session:
            pending_affiliations: list[tuple[Stakeholder, str]] = []
            for item in data.get("stakeholders") or []:
                try:
                    kind = StakeholderKind(item.get("kind", "other"))
                    name = clean_name(str(item["name"]))
                except (KeyError, ValueError) as exc:
                    raise UserError(f"seed stakeholder {item!r}: {exc}") from None
                existing = session.scalar(
                    select(Stakeholder).where(
                        Stakeholder.name_key == name_key(name), Stakeholder.kind == kind
                    )
                )
                if existing is not None:
                    continue
                stakeholder = Stakeholder(
                    name=name,
                    name_key=name_key(name),
                    kind=kind,
                    title=_text(item, "title"),
                    country=_text(item, "country"),
                    notes=_text(item, "notes"),
                )
                for alias in item.get("aliases") or []:
                    alias = clean_name(str(alias), "alias")
                    stakeholder.aliases.append(
                        StakeholderAlias(alias=alias, alias_key=name_key(alias))
                    )
                stakeholder.tags = [
                    StakeholderTag(tag=t) for t in clean_tags(item.get("tags") or [])
                ]
                session.add(stakeholder)
                session.flush()
                report.stakeholders += 1
                if item.get("affiliation"):
                    pending_affiliations.append((stakeholder, str(item["affiliation"])))
            for stakeholder, affiliation in pending_affiliations:
                stakeholder.affiliation = resolve_stakeholder(session, affiliation)

            events: dict[str, Event] = {}
            for item in data.get("events") or []:
                title = " ".join(str(item["title"]).split())
                when = self.ctx.parse_when(str(item["when"]), item.get("until"))
                existing_event = session.scalar(
                    select(Event).where(
                        func.lower(Event.title) == title.lower(),
                        Event.start_date == when.start,
                        Event.end_date == when.end,
                    )
                )
                if existing_event is not None:
                    events[title] = existing_event
                    continue
                event = Event(
                    title=title,
                    kind=EventKind(item.get("kind", "other")),
                    status=EventStatus(item.get("status", "held")),
                    location=_text(item, "location"),
                    summary=_text(item, "summary"),
                    notes=_text(item, "notes"),
                    source=_text(item, "source"),
                )
                apply_when(event, when)
                event.tags = [EventTag(tag=t) for t in clean_tags(item.get("tags") or [])]
                for person in item.get("participants") or []:
                    event.participations.append(
                        Participation(
                            stakeholder=resolve_stakeholder(session, str(person["name"])),
                            role=Role(person.get("role", "participant")),
                            attendance=Attendance(person.get("attendance", "unknown")),
                        )
                    )
                session.add(event)
                session.flush()
                events[title] = event
                report.events += 1

            for item in data.get("follow_ups") or []:
                text = str(item["text"]).strip()
                event_title = item.get("event")
                linked = events.get(" ".join(str(event_title).split())) if event_title else None
                if event_title and linked is None:
                    raise UserError(f"seed follow-up {text!r} names unknown event {event_title!r}")
                same = select(FollowUp.id).where(FollowUp.text == text)
                same = same.where(
                    FollowUp.event_id == linked.id if linked else FollowUp.event_id.is_(None)
                )
                if session.scalar(same) is not None:
                    continue
                follow_up = FollowUp(
                    text=text,
                    status=FollowUpStatus(item.get("status", "open")),
                    notes=_text(item, "notes"),
                    event_id=linked.id if linked else None,
                )
                if item.get("owner"):
                    follow_up.owner = resolve_stakeholder(session, str(item["owner"]))
                if item.get("due"):
                    follow_up.due_start, follow_up.due_end, follow_up.due_precision = date_only(
                        self.ctx.parse_when(str(item["due"]))
                    )
                if follow_up.status is FollowUpStatus.DONE:
                    follow_up.done_on = follow_up.due_end or (linked.end_date if linked else None)
                session.add(follow_up)
                report.follow_ups += 1
        return report


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return (
        ""
        if value is None
        else " ".join(str(value).split())
        if key != "notes"
        else str(value).strip()
    )
