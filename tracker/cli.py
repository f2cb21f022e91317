"""The `tracker` command line: parse arguments, call the services, print. Nothing else."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, cast

import click

from tracker import __version__
from tracker.domain import (
    EventChanges,
    EventDraft,
    EventFilter,
    EventKind,
    EventStatus,
    FollowUpChanges,
    FollowUpDraft,
    FollowUpStatus,
    ParticipantSpec,
    StakeholderChanges,
    StakeholderDraft,
    StakeholderKind,
)
from tracker.errors import UserError
from tracker.launch import database_error, reporting_errors
from tracker.settings import Settings
from tracker.textsafe import VisibleWriter, visible, visible_line

if TYPE_CHECKING:
    from tracker.services.quick import QuickReads
    from tracker.services.reading import DateReader

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class State:
    """Per-invocation state: settings now, services only when a command needs the database.

    Module imports stay light (no SQLAlchemy): the services load with the first command
    that needs them, and a read that `QuickReads` can answer never loads them.
    """

    db: str | None
    _services: Any = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        return Settings.from_env(self.db)

    @property
    def services(self) -> Any:
        if self._services is None:
            from tracker.services import open_services

            self._services = open_services(self.settings)
        return self._services

    def quick(self, *, twins: bool = False) -> QuickReads | None:
        """Quick reads of the database when it is a SQLite file at the schema head, else
        None (the services then open it, migrating it first if it needs that). Close it."""
        from tracker.services.quick import QuickReads

        return QuickReads.open(self.settings, twins=twins)

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


pass_state = click.make_pass_decorator(State)


def _choice(enum: type[Any]) -> click.Choice[str]:
    return click.Choice([member.value for member in enum], case_sensitive=False)


def _say(message: str) -> None:
    click.echo(visible_line(message), err=True)


def _echo(message: str) -> None:
    """A line that may quote stored text, its control characters shown escaped."""
    click.echo(visible_line(message))


def _terminal_safe(out: TextIO) -> TextIO:
    """`out`, or on a terminal, `out` showing control characters escaped (CSV, exact bytes
    when it goes to a file or a pipe, is shown to a person there)."""
    return cast(TextIO, VisibleWriter(out)) if out.isatty() else out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _created(names: list[str]) -> None:
    for name in names:
        _say(
            f"created stakeholder {name!r} (kind other; change it with `tracker stakeholder edit`)"
        )


# -- the group -----------------------------------------------------------------------------


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="TRACKER_DB",
    metavar="URL",
    help="Database: any SQLAlchemy URL or a SQLite file path (default: the per-user SQLite file).",
)
@click.version_option(__version__, prog_name="tracker")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Keep the timeline of a policy portfolio: events, stakeholders, follow-ups.

    Run without a command to open the full-screen app.
    """
    state = State(db=db)
    ctx.obj = state
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:
        from tracker.ui import run_app

        run_app(state.settings)


# -- when ------------------------------------------------------------------------------------


