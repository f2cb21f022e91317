"""SQLite settings, migrations (empty → head, round trip, drift, backups) and integrity."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import DateTime, text
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.exc import IntegrityError

from tests.conftest import ARTICLE_DAY
from tests.databases import older_database
from tracker.clock import FixedClock
from tracker.domain import EventFilter
from tracker.errors import UserError
from tracker.services import Services, open_services
from tracker.settings import Settings
from tracker.storage import migrations
from tracker.storage.engine import make_engine
from tracker.storage.models import Base
from tracker.storage.types import UTCDateTime


def test_sqlite_connections_are_configured(services: Services, db_path: Path) -> None:
    with services.ctx.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(services: Services) -> None:
    with pytest.raises(IntegrityError), services.ctx.write() as session:
        session.execute(
            text(
                "INSERT INTO participations (event_id, stakeholder_id, role, attendance) "
                "VALUES (999, 999, 'host', 'invited')"
            )
        )


def test_empty_to_head_round_trip_and_no_drift(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    assert migrations.current_revision(engine) is None
    migrations.upgrade(engine)
    head = migrations.head_revision(engine)
    assert migrations.current_revision(engine) == head
    assert migrations.drift(engine) == []
    migrations.downgrade(engine, "base")
    assert migrations.current_revision(engine) is None
    with engine.connect() as conn:
        tables = {
            r[0] for r in conn.exec_driver_sql("select name from sqlite_master where type='table'")
        }
    assert tables <= {"alembic_version"}
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == head
    assert migrations.drift(engine) == []


def _rows_and_storage(path: Path) -> dict[str, tuple[list[tuple[object, ...]], bool]]:
    """Each key-ordered table's rows, and whether it still has a rowid."""
    found = {}
    with sqlite3.connect(path) as conn:
        for table in ("participations", "event_tags"):
            rows = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            try:
                conn.execute(f"SELECT rowid FROM {table} LIMIT 1")
                has_rowid = True
            except sqlite3.OperationalError:  # no such column: a WITHOUT ROWID table
                has_rowid = False
            found[table] = (rows, has_rowid)
    return found


def _table_sql(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name IN ('participations', "
            "'event_tags') AND sql IS NOT NULL"
        ).fetchall()
    # a table made by a rename is stored as `CREATE TABLE IF NOT EXISTS "name"`
    return {
        name: " ".join(sql.replace("IF NOT EXISTS ", "").replace('"', "").split())
        for name, sql in rows
    }


def test_participations_and_tags_are_stored_in_key_order_and_keep_their_rows(
    seeded: Services, db_path: Path, tmp_path: Path
) -> None:
    engine = seeded.ctx.engine
    at_head = _rows_and_storage(db_path)
    assert all(rows and not has_rowid for rows, has_rowid in at_head.values())

    # The models create what the migrations make (autogenerate does not compare storage).
    fresh = tmp_path / "from-models.sqlite3"
    fresh_engine = make_engine(f"sqlite:///{fresh}")
    Base.metadata.create_all(fresh_engine)
    fresh_engine.dispose()
    assert _table_sql(db_path) == _table_sql(fresh) != {}

    seeded.close()
    migrations.downgrade(engine, "0005")
    before = _rows_and_storage(db_path)
    assert {table: rows for table, (rows, _) in before.items()} == {
        table: rows for table, (rows, _) in at_head.items()
    }
    assert all(has_rowid for _, has_rowid in before.values())

    migrations.upgrade(engine, backup=False)
    assert _rows_and_storage(db_path) == at_head
    assert migrations.drift(engine) == []
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_single_head() -> None:
    from alembic.script import ScriptDirectory

    engine = make_engine("sqlite://")
    scripts = ScriptDirectory.from_config(migrations.alembic_config(engine))
    assert len(scripts.get_heads()) == 1


def test_opening_an_older_database_upgrades_it_with_a_backup(tmp_path: Path) -> None:
    path = older_database(tmp_path / "old.sqlite3")
    settings = Settings(db_url=f"sqlite:///{path}", data_dir=tmp_path)
    services = open_services(settings, FixedClock.on(ARTICLE_DAY))
    try:
        assert migrations.current_revision(services.ctx.engine) == migrations.head_revision(
            services.ctx.engine
        )
        # The data survived and the new search index covers the old rows.
        assert [e.title for e in services.events.list()] == ["Call with Castro"]
        assert services.events.count(EventFilter(search="castro")) == 1
    finally:
        services.close()
    backups = sorted(tmp_path.glob("old.sqlite3.*.bak"))
    assert len(backups) == 1 and "before-upgrade-from-0001" in backups[0].name
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("select version_num from alembic_version").fetchall() == [("0001",)]
        assert conn.execute("select title from events").fetchall() == [("Call with Castro",)]


def test_a_foreign_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("create table stuff (x)")
    with pytest.raises(UserError, match="does not look like a tracker database"):
        open_services(Settings(db_url=f"sqlite:///{path}", data_dir=tmp_path))
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("select name from sqlite_master")]
    assert names == ["stuff"]


