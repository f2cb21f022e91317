"""The participants being edited: per row a name (completed), a role and an attendance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select, Static

from tracker.domain import Attendance, ParticipantSpec, Role
from tracker.ui.formatting import plain


def is_known(name: str, known: frozenset[str]) -> bool:
    """Whether `name` is a stakeholder's name or alias (or a `#id`), compared case-insensitively."""
    key = " ".join(name.split()).casefold()
    return key in known or (key.startswith("#") and key[1:].isdigit())


class ParticipantRow(Horizontal):
    """One participant: name, role and attendance, all reachable with tab and arrows."""

    def __init__(self, spec: ParticipantSpec | None, names: Sequence[str]) -> None:
        super().__init__(classes="participant-row")
        self._spec = spec
        self._names = names

    def compose(self) -> ComposeResult:
        spec = self._spec
        yield Input(
            spec.name if spec else "",
            placeholder="name or alias",
            suggester=SuggestFromList(self._names, case_sensitive=False),
            compact=True,
            classes="participant-name",
        )
        yield Select(
            [(role.value, role) for role in Role],
            value=spec.role if spec else Role.PARTICIPANT,
            allow_blank=False,
            compact=True,
            classes="participant-role",
        )
        yield Select(
            [(a.value, a) for a in Attendance],
            value=spec.attendance if spec else Attendance.UNKNOWN,
            allow_blank=False,
            compact=True,
            classes="participant-attendance",
        )
        yield Static(classes="participant-hint")

    @property
    def name_input(self) -> Input:
        return self.query_one(".participant-name", Input)

    def spec(self) -> ParticipantSpec | None:
        name = " ".join(self.name_input.value.split())
        if not name:
            return None
        role = self.query_one(".participant-role", Select).value
        attendance = self.query_one(".participant-attendance", Select).value
        assert isinstance(role, Role) and isinstance(attendance, Attendance)
        return ParticipantSpec(name, role, attendance)

    def hint(self, text: str) -> None:
        self.query_one(".participant-hint", Static).update(plain(text))


class ParticipantsEditor(Vertical):
    """Rows of participants; a blank row at the end is always there to type the next one."""

    def __init__(self, specs: Iterable[ParticipantSpec], names: Sequence[str]) -> None:
        super().__init__(id="participants")
        self._initial = tuple(specs)
        self._names = names
        self._known = frozenset(" ".join(n.split()).casefold() for n in names)

    def compose(self) -> ComposeResult:
        for spec in self._initial:
            yield ParticipantRow(spec, self._names)
        yield ParticipantRow(None, self._names)

    @property
    def rows(self) -> list[ParticipantRow]:
        return list(self.query(ParticipantRow))

    def specs(self) -> tuple[ParticipantSpec, ...]:
        return tuple(spec for row in self.rows if (spec := row.spec()) is not None)

    def unknown(self) -> list[str]:
        """Names typed that no stakeholder has (yet)."""
        return [s.name for s in self.specs() if not is_known(s.name, self._known)]

    @on(Input.Changed, ".participant-name")
    async def _name_changed(self, event: Input.Changed) -> None:
        row = event.input.parent
        if isinstance(row, ParticipantRow):
            text = event.value.strip()
            row.hint("new" if text and not is_known(text, self._known) else "")
        rows = self.rows
        if rows and rows[-1].name_input.value.strip():
            await self.mount(ParticipantRow(None, self._names))
