"""The top line of each main screen: the three places to go and the key for each."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

PLACES = (
    ("timeline", "1", "Timeline"),
    ("stakeholders", "2", "Stakeholders"),
    ("followups", "3", "Follow-ups"),
)


class NavBar(Static):
    """`tracker  1 Timeline  2 Stakeholders  3 Follow-ups`, the current one highlighted."""

    def __init__(self, current: str) -> None:
        super().__init__(id="nav")
        self._current = current

    def on_mount(self) -> None:
        parts: list[str | tuple[str, str] | Content] = [("tracker ", "bold $accent")]
        for mode, key, label in PLACES:
            item = Content.from_markup(f"[@click=app.show_mode('{mode}')] {key} {label} [/]")
            if mode == self._current:
                item = item.stylize("bold reverse")
            parts += [item, " "]
        parts.append(("  ? help · ctrl+p commands", "$text-muted"))
        self.update(Content.assemble(*parts))
