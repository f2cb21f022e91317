"""The `tracker` group, its small commands (when, seed, undo) and the entry point."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from tracker import __version__
from tracker.cli.common import (
    State,
    echo,
    pass_state,
    say,
)
from tracker.cli.database import db
from tracker.cli.events import event
from tracker.cli.followups import followup
from tracker.cli.stakeholders import stakeholder
from tracker.cli.transfer import export, import_
from tracker.errors import UserError
from tracker.launch import reporting_errors

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

        state.check_database()  # a --db file not there is made, and said so
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
    echo(f"{parsed.label}  →  {dates.describe(parsed)}  ({parsed.precision})")


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


@cli.command()
@click.option("--dry-run", is_flag=True, help="Say what would be undone; change nothing.")
@click.option("--forget", is_flag=True, help="Drop the last change from the list, undoing nothing.")
@pass_state
def undo(state: State, /, dry_run: bool, forget: bool) -> None:
    """Take back the last change made from the command line on this database (an add, an
    edit, a delete or a merge); run it again for the one before. Refused, and kept, when the
    record was changed since by anyone else."""
    from tracker.services.journal import Journal
    from tracker.services.undo import undo as take_back

    settings = state.settings
    journal = Journal(settings.data_dir, settings.db_url)
    change = journal.peek()
    if change is None:
        raise UserError("nothing to undo: no change made from the command line is recorded")
    if dry_run:
        echo(f"would undo {change.describe()}")
        return
    if forget:
        journal.pop()
        echo(f"forgot {change.describe()} (not undone)")
        return
    try:
        take_back(state.services, change)
    except UserError as exc:
        raise UserError(
            f"cannot undo {change.describe()}: {exc.message}", cli=" (--forget drops it)"
        ) from None
    journal.pop()
    echo(f"undid {change.describe()}")


for _group in (event, stakeholder, followup, export, import_, db):
    cli.add_command(_group)


# -- entry point -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every error is one line on stderr and exit code 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with reporting_errors(unexpected=True):
            _check_text(args)
            cli.main(args=args, prog_name="tracker", standalone_mode=False)
    except KeyboardInterrupt:
        say("tracker: cancelled")
        sys.exit(130)
    except click.exceptions.Abort:
        say("aborted")
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        say(f"tracker: error: {' '.join(exc.format_message().split())}")
        sys.exit(2)


def _check_text(args: list[str]) -> None:
    """Refuse an argument that is not UTF-8 text (the terminal or the shell passed bytes
    that no name, title or file name tracker stores can hold)."""
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
            raise UserError(f"argument {shown!r} is not UTF-8 text") from None
