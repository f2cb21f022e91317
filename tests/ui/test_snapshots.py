"""Snapshots of the three main screens on the sample portfolio, frozen on June 6, 2022."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.conftest import settle
from tracker.ui.app import TrackerApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
SnapCompare = Callable[..., bool]


def go(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_timeline(snap_compare: SnapCompare, app: TrackerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=go())


@pytest.mark.parametrize("size", SIZES)
def test_stakeholders(snap_compare: SnapCompare, app: TrackerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=go("2"))


@pytest.mark.parametrize("size", SIZES)
def test_follow_ups(snap_compare: SnapCompare, app: TrackerApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=go("3"))
