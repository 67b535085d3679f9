"""Resolving who is acting, and enforcing permissions with an audited refusal."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditService
from core.errors import PermissionDenied
from core.permissions import Action, Actor, check
from storage.engine import Database
from storage.members.repositories import GroupRepository, MemberRepository, OfficerRepository


class AccessService:
    """Builds `Actor`s from stored roles and checks them."""

    def __init__(self, db: Database, audit: AuditService) -> None:
        self.db = db
        self.audit = audit

    async def actor_in(self, session: AsyncSession, telegram_user_id: int) -> Actor:
        """The actor for a Telegram user, read inside the caller's transaction."""
        member = await MemberRepository(session).by_telegram_user(telegram_user_id)
        officer = await OfficerRepository(session).get(telegram_user_id)
        leads = await GroupRepository(session).led_by(member.id) if member else None
        return Actor(
            telegram_user_id,
            member,
            officer is not None,
            leads,
            officer_name=officer.display_name if officer is not None else None,
        )

    async def actor(self, telegram_user_id: int) -> Actor:
        """The actor for a Telegram user."""
        async with self.db.transaction() as session:
            return await self.actor_in(session, telegram_user_id)

    async def require(
        self, actor: Actor, action: Action, *, group_id: int | None = None, target: str = ""
    ) -> None:
        """Raise PermissionDenied (after auditing the refusal) unless the action is allowed."""
        try:
            check(actor, action, group_id)
        except PermissionDenied as refusal:
            await self.audit.record(
                actor, action.value, target=target, outcome="refused", detail=str(refusal)
            )
            raise
