"""Running a command as a fresh process: wall time, peak RSS, and the environment it gets."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import DATA_DIR, REFERENCE_DAY

PYTHON = sys.executable
TRACKER = [PYTHON, "-m", "tracker"]


def smoke() -> bool:
    """A quick pass (the test suite's): no warm-up runs, fewer keystrokes."""
    return os.environ.get("TRACKER_BENCHMARK_SMOKE") == "1"


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """What every measured process gets: a fixed day and zone, and compiled bytecode.

    Bytecode is cached under benchmarks/data/pycache (PYTHONPYCACHEPREFIX), as an installed
    wheel has it: without it every start would recompile tracker's modules from source.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        {
            "PYTHONPYCACHEPREFIX": str(DATA_DIR / "pycache"),
            "TRACKER_TODAY": REFERENCE_DAY.isoformat(),
            "TRACKER_TZ": "UTC",
            "TRACKER_DATA_DIR": str(DATA_DIR / "home"),
            "TRACKER_DATE_ORDER": "mdy",
            "COLUMNS": "120",
            "LINES": "40",
        }
    )
    env.pop("TRACKER_DB", None)
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run(
    command: Sequence[str],
    *,
    stdin: Path | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    cwd: Path | None = None,
) -> Run:
    """Run `command` to its end; wall time from spawn to exit, peak RSS of that process."""
    with (
        open(stdin, "rb") if stdin else open(os.devnull, "rb") as source,
        open(DATA_DIR / "last.out", "w+b") as out,
        open(DATA_DIR / "last.err", "w+b") as err,
    ):
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), stdin=source, stdout=out, stderr=err, env=dict(env or environment()),
            cwd=cwd,
        )  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(
            seconds=seconds,
            peak_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
            returncode=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited {result.returncode}: {result.stderr.strip()[-2000:]}"
        )
    return result
