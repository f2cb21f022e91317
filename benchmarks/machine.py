"""What the benchmarks ran on: date, CPU, cores, memory, Python, SQLite and Textual versions."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import sqlite3
import subprocess
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
    }
