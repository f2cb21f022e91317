"""The app's two themes: Textual's dark one, and a light one whose text meets WCAG AA.

Textual's own light theme draws its accent and warning orange (#ffa62b) and its footer keys
at 1.5–3:1 on its light greys; this one keeps its greys and darkens those colours to at
least 4.5:1 on the lightest of them (tests/ui/test_truth.py measures every drawn cell).
"""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES, Theme

DARK = "textual-dark"
LIGHT = "tracker-light"

_BASE = BUILTIN_THEMES["textual-light"]

LIGHT_THEME = Theme(
    name=LIGHT,
    primary=_BASE.primary,
    secondary="#00509a",
    accent="#8a4500",
    warning="#6e4a00",
    error="#a3122e",
    success="#145226",
    foreground=_BASE.foreground,
    background=_BASE.background,
    surface=_BASE.surface,
    panel=_BASE.panel,
    dark=False,
    variables={"footer-key-foreground": "#00509a"},
)
