"""`tracker db ...`: migrations and backups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tracker.cli.common import (
    State,
    confirmed,
    pass_state,
    say,
)
from tracker.errors import UserError


@click.group()
def db() -> None:
    """Schema migrations and backups."""


def _engine(state: State) -> Any:
    from tracker.paths import make_private_dirs
    from tracker.storage.engine import make_engine

    state.check_database()
    if state.settings.is_default_db:
        make_private_dirs(state.settings.data_dir)
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
        say(f"backup: {result.backup}")
    click.echo(f"upgraded {result.from_revision or 'empty'} → {result.to_revision}")


@db.command("downgrade")
@click.argument("revision")
@confirmed(
    lambda revision: (
        "downgrade to base, removing every table and all data (a backup is made)"
        if revision == "base"
        else None
    )
)
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
