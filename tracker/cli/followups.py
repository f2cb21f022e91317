"""`tracker followup ...`: add, list, done, reopen, edit, delete."""

from __future__ import annotations

import functools
from typing import Any

import click

from tracker.cli.common import (
    ID,
    State,
    choice,
    confirmed,
    echo,
    edited,
    pass_state,
    remember,
    say,
    say_created,
)
from tracker.domain import (
    Change,
    FollowUpChanges,
    FollowUpDraft,
    FollowUpStatus,
)
from tracker.errors import UserError


@click.group()
def followup() -> None:
    """What engagements leave to do: add, list, done, reopen."""


@followup.command("add")
@click.argument("text")
@click.option("--event", "event_id", type=ID, metavar="ID", help="The event it came from.")
@click.option("--owner", metavar="NAME", help="Who owes it.")
@click.option("--due", metavar="WHEN", help="Fuzzy: 'by July 2022' is due by July 31.")
@click.option("--note", "notes", default="")
@click.option("--create", is_flag=True, help="Create the owner if unknown.")
@pass_state
def followup_add(
    state: State,
    text: str,
    event_id: int | None,
    owner: str | None,
    due: str | None,
    notes: str,
    create: bool,
) -> None:
    """Add a follow-up."""
    followups = state.services.followups
    view, created = followups.add(
        FollowUpDraft(text=text, event_id=event_id, owner=owner, due=due, notes=notes),
        create=create,
    )
    remember(state, Change("added", None, followups.snapshot(view.id)))
    say_created(created)
    echo(
        f"added follow-up {view.id}: {view.text}" + (f" (due {view.due.label})" if view.due else "")
    )


@followup.command("list")
@click.option(
    "--status",
    "scope",
    type=click.Choice(["open", "overdue", "soon", "done", "all"]),
    default="open",
    show_default=True,
)
@click.option("--owner", metavar="NAME")
@click.option("--event", "event_id", type=ID, metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_state
def followup_list(
    state: State, scope: str, owner: str | None, event_id: int | None, fmt: str
) -> None:
    """List follow-ups, soonest due first."""
    from tracker.render import dumps, follow_up_json, follow_ups_table
    from tracker.services import FollowUpScope

    items = state.services.followups.list(FollowUpScope(scope), owner=owner, event_id=event_id)
    if fmt == "json":
        click.echo(dumps([follow_up_json(f) for f in items]))
    elif items:
        click.echo(follow_ups_table(items))
    else:
        say(f"no {scope} follow-ups" if scope != "all" else "no follow-ups")


@followup.command("done")
@click.argument("ids", type=ID, nargs=-1, required=True)
@pass_state
def followup_done(state: State, /, ids: tuple[int, ...]) -> None:
    """Mark follow-ups done (dated today)."""
    _set_statuses(state, ids, FollowUpStatus.DONE, "done")


@followup.command("reopen")
@click.argument("ids", type=ID, nargs=-1, required=True)
@pass_state
def followup_reopen(state: State, /, ids: tuple[int, ...]) -> None:
    """Open follow-ups again."""
    _set_statuses(state, ids, FollowUpStatus.OPEN, "reopened")


def _set_statuses(state: State, ids: tuple[int, ...], status: FollowUpStatus, said: str) -> None:
    followups = state.services.followups
    for follow_up_id in ids:
        view = edited(
            state,
            followups,
            follow_up_id,
            functools.partial(followups.set_status, follow_up_id, status),
        )
        echo(f"{said}: #{view.id} {view.text}")


@followup.command("edit")
@click.argument("follow_up_id", type=ID)
@click.option("--text")
@click.option("--event", "event_id", type=ID, metavar="ID")
@click.option("--detach", is_flag=True, help="Unlink it from its event.")
@click.option("--owner", metavar="NAME", help='"" removes the owner.')
@click.option("--due", metavar="WHEN", help='"" removes the due date.')
@click.option("--status", type=choice(FollowUpStatus))
@click.option("--note", "notes", help="Replace the notes.")
@click.option("--append-note", metavar="TEXT", help="Add a line to the notes.")
@click.option("--create", is_flag=True)
@pass_state
def followup_edit(state: State, /, follow_up_id: int, **kw: Any) -> None:
    """Change a follow-up; only the options given change."""
    changes = FollowUpChanges(
        text=kw["text"],
        event_id=kw["event_id"],
        detach_event=kw["detach"],
        owner=kw["owner"],
        due=kw["due"],
        status=FollowUpStatus(kw["status"].lower()) if kw["status"] else None,
        notes=kw["notes"],
        append_note=kw["append_note"],
    )
    if changes == FollowUpChanges():
        raise UserError("nothing to change: give at least one option (see --help)")
    followups = state.services.followups
    view, created = edited(
        state,
        followups,
        follow_up_id,
        lambda: followups.edit(follow_up_id, changes, create=kw["create"]),
    )
    say_created(created)
    echo(f"updated follow-up {view.id}: {view.text}")


@followup.command("delete")
@click.argument("follow_up_id", type=ID)
@confirmed(lambda follow_up_id, **_: f"delete follow-up {follow_up_id}")
@pass_state
def followup_delete(state: State, /, follow_up_id: int) -> None:
    """Delete a follow-up."""
    deleted = state.services.followups.delete(follow_up_id)
    remember(state, Change("deleted", deleted, None))
    echo(f"deleted follow-up {deleted.id}: {deleted.label}")
