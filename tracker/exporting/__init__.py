"""Headless writers and readers of exported files: pure, streaming, no database, no UI."""
