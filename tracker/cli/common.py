"""What every command shares: the invocation state, printing, confirmation, options."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, cast

import click

from tracker.domain import Change
from tracker.errors import UserError
from tracker.launch import check_new_database
from tracker.settings import Settings
from tracker.textsafe import VisibleWriter, visible_line

if TYPE_CHECKING:
    from tracker.services.quick import QuickReads
    from tracker.services.undo import Snapshots


F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

# Commands that only read or change what is there: on a SQLite file named with --db or
# TRACKER_DB that does not exist they say so, where the others create it.
_NEEDS_DATABASE = frozenset(
    {
        "event list",
        "event show",
        "event edit",
        "event delete",
        "stakeholder list",
        "stakeholder show",
        "stakeholder edit",
        "stakeholder merge",
        "stakeholder delete",
        "followup list",
        "followup done",
        "followup reopen",
        "followup edit",
        "followup delete",
        "export csv",
        "db current",
        "db check",
        "db backup",
        "db downgrade",
    }
)
ID = click.IntRange(min=0, max=2**63 - 1)  # ids: what SQL's integers hold


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

            self.check_database()
            self._services = open_services(self.settings)
        return self._services

    def check_database(self) -> None:
        """Before a command opens the database: a SQLite file named with --db or TRACKER_DB
        that is not there is an error for a command that needs one (see `_NEEDS_DATABASE`),
        and is created, saying so, by one that adds; its folder must exist. The default
        file is created on first use, as always."""
        ctx = click.get_current_context(silent=True)
        command = " ".join(ctx.command_path.split()[1:]) if ctx is not None else ""
        check_new_database(self.settings, needed=command in _NEEDS_DATABASE)

    def quick(self, *, twins: bool = False) -> QuickReads | None:
        """Quick reads of the database when it is a SQLite file at the schema head, else
        None (the services then open it, migrating it first if it needs that). Close it."""
        from tracker.services.quick import QuickReads

        return QuickReads.open(self.settings, twins=twins)

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


pass_state = click.make_pass_decorator(State)


def choice(enum: type[Any]) -> click.Choice[str]:
    return click.Choice([member.value for member in enum], case_sensitive=False)


def say(message: str) -> None:
    click.echo(visible_line(message), err=True)


def echo(message: str) -> None:
    """A line that may quote stored text, its control characters shown escaped."""
    click.echo(visible_line(message))


def terminal_safe(out: TextIO) -> TextIO:
    """`out`, or on a terminal, `out` showing control characters escaped (CSV, exact bytes
    when it goes to a file or a pipe, is shown to a person there)."""
    return cast(TextIO, VisibleWriter(out)) if out.isatty() else out


def ask(what: str) -> None:
    """Ask at a terminal before doing `what` ("delete event 3"); elsewhere refuse: a script
    passes --yes (exit 2, nothing done)."""
    if not sys.stdin.isatty():
        raise UserError(f"pass --yes to {what} (not asked: input is not a terminal)")
    click.confirm(visible_line(f"{what[:1].upper()}{what[1:]}?"), abort=True, err=True)


def confirmed(action: Callable[..., str | None]) -> Callable[[F], F]:
    """Add `--yes` to a command that destroys data. `action(**params)` says what it does
    ("delete event 3"), or None when there is nothing to confirm: asked at a terminal,
    required as --yes otherwise (refused, exit 2, nothing done)."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, yes: bool, **kwargs: Any) -> Any:
            what = action(**kwargs)
            if what is not None and not yes:
                ask(what)
            return func(*args, **kwargs)

        option = click.option("--yes", "-y", is_flag=True, help="Do not ask (needed in scripts).")
        return option(wrapper)  # type: ignore[return-value]

    return decorate


def remember(state: State, change: Change) -> None:
    """A change made from the command line, for `tracker undo` (the user's own journal of
    this database, in the data folder)."""
    from tracker.services.journal import Journal

    settings = state.settings
    Journal(settings.data_dir, settings.db_url).push(change)


def edited(state: State, service: Snapshots, record_id: int, edit: Callable[[], T]) -> T:
    """Run `edit` (a change to one record of `service`) and remember it for `tracker undo`:
    the record as it was before and as the edit left it."""
    before = service.snapshot(record_id)
    result = edit()
    remember(state, Change("edited", before, service.snapshot(record_id)))
    return result


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def say_created(names: list[str]) -> None:
    for name in names:
        say(f"created stakeholder {name!r} (kind other; change it with `tracker stakeholder edit`)")
