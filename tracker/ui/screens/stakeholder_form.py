"""The add/edit form of a stakeholder: name, kind, title, affiliation (completed), aliases, tags."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select, TextArea

from tracker.domain import StakeholderChanges, StakeholderDraft, StakeholderKind, StakeholderView
from tracker.ui.formatting import join_list, shown_names, split_list, visible_view
from tracker.ui.screens.form import FormError, FormScreen, field_row


def stakeholder_changes(original: StakeholderView, draft: StakeholderDraft) -> StakeholderChanges:
    """The edit that turns `original` into the form's draft (aliases and tags as differences;
    a field left as the form shows it, control characters escaped, is left as stored)."""
    original = visible_view(original)
    old_aliases = {a.casefold(): a for a in original.aliases}
    new_aliases = {a.casefold(): a for a in draft.aliases}
    return StakeholderChanges(
        name=draft.name if draft.name != original.name else None,
        kind=draft.kind if draft.kind is not original.kind else None,
        title=draft.title if draft.title != original.title else None,
        affiliation=(draft.affiliation or "")
        if (draft.affiliation or None) != original.affiliation_name
        else None,
        country=draft.country if draft.country != original.country else None,
        notes=draft.notes if draft.notes != original.notes else None,
        add_aliases=tuple(a for k, a in new_aliases.items() if k not in old_aliases),
        remove_aliases=tuple(a for k, a in old_aliases.items() if k not in new_aliases),
        add_tags=tuple(t for t in draft.tags if t not in original.tags),
        remove_tags=tuple(t for t in original.tags if t not in draft.tags),
    )


class StakeholderFormScreen(FormScreen[StakeholderDraft, StakeholderView]):
    def __init__(
        self,
        perform: Callable[[StakeholderDraft, bool], StakeholderView],
        names: Sequence[str],
        stakeholder: StakeholderView | None = None,
    ) -> None:
        title = f"Edit {stakeholder.name}" if stakeholder else "Add a stakeholder"
        super().__init__(perform, title=title)
        self._item = stakeholder  # as stored; shown with control characters escaped
        self._names = shown_names(names)

    @property
    def item(self) -> StakeholderView | None:
        """What the form edits, as stored when it was read (None: a new one)."""
        return self._item

    def take_stored(self, stored: object) -> None:
        assert isinstance(stored, StakeholderView)
        self._item = stored

    def compose_fields(self) -> ComposeResult:
        item = visible_view(self._item) if self._item else None
        yield field_row("Name", Input(item.name if item else "", id="name", compact=True))
        yield field_row(
            "Kind",
            Select(
                [(k.value, k) for k in StakeholderKind],
                value=item.kind if item else StakeholderKind.PERSON,
                allow_blank=False,
                compact=True,
                id="kind",
            ),
        )
        yield field_row("Title", Input(item.title if item else "", id="title", compact=True))
        yield field_row(
            "Affiliation",
            Input(
                (item.affiliation_name or "") if item else "",
                placeholder="a stakeholder's name (optional)",
                suggester=SuggestFromList(self._names, case_sensitive=False),
                id="affiliation",
                compact=True,
            ),
        )
        yield field_row("Country", Input(item.country if item else "", id="country", compact=True))
        yield field_row(
            "Aliases",
            Input(
                join_list(item.aliases) if item else "",
                placeholder="comma-separated short names",
                id="aliases",
                compact=True,
            ),
        )
        yield field_row(
            "Tags",
            Input(
                join_list(item.tags) if item else "",
                placeholder="comma-separated",
                id="tags",
                compact=True,
            ),
        )
        yield field_row("Notes", TextArea(item.notes if item else "", id="notes", compact=True))

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def collect(self) -> StakeholderDraft:
        name = " ".join(self.text("name").split())
        if not name:
            raise FormError("a stakeholder needs a name", "name")
        kind = self.query_one("#kind", Select).value
        assert isinstance(kind, StakeholderKind)
        return StakeholderDraft(
            name=name,
            kind=kind,
            title=self.text("title").strip(),
            affiliation=" ".join(self.text("affiliation").split()) or None,
            country=self.text("country").strip(),
            aliases=split_list(self.text("aliases")),
            tags=tuple(t.lower() for t in split_list(self.text("tags"))),
            notes=self.text("notes").strip(),
        )
