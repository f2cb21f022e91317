"""tracker: a keyboard-first timeline of a policy portfolio."""

__version__ = "0.1.0"
