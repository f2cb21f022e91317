"""One Settings object, read from the environment once and passed down."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.errors import UserError
from tracker.paths import data_dir, default_db_path

DateOrder = Literal["mdy", "dmy"]


@dataclass(frozen=True)
class Settings:
    """Where the data lives and how dates are read, from the environment and options."""

    db_url: str
    data_dir: Path
    date_order: DateOrder = "mdy"
    local_tz: dt.tzinfo = dt.UTC
    today: dt.date | None = None  # TRACKER_TODAY: work as if it were this day (scripts, demos)
    fiscal_start: int = 10  # TRACKER_FISCAL_START: the month "FY2023" starts in (US federal)

    @property
    def is_default_db(self) -> bool:
        return self.db_url == sqlite_url(default_db_path({"TRACKER_DATA_DIR": str(self.data_dir)}))

    @classmethod
    def from_env(cls, db: str | None = None, environ: Mapping[str, str] = os.environ) -> Settings:
        """Settings from `--db`, then `TRACKER_DB`, then the default SQLite file."""
        url = db or environ.get("TRACKER_DB") or sqlite_url(default_db_path(environ))
        if "://" not in url:  # a bare path is taken as a SQLite file
            url = sqlite_url(Path(url))
        order = environ.get("TRACKER_DATE_ORDER", "mdy").strip().lower()
        if order not in ("mdy", "dmy"):
            raise UserError(f"TRACKER_DATE_ORDER must be mdy or dmy, not {order!r}")
        return cls(
            db_url=url,
            data_dir=data_dir(environ),
            date_order="dmy" if order == "dmy" else "mdy",
            local_tz=_local_tz(environ.get("TRACKER_TZ")),
            today=_today(environ.get("TRACKER_TODAY")),
            fiscal_start=_fiscal_start(environ.get("TRACKER_FISCAL_START")),
        )


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.expanduser()}"


def _local_tz(name: str | None) -> dt.tzinfo:
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise UserError(f"TRACKER_TZ: unknown time zone {name!r}") from None
    local = dt.datetime.now().astimezone().tzinfo
    return local or dt.UTC


def _fiscal_start(text: str | None) -> int:
    if not text or not text.strip():
        return 10
    month = text.strip()
    if not month.isdigit() or not 1 <= int(month) <= 12:
        raise UserError(f"TRACKER_FISCAL_START must be a month number 1-12, not {text!r}")
    return int(month)


def _today(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"TRACKER_TODAY must be a date like 2022-06-06, not {text!r}") from None
