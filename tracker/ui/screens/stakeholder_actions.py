"""Editing and deleting a stakeholder, shared by the list and the profile screens."""

from __future__ import annotations

from textual import work

from tracker.domain import Change, StakeholderDraft, StakeholderView
from tracker.errors import Conflict, said
from tracker.ui.messages import ActionFailed, DeleteRefused, ItemRemoved
from tracker.ui.screens.base import TrackerScreen
from tracker.ui.screens.confirm import ConfirmScreen
from tracker.ui.screens.stakeholder_form import StakeholderFormScreen, stakeholder_changes
from tracker.ui.undo import snapshot_if_there


def edit_form(screen: TrackerScreen, current: StakeholderView) -> StakeholderFormScreen:
    services, tracker = screen.services, screen.tracker

    def perform(draft: StakeholderDraft, create: bool) -> StakeholderView:
        service = services.stakeholders
        base = form.item or current  # as read: saving checks it is still so
        before = snapshot_if_there(service, base.id)
        saved = service.edit(f"#{base.id}", stakeholder_changes(base, draft), expected=base)
        if before is not None:
            tracker.remember(Change("edited", before, service.snapshot(saved.id)))
        return saved

    def perform_new(draft: StakeholderDraft, create: bool) -> StakeholderView:
        saved = services.stakeholders.add(draft)
        tracker.remember(Change("added", None, services.stakeholders.snapshot(saved.id)))
        return saved

    form = StakeholderFormScreen(perform, screen.tracker.names, current)
    form.save_as_new = perform_new
    return form


@work(thread=True, name="delete-stakeholder", exit_on_error=False)
def _delete(screen: TrackerScreen, stakeholder: StakeholderView, force: bool) -> None:
    try:
        deleted = screen.services.stakeholders.delete(f"#{stakeholder.id}", force=force)
    except Conflict as exc:
        screen.post_message(DeleteRefused(stakeholder, exc.said))
        return
    except Exception as exc:
        message = said(exc)  # a UserError is already one line
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

    def answered(yes: bool | None) -> None:
        if yes:
            _delete(screen, refused.stakeholder, True)

    screen.app.push_screen(
        ConfirmScreen(
            f"{refused.message}. Delete anyway? Their participations go; follow-ups and "
            "affiliates lose the link. u undoes it.",
            yes="Delete anyway",
        ),
        answered,
    )
