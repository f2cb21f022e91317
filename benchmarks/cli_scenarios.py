"""The command-line scenarios: CSV export against the sqlite3 shell, CSV import, event list."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from benchmarks.generate import DATA_DIR
from benchmarks.process import PYTHON, TRACKER, run, smoke
from benchmarks.stats import Measurement, Results, Verdict

Say = Callable[[str], None]

# The same events, in the same order, joined with their participants aggregated into one
# cell, written as CSV with a header: what `tracker export csv` does, minus tracker's other
# cells (tags, follow-ups, date labels), which only make tracker's side heavier.
SQLITE_EXPORT = """\
.headers on
.mode csv
.once {out}
SELECT e.id, e.start_date, e.end_date, e.precision, e.kind, e.title, e.status, e.location,
  (SELECT group_concat(s.name || ' (' || p.role || ', ' || p.attendance || ')', '; ')
     FROM participations p JOIN stakeholders s ON s.id = p.stakeholder_id
    WHERE p.event_id = e.id) AS participants,
  e.source, e.summary, e.notes
FROM events e ORDER BY e.start_date, e.sort_time, e.id;
"""

MONTH = ("May 2022", "May 2022")  # `event list --from --to`: one month in the middle


def sqlite_shell() -> str | None:
    return shutil.which("sqlite3")


def export_csv(results: Results, db: Path, size: str, repeat: int, say: Say) -> None:
    """`tracker export csv` vs the sqlite3 shell, alternating, in the same run."""
    out = DATA_DIR / f"export-{size}.csv"
    shell = sqlite_shell()
    script = DATA_DIR / "sqlite-export.sql"
    script.write_text(SQLITE_EXPORT.format(out=DATA_DIR / f"sqlite-export-{size}.csv"))
    ours: list[float] = []
    theirs: list[float] = []
    if not smoke():
        run(
            [*TRACKER, "--db", str(db), "export", "csv", "--force", "-o", str(out)]
        )  # warm caches, untimed
    for attempt in range(repeat):
        ours.append(
            run([*TRACKER, "--db", str(db), "export", "csv", "--force", "-o", str(out)]).seconds
        )
        if shell:
            theirs.append(run([shell, "-bail", str(db)], stdin=script).seconds)
        say(f"  export {size} #{attempt + 1}: tracker {ours[-1]:.2f} s" + (
            f", sqlite3 {theirs[-1]:.2f} s" if theirs else ""
        ))  # fmt: skip
    tracker = Measurement("tracker export csv", size, ours)
    if not shell:
        results.add(
            tracker,
            Verdict("≤ 2× sqlite3 shell", None, "sqlite3 shell not found: apt-get install sqlite3"),
        )
        results.skipped.append("sqlite3 shell baseline: no `sqlite3` on PATH")
        return
    baseline = Measurement("sqlite3 shell export (baseline)", size, theirs)
    ratio = tracker.median / baseline.median
    results.add(
        tracker,
        Verdict("≤ 2× sqlite3 shell", ratio <= 2, f"{ratio:.2f}× its median"),
    )
    results.add(baseline)


def import_csv(results: Results, db: Path, size: str, repeat: int, say: Say) -> None:
    """`tracker import csv` of the exported file into a fresh, migrated, empty database."""
    source = DATA_DIR / f"export-{size}.csv"
    if not source.exists():
        run([*TRACKER, "--db", str(db), "export", "csv", "--force", "-o", str(source)])
    empty = DATA_DIR / "empty.sqlite3"
    # Made once, and brought to the schema's head whenever a migration came since: else
    # every measured import would upgrade its copy first (and back it up).
    run([*TRACKER, "--db", str(empty), "db", "upgrade"])
    for backup in DATA_DIR.glob("empty.sqlite3.*.bak"):
        backup.unlink()
    run([*TRACKER, "--db", str(empty), "db", "check"])
    target = DATA_DIR / "import-target.sqlite3"
    samples = []
    for attempt in range(repeat):
        for stale in DATA_DIR.glob("import-target.sqlite3*"):
            stale.unlink()
        shutil.copyfile(empty, target)
        result = run([*TRACKER, "--db", str(target), "import", "csv", str(source)])
        samples.append(result.seconds)
        say(f"  import {size} #{attempt + 1}: {result.seconds:.2f} s ({result.stdout.strip()})")
    m = Measurement("tracker import csv (empty database)", size, samples)
    results.add(m, Verdict("≤ 8 s, one transaction", m.median <= 8))


def event_list(results: Results, db: Path, size: str, repeat: int, say: Say) -> None:
    """`tracker event list --from --to` over one month, the whole process."""
    command = [*TRACKER, "--db", str(db), "event", "list", "--from", MONTH[0], "--to", MONTH[1]]
    if not smoke():
        run(command)  # warm the OS page cache: every run after the first reads the same pages
    samples = []
    rows = 0
    for attempt in range(repeat):
        result = run(command)
        rows = max(result.stdout.count("\n") - 1, 0)
        samples.append(result.seconds)
        say(f"  event list {size} #{attempt + 1}: {result.seconds:.2f} s, {rows} events")
    m = Measurement(
        "tracker event list --from --to (one month)", size, samples, note=f"{rows} rows"
    )
    results.add(m, Verdict("≤ 0.5 s", m.median <= 0.5))
    imports = [PYTHON, "-c", "import tracker.cli, tracker.services, tracker.render"]
    if not smoke():
        run(imports)
    floor = [run(imports).seconds for _ in range(repeat)]
    results.add(Measurement("floor: a process importing what `event list` imports", size, floor))


__all__ = ["SQLITE_EXPORT", "event_list", "export_csv", "import_csv"]
