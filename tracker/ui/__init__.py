"""The Textual app. It talks to the services only; no SQL here."""

from __future__ import annotations

from tracker.settings import Settings


def run_app(settings: Settings) -> None:
    """Open the configured database, run the app on it, and close it at exit."""
    from tracker.services.deferred import open_for_app
    from tracker.ui.app import create_app

    services = open_for_app(settings)  # SQLAlchemy loads after the first paint
    try:
        create_app(settings, services, services.ctx.clock).run()
    finally:
        services.close()
