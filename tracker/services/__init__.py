"""Use cases: one object per area, each action one short transaction; no UI imports.

Importing the package costs nothing: its names load with their modules on first use, so
`tracker.services.quick` (reads without SQLAlchemy) can be imported on its own.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.domain import FollowUpScope, StakeholderProfile
    from tracker.services.bundle import Services, open_services
    from tracker.services.merging import MergePlan
    from tracker.services.transfer import ImportRejected, ImportReport

_HOMES = {
    "FollowUpScope": "tracker.domain",
    "ImportRejected": "tracker.services.transfer",
    "ImportReport": "tracker.services.transfer",
    "MergePlan": "tracker.services.merging",
    "Services": "tracker.services.bundle",
    "StakeholderProfile": "tracker.domain",
    "open_services": "tracker.services.bundle",
}

__all__ = [
    "FollowUpScope",
    "ImportRejected",
    "ImportReport",
    "MergePlan",
    "Services",
    "StakeholderProfile",
    "open_services",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
