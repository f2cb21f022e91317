"""Programs the TUI scenarios start as fresh processes (headless Textual, 120x40)."""

from __future__ import annotations

UI_MISSING = "UI not available"
