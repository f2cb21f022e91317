"""The add/edit form of an event: title, kind, fuzzy date with preview, participants, the rest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from textual.app import ComposeResult
from textual.widgets import Input, Select, TextArea

from tracker.domain import (
    EventChanges,
    EventDraft,
    EventKind,
    EventStatus,
    EventView,
    ParticipantSpec,
)
from tracker.ui.formatting import join_list, shown_names, split_list, visible_view
from tracker.ui.screens.form import FormError, FormScreen, field_row
from tracker.ui.widgets.date_field import DateField, ParseWhen
from tracker.ui.widgets.participants import ParticipantsEditor

AUTO = "auto"


@dataclass(frozen=True, slots=True)
class EventSaved:
    """What the form dismisses with: the stored event and stakeholders created for it."""

    event: EventView
    created: tuple[str, ...] = ()


def changes_between(original: EventView, draft: EventDraft) -> EventChanges:
    """The edit that turns `original` into what the form holds (None where nothing changed;
    the form shows stored text with control characters escaped: a field left as shown is
    left as stored; a participant whose name shows escaped is named by #id)."""
    stored, original = original, visible_view(original)
    by_id = {
        shown.name: f"#{shown.stakeholder_id}"
        for shown, person in zip(original.participants, stored.participants, strict=True)
        if shown.name != person.name
    }

    def changed(new: str, old: str) -> str | None:
        return new if new.strip() != old.strip() else None

    old_specs = tuple(ParticipantSpec(p.name, p.role, p.attendance) for p in original.participants)
    return EventChanges(
        title=changed(draft.title, original.title),
        kind=draft.kind if draft.kind is not original.kind else None,
        when=changed(draft.when, original.when.label),
        location=changed(draft.location, original.location),
        status=draft.status if draft.status not in (None, original.status) else None,
        summary=changed(draft.summary, original.summary),
        notes=changed(draft.notes, original.notes),
        source=changed(draft.source, original.source),
        tags=draft.tags if tuple(draft.tags) != tuple(original.tags) else None,
        participants=tuple(
            replace(spec, name=by_id.get(spec.name, spec.name)) for spec in draft.participants
        )
        if draft.participants != old_specs
        else None,
    )


class EventFormScreen(FormScreen[EventDraft, EventSaved]):
    """`a` adds, `e` edits; an unknown participant is offered for creation on save."""

    def __init__(
        self,
        perform: Callable[[EventDraft, bool], EventSaved],
        parse_when: ParseWhen,
        names: Sequence[str],
        event: EventView | None = None,
    ) -> None:
        title = f"Edit event #{event.id}" if event else "Add an event"
        super().__init__(perform, title=title)
        self._event = event  # as stored; shown with control characters escaped
        self._parse_when = parse_when
        self._names = shown_names(names)

    def compose_fields(self) -> ComposeResult:
        event = visible_view(self._event) if self._event else None  # see changes_between
        yield field_row("Title", Input(event.title if event else "", id="title", compact=True))
        yield field_row(
            "Kind",
            Select(
                [(k.value, k) for k in EventKind],
                value=event.kind if event else EventKind.MEETING,
                allow_blank=False,
                compact=True,
                id="kind",
            ),
        )
        yield field_row(
            "When", DateField(self._parse_when, event.when.label if event else "", id="when")
        )
        statuses: list[tuple[str, str]] = [(s.value, s.value) for s in EventStatus]
        if event is None:
            statuses.insert(0, ("auto (held if past, else planned)", AUTO))
        yield field_row(
            "Status",
            Select(
                statuses,
                value=event.status.value if event else AUTO,
                allow_blank=False,
                compact=True,
                id="status",
            ),
        )
        yield field_row(
            "Location", Input(event.location if event else "", id="location", compact=True)
        )
        yield field_row(
            "Tags",
            Input(
                join_list(event.tags) if event else "",
                placeholder="comma-separated",
                id="tags",
                compact=True,
            ),
        )
        specs = (
            [ParticipantSpec(p.name, p.role, p.attendance) for p in event.participants]
            if event
            else []
        )
        yield field_row("With", ParticipantsEditor(specs, self._names))
        yield field_row(
            "Summary", Input(event.summary if event else "", id="summary", compact=True)
        )
        yield field_row("Source", Input(event.source if event else "", id="source", compact=True))
        notes = TextArea(event.notes if event else "", id="notes", compact=True)
        yield field_row("Notes", notes)

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def collect(self) -> EventDraft:
        title = self.text("title").strip()
        if not title:
            raise FormError("an event needs a title", "title")
        when = self.query_one("#when", DateField)
        if when.when is None:
            raise FormError(f"When: {when.error}", "when")
        kind = self.query_one("#kind", Select).value
        status = self.query_one("#status", Select).value
        assert isinstance(kind, EventKind) and isinstance(status, str)
        return EventDraft(
            title=title,
            kind=kind,
            when=when.value.strip(),
            location=self.text("location").strip(),
            status=None if status == AUTO else EventStatus(status),
            summary=self.text("summary").strip(),
            notes=self.text("notes").strip(),
            source=self.text("source").strip(),
            tags=split_list(self.text("tags")),
            participants=self.query_one(ParticipantsEditor).specs(),
        )

    @property
    def event(self) -> EventView | None:
        """The event the form edits, as stored when it was read (None: a new one)."""
        return self._event

    def take_stored(self, stored: object) -> None:
        assert isinstance(stored, EventView)
        self._event = stored

    def unknown_names(self, plan: EventDraft) -> list[str]:
        return self.query_one(ParticipantsEditor).unknown()
