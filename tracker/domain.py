"""Plain enums and frozen dataclasses that the services hand to the CLI and the TUI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum

from tracker.errors import Conflict


class StakeholderKind(StrEnum):
    PERSON = "person"
    GOVERNMENT = "government"
    ORGANIZATION = "organization"
    COMPANY = "company"
    NGO = "ngo"
    MEDIA = "media"
    OTHER = "other"


class EventKind(StrEnum):
    CALL = "call"
    MEETING = "meeting"
    SUMMIT = "summit"
    INAUGURATION = "inauguration"
    TRIP = "trip"
    ANNOUNCEMENT = "announcement"
    HEARING = "hearing"
    OTHER = "other"


class EventStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"


class Role(StrEnum):
    HOST = "host"
    PARTICIPANT = "participant"
    INVITED = "invited"
    MENTIONED = "mentioned"
    ORGANIZER = "organizer"
    SPEAKER = "speaker"


ROLE_ORDER = {"host": 0, "organizer": 1, "speaker": 2, "participant": 3, "invited": 4}
"""Where each role comes in an event's list of participants (any other role after these;
within a role, by name)."""


class Attendance(StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    ATTENDED = "attended"
    UNKNOWN = "unknown"


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"
    BLOCKED = "blocked"


class Precision(StrEnum):
    """How precisely an interval is known; drives how it is written back."""

    MINUTE = "minute"
    DAY = "day"
    DAYS = "days"  # an explicit range of days, e.g. "June 6-10, 2022"
    WEEK = "week"
    PART_OF_MONTH = "part"  # early / mid / late month
    MONTH = "month"
    MONTHS = "months"  # a range of whole months, e.g. "Oct 2021 - Apr 2022"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class When:
    """A fuzzy-date interval as stored: inclusive dates, optional instants, and a label."""

    start: dt.date
    end: dt.date
    precision: Precision
    label: str
    start_at: dt.datetime | None = None  # aware, UTC, only for MINUTE precision
    end_at: dt.datetime | None = None
    tz: str | None = None  # the zone or offset the user wrote, for display
    approximate: bool = False  # written "c. May 2022" or "~2019": kept in the label only


@dataclass(frozen=True, slots=True)
class ParticipantView:
    """A stakeholder taking part in an event, with their role and attendance."""

    stakeholder_id: int
    name: str
    kind: StakeholderKind
    role: Role
    attendance: Attendance

    def describe(self) -> str:
        return f"{self.name} ({self.role}, {self.attendance})"


@dataclass(frozen=True, slots=True)
class FollowUpView:
    """A follow-up as shown: its event and owner by name, its due date, whether overdue."""

    id: int
    text: str
    status: FollowUpStatus
    event_id: int | None
    event_title: str | None
    owner_id: int | None
    owner_name: str | None
    due: When | None
    done_on: dt.date | None
    notes: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class EventView:
    """An event as shown: its interval, texts, tags, participants and follow-ups."""

    id: int
    title: str
    kind: EventKind
    when: When
    status: EventStatus
    location: str
    summary: str
    notes: str
    source: str
    tags: tuple[str, ...]
    participants: tuple[ParticipantView, ...] = ()
    follow_ups: tuple[FollowUpView, ...] = ()
    open_follow_ups: int = 0
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class EventLine:
    """An event as one line of a long list shows it (`event list`): an EventView's id, title,
    kind, date, status, participants' names and open follow-ups, without the rest, which a
    list of thousands would spend most of its time building."""

    id: int
    title: str
    kind: EventKind
    when: When
    status: EventStatus
    names: tuple[str, ...] = ()  # the participants' names, in EventView.participants' order
    open_follow_ups: int = 0

    @classmethod
    def of(cls, view: EventView) -> EventLine:
        names = tuple(p.name for p in view.participants)
        return cls(
            view.id, view.title, view.kind, view.when, view.status, names, view.open_follow_ups
        )


@dataclass(frozen=True, slots=True)
class EventLines:
    """The lines of a long list (`event list`), column by column: a month of a million
    events is some 14,000 of them, which the table reads a column at a time. Iterating
    gives each as an EventLine."""

    ids: tuple[int, ...] = ()
    titles: tuple[str, ...] = ()
    kinds: tuple[EventKind, ...] = ()
    whens: tuple[When, ...] = ()
    statuses: tuple[EventStatus, ...] = ()
    names: tuple[tuple[str, ...], ...] = ()
    open_follow_ups: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if len({len(getattr(self, f.name)) for f in fields(self)}) > 1:
            raise ValueError("every column of EventLines has one value per line")

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[EventLine]:
        return map(
            EventLine,
            self.ids,
            self.titles,
            self.kinds,
            self.whens,
            self.statuses,
            self.names,
            self.open_follow_ups,
        )

    @classmethod
    def of(cls, lines: Iterable[EventLine]) -> EventLines:
        rows = [
            (
                line.id,
                line.title,
                line.kind,
                line.when,
                line.status,
                line.names,
                line.open_follow_ups,
            )
            for line in lines
        ]
        return cls(*zip(*rows, strict=True)) if rows else cls()


def names_short(names: Sequence[str], limit: int = 3) -> str:
    """Names as a list shows them: the first `limit`, then how many more ("A, B, C +2")."""
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" +{len(names) - limit}"
    return ", ".join(names)


@dataclass(frozen=True, slots=True)
class StakeholderView:
    """A stakeholder as shown, with their last and next contact and open follow-ups."""

    id: int
    name: str
    kind: StakeholderKind
    title: str
    affiliation_id: int | None
    affiliation_name: str | None
    country: str
    aliases: tuple[str, ...]
    tags: tuple[str, ...]
    notes: str
    last_contact: When | None = None
    next_contact: When | None = None
    open_follow_ups: int = 0


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Every filter the timeline, `event list` and `export csv` accept."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kinds: tuple[EventKind, ...] = ()
    with_names: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    statuses: tuple[EventStatus, ...] = ()
    search: str | None = None
    stakeholder_ids: tuple[int, ...] = field(default=())

    def is_empty(self) -> bool:
        return self == EventFilter()


@dataclass(frozen=True, slots=True)
class ParticipantSpec:
    """A participant as typed: a name (or alias, or #id), a role and an attendance."""

    name: str
    role: Role = Role.PARTICIPANT
    attendance: Attendance = Attendance.UNKNOWN


@dataclass(frozen=True, slots=True)
class EventDraft:
    """What the add form or `event add` collects; dates still as typed."""

    title: str
    kind: EventKind
    when: str
    until: str | None = None
    location: str = ""
    status: EventStatus | None = None  # None: held if it is past, else planned
    summary: str = ""
    notes: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    participants: tuple[ParticipantSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class EventChanges:
    """An edit: None leaves a field alone; the add/remove lists apply on top of what is stored."""

    title: str | None = None
    kind: EventKind | None = None
    when: str | None = None
    until: str | None = None
    location: str | None = None
    status: EventStatus | None = None
    summary: str | None = None
    notes: str | None = None
    source: str | None = None
    tags: tuple[str, ...] | None = None  # replaces all tags
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    participants: tuple[ParticipantSpec, ...] | None = None  # replaces all participants
    add_participants: tuple[ParticipantSpec, ...] = ()
    remove_participants: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StakeholderDraft:
    """A new stakeholder as typed (the affiliation by name)."""

    name: str
    kind: StakeholderKind
    title: str = ""
    affiliation: str | None = None
    country: str = ""
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class StakeholderChanges:
    """Edits to a stakeholder: None leaves a field as it is."""

    name: str | None = None
    kind: StakeholderKind | None = None
    title: str | None = None
    affiliation: str | None = None  # "" clears it
    country: str | None = None
    notes: str | None = None
    add_aliases: tuple[str, ...] = ()
    remove_aliases: tuple[str, ...] = ()
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FollowUpDraft:
    """A new follow-up as typed (its owner by name, its due date as words)."""

    text: str
    event_id: int | None = None
    owner: str | None = None
    due: str | None = None
    status: FollowUpStatus = FollowUpStatus.OPEN
    notes: str = ""


@dataclass(frozen=True, slots=True)
class FollowUpChanges:
    """Edits to a follow-up: None leaves a field as it is."""

    text: str | None = None
    event_id: int | None = None
    detach_event: bool = False
    owner: str | None = None  # "" clears it
    due: str | None = None  # "" clears it
    status: FollowUpStatus | None = None
    notes: str | None = None
    append_note: str | None = None


@dataclass(frozen=True, slots=True, order=True)
class TimelineKey:
    """Where an event sits in timeline order: (start_date, sort_time, id), unique."""

    start: dt.date
    sort_time: int
    id: int


@dataclass(frozen=True, slots=True)
class Window:
    """Consecutive rows of the filtered timeline, their keys, and whether more lie beyond."""

    rows: tuple[EventView, ...]
    keys: tuple[TimelineKey, ...]
    more_before: bool
    more_after: bool

    def index_of(self, event_id: int) -> int | None:
        for index, key in enumerate(self.keys):
            if key.id == event_id:
                return index
        return None


@dataclass(frozen=True, slots=True)
class Location:
    """Where a row sits in a filtered timeline (0-based) and how long that timeline is."""

    position: int
    total: int


@dataclass(frozen=True, slots=True)
class Deleted:
    """What a delete removed, kept so it can be undone; opaque to the UI but for `label`."""

    what: str  # "event", "stakeholder" or "follow-up"
    id: int
    label: str
    payload: dict[str, object]
    detached_follow_ups: tuple[int, ...] = ()


def unchanged_since(now: Deleted, then: Deleted) -> None:
    """Refuse to undo over a change made since (by another process or a colleague)."""
    if now.payload != then.payload:
        raise Conflict(f"{now.what} {now.label} has changed since; it was left as it is")


@dataclass(frozen=True, slots=True)
class Change:
    """A change made in this app session, kept so that `u` can undo it: the record as it
    was (`before`, None for an add) and as the change left it (`after`, None for a delete)."""

    action: str  # "added", "edited", "deleted", "merged"
    before: Deleted | None
    after: Deleted | None
    merged_away: Deleted | None = None  # a merge: the one merged into `after`, as it was

    @property
    def record(self) -> Deleted:
        record = self.after or self.before
        assert record is not None
        return record

    def describe(self) -> str:
        if self.merged_away is not None:
            return f"merging {self.merged_away.label} into {self.record.label}"
        verb = {"added": "adding", "edited": "the edit of", "deleted": "deleting"}[self.action]
        return f"{verb} {self.record.what} {self.record.label}"


class FollowUpScope(StrEnum):
    """Which follow-ups a list shows."""

    OPEN = "open"
    OVERDUE = "overdue"
    DUE_SOON = "soon"
    DONE = "done"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class StakeholderProfile:
    """`stakeholder show`: who they are, their timeline and what they owe."""

    stakeholder: StakeholderView
    timeline: tuple[EventView, ...]
    open_follow_ups: tuple[FollowUpView, ...]
    affiliates: tuple[str, ...]


def event_differences(expected: EventView, stored: EventView) -> tuple[str, ...]:
    """The fields a person edits in which `stored` is not `expected` (an edit's optimistic
    check: what someone else changed since the form was opened)."""
    found = [
        name
        for name, field_name in (
            ("title", "title"),
            ("kind", "kind"),
            ("date", "when"),
            ("status", "status"),
            ("location", "location"),
            ("summary", "summary"),
            ("notes", "notes"),
            ("source", "source"),
            ("tags", "tags"),
        )
        if getattr(expected, field_name) != getattr(stored, field_name)
    ]
    people = [(p.stakeholder_id, p.role, p.attendance) for p in expected.participants]
    if people != [(p.stakeholder_id, p.role, p.attendance) for p in stored.participants]:
        found.append("participants")
    return tuple(found)


STAKEHOLDER_FIELDS = (
    ("name", "name"),
    ("kind", "kind"),
    ("title", "title"),
    ("affiliation", "affiliation_id"),
    ("country", "country"),
    ("aliases", "aliases"),
    ("tags", "tags"),
    ("notes", "notes"),
)
FOLLOW_UP_FIELDS = (
    ("text", "text"),
    ("status", "status"),
    ("event", "event_id"),
    ("owner", "owner_id"),
    ("due date", "due"),
    ("done on", "done_on"),
    ("notes", "notes"),
)


def differences(
    expected: object, stored: object, names: Sequence[tuple[str, str]]
) -> tuple[str, ...]:
    """Which of `names` ((said, attribute) pairs) differ between two views of one record."""
    return tuple(said for said, attr in names if getattr(expected, attr) != getattr(stored, attr))
