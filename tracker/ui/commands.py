"""The command palette's provider: every action of the app and of the screen on view."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tracker.ui import keys


class TrackerCommands(Provider):
    """Lists the app's keys and those of the current screen, each with its key."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        seen: set[str] = set()
        screen_bindings = keys.bindings(type(screen).BINDINGS)
        for binding in screen_bindings:
            if binding.description in seen or binding.action.startswith("answer"):
                continue
            seen.add(binding.description)
            yield (
                binding.description,
                f"key {keys.key_label(binding)}",
                partial(screen.run_action, binding.action),
            )
        for binding in keys.bindings(keys.APP):
            if binding.description in seen:
                continue
            seen.add(binding.description)
            yield (
                binding.description,
                f"key {keys.key_label(binding)}",
                partial(self.app.run_action, binding.action),
            )

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands():
            yield DiscoveryHit(title, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text)
