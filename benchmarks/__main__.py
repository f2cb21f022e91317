"""Run the benchmarks: `python -m benchmarks [--sizes 10k,100k,1m] [--repeat 5] [--only ...]`.

Builds the databases once (benchmarks/data/, git-ignored), runs each scenario several times
as fresh processes, prints a table of medians and 95th percentiles, and writes the same
table to benchmarks/RESULTS.md with the date and the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from benchmarks import cli_scenarios, machine, tui_scenarios
from benchmarks.generate import DATA_DIR, ensure_database
from benchmarks.stats import Results

SCENARIOS = ("export", "import", "list", "cold", "app")
# The size each target names; --sizes narrows them (the smoke test runs everything on "tiny").
WANTS = {
    "export": ["100k"],
    "import": ["100k"],
    "list": ["1m"],
    "cold": ["100k", "1m"],
    "app": ["1m"],
}
RESULTS_FILE = Path(__file__).with_name("RESULTS.md")


def say(text: str) -> None:
    print(text, flush=True)


def run_all(sizes: list[str] | None, only: list[str], repeat: int) -> Results:
    results = Results()
    wanted = {name: (sizes or WANTS[name]) for name in only}
    needed = sorted({size for names in wanted.values() for size in names})
    dbs = {}
    for size in needed:
        started = time.perf_counter()
        path, made = ensure_database(size)
        dbs[size] = path
        say(f"database {size}: {path}" + (f" (generated in {made.seconds:.0f} s)" if made else ""))
        if made is None:
            say(f"  reused (took {time.perf_counter() - started:.1f} s to check)")
    if "export" in only:
        if cli_scenarios.sqlite_shell() is None:
            say("!! the sqlite3 shell is not installed (apt-get install -y sqlite3): "
                "the export target cannot be checked")  # fmt: skip
        for size in wanted["export"]:
            say(f"export csv, {size}")
            cli_scenarios.export_csv(results, dbs[size], size, repeat, say)
    if "import" in only:
        for size in wanted["import"]:
            say(f"import csv, {size}")
            cli_scenarios.import_csv(results, dbs[size], size, repeat, say)
    if "list" in only:
        for size in wanted["list"]:
            say(f"event list, {size}")
            cli_scenarios.event_list(results, dbs[size], size, repeat, say)
    if "cold" in only:
        say("TUI cold start")
        tui_scenarios.cold_start(results, dbs, wanted["cold"], repeat, say)
    if "app" in only:
        for size in wanted["app"]:
            say(f"inside the app, {size}")
            tui_scenarios.in_app(results, dbs[size], size, repeat, say)
    return results


def report(results: Results, repeat: int) -> str:
    info = machine.describe()
    lines = [
        "# Benchmark results",
        "",
        f"Run with `python -m benchmarks` ({repeat} runs per scenario; medians and 95th "
        "percentiles). SQLite, databases from `benchmarks/generate.py` (seed fixed).",
        "",
        *(f"- **{key}**: {value}" for key, value in info.items()),
        "",
        results.table(),
        "",
    ]
    if results.skipped:
        lines += ["Skipped:", "", *(f"- {item}" for item in results.skipped), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--sizes", help="Comma-separated sizes for every scenario (10k,100k,1m).")
    parser.add_argument("--only", default=",".join(SCENARIOS), help=f"Any of {SCENARIOS}.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--results", type=Path, default=RESULTS_FILE, help="Where to write the table."
    )
    parser.add_argument("--no-results", action="store_true", help="Print only.")
    parser.add_argument(
        "--smoke", action="store_true", help="One short pass of everything (the test suite's)."
    )
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    sizes = [s.strip() for s in args.sizes.split(",")] if args.sizes else None
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if args.smoke:
        os.environ["TRACKER_BENCHMARK_SMOKE"] = "1"  # read by the scenarios and their apps
    results = run_all(sizes, only, args.repeat)
    text = report(results, args.repeat)
    print()
    print(text)
    if not args.no_results:
        args.results.write_text(text)
        print(f"written to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
