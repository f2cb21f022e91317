"""The filter box: a one-line query, and beneath it what it was read as (or why not)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static

from tracker.domain import EventKind, EventStatus
from tracker.ui import keys
from tracker.ui.formatting import shown, shown_names
from tracker.ui.query import KEYS, DayBound, ParsedQuery, describe_filter, parse_query, quote

_LAST = re.compile(r"""(?:^|\s)(?P<key>[A-Za-z]+):(?:"(?P<quoted>[^"]*)|(?P<bare>[^\s"']*))$""")
_LAST_WORD = re.compile(r"(?:^|\s)(?P<word>[A-Za-z]+)$")


_TYPED_NAME = re.compile(r"""(?:^|\s)with:(?P<name>[^\s"'][^"']*\s[^"']*)$""", re.IGNORECASE)


class QuerySuggester(Suggester):
    """Completes the token being typed: filter keys, kinds, statuses, stakeholder names
    (a name of several words too, quoted once it is taken) and tags."""

    def __init__(
        self,
        names: Callable[[], Sequence[str]] = tuple,
        tags: Callable[[], Sequence[str]] = tuple,
    ) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._names = names
        self._tags = tags

    def _values(self, key: str) -> tuple[str, ...]:
        if key == "kind":
            return tuple(k.value for k in EventKind)
        if key == "status":
            return tuple(s.value for s in EventStatus)
        if key == "with":
            return tuple(shown_names(self._names()))
        if key == "tag":
            return tuple(shown_names(self._tags()))
        return ()

    def quoted(self, value: str) -> str | None:
        """`value` with a whole name of several words after `with:` put in quotes (as the
        query language reads it), or None if it does not end with one."""
        match = _TYPED_NAME.search(value)
        if match is None:
            return None
        typed = match.group("name")
        names = shown_names(self._names())
        name = next((n for n in names if n.casefold() == typed.casefold()), None)
        return None if name is None else value[: match.start("name")] + quote(name)

    async def get_suggestion(self, value: str) -> str | None:
        match = _LAST.search(value)
        if match:
            partial = (match.group("quoted") or match.group("bare") or "").casefold()
            if not partial:
                return None
            bare = match.group("quoted") is None
            for candidate in self._values(match.group("key").lower()):
                if candidate.casefold().startswith(partial):
                    # A bare name of several words is offered as typed (the completion
                    # extends the text); once taken, the box puts it in quotes.
                    completed = candidate if bare else quote(candidate)
                    return value[: match.start("key")] + f"{match.group('key')}:{completed}"
            return None
        word = _LAST_WORD.search(value)
        if word and len(word.group("word")) >= 2:
            for key in KEYS:
                if key.startswith(word.group("word").lower()) and key != word.group("word"):
                    return value[: word.start("word")] + key + ":"
        return None


class FilterInput(Input):
    """The query line; escape clears it, down goes back to the list."""

    BINDINGS = keys.FILTER_BOX

    class Cleared(Message):
        """Escape in the box: the filter is to be cleared."""

    class Leave(Message):
        """Down in the box: back to the list."""

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.Cleared())

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def on_input_changed(self, event: Input.Changed) -> None:
        # A whole name of several words after `with:` (taken with →, or typed) is quoted.
        value = event.value
        if event.input is self and isinstance(self.suggester, QuerySuggester):
            quoted = self.suggester.quoted(value)
            if quoted is not None and quoted != value:
                self.value = quoted
                self.cursor_position = len(quoted)


class FilterBar(Vertical):
    """The query box and the line saying what the timeline shows."""

    class Changed(Message):
        """The query was edited; `parsed.error` says why it cannot be used yet."""

        def __init__(self, parsed: ParsedQuery) -> None:
            super().__init__()
            self.parsed = parsed

    def __init__(
        self,
        day_bound: DayBound,
        names: Callable[[], Sequence[str]],
        tags: Callable[[], Sequence[str]] = tuple,
    ) -> None:
        super().__init__(id="filter-bar")
        self._day_bound = day_bound
        self.suggester = QuerySuggester(names, tags)
        self.parsed = parse_query("", day_bound)
        self._state: Content | None = None
        self._position: str | None = None

    def compose(self) -> ComposeResult:
        yield FilterInput(
            placeholder='/ filter: words kind:call with:Castro tag:asean from:"Q2 2022"',
            suggester=self.suggester,
            compact=True,
            id="filter-input",
        )
        with Horizontal(id="filter-status"):
            yield Static(id="filter-state")
            yield Static(id="filter-position")

    @property
    def input(self) -> FilterInput:
        return self.query_one(FilterInput)

    @on(Input.Changed, "#filter-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.parsed = parse_query(event.value, self._day_bound)
        self.show_state()
        self.post_message(self.Changed(self.parsed))

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(FilterInput.Leave())

    def show_state(self, problem: str | None = None) -> None:
        """Say what the active filter is, or what is wrong with the query."""
        state = self.query_one("#filter-state", Static)
        error = problem or self.parsed.error
        self.set_class(error is not None, "-error")
        if error:
            content = Content.assemble(("✗ ", "bold $error"), (shown(error), "$error"))
        else:
            content = Content.assemble(
                ("showing ", "$text-muted"), shown(describe_filter(self.parsed.filter))
            )
        if content != self._state:  # asked at every cursor move: redraw only on a change
            self._state = content
            state.update(content, layout=False)  # a fixed-size line: no layout needed

    def show_position(self, text: str) -> None:
        if text != self._position:
            self._position = text
            self.query_one("#filter-position", Static).update(text, layout=False)
