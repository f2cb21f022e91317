"""`tracker export csv` and `tracker import csv`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tracker.cli.common import (
    State,
    pass_state,
    plural,
    say,
    terminal_safe,
)
from tracker.cli.events import event_filters, filter_of, read_quickly
from tracker.domain import StakeholderKind
from tracker.errors import UserError


@click.group()
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
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@event_filters
@pass_state
def export_csv(state: State, /, output: Path | None, excel: bool, force: bool, **kw: Any) -> None:
    """The timeline as CSV, one row per event in date order (honours every filter)."""
    if output is not None and not force:
        from tracker.exporting.files import refuse_existing

        refuse_existing(output.expanduser(), what="export", hint=" (--force replaces it)")
    target = terminal_safe(sys.stdout) if output is None else output
    read, count = read_quickly(
        state, kw, lambda q, flt: q.export_csv(target, flt, excel=excel, replace=force)
    )
    if count is None:
        flt = read if read is not None else filter_of(state.services.ctx, **kw)
        count = state.services.transfer.export_csv(target, flt, excel=excel, replace=force)
    if output is not None:
        say(f"wrote {count} event{'s' if count != 1 else ''} to {output}")


@click.group("import")
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
    from tracker.storage.engine import writing

    try:
        services = state.services
        with writing(services.ctx.engine, f"an import of {path.name}"):
            report = services.transfer.import_csv(path, dry_run=dry_run, columns=columns)
    except ImportRejected as exc:
        for problem in exc.problems:
            say(f"{path}: {problem}")
        raise
    except KeyboardInterrupt:  # the transaction was rolled back on the way out
        raise UserError("import cancelled, nothing written") from None
    finally:
        import_start.discard()  # one the import did not take
    verb = "would add" if dry_run else "added"
    parts = [f"{verb} {plural(report.added, 'event')}"]
    if report.follow_ups:
        parts.append(plural(report.follow_ups, "follow-up"))
    if report.created_stakeholders:
        parts.append(plural(len(report.created_stakeholders), "new stakeholder"))
    if report.skipped:
        parts.append(f"skipped {report.skipped} already present")
    click.echo(", ".join(parts) + f" from {report.rows} rows")


@import_.command("stakeholders")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option(
    "--column",
    "column_specs",
    multiple=True,
    metavar="FIELD=TEMPLATE",
    help="Fill a stakeholder field from the file's own columns: --column 'name={full_name}' "
    "--column 'tags={party}' (braces name the file's columns).",
)
@click.option(
    "--kind",
    "default_kind",
    type=click.Choice([k.value for k in StakeholderKind], case_sensitive=False),
    help="The kind of every row whose kind cell is empty (or that has no kind column).",
)
@click.option("--create", is_flag=True, help="Add an affiliation nobody has as an organization.")
@pass_state
def import_stakeholders(
    state: State,
    /,
    path: Path,
    dry_run: bool,
    column_specs: tuple[str, ...],
    default_kind: str | None,
    create: bool,
) -> None:
    """Import stakeholders from a CSV file: name, kind, title, affiliation, country, aliases,
    tags, notes (aliases and tags separated by ';'; other layouts with --column).

    Any bad row: each is reported with its line and nothing is written. A row whose name or
    alias names a stakeholder already is skipped, and reported when its fields differ.
    """
    from tracker.services import ImportRejected
    from tracker.services.stakeholder_import import read_stakeholder_rows, stakeholder_templates

    rows = read_stakeholder_rows(path, stakeholder_templates(column_specs))
    kind = StakeholderKind(default_kind.lower()) if default_kind else None
    try:
        report = state.services.stakeholders.import_rows(
            rows, kind=kind, create=create, dry_run=dry_run
        )
    except ImportRejected as exc:
        for problem in exc.problems:
            say(f"{path}: {problem}")
        raise
    verb = "would add" if dry_run else "added"
    parts = [f"{verb} {plural(report.added, 'stakeholder')}"]
    if report.created:
        parts.append(f"{plural(len(report.created), 'new organization')} as affiliations")
    present = report.skipped + len(report.differ)
    if present:
        said = f"skipped {present} already present"
        if report.differ:
            lines = ", ".join(str(line) for line in report.differ)
            said += f", {len(report.differ)} of them differ (not changed): lines {lines}"
        parts.append(said)
    click.echo(", ".join(parts) + f" from {report.rows} rows")
