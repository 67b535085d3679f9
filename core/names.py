"""Who a stored reference is now: the one place that turns a member id (and an officer's
Telegram id) into the name to show, at the time of reading.

Logs and reports keep ids, not names: a renamed member shows their new name, and a member who
used /forget shows as "member #5 (forgotten)", never the name they had. Officers are named by
the name they chose (/officername) while they hold the role.
"""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from storage.members.records import MemberRecord, OfficerRecord
from storage.members.repositories import MemberRepository, OfficerRepository

FORMER_MEMBER = "a former member"
# How Actor.label names people when a line is written, read back: "Ann Lee (leader, member #5)",
# "officer tg 100000001", "Sgt. Dana Ruiz (officer, tg 100000001)".
_LABEL = re.compile(
    r"^(?:.+ \((?P<kind>officer|leader|member), (?P<ident>member #\d+|tg \d+)\)"
    r"|(?P<kind2>officer|leader|member) (?P<ident2>member #\d+|tg \d+))$",
    re.DOTALL,
)


class Names:
    """Current names for ids, read in the caller's transaction (cached per reading)."""

    def __init__(self, session: AsyncSession) -> None:
        self._members = MemberRepository(session)
        self._officers = OfficerRepository(session)
        self._cache: dict[int, MemberRecord | None] = {}
        self._officer_cache: dict[int, OfficerRecord | None] = {}

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

    async def officer_record(self, telegram_user_id: int) -> OfficerRecord | None:
        """The officer as stored now, or None when they no longer hold the role."""
        if telegram_user_id not in self._officer_cache:
            self._officer_cache[telegram_user_id] = await self._officers.get(telegram_user_id)
        return self._officer_cache[telegram_user_id]

    async def officer(self, telegram_user_id: int) -> str:
        """An officer by their Telegram id: 'Sgt. Dana Ruiz (officer)', or 'officer tg 1' while
        they have chosen no name (or no longer hold the role)."""
        found = await self.officer_record(telegram_user_id)
        if found is not None and found.display_name:
            return f"{found.display_name} (officer)"
        return f"officer tg {telegram_user_id}"

    async def actor(self, label: str) -> str | None:
        """A stored Actor.label with today's name ('Ann Lee (leader, member #5)', 'leader,
        member #5 (forgotten)', 'Sgt. Dana Ruiz (officer)'); None when it names nobody (a
        system label, or one already scrubbed by /forget)."""
        match = _LABEL.match(label)
        if match is None:
            return None
        kind = match.group("kind") or match.group("kind2")
        ident = match.group("ident") or match.group("ident2")
        number = int(ident.rsplit(" ", 1)[1].lstrip("#"))
        if ident.startswith("tg "):
            return await self.officer(number) if kind == "officer" else f"{kind} {ident}"
        member = await self.member_record(number)
        if member is None:
            forgotten = f"member #{number} (forgotten)"
            return forgotten if kind == "member" else f"{kind}, {forgotten}"
        if kind == "officer" and member.telegram_user_id is not None:
            chosen = await self.officer_record(member.telegram_user_id)
            if chosen is not None and chosen.display_name:
                return f"{chosen.display_name} (officer, member #{number})"
        name = await self.member(number)
        return f"{name} ({kind}, member #{number})" if name else f"{kind} member #{number}"

    async def author(self, member_id: int | None, label: str) -> str:
        """Who wrote a message, for a report: the member's name now, else the label's."""
        if member_id is not None and (name := await self.member(member_id)):
            return name
        named = await self.actor(label)
        if named is None:
            return label
        return named.removesuffix(" (officer)")
