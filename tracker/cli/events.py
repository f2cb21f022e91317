"""`tracker event ...`: add, list, show, edit, delete."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tracker.cli.common import (
    ID,
    F,
    State,
    choice,
    confirmed,
    echo,
    edited,
    pass_state,
    remember,
    say,
    say_created,
    terminal_safe,
)
from tracker.domain import (
    Change,
    EventChanges,
    EventDraft,
    EventFilter,
    EventKind,
    EventStatus,
    ParticipantSpec,
)
from tracker.errors import UserError
from tracker.launch import database_error

if TYPE_CHECKING:
    from tracker.services.quick import QuickReads
    from tracker.services.reading import DateReader


def participant_specs(specs: tuple[str, ...]) -> tuple[ParticipantSpec, ...]:
    from tracker.services.names import parse_participant

    return tuple(ParticipantSpec(*parse_participant(spec)) for spec in specs)


def event_filters(func: F) -> F:
    """The filter options shared by `event list` and `export csv`."""
    options = [
        click.option("--from", "date_from", metavar="WHEN", help="On or after (fuzzy: 'Q2 2022')."),
        click.option("--to", "date_to", metavar="WHEN", help="On or before (fuzzy: 'June 2022')."),
        click.option("--kind", "kinds", multiple=True, type=choice(EventKind), help="Repeatable."),
        click.option("--with", "with_names", multiple=True, metavar="NAME", help="Involving NAME."),
        click.option("--tag", "tags", multiple=True, metavar="TAG", help="Tagged TAG (all given)."),
        click.option("--status", "statuses", multiple=True, type=choice(EventStatus)),
        click.option("--search", metavar="TEXT", help="Words in title, place, notes or names."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def filter_of(reader: DateReader, /, **kw: Any) -> EventFilter:
    return EventFilter(
        date_from=reader.parse_day_bound(kw["date_from"], end=False) if kw["date_from"] else None,
        date_to=reader.parse_day_bound(kw["date_to"], end=True) if kw["date_to"] else None,
        kinds=tuple(EventKind(k.lower()) for k in kw["kinds"]),
        with_names=tuple(kw["with_names"]),
        tags=tuple(kw["tags"]),
        statuses=tuple(EventStatus(s.lower()) for s in kw["statuses"]),
        search=kw["search"],
    )


@click.group()
def event() -> None:
    """Add, list, show, edit and delete events."""


def event_fields(func: F) -> F:
    options = [
        click.option(
            "--until", metavar="WHEN", help="End of a span: --when 'June 6' --until 'June 10'."
        ),
        click.option("--location", metavar="PLACE"),
        click.option("--status", type=choice(EventStatus)),
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
@click.option("--kind", required=True, type=choice(EventKind))
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
        participants=participant_specs(kw["with_specs"]),
    )
    events = state.services.events
    view, created = events.add(draft, create=kw["create"])
    remember(state, Change("added", None, events.snapshot(view.id)))
    say_created(created)
    echo(f"added event {view.id}: {view.title} ({view.when.label})")


@event.command("list")
@event_filters
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option(
    "--limit", type=click.IntRange(min=1, max=2**63 - 1), help="At most this many events."
)
@pass_state
def event_list(state: State, /, fmt: str, limit: int | None, **kw: Any) -> None:
    """List events in date order; every filter narrows the list."""
    if fmt == "csv":
        flt = filter_of(state.services.ctx, **kw)
        state.services.transfer.export_csv(terminal_safe(sys.stdout), flt)
        return
    from tracker.services.quick import collector_paused

    with collector_paused():  # thousands of views, none in a reference cycle
        if fmt == "json":
            from tracker.render import dumps, event_json

            read, views = read_quickly(state, kw, lambda q, flt: q.list(flt, limit=limit))
            flt = read if read is not None else filter_of(state.services.ctx, **kw)
            if views is None:
                views = state.services.events.list(flt, limit=limit)
            click.echo(dumps([event_json(e) for e in views]))
            return
        from tracker.render import events_table

        read, lines = read_quickly(
            state, kw, lambda q, flt: q.lines(flt, limit=limit), twins=limit is None
        )
        flt = read if read is not None else filter_of(state.services.ctx, **kw)
        events = lines if lines is not None else state.services.events.list(flt, limit=limit)
        if events:
            click.echo(events_table(events))
        else:
            say("no events match" if not flt.is_empty() else "no events yet (try `tracker seed`)")


Read = TypeVar("Read")


def read_quickly(
    state: State,
    kw: dict[str, Any],
    read: Callable[[QuickReads, EventFilter], Read],
    *,
    twins: bool = False,
) -> tuple[EventFilter | None, Read | None]:
    """The filter and `read(quick, filter)` when quick reads can answer (a SQLite file at the
    schema head, a filter they cover), without loading SQLAlchemy; else what is known so far
    (the filter, if the file could be opened) and None: the services answer then."""
    import sqlite3

    from tracker.services.quick import Unreadable

    state.check_database()
    quick = state.quick(twins=twins)
    if quick is None:
        return None, None
    try:
        flt = filter_of(quick.reader, **kw)
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
@click.argument("event_id", type=ID)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def event_show(state: State, /, event_id: int, as_json: bool) -> None:
    """Everything about one event."""
    from tracker.render import dumps, event_detail, event_json

    view = state.services.events.get(event_id)
    click.echo(dumps(event_json(view)) if as_json else event_detail(view))


@event.command("edit")
@click.argument("event_id", type=ID)
@click.option("--title")
@click.option("--kind", type=choice(EventKind))
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
        participants=participant_specs(kw["with_specs"]) if kw["with_specs"] else None,
        add_participants=participant_specs(kw["add_with"]),
        remove_participants=tuple(kw["remove_with"]),
    )
    if changes == EventChanges():
        raise UserError("nothing to change: give at least one option (see --help)")
    events = state.services.events
    view, created = edited(
        state, events, event_id, lambda: events.edit(event_id, changes, create=kw["create"])
    )
    say_created(created)
    echo(f"updated event {view.id}: {view.title} ({view.when.label})")


@event.command("delete")
@click.argument("event_id", type=ID)
@confirmed(lambda event_id, **_: f"delete event {event_id} and its participations")
@pass_state
def event_delete(state: State, /, event_id: int) -> None:
    """Delete an event and its participations; its follow-ups stay, detached."""
    deleted = state.services.events.delete(event_id)
    remember(state, Change("deleted", deleted, None))
    detached = len(deleted.detached_follow_ups)
    extra = (
        f"; {detached} follow-up{'s' if detached != 1 else ''} kept, detached" if detached else ""
    )
    echo(f"deleted event {event_id}: {deleted.label}{extra}")
