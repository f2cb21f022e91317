"""The Textual app. It talks to the services only; no SQL here."""

from __future__ import annotations

from tracker.settings import Settings


def run_app(settings: Settings) -> None:
    from tracker.ui.app import create_app

    create_app(settings).run()
