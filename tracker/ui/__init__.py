"""The Textual app. It talks to the services only; no SQL here."""

from __future__ import annotations

from tracker.settings import Settings


def run_app(settings: Settings) -> None:
    """Open the configured database, run the app on it, and close it at exit."""
    from tracker.services import open_services
    from tracker.ui.app import create_app

    services = open_services(settings)
    try:
        create_app(settings, services, services.ctx.clock).run()
    finally:
        services.close()