def test_backup_command(cli, cli_env: Path, tmp_path: Path) -> None:
    cli("seed")
    out = tmp_path / "copy.sqlite3"
    result = cli("db", "backup", "-o", str(out))
    assert result.code == 0 and result.out.strip() == str(out)
    with sqlite3.connect(out) as conn:
        assert conn.execute("select count(*) from events").fetchone()[0] > 10


def test_db_commands(cli, cli_env: Path) -> None:
    missing = cli("db", "current")
    assert missing.code == 2 and missing.err == f"tracker: error: no database at {cli_env}\n"
    upgraded = cli("db", "upgrade")
    assert upgraded.code == 0 and "upgraded empty" in upgraded.out
    assert upgraded.err == f"creating a new database at {cli_env}\n"
    assert "up to date" in cli("db", "current").out
    assert cli("db", "check").code == 0
    down = cli("db", "downgrade", "base", "--yes")
    assert down.code == 0 and down.out.strip() == "now at base"
    failed = cli("db", "check")
    assert failed.code == 2 and "tracker db upgrade" in failed.err
    assert cli("db", "upgrade").code == 0
    assert cli("db", "check").out.startswith("ok")


def test_deleting_an_event_detaches_follow_ups(seeded: Services) -> None:
    summit = next(e for e in seeded.events.list() if e.title == "Summit of the Americas")
    attached = [f.id for f in seeded.followups.list() if f.event_id == summit.id]
    assert attached
    deleted = seeded.events.delete(summit.id)
    assert set(deleted.detached_follow_ups) == set(attached)
    for follow_up_id in attached:
        assert seeded.followups.get(follow_up_id).event_id is None
    restored = seeded.events.restore(deleted)
    assert restored.id == summit.id
    assert [p.name for p in restored.participants] == [p.name for p in summit.participants]
    assert {f.id for f in restored.follow_ups} == set(attached)


@settings(max_examples=300)
@given(
    moment=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    offset=st.integers(-14 * 60, 14 * 60).map(lambda minutes: timedelta(minutes=minutes)),
)
def test_utc_instants_bind_on_sqlite_as_sqlalchemy_would(
    moment: datetime, offset: timedelta
) -> None:
    """`UTCDateTime`'s one-step SQLite bind gives the text its two steps gave
    (`process_bind_param`, then SQLAlchemy's own DATETIME processor)."""
    dialect = sqlite_dialect()
    column = UTCDateTime()
    aware = moment.replace(tzinfo=timezone(offset))
    sqlalchemy_text = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert sqlalchemy_text is not None
    expected = sqlalchemy_text(column.process_bind_param(aware, dialect))
    fast = column.bind_processor(dialect)
    assert fast is not None
    assert fast(aware) == expected
    assert fast(None) is None
    with pytest.raises(ValueError, match="naive"):
        fast(moment)
