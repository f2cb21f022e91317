"""Editing and deleting a stakeholder, shared by the list and the profile screens."""

from __future__ import annotations

from textual import work

from tracker.domain import Change, StakeholderDraft, StakeholderView
from tracker.errors import Conflict
from tracker.ui.messages import ActionFailed, DeleteRefused, ItemRemoved
from tracker.ui.screens.base import TrackerScreen
from tracker.ui.screens.confirm import ConfirmScreen
from tracker.ui.screens.stakeholder_form import StakeholderFormScreen, stakeholder_changes


def edit_form(screen: TrackerScreen, current: StakeholderView) -> StakeholderFormScreen:
    services, tracker = screen.services, screen.tracker

    def perform(draft: StakeholderDraft, create: bool) -> StakeholderView:
        service = services.stakeholders
        before = service.snapshot(current.id)
        saved = service.edit(f"#{current.id}", stakeholder_changes(current, draft))
        tracker.remember(Change("edited", before, service.snapshot(saved.id)))
        return saved

    return StakeholderFormScreen(perform, screen.tracker.names, current)


@work(thread=True, name="delete-stakeholder", exit_on_error=False)
def _delete(screen: TrackerScreen, stakeholder: StakeholderView, force: bool) -> None:
    try:
        deleted = screen.services.stakeholders.delete(f"#{stakeholder.id}", force=force)
    except Conflict as exc:
        screen.post_message(DeleteRefused(stakeholder, exc.message))
        return
    except Exception as exc:
        message = str(exc)  # a UserError is already one line
        screen.post_message(ActionFailed(f"could not delete: {message}"))
        return
    screen.post_message(ItemRemoved(deleted))


def ask_delete(screen: TrackerScreen, stakeholder: StakeholderView) -> None:
    """Confirm, then delete (the service refuses while others refer to them)."""

    def answered(yes: bool | None) -> None:
        if yes:
            _delete(screen, stakeholder, False)

    screen.app.push_screen(
        ConfirmScreen(f"Delete {stakeholder.name} ({stakeholder.kind.value})? u undoes it."),
        answered,
    )


def ask_force(screen: TrackerScreen, refused: DeleteRefused) -> None:
    """Say who still refers to them, and delete anyway if asked to."""
    said = refused.message.split("; use --force")[0]

    def answered(yes: bool | None) -> None:
        if yes:
            _delete(screen, refused.stakeholder, True)

    screen.app.push_screen(
        ConfirmScreen(
            f"{said}. Delete anyway? Their participations go; follow-ups and affiliates lose "
            "the link. u undoes it.",
            yes="Delete anyway",
        ),
        answered,
    )
