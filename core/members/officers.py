"""The officer role: granted from configuration at start, or by the command line."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.access import AccessService
from core.audit import AuditService
from core.clock import Clock
from core.errors import NotFound
from core.permissions import Action, Actor
from storage.engine import Database
from storage.members.records import MemberRecord, OfficerRecord
from storage.members.repositories import MemberRepository, OfficerRepository


class OfficerService:
    """Grants, revokes and lists the officer role."""

    def __init__(
        self, db: Database, clock: Clock, audit: AuditService, access: AccessService
    ) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.access = access

    async def add(self, actor: Actor, telegram_user_id: int) -> bool:
        """Grant the role; False when the user already had it."""
        await self.access.require(actor, Action.MANAGE_OFFICERS, target=f"tg {telegram_user_id}")
        async with self.db.transaction() as session:
            added = await OfficerRepository(session).add(
                telegram_user_id, actor.label[:64], self.clock.now()
            )
            if added:
                await self.audit.record_in(
                    session, actor, "officer.add", target=f"tg {telegram_user_id}"
                )
            return added

    async def remove(self, actor: Actor, telegram_user_id: int) -> bool:
        """Revoke the role; False when the user did not have it."""
        await self.access.require(actor, Action.MANAGE_OFFICERS, target=f"tg {telegram_user_id}")
        async with self.db.transaction() as session:
            removed = await OfficerRepository(session).remove(telegram_user_id)
            if removed:
                await self.audit.record_in(
                    session, actor, "officer.remove", target=f"tg {telegram_user_id}"
                )
            return removed

    async def set_name(self, actor: Actor, name: str, telegram_user_id: int | None = None) -> str:
        """Set the name shown for an officer (the actor's own, or with `telegram_user_id` any
        officer's, which only the command line and officers managing officers may do); returns
        the name as stored. Raises InvalidInput for a name that is no name, NotFound when the
        person holds no officer role."""
        own = telegram_user_id is None or telegram_user_id == actor.telegram_user_id
        target_id = actor.telegram_user_id if own else telegram_user_id
        action = Action.NAME_OFFICER if own else Action.MANAGE_OFFICERS
        await self.access.require(actor, action, target=f"tg {target_id}")
        if target_id is None:  # a system actor naming nobody in particular
            raise NotFound("Say which officer to name (their Telegram user id).")
        shown = validation.display_name(name)
        async with self.db.transaction() as session:
            if not await OfficerRepository(session).set_name(target_id, shown):
                raise NotFound(f"{target_id} is not an officer.")
            await self.audit.record_in(session, actor, "officer.name", target=f"tg {target_id}")
        return shown

    async def own_name(self, actor: Actor) -> str | None:
        """The name an officer is shown by now (None while they have none); refused, and
        audited, for anyone who is not an officer."""
        await self.access.require(actor, Action.NAME_OFFICER, target=f"tg {actor.telegram_user_id}")
        return actor.name

    async def take_name_question(self, actor: Actor) -> bool:
        """Whether to ask this officer for their name now: True once, for an officer who has
        none (neither chosen nor registered) and was never asked."""
        if not actor.is_officer or actor.name or actor.telegram_user_id is None:
            return False
        async with self.db.transaction() as session:
            return await OfficerRepository(session).take_name_question(
                actor.telegram_user_id, self.clock.now()
            )

    async def all(self) -> list[OfficerRecord]:
        """Every officer."""
        async with self.db.transaction() as session:
            return await OfficerRepository(session).all()

    async def all_in(self, session: AsyncSession) -> list[OfficerRecord]:
        """Every officer, in the caller's transaction."""
        return await OfficerRepository(session).all()

    async def audience_in(
        self, session: AsyncSession
    ) -> tuple[list[MemberRecord], list[tuple[str, str]]]:
        """Every officer as outbox recipients: the registered ones as members (their channel
        choices apply), the others directly by Telegram chat (a private chat's id is the
        user's id)."""
        members: list[MemberRecord] = []
        direct: list[tuple[str, str]] = []
        repo = MemberRepository(session)
        for officer in await OfficerRepository(session).all():
            member = await repo.by_telegram_user(officer.telegram_user_id)
            if member is not None:
                members.append(member)
            else:
                direct.append(("telegram", str(officer.telegram_user_id)))
        return members, direct

    async def seed(self, telegram_user_ids: list[int]) -> list[int]:
        """Grant the role to the ids in OFFICER_TELEGRAM_IDS; returns those newly added."""
        actor = Actor.system("configuration (OFFICER_TELEGRAM_IDS)")
        return [uid for uid in telegram_user_ids if await self.add(actor, uid)]
