"""What the benchmarks ran on: date, CPU, cores, memory, Python, SQLite and Textual versions."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return "unknown"


def sqlite_cli_version() -> str:
    cli = shutil.which("sqlite3")
    if cli is None:
        return "absent"
    out = subprocess.run([cli, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.split()[0] if out.stdout else "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def reference_work() -> str:
    """The same small work every run, timed (best of three): a pure Python loop, and a
    SQLite sort of 200,000 rows in memory. A shared virtual machine's speed drifts with its
    neighbours (memory-bound work most); this says how fast it was for this run."""

    def best(work: Callable[[], object]) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        return min(times)

    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (k INTEGER, v TEXT)")
    connection.executemany(
        "INSERT INTO t VALUES (?, ?)", ((i * 7919 % 200_003, str(i)) for i in range(200_000))
    )
    loop = best(lambda: sum(range(10_000_000)))
    ordered = best(lambda: connection.execute("SELECT k, v FROM t ORDER BY k").fetchall())
    connection.close()
    return f"Python loop {loop * 1000:.0f} ms, SQLite sort {ordered * 1000:.0f} ms"


def describe() -> dict[str, str]:
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cores (nproc)": str(os.cpu_count()),
        "memory": memory_gb(),
        "python": platform.python_version(),
        "sqlite (python / shell)": f"{sqlite3.sqlite_version} / {sqlite_cli_version()}",
        "sqlalchemy": _version("sqlalchemy"),
        "textual": _version("textual"),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "reference work at start (best of 3)": reference_work(),
    }
