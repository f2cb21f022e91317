"""Alembic from inside the app: find the scripts, upgrade to head (backing up SQLite first)."""

from __future__ import annotations

import datetime as dt
import glob
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError

from tracker.errors import UserError
from tracker.exporting.files import (
    put_in_place,
    refuse_existing,
    remove_stale_parts,
    temp_beside,
)
from tracker.storage.engine import is_sqlite, sqlite_path
from tracker.storage.lite import script_location, scripted_head
from tracker.storage.models import Base
from tracker.storage.search import include_name

if TYPE_CHECKING:  # Alembic loads in ~0.15 s: only when a migration or check runs
    from alembic.config import Config


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location()))
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser escaping
    config.attributes["configure_logging"] = False
    return config


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def _run(engine: Engine, action: str, revision: str) -> None:
    """Run an Alembic command in one transaction on one of the engine's connections.

    SQLite batch migrations copy and drop tables; with foreign keys on, dropping a parent
    would cascade, so they are switched off around the migration and checked afterwards.
    """
    from alembic import command
    from alembic.util import CommandError

    config = alembic_config(engine)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection if is_sqlite(engine) else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                try:
                    getattr(command, action)(config, revision)
                except CommandError as exc:
                    raise UserError(f"cannot {action} to {revision!r}: {exc}") from None
                if raw is not None:
                    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise UserError(f"migration left broken references: {problems[:3]}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def upgrade(engine: Engine, revision: str = "head", *, backup: bool = True) -> UpgradeResult:
    """Bring the schema to `revision`; an existing SQLite file is copied aside first."""
    before = current_revision(engine)
    target = head_revision(engine) if revision == "head" else known_revision(engine, revision)
    if before == target:
        return UpgradeResult(before, target, None)
    saved = None
    if backup and (before is not None or _has_tables(engine)):
        saved = backup_sqlite(engine, reason=f"before-upgrade-from-{before or 'unversioned'}")
    _run(engine, "upgrade", target)
    return UpgradeResult(before, target, saved)


def foreign_database(url: str) -> UserError:
    return UserError(
        f"{url} has tables but no tracker schema version; it does not look like a tracker database"
    )


def ensure_current(engine: Engine) -> UpgradeResult:
    """Upgrade only when the database is not at head (the cheap check runs at every start).

    The check reads the stored revision with one query and the head from the migration
    files' `revision`/`down_revision` lines, without importing Alembic; anything unusual
    (no version table, several heads, a file it cannot read) takes Alembic's full path.
    """
    head = scripted_head(str(script_location()))
    if head is not None and _stored_revision(engine) == head:
        return UpgradeResult(head, head, None)
    before = current_revision(engine)
    head = head_revision(engine)
    if before == head:
        return UpgradeResult(before, head, None)
    if before is None and set(inspect(engine).get_table_names()) - {"alembic_version"}:
        raise foreign_database(engine.url.render_as_string())
    if before is not None and before not in _known_revisions(engine):
        raise UserError(
            f"the database is at revision {before}, which this version of tracker does not know; "
            "upgrade tracker"
        )
    return upgrade(engine)


def downgrade(engine: Engine, revision: str) -> None:
    """Bring the schema down to `revision` ('base': no tables), checked before an existing
    SQLite file is copied aside."""
    current = current_revision(engine)
    target = "base" if revision == "base" else known_revision(engine, revision)
    if current is None:
        raise UserError("the database has no tracker schema version; nothing to downgrade")
    if target != "base" and target not in _below(engine, current):
        raise UserError(f"the database is at {current}; {target} is not below it")
    if target == current:
        return
    backup_sqlite(engine, reason=f"before-downgrade-from-{current}")
    _run(engine, "downgrade", target)


def known_revision(engine: Engine, revision: str) -> str:
    """The revision `revision` names (itself, or the one it is the start of), checked
    against the migration scripts; else a UserError listing them. Relative and symbolic
    revisions other than 'head' and 'base' are not taken."""
    known = _known_revisions(engine)
    if revision in known:
        return revision
    matches = [r for r in known if revision and r.startswith(revision)]
    if len(matches) == 1:
        return matches[0]
    listed = ", ".join(sorted(known))
    raise UserError(f"unknown revision {revision!r}: give head, base or one of {listed}")


def _below(engine: Engine, revision: str) -> set[str]:
    """`revision` and every revision before it."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(engine))
    return {script.revision for script in scripts.iterate_revisions(revision, "base")}


def drift(engine: Engine) -> list[object]:
    """Differences between the models and the migrated schema; empty when they agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": True, "include_name": include_name},
        )
        return list(compare_metadata(context, Base.metadata))


def backup_sqlite(
    engine: Engine, *, reason: str = "manual", dest: Path | None = None
) -> Path | None:
    """A consistent copy of the SQLite file (sqlite3's online backup), or None for other DBs.

    The copy is written to a temp file next to `dest` and renamed when complete (a killed
    backup leaves no file that looks like one), readable by the owner only; an existing
    file at `dest` is never replaced."""
    source = sqlite_path(engine)
    if source is None or not source.exists():
        return None
    if dest is None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        dest = source.with_name(f"{source.name}.{stamp}.{reason}.bak")
        # What a killed backup left (each has a name of its own: not the next one's).
        remove_stale_parts(dest, names=f"{glob.escape(source.name)}.*.bak")
    dest = dest.expanduser()
    refuse_existing(dest, what="backup")
    temp = temp_beside(dest)
    try:
        src, out = sqlite3.connect(source), sqlite3.connect(temp)
        try:
            src.backup(out)
        finally:
            out.close()
            src.close()
        with open(temp, "rb+") as written:
            os.fsync(written.fileno())
        put_in_place(temp, dest, replace=False)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return dest


def _has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


def _known_revisions(engine: Engine) -> set[str]:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(engine))
    return {script.revision for script in scripts.walk_revisions()}


def _stored_revision(engine: Engine) -> str | None:
    """The revision in alembic_version, or None (no table, no row, several rows)."""
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    except DBAPIError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None
