"""`tracker stakeholder ...`: add, list, show, edit, merge, delete."""

from __future__ import annotations

import sys
from typing import Any

import click

from tracker.cli.common import (
    State,
    ask,
    choice,
    confirmed,
    echo,
    edited,
    pass_state,
    remember,
    say,
)
from tracker.domain import (
    Change,
    StakeholderChanges,
    StakeholderDraft,
    StakeholderKind,
)
from tracker.errors import UserError
from tracker.textsafe import visible, visible_line


@click.group()
def stakeholder() -> None:
    """People, governments, companies and organisations you deal with."""


@stakeholder.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=choice(StakeholderKind))
@click.option("--title", default="", help='Role, e.g. "President of Honduras".')
@click.option("--affiliation", metavar="NAME", help="Their organisation or government.")
@click.option("--country", default="")
@click.option("--alias", "aliases", multiple=True, help="Another name they go by (repeatable).")
@click.option("--tag", "tags", multiple=True)
@click.option("--note", "notes", default="")
@pass_state
def stakeholder_add(state: State, /, name: str, kind: str, **kw: Any) -> None:
    """Add a stakeholder."""
    stakeholders = state.services.stakeholders
    view = stakeholders.add(
        StakeholderDraft(
            name=name,
            kind=StakeholderKind(kind.lower()),
            title=kw["title"],
            affiliation=kw["affiliation"],
            country=kw["country"],
            aliases=tuple(kw["aliases"]),
            tags=tuple(kw["tags"]),
            notes=kw["notes"],
        )
    )
    remember(state, Change("added", None, stakeholders.snapshot(view.id)))
    echo(f"added stakeholder {view.id}: {view.name} ({view.kind})")


@stakeholder.command("list")
@click.option("--kind", type=choice(StakeholderKind))
@click.option("--search", metavar="TEXT")
@click.option("--tag", metavar="TAG")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_state
def stakeholder_list(
    state: State, kind: str | None, search: str | None, tag: str | None, fmt: str
) -> None:
    """List stakeholders with last and next contact."""
    from tracker.render import dumps, stakeholder_json, stakeholders_table

    items = state.services.stakeholders.list(
        kind=StakeholderKind(kind.lower()) if kind else None, search=search, tag=tag
    )
    if fmt == "json":
        click.echo(dumps([stakeholder_json(s) for s in items]))
    elif items:
        click.echo(stakeholders_table(items))
    else:
        say("no stakeholders match")


@stakeholder.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def stakeholder_show(state: State, /, name: str, as_json: bool) -> None:
    """A stakeholder's timeline, open follow-ups, last and next contact."""
    from tracker.render import (
        dumps,
        event_json,
        events_table,
        follow_up_json,
        follow_up_line,
        stakeholder_json,
    )

    profile = state.services.stakeholders.show(name)
    s = profile.stakeholder
    if as_json:
        data = stakeholder_json(s)
        data["timeline"] = [event_json(e) for e in profile.timeline]
        data["open_follow_ups_list"] = [follow_up_json(f) for f in profile.open_follow_ups]
        data["affiliates"] = list(profile.affiliates)
        click.echo(dumps(data))
        return
    lines = [f"#{s.id}  {visible_line(s.name)}  ({s.kind})"]
    for label, value in (
        ("title", s.title),
        ("of", s.affiliation_name or ""),
        ("country", s.country),
        ("aliases", ", ".join(s.aliases)),
        ("tags", ", ".join(s.tags)),
        ("notes", s.notes),
        ("affiliates", ", ".join(profile.affiliates)),
    ):
        if value:
            lines.append(
                f"  {label:<10} {visible(value) if label == 'notes' else visible_line(value)}"
            )
    lines.append(f"  last contact  {visible_line(s.last_contact.label) if s.last_contact else '—'}")
    lines.append(f"  next contact  {visible_line(s.next_contact.label) if s.next_contact else '—'}")
    click.echo("\n".join(lines))
    click.echo("\nTimeline")
    click.echo(events_table(profile.timeline) if profile.timeline else "  (no events)")
    click.echo("\nOpen follow-ups")
    if profile.open_follow_ups:
        click.echo("\n".join(f"  {follow_up_line(f)}" for f in profile.open_follow_ups))
    else:
        click.echo("  (none)")


@stakeholder.command("edit")
@click.argument("name")
@click.option("--name", "new_name")
@click.option("--kind", type=choice(StakeholderKind))
@click.option("--title")
@click.option("--affiliation", metavar="NAME", help='"" removes it.')
@click.option("--country")
@click.option("--note", "notes")
@click.option("--add-alias", multiple=True)
@click.option("--remove-alias", multiple=True)
@click.option("--add-tag", multiple=True)
@click.option("--remove-tag", multiple=True)
@pass_state
def stakeholder_edit(state: State, /, name: str, **kw: Any) -> None:
    """Change a stakeholder; only the options given change."""
    changes = StakeholderChanges(
        name=kw["new_name"],
        kind=StakeholderKind(kw["kind"].lower()) if kw["kind"] else None,
        title=kw["title"],
        affiliation=kw["affiliation"],
        country=kw["country"],
        notes=kw["notes"],
        add_aliases=tuple(kw["add_alias"]),
        remove_aliases=tuple(kw["remove_alias"]),
        add_tags=tuple(kw["add_tag"]),
        remove_tags=tuple(kw["remove_tag"]),
    )
    if changes == StakeholderChanges():
        raise UserError("nothing to change: give at least one option (see --help)")
    stakeholders = state.services.stakeholders
    record_id = stakeholders.get(name).id
    view = edited(state, stakeholders, record_id, lambda: stakeholders.edit(name, changes))
    echo(f"updated stakeholder {view.id}: {view.name} ({view.kind})")


@stakeholder.command("merge")
@click.argument("duplicate")
@click.argument("into")
@click.option("--dry-run", is_flag=True, help="Show what would move and be kept; write nothing.")
@click.option("--force", is_flag=True, help="Merge even when the two are of different kinds.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask (needed in scripts).")
@pass_state
def stakeholder_merge(
    state: State, /, duplicate: str, into: str, dry_run: bool, force: bool, yes: bool
) -> None:
    """Merge DUPLICATE into INTO; its name stays behind as an alias."""
    stakeholders = state.services.stakeholders
    plan = stakeholders.merge_plan(duplicate, into, force=force)
    if dry_run:
        for line in [*plan.lines(), "dry run: nothing was written"]:
            echo(line)
        return
    if not yes:
        if sys.stdin.isatty():
            for line in plan.lines():
                echo(line)
        ask(f"merge {plan.duplicate.name} into {plan.target.name}")
    kept, away = stakeholders.snapshot(plan.target.id), stakeholders.snapshot(plan.duplicate.id)
    view = stakeholders.merge(duplicate, into, force=force)
    remember(state, Change("merged", kept, stakeholders.snapshot(view.id), merged_away=away))
    echo(f"merged {duplicate!r} into {view.name} (#{view.id}); aliases: {', '.join(view.aliases)}")


@stakeholder.command("delete")
@click.argument("name")
@click.option("--force", is_flag=True, help="Delete even when events or follow-ups refer to them.")
@confirmed(lambda name, **_: f"delete stakeholder {name!r}")
@pass_state
def stakeholder_delete(state: State, /, name: str, force: bool) -> None:
    """Delete a stakeholder (refused while anything refers to them, unless --force)."""
    deleted = state.services.stakeholders.delete(name, force=force)
    remember(state, Change("deleted", deleted, None))
    echo(f"deleted stakeholder {deleted.id}: {deleted.label}")
