"""Who a stored reference is now: the one place that turns a member id (and an officer's
Telegram id) into the name to show, at the time of reading.

Logs and reports keep ids, not names: a renamed member shows their new name, and a member who
used /forget shows as "member #5 (forgotten)", never the name they had. Officers who are not
members are named here too, so that when officers get display names they plug in here.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.members.records import MemberRecord
from storage.members.repositories import MemberRepository

FORMER_MEMBER = "a former member"


class Names:
    """Current names for ids, read in the caller's transaction (cached per reading)."""

    def __init__(self, session: AsyncSession) -> None:
        self._members = MemberRepository(session)
        self._cache: dict[int, MemberRecord | None] = {}

    async def member_record(self, member_id: int) -> MemberRecord | None:
        """The member as stored now, or None when they are gone."""
        if member_id not in self._cache:
            self._cache[member_id] = await self._members.get(member_id)
        return self._cache[member_id]

    async def member(self, member_id: int | None) -> str | None:
        """A member's current display name; None when they are gone or have none."""
        if member_id is None:
            return None
        found = await self.member_record(member_id)
        return found.display_name if found is not None and found.display_name else None

    async def member_ref(self, member_id: int) -> str:
        """'Ann Lee (member #5)', 'member #5' (no name yet) or 'member #5 (forgotten)'."""
        if await self.member_record(member_id) is None:
            return f"member #{member_id} (forgotten)"
        name = await self.member(member_id)
        return f"{name} (member #{member_id})" if name else f"member #{member_id}"

    async def recipient(self, member_id: int | None) -> str:
        """A recipient as a report names them: their name, or 'a former member'."""
        if member_id is None:
            return FORMER_MEMBER
        if await self.member_record(member_id) is None:
            return FORMER_MEMBER
        return await self.member(member_id) or f"member #{member_id} (no name yet)"

    async def officer(self, telegram_user_id: int) -> str:
        """An officer who is not a registered member, by their Telegram id."""
        return f"officer tg {telegram_user_id}"
