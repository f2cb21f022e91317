"""The add/edit form of a follow-up: what, owner (completed), due (fuzzy, previewed), status."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select, Static, TextArea

from tracker.domain import FollowUpChanges, FollowUpDraft, FollowUpStatus, FollowUpView
from tracker.ui.formatting import plain, shown_names, visible_view
from tracker.ui.screens.form import FormError, FormScreen, field_row
from tracker.ui.widgets.date_field import DateField, ParseWhen
from tracker.ui.widgets.participants import is_known


@dataclass(frozen=True, slots=True)
class FollowUpSaved:
    follow_up: FollowUpView
    created: tuple[str, ...] = ()


def follow_up_changes(original: FollowUpView, draft: FollowUpDraft) -> FollowUpChanges:
    """The edit that turns `original` into the form's draft ("" clears owner or due; a field
    left as the form shows it, control characters escaped, is left as stored)."""
    original = visible_view(original)
    due = draft.due or ""
    return FollowUpChanges(
        text=draft.text if draft.text != original.text else None,
        owner=(draft.owner or "") if (draft.owner or None) != original.owner_name else None,
        due=due if due != (original.due.label if original.due else "") else None,
        status=draft.status if draft.status is not original.status else None,
        notes=draft.notes if draft.notes != original.notes else None,
    )


class FollowUpFormScreen(FormScreen[FollowUpDraft, FollowUpSaved]):
    def __init__(
        self,
        perform: Callable[[FollowUpDraft, bool], FollowUpSaved],
        parse_when: ParseWhen,
        names: Sequence[str],
        follow_up: FollowUpView | None = None,
        event: tuple[int, str] | None = None,
    ) -> None:
        title = f"Edit follow-up #{follow_up.id}" if follow_up else "Add a follow-up"
        super().__init__(perform, title=title)
        self._item = follow_up  # as stored; shown with control characters escaped
        self._event = event
        self._parse_when = parse_when
        self._names = shown_names(names)
        self._known = frozenset(" ".join(n.split()).casefold() for n in self._names)

    @property
    def item(self) -> FollowUpView | None:
        """What the form edits, as stored when it was read (None: a new one)."""
        return self._item

    def take_stored(self, stored: object) -> None:
        assert isinstance(stored, FollowUpView)
        self._item = stored

    def compose_fields(self) -> ComposeResult:
        item = visible_view(self._item) if self._item else None
        yield field_row("What", Input(item.text if item else "", id="text", compact=True))
        yield field_row(
            "Owner",
            Input(
                (item.owner_name or "") if item else "",
                placeholder="stakeholder name or alias (optional)",
                suggester=SuggestFromList(self._names, case_sensitive=False),
                id="owner",
                compact=True,
            ),
        )
        yield field_row(
            "Due",
            DateField(
                self._parse_when,
                item.due.label if item and item.due else "",
                optional=True,
                placeholder='optional: "June 10, 2022", "next week", "+2w"',
                id="due",
            ),
        )
        yield field_row(
            "Status",
            Select(
                [(s.value, s) for s in FollowUpStatus],
                value=item.status if item else FollowUpStatus.OPEN,
                allow_blank=False,
                compact=True,
                id="status",
            ),
        )
        origin = self._event[1] if self._event else (item.event_title if item else None)
        yield field_row("Event", Static(plain(origin or "none"), id="origin"))
        yield field_row("Notes", TextArea(item.notes if item else "", id="notes", compact=True))

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    def collect(self) -> FollowUpDraft:
        text = self.text("text").strip()
        if not text:
            raise FormError("say what must happen", "text")
        due = self.query_one("#due", DateField)
        if due.error:
            raise FormError(f"Due: {due.error}", "due")
        status = self.query_one("#status", Select).value
        assert isinstance(status, FollowUpStatus)
        owner = " ".join(self.text("owner").split())
        return FollowUpDraft(
            text=text,
            event_id=self._event[0]
            if self._event
            else (self._item.event_id if self._item else None),
            owner=owner or None,
            due=due.value.strip() or None,
            status=status,
            notes=self.text("notes").strip(),
        )

    def _event_id(self) -> int | None:
        if self._event:
            return self._event[0]
        return self._item.event_id if self._item else None

    def unknown_names(self, plan: FollowUpDraft) -> list[str]:
        if plan.owner and not is_known(plan.owner, self._known):
            return [plan.owner]
        return []
