"""Widgets of the tracker UI, one per module."""
