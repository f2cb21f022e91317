"""The app factory (placeholder until the timeline screens land)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from tracker.settings import Settings


class TrackerApp(App[None]):
    TITLE = "tracker"
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("tracker — the timeline screens are coming. Use `tracker --help` meanwhile.")
        yield Footer()


def create_app(settings: Settings) -> TrackerApp:
    return TrackerApp()
