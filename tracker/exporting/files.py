"""Files tracker writes: owner-only, written whole under a temp name, never replaced unasked.

Exports and backups are written to a temp file next to their target, named
`.NAME.tracker-PID-XXXX.part`, and renamed into place when complete. A run that was killed
leaves its temp file behind; the next write to the same target removes the temp files of
processes that are gone (never another live process's).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from tracker.errors import UserError

OWNER_ONLY = 0o600
_TAG = "tracker-"
_SUFFIX = ".part"
_PART = re.compile(r"\.tracker-(\d+)-[^./]*\.part$")


def free_name(path: Path) -> Path:
    """`path` if nothing is there, else the first of `stem (2).ext`, `stem (3).ext`, ... that
    is free: a name next to `path` to propose instead of replacing a file."""
    if not os.path.lexists(path):
        return path
    stem, suffix = path.stem, path.suffix
    n = 2
    while True:
        candidate = path.with_name(f"{stem} ({n}){suffix}")
        if not os.path.lexists(candidate):
            return candidate
        n += 1


def refuse_existing(path: Path, *, what: str = "file", hint: str = "") -> None:
    """Raise a one-line UserError when something is already at `path`."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name for the {what}")
    if os.path.lexists(path):
        raise UserError(f"{path} already exists; not replacing it{hint}")


def create_private_file(path: Path) -> bool:
    """Create `path` empty, readable by the owner only; False if it was already there."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, OWNER_ONLY)  # whatever the umask
    finally:
        os.close(fd)
    return True


def remove_stale_parts(path: Path, *, names: str | None = None) -> list[Path]:
    """Remove temp files of `path` (of this module's naming) whose process is gone; with
    `names`, a glob pattern, those of every file next to `path` so named."""
    directory = path.parent if str(path.parent) else Path(".")
    pattern = names if names is not None else glob.escape(path.name)
    removed = []
    try:
        found = list(directory.glob(f".{pattern}.{_TAG}*{_SUFFIX}"))
    except OSError:
        return []
    for part in found:
        match = _PART.search(part.name)
        if match is None or process_alive(int(match[1])):
            continue
        with contextlib.suppress(OSError):
            part.unlink()
            removed.append(part)
    return removed


def temp_beside(path: Path) -> Path:
    """A new empty temp file next to `path` (owner-only), after removing stale ones."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise UserError(f"cannot write {path}: folder {directory} does not exist")
    remove_stale_parts(path)
    fd, temp = tempfile.mkstemp(
        prefix=f".{path.name}.{_TAG}{os.getpid()}-", suffix=_SUFFIX, dir=directory
    )
    os.close(fd)  # mkstemp makes it 0600
    return Path(temp)


def put_in_place(temp: Path, path: Path, *, replace: bool) -> None:
    """Rename the complete `temp` to `path`. Replacing a file keeps that file's permissions;
    without `replace`, a file that appeared at `path` meanwhile is not replaced."""
    if replace:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temp, path)
        return
    try:
        os.link(temp, path)  # fails if anything is at `path`: never replaces
    except FileExistsError:
        raise UserError(f"{path} already exists; not replacing it") from None
    except OSError:  # a file system without hard links
        refuse_existing(path)
        os.replace(temp, path)
        return
    temp.unlink()


@contextmanager
def atomic_file(path: Path, *, replace: bool = True, mode: str = "w") -> Iterator[IO[str]]:
    """A text file that appears at `path` complete or not at all (temp file, fsync, rename)."""
    path = path.expanduser()
    if not replace:
        refuse_existing(path)
    temp = temp_beside(path)
    try:
        with open(temp, mode, encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        put_in_place(temp, path, replace=replace)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def process_alive(pid: int) -> bool:
    """Whether process `pid` of this machine is running (True when it cannot be told)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or not a pid: leave it
    return True
