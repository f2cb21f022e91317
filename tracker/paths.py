"""Where tracker keeps its files: platformdirs, created only when asked for."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "tracker"


def data_dir(environ: Mapping[str, str] = os.environ, *, create: bool = False) -> Path:
    """The per-user data directory; `TRACKER_DATA_DIR` overrides it."""
    override = environ.get("TRACKER_DATA_DIR")
    if override:
        path = Path(override).expanduser()
    else:  # imported only here: a run that names its directory does without it
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME))
    if create:
        make_private_dirs(path)
    return path


def config_dir(environ: Mapping[str, str] = os.environ, *, create: bool = False) -> Path:
    """The per-user configuration directory; `TRACKER_CONFIG_DIR` overrides it."""
    override = environ.get("TRACKER_CONFIG_DIR")
    if override:
        path = Path(override).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_config_dir(APP_NAME))
    if create:
        make_private_dirs(path)
    return path


def make_private_dirs(path: Path) -> None:
    """Create the folder `path` and its missing parents, each readable by the owner only
    (0700, whatever the umask)."""
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(folder, 0o700)


def default_db_path(environ: Mapping[str, str] = os.environ) -> Path:
    return data_dir(environ) / "tracker.sqlite3"
