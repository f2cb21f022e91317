"""Screens of the tracker UI, one per module."""
