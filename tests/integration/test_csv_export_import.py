"""Timeline CSV: columns, quoting, spreadsheet safety, filters, atomic files and round trips."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker.clock import FixedClock
from tracker.dates import DateOrder, at_own_offset, rebuild
from tracker.domain import (
    Attendance,
    EventDraft,
    EventFilter,
    EventKind,
    ParticipantSpec,
    Precision,
    Role,
    StakeholderDraft,
    StakeholderKind,
)
from tracker.errors import UserError
from tracker.exporting import csv as timeline_csv
from tracker.services import ImportRejected, Services
from tracker.services.context import Context
from tracker.services.transfer import _exact
from tracker.settings import Settings
from tracker.storage.engine import make_engine

FIXTURES = Path(__file__).parent.parent / "fixtures"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_columns_order_and_participants(seeded: Services, tmp_path: Path) -> None:
    out = tmp_path / "timeline.csv"
    count = seeded.transfer.export_csv(out)
    data = read(out)
    assert count == len(data) == seeded.events.count()
    assert list(data[0]) == list(timeline_csv.COLUMNS)
    assert [r["start"] for r in data] == sorted(r["start"] for r in data)
    call = next(r for r in data if r["title"] == "Call with President Xiomara Castro")
    assert (call["start"], call["end"], call["when"], call["precision"]) == (
        "2022-05-21",
        "2022-05-31",
        "late May 2022",
        "part",
    )
    assert "Xiomara Castro (participant, " in call["participants"]
    summit = next(r for r in data if r["title"] == "Summit of the Americas")
    assert "Xiomara Castro (invited, invited)" in summit["participants"]
    assert int(summit["follow_ups_open"]) >= 1
    assert out.read_bytes().count(b"\r\n") >= len(data) + 1  # RFC 4180 line ends
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_excel_flag_writes_bom_and_accents(seeded: Services, tmp_path: Path) -> None:
    out = tmp_path / "excel.csv"
    seeded.transfer.export_csv(out, excel=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "García".encode() in raw or "Méndez".encode() in raw or b"Tegucigalpa" in raw


def test_filters_apply_to_export(seeded: Services, tmp_path: Path) -> None:
    out = tmp_path / "calls.csv"
    flt = EventFilter(kinds=(EventKind.CALL,), with_names=("Castro",))
    seeded.transfer.export_csv(out, flt)
    assert [r["title"] for r in read(out)] == ["Call with President Xiomara Castro"]


def tricky_events(services: Services) -> None:
    services.events.add(
        EventDraft(
            title='=HYPERLINK("http://evil.example","click")',
            kind=EventKind.MEETING,
            when="May 13, 2022 2:30pm",
            location="Tegucigalpa, Honduras",
            summary='Said "hello", then left;\nsecond line',
            notes="-5 is a number\r\nand @mention",
            tags=("a", "b-c"),
            participants=(
                ParticipantSpec("Ana María Méndez-Dardón", Role.SPEAKER, Attendance.ATTENDED),
            ),
        ),
        create=True,
    )
    services.events.add(EventDraft(title="+1 for the plan", kind=EventKind.CALL, when="Q3 2022"))
    services.events.add(EventDraft(title="'=already quoted", kind=EventKind.OTHER, when="2021"))
    services.events.add(
        EventDraft(title="Offset", kind=EventKind.CALL, when="2022-05-13T14:30-04:00")
    )


def test_csv_injection_is_neutralised_and_undone(services: Services, tmp_path: Path) -> None:
    tricky_events(services)
    out = tmp_path / "t.csv"
    services.transfer.export_csv(out)
    data = read(out)
    cells = [cell for row in data for cell in row.values()]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    titles = {r["title"] for r in data}
    assert '\'=HYPERLINK("http://evil.example","click")' in titles
    assert "'+1 for the plan" in titles
    assert "''=already quoted" in titles


HIDDEN_FORMULAS = (
    "\uff1dHYPERLINK(1)",  # full-width =
    "\uff0b1 for the plan",
    "\u200b=SUM(A1)",  # a zero-width space before =
    "\ufeff@mention",  # a byte-order mark before @
    "'\u2060-5",
)


def test_full_width_and_invisible_formulas_are_neutralised_and_undone(
    services: Services, services_factory, tmp_path: Path
) -> None:
    for title in HIDDEN_FORMULAS:
        services.events.add(EventDraft(title=title, kind=EventKind.CALL, when="May 2022"))
    out = tmp_path / "t.csv"
    services.transfer.export_csv(out)
    assert sorted(r["title"] for r in read(out)) == sorted("'" + t for t in HIDDEN_FORMULAS)
    fresh = services_factory("fresh.sqlite3")
    fresh.transfer.import_csv(out)
    assert sorted(e.title for e in fresh.events.list()) == sorted(HIDDEN_FORMULAS)


def test_round_trip_into_an_empty_database(
    seeded: Services, services_factory, tmp_path: Path
) -> None:
    tricky_events(seeded)
    first = tmp_path / "first.csv"
    seeded.transfer.export_csv(first)
    fresh = services_factory("fresh.sqlite3")
    report = fresh.transfer.import_csv(first)
    assert report.added == seeded.events.count()
    second = tmp_path / "second.csv"
    fresh.transfer.export_csv(second)
    assert first.read_bytes() == second.read_bytes()
    # Importing the same file again adds nothing.
    again = fresh.transfer.import_csv(first)
    assert (again.added, again.skipped) == (0, report.added)


def test_import_reports_every_bad_row_and_writes_nothing(services: Services) -> None:
    bad = FIXTURES / "bad-rows.csv"
    with pytest.raises(ImportRejected) as caught:
        services.transfer.import_csv(bad)
    problems = [str(p) for p in caught.value.problems]
    assert problems == [
        'line 3: cannot read "sometime soon" as a date: expected e.g. "May 13, 2022", '
        '"late May 2022", "Q2 2022"',
        "line 4: unknown kind 'party' (one of: call, meeting, summit, inauguration, trip, "
        "announcement, hearing, other)",
        "line 6: the title is empty",
    ] or all(p.startswith(("line 3:", "line 4:", "line 6:")) for p in problems)
    assert [p.line for p in caught.value.problems] == [3, 4, 6]
    assert services.events.count() == 0
    assert services.stakeholders.list() == []


def test_import_dry_run_writes_nothing(services: Services) -> None:
    report = services.transfer.import_csv(FIXTURES / "hand-made.csv", dry_run=True)
    assert report.added == 3 and report.dry_run
    assert services.events.count() == 0


def test_import_hand_made_file_with_fuzzy_when_column(services: Services) -> None:
    report = services.transfer.import_csv(FIXTURES / "hand-made.csv")
    assert report.added == 3
    events = services.events.list()
    assert [e.when.label for e in events] == ["late May 2022", "June 6–10, 2022", "Q3 2022"]
    summit = events[1]
    assert {p.name for p in summit.participants} == {"Joe Biden", "Xiomara Castro"}
    assert sorted(report.created_stakeholders) == ["Joe Biden", "Xiomara Castro"]


def test_import_finds_a_name_written_without_its_accents(
    services: Services, tmp_path: Path
) -> None:
    services.stakeholders.add(StakeholderDraft("André Carson", StakeholderKind.PERSON))
    path = tmp_path / "plain.csv"
    path.write_text(
        "title,kind,when,participants\n"
        'Hearing,hearing,May 2022,"Andre Carson (speaker, attended)"\n'
        "Call,call,June 2022,Łukasz Nowak\n"
        "Visit,trip,July 2022,lukasz nowak\n"
        "Dinner,meeting,July 2022,LUKASZ NOWAK\n",
        encoding="utf-8",
    )
    report = services.transfer.import_csv(path)
    assert report.added == 4 and report.created_stakeholders == ["Łukasz Nowak"]
    people = {e.title: [p.name for p in e.participants] for e in services.events.list()}
    assert people == {
        "Hearing": ["André Carson"],
        "Call": ["Łukasz Nowak"],
        "Visit": ["Łukasz Nowak"],
        "Dinner": ["Łukasz Nowak"],
    }


def test_golden_export(services: Services, tmp_path: Path) -> None:
    tricky_events(services)
    out = tmp_path / "golden.csv"
    services.transfer.export_csv(out)
    expected = (FIXTURES / "golden-export.csv").read_bytes()
    assert out.read_bytes() == expected


def test_failed_export_leaves_no_file(seeded: Services, tmp_path: Path) -> None:
    out = tmp_path / "partial.csv"
    out.write_text("old content\n")

    def exploding_rows(flt: EventFilter = EventFilter()):
        yield from list(seeded.transfer.rows(flt))[:3]
        raise RuntimeError("disk on fire")

    seeded.transfer.rows = exploding_rows  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        seeded.transfer.export_csv(out)
    assert out.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".partial")] == []


def test_export_to_missing_folder_is_a_user_error(seeded: Services, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot write"):
        seeded.transfer.export_csv(tmp_path / "nope" / "x.csv")


def test_cli_export_and_import(cli, tmp_path: Path, cli_env: Path, monkeypatch) -> None:
    assert cli("seed").code == 0
    out = tmp_path / "out.csv"
    result = cli("export", "csv", "-o", str(out), "--from", "Q2 2022", "--kind", "summit")
    assert result.code == 0
    assert result.err.strip() == f"wrote 2 events to {out}"
    assert [r["title"] for r in read(out)] == ["US-ASEAN Special Summit", "Summit of the Americas"]
    stdout = cli("export", "csv", "--tag", "asean").out
    assert len(list(csv.DictReader(io.StringIO(stdout)))) == 1

    monkeypatch.setenv("TRACKER_DB", f"sqlite:///{tmp_path / 'other.sqlite3'}")
    bad = cli("import", "csv", str(FIXTURES / "bad-rows.csv"))
    assert bad.code == 2
    created, *lines = bad.err.strip().splitlines()
    assert created == f"creating a new database at {tmp_path / 'other.sqlite3'}"
    assert [line.split(": ")[1] for line in lines[:-1]] == ["line 3", "line 4", "line 6"]
    assert lines[-1] == "tracker: error: 3 bad rows; nothing was imported"
    with sqlite3.connect(tmp_path / "other.sqlite3") as conn:
        assert conn.execute("select count(*) from events").fetchone() == (0,)
    good = cli("import", "csv", str(out))
    assert good.code == 0 and good.out.startswith("added 2 events")
    assert json.loads(cli("event", "list", "--format", "json").out)[0]["title"] == (
        "US-ASEAN Special Summit"
    )


TRAVELS_COLUMNS = [
    "--column", "kind=trip",
    "--column", "title={name}: trip to {country}",
    "--column", "start={start_date}",
    "--column", "end={end_date}",
    "--column", "location={locale}, {country}",
    "--column", "participants={name}",
    "--column", "notes={remarks}",
    "--column", "tags={role}",
]  # fmt: skip


def test_import_another_layout_with_column_templates(cli, tmp_path: Path) -> None:
    """Real State Department travel records, mapped onto the timeline by templates."""
    travels = FIXTURES / "state-dept-travels-excerpt.csv"
    result = cli("import", "csv", str(travels), *TRAVELS_COLUMNS)
    assert result.code == 0, result.err
    assert result.out.startswith("added 8 events")
    data = json.loads(cli("event", "list", "--with", "Joseph R. Biden", "--format", "json").out)
    first = data[0]
    assert first["title"] == "Joseph R. Biden: trip to United Kingdom"
    assert first["when"]["label"] == "June 9–13, 2021"
    assert first["location"] == "London, Cornwall, United Kingdom"
    assert "G7" in first["notes"] and first["tags"] == ["president"]
    vatican = next(e for e in data if e["title"].endswith("Vatican City"))
    assert vatican["location"] == "Vatican City"  # no dangling ", " for the empty locale
    assert vatican["when"]["label"] == "October 29, 2021"


def test_column_templates_must_name_real_columns(cli) -> None:
    travels = FIXTURES / "state-dept-travels-excerpt.csv"
    plain = cli("import", "csv", str(travels))
    assert plain.code == 2 and "--column FIELD=TEMPLATE" in plain.err
    typo = cli("import", "csv", str(travels), *TRAVELS_COLUMNS, "--column", "summary={remark}")
    assert typo.code == 2 and "no column 'remark'" in typo.err
    unknown = cli("import", "csv", str(travels), "--column", "colour=red")
    assert unknown.code == 2 and "'colour' is not a timeline column" in unknown.err


LABEL_ZONES = (
    dt.UTC,
    ZoneInfo("America/New_York"),
    ZoneInfo("Europe/London"),
    ZoneInfo("Australia/Lord_Howe"),
    dt.timezone(dt.timedelta(hours=-3)),
)


@settings(max_examples=300, deadline=None)
@given(
    instant=st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2100, 12, 30)),
    zone=st.sampled_from(LABEL_ZONES),
    own_offset=st.sampled_from([None, 0, -300, 330]),  # None: the local zone's own offset
    label_zone=st.sampled_from(["local", "own", "UTC", "America/New_York"]),
    order=st.sampled_from(["mdy", "dmy"]),
)
# New York's second 1:30 AM of 2022-11-06, written at UTC: its local label spells out -05:00.
@example(dt.datetime(2022, 11, 6, 6, 30), ZoneInfo("America/New_York"), 0, "local", "mdy")
def test_a_time_and_its_label_are_read_as_the_label_says(
    instant: dt.datetime,
    zone: dt.tzinfo,
    own_offset: int | None,
    label_zone: str,
    order: DateOrder,
) -> None:
    """A time's exact `start`/`end` cells (an instant at an offset) with a `when` label: the
    label is kept when reading it gives that very instant, otherwise the time is labelled at
    its own offset; the import's shortcuts (`at_own_offset`, `at_local_time`) answer as
    reading the label does."""
    at = instant.replace(second=0, microsecond=0, tzinfo=dt.UTC)
    offset = (
        at.astimezone(zone).utcoffset() or dt.timedelta()
        if own_offset is None
        else dt.timedelta(minutes=own_offset)
    )
    start_at = at.astimezone(dt.timezone(offset))
    zone_name = {"local": getattr(zone, "key", None) or "UTC", "own": None}.get(
        label_zone, label_zone
    )
    written = (
        rebuild(at.date(), at.date(), Precision.MINUTE, at, at, zone_name, order=order).label
        if zone_name
        else ""
    )
    settings_ = Settings(db_url="sqlite://", data_dir=Path("."), date_order=order, local_tz=zone)
    ctx = Context(
        engine=make_engine("sqlite://"),
        clock=FixedClock.on(dt.date(2026, 6, 15)),
        settings=settings_,
    )
    by_offset = at_own_offset(start_at, start_at, order=order)
    assert by_offset is not None
    # What reading the label gives: a label with an offset is read, and one without when
    # the local zone has the time's own offset at its wall time; kept if it is this instant.
    expected = by_offset
    local = zone.utcoffset(start_at.replace(tzinfo=None))
    if written and written != by_offset.label and (written[-6:-5] in "+-" or local == offset):
        read = ctx.parse_when(written)
        if read.start_at == at and read.end_at == at:
            expected = read
    iso = start_at.isoformat()
    assert _exact(ctx, iso, iso, Precision.MINUTE, written) == expected
