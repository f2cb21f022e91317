"""What the app remembers between runs (the theme), in a small JSON file in the config folder.

A preference that cannot be read is as if it were never set; one that cannot be written is
not remembered: neither stops the app.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from tracker import paths

FILE_NAME = "preferences.json"


def _file(environ: Mapping[str, str]) -> Path:
    return paths.config_dir(environ) / FILE_NAME


def load(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The preferences saved before (empty when there are none or the file is unreadable)."""
    try:
        data = json.loads(_file(environ).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, str)}


def save(key: str, value: str, environ: Mapping[str, str] = os.environ) -> None:
    """Remember `key` = `value` (written to a temporary name, then renamed)."""
    data = load(environ) | {key: value}
    with contextlib.suppress(OSError):
        folder = paths.config_dir(environ, create=True)
        temporary = folder / (FILE_NAME + ".tmp")
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        temporary.replace(folder / FILE_NAME)
