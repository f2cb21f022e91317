"""Regenerate the README's screenshot: `python -m tests.ui.make_screenshot [docs/timeline.svg]`.

The sample portfolio in a temporary SQLite file, the clock frozen on June 6, 2022, 120x32.
Not a test: run it by hand when the timeline's look changes.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from tests.ui.conftest import TODAY, settings_for, settle
from tracker.clock import FixedClock
from tracker.services import open_services
from tracker.ui.app import create_app


async def main(target: Path, size: tuple[int, int] = (120, 32)) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_for(Path(folder) / "tracker.db")
        clock = FixedClock.on(TODAY)
        services = open_services(settings, clock)
        try:
            services.seed.load()
            app = create_app(settings, services, clock)
            async with app.run_test(size=size) as pilot:
                await settle(pilot)
                target.parent.mkdir(parents=True, exist_ok=True)
                app.save_screenshot(target.name, str(target.parent))
        finally:
            services.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/timeline.svg")))
