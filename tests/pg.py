"""A throwaway PostgreSQL server for the tests, started from the machine's PostgreSQL binaries."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    base: Path
    port: int
    user: str | None  # the OS user the server runs as (postgres when we are root)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://tracker@/{database}?host={self.base}&port={self.port}"

    def _run(self, *args: str) -> None:
        subprocess.run(
            list(args), check=True, capture_output=True, user=self.user, cwd=self.base, timeout=120
        )

    @classmethod
    def start(cls) -> PostgresServer:
        initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
        if not initdb or not pg_ctl:
            raise FileNotFoundError("initdb/pg_ctl not found (install PostgreSQL 15)")
        base = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        user = "postgres" if os.geteuid() == 0 else None
        if user:
            shutil.chown(base, user)
        server = cls(base=base, port=_free_port(), user=user)
        server._run(
            initdb,
            "-D",
            str(base / "data"),
            "-U",
            "tracker",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-p {server.port} -k {base} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        server._run(
            pg_ctl,
            "-D",
            str(base / "data"),
            "-o",
            options,
            "-l",
            str(base / "server.log"),
            "-w",
            "start",
        )
        return server

    def stop(self) -> None:
        pg_ctl = find_binary("pg_ctl")
        try:
            if pg_ctl:
                self._run(pg_ctl, "-D", str(self.base / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