@cli.command()
@click.argument("text", nargs=-1, required=True)
@click.option(
    "--today", "today_text", metavar="YYYY-MM-DD", help="Read relative dates from this day."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_state
def when(state: State, /, text: tuple[str, ...], today_text: str | None, as_json: bool) -> None:
    """Show how a date text is understood: `tracker when late May 2022`."""
    from tracker import dates
    from tracker.render import dumps

    settings = state.settings
    today = settings.today or dt.datetime.now(settings.local_tz).date()
    if today_text:
        try:
            today = dt.date.fromisoformat(today_text)
        except ValueError:
            raise UserError(f"--today must be a date like 2022-06-06, not {today_text!r}") from None
    try:
        parsed = dates.parse_when(
            " ".join(text),
            today=today,
            order=settings.date_order,
            local_tz=settings.local_tz,
            fiscal_start=settings.fiscal_start,
        )
    except dates.DateParseError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        click.echo(dumps(dates.to_json(parsed)).replace("\n", "").replace("  ", " "))
        return
    _echo(f"{parsed.label}  →  {dates.describe(parsed)}  ({parsed.precision})")


# -- seed ------------------------------------------------------------------------------------


@cli.command()
@click.option("--file", "path", type=click.Path(path_type=Path), help="Another seed file.")
@pass_state
def seed(state: State, /, path: Path | None) -> None:
    """Load the sample portfolio (adds only what is missing; safe to run twice)."""
    report = state.services.seed.load(path)
    if report.total:
        click.echo(
            f"added {report.events} events, {report.stakeholders} stakeholders, "
            f"{report.follow_ups} follow-ups"
        )
    else:
        click.echo("the sample portfolio is already loaded; nothing added")


# -- events ----------------------------------------------------------------------------------


def _participants(specs: tuple[str, ...]) -> tuple[ParticipantSpec, ...]:
    from tracker.services.names import parse_participant

    return tuple(ParticipantSpec(*parse_participant(spec)) for spec in specs)


def event_filters(func: F) -> F:
    """The filter options shared by `event list` and `export csv`."""
    options = [
        click.option("--from", "date_from", metavar="WHEN", help="On or after (fuzzy: 'Q2 2022')."),
        click.option("--to", "date_to", metavar="WHEN", help="On or before (fuzzy: 'June 2022')."),
        click.option("--kind", "kinds", multiple=True, type=_choice(EventKind), help="Repeatable."),
        click.option("--with", "with_names", multiple=True, metavar="NAME", help="Involving NAME."),
        click.option("--tag", "tags", multiple=True, metavar="TAG", help="Tagged TAG (all given)."),
        click.option("--status", "statuses", multiple=True, type=_choice(EventStatus)),
        click.option("--search", metavar="TEXT", help="Words in title, place, notes or names."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filter(reader: DateReader, /, **kw: Any) -> EventFilter:
    return EventFilter(
        date_from=reader.parse_day_bound(kw["date_from"], end=False) if kw["date_from"] else None,
        date_to=reader.parse_day_bound(kw["date_to"], end=True) if kw["date_to"] else None,
        kinds=tuple(EventKind(k.lower()) for k in kw["kinds"]),
        with_names=tuple(kw["with_names"]),
        tags=tuple(kw["tags"]),
        statuses=tuple(EventStatus(s.lower()) for s in kw["statuses"]),
        search=kw["search"],
    )


@cli.group()
def event() -> None:
    """Add, list, show, edit and delete events."""


def event_fields(func: F) -> F:
    options = [
        click.option(
            "--until", metavar="WHEN", help="End of a span: --when 'June 6' --until 'June 10'."
        ),
        click.option("--location", metavar="PLACE"),
        click.option("--status", type=_choice(EventStatus)),
        click.option("--summary", metavar="TEXT"),
        click.option("--note", "notes", metavar="TEXT", help="Notes."),
        click.option("--source", metavar="URL|CITATION"),
        click.option("--create", is_flag=True, help="Create stakeholders named that do not exist."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@event.command("add")
@click.argument("title")
@click.option("--kind", required=True, type=_choice(EventKind))
@click.option("--when", "when_text", required=True, metavar="WHEN", help="Fuzzy: 'late May 2022'.")
@event_fields
@click.option("--with", "with_specs", multiple=True, metavar="NAME[:role[:attendance]]")
@click.option("--tag", "tags", multiple=True, metavar="TAG")
@pass_state
def event_add(state: State, /, title: str, kind: str, when_text: str, **kw: Any) -> None:
    """Add an event: tracker event add "Call with Castro" --kind call --when "late May 2022"."""
    draft = EventDraft(
        title=title,
        kind=EventKind(kind.lower()),
        when=when_text,
        until=kw["until"],
        location=kw["location"] or "",
        status=EventStatus(kw["status"].lower()) if kw["status"] else None,
        summary=kw["summary"] or "",
        notes=kw["notes"] or "",
        source=kw["source"] or "",
        tags=tuple(kw["tags"]),
        participants=_participants(kw["with_specs"]),
    )
    view, created = state.services.events.add(draft, create=kw["create"])
    _created(created)
    _echo(f"added event {view.id}: {view.title} ({view.when.label})")


@event.command("list")
@event_filters
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many events.")
@pass_state
def event_list(state: State, /, fmt: str, limit: int | None, **kw: Any) -> None:
    """List events in date order; every filter narrows the list."""
    if fmt == "csv":
        flt = _filter(state.services.ctx, **kw)
        state.services.transfer.export_csv(_terminal_safe(sys.stdout), flt)
        return
    from tracker.services.quick import collector_paused

    with collector_paused():  # thousands of views, none in a reference cycle
        if fmt == "json":
            from tracker.render import dumps, event_json

            read, views = _read_quickly(state, kw, lambda q, flt: q.list(flt, limit=limit))
            flt = read if read is not None else _filter(state.services.ctx, **kw)
            if views is None:
                views = state.services.events.list(flt, limit=limit)
            click.echo(dumps([event_json(e) for e in views]))
            return
        from tracker.render import events_table

        read, lines = _read_quickly(
            state, kw, lambda q, flt: q.lines(flt, limit=limit), twins=limit is None
        )
        flt = read if read is not None else _filter(state.services.ctx, **kw)
        events = lines if lines is not None else state.services.events.list(flt, limit=limit)
        if events:
            click.echo(events_table(events))
        else:
            _say("no events match" if not flt.is_empty() else "no events yet (try `tracker seed`)")


_Read = TypeVar("_Read")


def _read_quickly(
    state: State,
    kw: dict[str, Any],
    read: Callable[[QuickReads, EventFilter], _Read],
    *,
    twins: bool = False,
) -> tuple[EventFilter | None, _Read | None]:
    """The filter and `read(quick, filter)` when quick reads can answer (a SQLite file at the
    schema head, a filter they cover), without loading SQLAlchemy; else what is known so far
    (the filter, if the file could be opened) and None: the services answer then."""
    import sqlite3

    from tracker.services.quick import Unreadable

    quick = state.quick(twins=twins)
    if quick is None:
        return None, None
    try:
        flt = _filter(quick.reader, **kw)
        if not quick.covers(flt):
            return flt, None
        return flt, read(quick, flt)
    except Unreadable:
        return flt, None  # the services read it (or report it) as they always have
    except sqlite3.Error as exc:  # worded as the services' database errors are
        raise UserError(database_error(exc)) from None
    finally:
        quick.close(in_background=True)  # while the output is written


@event.command("show")
@click.argument("event_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def event_show(state: State, /, event_id: int, as_json: bool) -> None:
    """Everything about one event."""
    from tracker.render import dumps, event_detail, event_json

    view = state.services.events.get(event_id)
    click.echo(dumps(event_json(view)) if as_json else event_detail(view))


@event.command("edit")
@click.argument("event_id", type=int)
@click.option("--title")
@click.option("--kind", type=_choice(EventKind))
@click.option("--when", "when_text", metavar="WHEN")
@event_fields
@click.option(
    "--with",
    "with_specs",
    multiple=True,
    metavar="NAME[:role[:attendance]]",
    help="Replace all participants.",
)
@click.option("--add-with", "add_with", multiple=True, metavar="NAME[:role[:attendance]]")
@click.option("--remove-with", "remove_with", multiple=True, metavar="NAME")
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="Replace all tags.")
@click.option("--add-tag", "add_tags", multiple=True, metavar="TAG")
@click.option("--remove-tag", "remove_tags", multiple=True, metavar="TAG")
@pass_state
def event_edit(state: State, /, event_id: int, **kw: Any) -> None:
    """Change an event; only the options given change."""
    changes = EventChanges(
        title=kw["title"],
        kind=EventKind(kw["kind"].lower()) if kw["kind"] else None,
        when=kw["when_text"],
        until=kw["until"],
        location=kw["location"],
        status=EventStatus(kw["status"].lower()) if kw["status"] else None,
        summary=kw["summary"],
        notes=kw["notes"],
        source=kw["source"],
        tags=tuple(kw["tags"]) if kw["tags"] else None,
        add_tags=tuple(kw["add_tags"]),
        remove_tags=tuple(kw["remove_tags"]),
        participants=_participants(kw["with_specs"]) if kw["with_specs"] else None,
        add_participants=_participants(kw["add_with"]),
        remove_participants=tuple(kw["remove_with"]),
    )
    if changes == EventChanges():
        raise UserError("nothing to change: give at least one option (see --help)")
    view, created = state.services.events.edit(event_id, changes, create=kw["create"])
    _created(created)
    _echo(f"updated event {view.id}: {view.title} ({view.when.label})")


@event.command("delete")
@click.argument("event_id", type=int)
@pass_state
def event_delete(state: State, /, event_id: int) -> None:
    """Delete an event and its participations; its follow-ups stay, detached."""
    deleted = state.services.events.delete(event_id)
    detached = len(deleted.detached_follow_ups)
    extra = (
        f"; {detached} follow-up{'s' if detached != 1 else ''} kept, detached" if detached else ""
    )
    _echo(f"deleted event {event_id}: {deleted.label}{extra}")


# -- stakeholders ----------------------------------------------------------------------------


@cli.group()
def stakeholder() -> None:
    """People, governments, companies and organisations you deal with."""


@stakeholder.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=_choice(StakeholderKind))
@click.option("--title", default="", help='Role, e.g. "President of Honduras".')
@click.option("--affiliation", metavar="NAME", help="Their organisation or government.")
@click.option("--country", default="")
@click.option("--alias", "aliases", multiple=True, help="Another name they go by (repeatable).")
@click.option("--tag", "tags", multiple=True)
@click.option("--note", "notes", default="")
@pass_state
def stakeholder_add(state: State, /, name: str, kind: str, **kw: Any) -> None:
    """Add a stakeholder."""
    view = state.services.stakeholders.add(
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
    _echo(f"added stakeholder {view.id}: {view.name} ({view.kind})")


@stakeholder.command("list")
@click.option("--kind", type=_choice(StakeholderKind))
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
        _say("no stakeholders match")


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
@click.option("--kind", type=_choice(StakeholderKind))
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
    view = state.services.stakeholders.edit(name, changes)
    _echo(f"updated stakeholder {view.id}: {view.name} ({view.kind})")


@stakeholder.command("merge")
@click.argument("duplicate")
@click.argument("into")
@pass_state
def stakeholder_merge(state: State, /, duplicate: str, into: str) -> None:
    """Merge DUPLICATE into INTO; its name stays behind as an alias."""
    view = state.services.stakeholders.merge(duplicate, into)
    _echo(f"merged {duplicate!r} into {view.name} (#{view.id}); aliases: {', '.join(view.aliases)}")


@stakeholder.command("delete")
@click.argument("name")
@click.option("--force", is_flag=True, help="Delete even when events or follow-ups refer to them.")
@pass_state
def stakeholder_delete(state: State, /, name: str, force: bool) -> None:
    """Delete a stakeholder (refused while anything refers to them, unless --force)."""
    deleted = state.services.stakeholders.delete(name, force=force)
    _echo(f"deleted stakeholder {deleted.id}: {deleted.label}")


# -- follow-ups ------------------------------------------------------------------------------


@cli.group()
def followup() -> None:
    """What engagements leave to do: add, list, done, reopen."""


@followup.command("add")
@click.argument("text")
@click.option("--event", "event_id", type=int, metavar="ID", help="The event it came from.")
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
    view, created = state.services.followups.add(
        FollowUpDraft(text=text, event_id=event_id, owner=owner, due=due, notes=notes),
        create=create,
    )
    _created(created)
    _echo(
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
@click.option("--event", "event_id", type=int, metavar="ID")
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
        _say(f"no {scope} follow-ups" if scope != "all" else "no follow-ups")


@followup.command("done")
@click.argument("ids", type=int, nargs=-1, required=True)
@pass_state
def followup_done(state: State, /, ids: tuple[int, ...]) -> None:
    """Mark follow-ups done (dated today)."""
    for follow_up_id in ids:
        view = state.services.followups.set_status(follow_up_id, FollowUpStatus.DONE)
        _echo(f"done: #{view.id} {view.text}")


@followup.command("reopen")
@click.argument("ids", type=int, nargs=-1, required=True)
@pass_state
def followup_reopen(state: State, /, ids: tuple[int, ...]) -> None:
    """Open follow-ups again."""
    for follow_up_id in ids:
        view = state.services.followups.set_status(follow_up_id, FollowUpStatus.OPEN)
        _echo(f"reopened: #{view.id} {view.text}")


@followup.command("edit")
@click.argument("follow_up_id", type=int)
@click.option("--text")
@click.option("--event", "event_id", type=int, metavar="ID")
@click.option("--detach", is_flag=True, help="Unlink it from its event.")
@click.option("--owner", metavar="NAME", help='"" removes the owner.')
@click.option("--due", metavar="WHEN", help='"" removes the due date.')
@click.option("--status", type=_choice(FollowUpStatus))
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
    view, created = state.services.followups.edit(follow_up_id, changes, create=kw["create"])
    _created(created)
    _echo(f"updated follow-up {view.id}: {view.text}")


@followup.command("delete")
@click.argument("follow_up_id", type=int)
@pass_state
def followup_delete(state: State, /, follow_up_id: int) -> None:
    """Delete a follow-up."""
    deleted = state.services.followups.delete(follow_up_id)
    _echo(f"deleted follow-up {deleted.id}: {deleted.label}")


# -- export / import -------------------------------------------------------------------------


@cli.group()
def export() -> None:
    """Write the timeline out."""


@export.command("csv")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (default: standard output). Written whole or not at all.",
)
@click.option("--excel", is_flag=True, help="Start with a BOM so spreadsheets show accents.")
@event_filters
@pass_state
def export_csv(state: State, /, output: Path | None, excel: bool, **kw: Any) -> None:
    """The timeline as CSV, one row per event in date order (honours every filter)."""
    target = _terminal_safe(sys.stdout) if output is None else output
    read, count = _read_quickly(state, kw, lambda q, flt: q.export_csv(target, flt, excel=excel))
    if count is None:
        flt = read if read is not None else _filter(state.services.ctx, **kw)
        count = state.services.transfer.export_csv(target, flt, excel=excel)
    if output is not None:
        _say(f"wrote {count} event{'s' if count != 1 else ''} to {output}")


@cli.group("import")
def import_() -> None:
    """Read a timeline in."""


@import_.command("csv")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option(
    "--column",
    "column_specs",
    multiple=True,
    metavar="FIELD=TEMPLATE",
    help="Fill a timeline column from the file's own: --column 'title={name} in {country}' "
    "--column kind=trip (braces name the file's columns).",
)
@pass_state
def import_csv(state: State, /, path: Path, dry_run: bool, column_specs: tuple[str, ...]) -> None:
    """Import a timeline CSV (as exported, or any layout with --column).

    Any bad row: each is reported with its line and nothing is written.
    """
    from tracker.exporting.csv import column_templates
    from tracker.services import import_start

    try:
        columns = column_templates(column_specs)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    # A big file's reading process starts before anything heavy is imported here, so that
    # it imports its modules while this process does (see import_start).
    import_start.start_early(path, state.settings.db_url)
    from tracker.services import ImportRejected

    try:
        report = state.services.transfer.import_csv(path, dry_run=dry_run, columns=columns)
    except ImportRejected as exc:
        for problem in exc.problems:
            _say(f"{path}: {problem}")
        raise
    finally:
        import_start.discard()  # one the import did not take
    verb = "would add" if dry_run else "added"
    parts = [f"{verb} {_count(report.added, 'event')}"]
    if report.follow_ups:
        parts.append(_count(report.follow_ups, "follow-up"))
    if report.created_stakeholders:
        parts.append(_count(len(report.created_stakeholders), "new stakeholder"))
    if report.skipped:
        parts.append(f"skipped {report.skipped} already present")
    click.echo(", ".join(parts) + f" from {report.rows} rows")


# -- db ----------------------------------------------------------------------------------------


@cli.group()
def db() -> None:
    """Schema migrations and backups."""


def _engine(state: State) -> Any:
    from tracker.storage.engine import make_engine

    return make_engine(state.settings.db_url)


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_state
def db_upgrade(state: State, /, revision: str) -> None:
    """Migrate the database up (to the newest schema by default); SQLite is backed up first."""
    from tracker.storage import migrations

    result = migrations.upgrade(_engine(state), revision)
    if not result.changed:
        click.echo(f"already at {result.to_revision}")
        return
    if result.backup:
        _say(f"backup: {result.backup}")
    click.echo(f"upgraded {result.from_revision or 'empty'} → {result.to_revision}")


@db.command("downgrade")
@click.argument("revision")
@pass_state
def db_downgrade(state: State, /, revision: str) -> None:
    """Migrate the database down to REVISION ('base' empties it); SQLite is backed up first."""
    from tracker.storage import migrations

    engine = _engine(state)
    migrations.downgrade(engine, revision)
    click.echo(f"now at {migrations.current_revision(engine) or 'base'}")


@db.command("current")
@pass_state
def db_current(state: State) -> None:
    """The database's schema revision and the newest one tracker knows."""
    from tracker.storage import migrations

    engine = _engine(state)
    current = migrations.current_revision(engine)
    head = migrations.head_revision(engine)
    note = "up to date" if current == head else f"head is {head}"
    click.echo(f"{current or 'empty'} ({note})")


@db.command("check")
@pass_state
def db_check(state: State) -> None:
    """Fail (exit 2) unless the database is at head and matches the models."""
    from tracker.storage import migrations

    engine = _engine(state)
    current, head = migrations.current_revision(engine), migrations.head_revision(engine)
    if current != head:
        raise UserError(
            f"database is at {current or 'empty'}, head is {head}: run `tracker db upgrade`"
        )
    problems = migrations.drift(engine)
    if problems:
        raise UserError(f"schema differs from the models: {problems[0]}")
    click.echo(f"ok: at {head}, schema matches")


@db.command("backup")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Where to write the copy.")
@pass_state
def db_backup(state: State, /, output: Path | None) -> None:
    """A consistent copy of the SQLite database file."""
    from tracker.storage import migrations

    path = migrations.backup_sqlite(_engine(state), dest=output)
    if path is None:
        raise UserError("backup copies SQLite files; use pg_dump for PostgreSQL")
    click.echo(str(path))


# -- entry point -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every error is one line on stderr and exit code 2."""
    try:
        with reporting_errors():
            cli.main(args=argv, prog_name="tracker", standalone_mode=False)
    except click.exceptions.Abort:
        _say("aborted")
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        _say(f"tracker: error: {' '.join(exc.format_message().split())}")
        sys.exit(2)
