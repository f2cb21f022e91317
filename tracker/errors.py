"""Errors a user can cause; each carries one line that says what to fix."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action. The message is shown as-is, on one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self.args[0])


class NotFound(UserError):
    pass


class Ambiguous(UserError):
    pass


class Conflict(UserError):
    pass


class Cancelled(Exception):
    """A long read was abandoned because its result was no longer wanted (not an error)."""
