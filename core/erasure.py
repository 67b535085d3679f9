"""Erasing a member: the registry that /forget runs, so that each feature deletes or scrubs
what it holds about a person without the member service knowing every feature."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class Erased:
    """Who is being forgotten: the member and the addresses they reached us from."""

    member_id: int
    telegram_chat: str
    phone_e164: str | None
    now: datetime
    name: str | None = None  # the display name, to scrub from texts that quote it

    @property
    def label_mark(self) -> str:
        """What every audit-style label of this member contains ("Ann (leader, member #5)")."""
        return f"member #{self.member_id})"

    @property
    def forgotten(self) -> str:
        """What stands where the member was named."""
        return f"forgotten member #{self.member_id}"


# An eraser deletes or scrubs one feature's data about the member, inside the caller's
# transaction (the one that deletes the member row), so erasure is all or nothing.
Eraser = Callable[[AsyncSession, Erased], Awaitable[None]]


class Erasure:
    """What each feature erases when a member asks to be forgotten."""

    def __init__(self) -> None:
        self.erasers: dict[str, Eraser] = {}

    def register(self, feature: str, eraser: Eraser) -> None:
        """Let a feature erase its own data about a member."""
        self.erasers[feature] = eraser

    async def erase_in(self, session: AsyncSession, erased: Erased) -> None:
        """Run every feature's eraser in the caller's transaction."""
        for eraser in self.erasers.values():
            await eraser(session, erased)
