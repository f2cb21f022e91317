"""Errors a user can cause; each carries one line that says what to fix."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action. The message is shown as-is, on one line.

    `cli` is advice that only the command line can follow (`; use --force to ...`): it ends
    the message the CLI prints, and the app shows `said`, the message without it."""

    def __init__(self, message: str, *, cli: str = "") -> None:
        super().__init__(" ".join((message + cli).split()))
        self.said = " ".join(message.split())

    @property
    def message(self) -> str:
        return str(self.args[0])


def said(exc: BaseException) -> str:
    """What the app shows of an error: a UserError's message without command-line advice."""
    return exc.said if isinstance(exc, UserError) else str(exc)


class NotFound(UserError):
    pass


class Ambiguous(UserError):
    pass


class Conflict(UserError):
    pass


class Cancelled(Exception):
    """A long read was abandoned because its result was no longer wanted (not an error)."""


class ChangedMeanwhile(Conflict):
    """An edit refused because the record changed since it was read (`expected`): `stored`
    is the record now (None: deleted meanwhile), `fields` the ones that differ."""

    def __init__(self, what: str, stored: object | None, fields: tuple[str, ...] = ()) -> None:
        if stored is None:
            message = f"this {what} was deleted by someone else since you opened it"
        else:
            message = f"this {what} was changed by someone else since you opened it: " + ", ".join(
                fields
            )
        super().__init__(message)
        self.stored = stored
        self.fields = fields
