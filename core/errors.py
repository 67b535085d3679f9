"""The error tree: one root, and subclasses users can cause that carry the message shown to them."""

from __future__ import annotations

from storage.engine import unavailable


class CrimeWatchError(Exception):
    """Root of every error the service raises on purpose."""


class UserError(CrimeWatchError):
    """Something a user did that we refuse; `str(error)` is the friendly reply."""


class InvalidInput(UserError):
    """A value that does not fit (too long, malformed, out of range)."""


class NotFound(UserError):
    """A thing the user named does not exist (or they may not know it exists)."""


class PermissionDenied(UserError):
    """The user's roles do not allow the action."""


class Conflict(UserError):
    """The action clashes with what is stored (already a member, name taken, ...)."""


class AlreadyDone(Conflict):
    """A confirm whose step was already taken: pressed twice, or from an older message."""

    def __init__(
        self,
        message: str = "That was already done, or this button is out of date: "
        "use the newest message.",
    ) -> None:
        super().__init__(message)


class Gone(Conflict):
    """What the person was writing about no longer takes it (a tip closed, its tipster
    forgotten): the step that was waiting for the text ends with this refusal."""


class NotRegistered(UserError):
    """The action needs a completed registration."""


class ConfigurationError(CrimeWatchError):
    """A setting is missing or invalid; the message names the variable."""


def database_unavailable(error: BaseException) -> bool:
    """Whether an error means the database is away for now (restarting, connection dropped,
    file locked), not a bug: the caller waits and tries again."""
    return unavailable(error)
