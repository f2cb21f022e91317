"""Every typed message the UI posts, mostly results that workers send back to the event loop."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual.message import Message

from tracker.domain import (
    Change,
    Deleted,
    EventView,
    FollowUpView,
    Location,
    StakeholderProfile,
    StakeholderView,
    TimelineKey,
    Window,
)
from tracker.errors import ChangedMeanwhile


@dataclass
class TimelineLoaded(Message):
    """A fresh timeline (new filter, new data or a jump): its first rows and the cursor's
    place among them (where they sit in the whole timeline comes later: TimelineLocated)."""

    generation: int
    window: Window
    cursor: int


@dataclass
class ChunkLoaded(Message):
    """More rows beyond one end of those loaded (`edge` is the key they were read from)."""

    generation: int
    after: bool
    edge: TimelineKey
    window: Window


@dataclass
class TimelineJumped(Message):
    """Rows read by position (a scrollbar drag far from the loaded rows): `offset` is the
    first one's."""

    generation: int
    offset: int
    window: Window


@dataclass
class TimelineLocated(Message):
    """Where the row `key` sits in the filtered timeline, and its length (exact)."""

    generation: int
    key: TimelineKey
    location: Location


@dataclass
class TimelineFailed(Message):
    """The timeline query was refused (e.g. `with:` names nobody); the old rows stay."""

    generation: int
    message: str


@dataclass
class TimelineHighlighted(Message):
    """The timeline cursor moved; `event` is None while its row is still loading, and
    `index` and `total` are estimates until `exact` (the filter's count can take a while)."""

    event: EventView | None
    index: int
    total: int
    exact: bool = True


@dataclass
class TimelineSelected(Message):
    """Enter or a double click on a timeline row."""

    event: EventView


@dataclass
class DetailLoaded(Message):
    """The full event (participants, follow-ups) for the detail pane."""

    event: EventView


@dataclass
class StakeholdersLoaded(Message):
    rows: tuple[StakeholderView, ...]


@dataclass
class ProfileLoaded(Message):
    profile: StakeholderProfile


@dataclass(frozen=True)
class FollowUpGroup:
    """One heading of the follow-ups screen and its items."""

    key: str
    title: str
    items: tuple[FollowUpView, ...]


@dataclass
class FollowUpsLoaded(Message):
    groups: tuple[FollowUpGroup, ...]


@dataclass
class NamesLoaded(Message):
    """Every stakeholder name and alias, for completion and the "create it?" offer, and
    every tag in use, for completing `tag:`."""

    names: tuple[str, ...]
    tags: tuple[str, ...] = ()


@dataclass
class ActionFailed(Message):
    """A background action was refused or failed; shown as a notification."""

    message: str


@dataclass
class ItemRemoved(Message):
    """A delete went through; the app keeps it for undo."""

    deleted: Deleted


@dataclass
class DataChanged(Message):
    """Stored data changed; screens showing it reload. `event_id`: keep the cursor there."""

    note: str = ""
    event_id: int | None = None
    day: dt.date | None = None  # the event's first day, to find it fast


@dataclass
class SaveSucceeded(Message):
    """A form's save went through; `result` is what the form dismisses with."""

    result: object


@dataclass
class MergePlanned(Message):
    """What merging into `into` would do, a line each, read in a worker: shown, then asked."""

    into: str
    force: bool
    lines: tuple[str, ...]


@dataclass
class SaveSlow(Message):
    """A save has been waiting for a while (another process holds the write lock)."""


@dataclass
class WriterFound(Message):
    """Who holds the write lock, as they said (None: they did not say)."""

    writer: str | None


@dataclass
class SaveFailed(Message):
    """A form's save was refused; the form stays open with everything typed."""

    message: str


@dataclass
class Undone(Message):
    """Undo went through (`event_id` and `day` where an event is to be shown)."""

    change: Change
    event_id: int | None = None
    day: dt.date | None = None


@dataclass
class UndoFailed(Message):
    """Undo was refused (`retry`: it stays on the undo stack, e.g. the database was busy)."""

    change: Change
    message: str
    retry: bool


@dataclass
class ShowInTimeline(Message):
    """Go to the timeline with `query` in the filter box and the cursor on `event`."""

    query: str
    event: EventView | None = None


@dataclass
class DeleteRefused(Message):
    """The stakeholder is still referred to; the user may delete anyway (force)."""

    stakeholder: StakeholderView
    message: str


@dataclass
class FollowUpToggled(Message):
    """Space flipped a follow-up between done and open."""

    item: FollowUpView


@dataclass
class ChangedElsewhere(Message):
    """Someone else (another process, a colleague) committed: `version` counts those seen."""

    version: int


@dataclass
class SaveConflict(Message):
    """A form's save was refused: the record changed or went meanwhile (`error.stored`)."""

    error: ChangedMeanwhile
    plan: object
    create: bool
