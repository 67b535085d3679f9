"""The audit log: every privileged action and every refusal, with who, what, when and outcome."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.permissions import Actor
from storage.audit.records import AuditRecord
from storage.audit.repositories import AuditRepository
from storage.engine import Database


class AuditService:
    """Writes and reads the audit log."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def record_in(
        self,
        session: AsyncSession,
        actor: Actor,
        action: str,
        *,
        target: str = "",
        outcome: str = "ok",
        detail: str = "",
    ) -> None:
        """Write a line inside the caller's transaction (it lands only if the action does)."""
        await AuditRepository(session).append(
            at=self.clock.now(),
            actor_telegram_id=actor.telegram_user_id,
            actor_label=actor.label,
            action=action,
            target=target,
            outcome=outcome,
            detail=detail,
        )

    async def record(
        self,
        actor: Actor,
        action: str,
        *,
        target: str = "",
        outcome: str = "ok",
        detail: str = "",
    ) -> None:
        """Write a line in its own transaction (refusals, which roll the action back)."""
        async with self.db.transaction() as session:
            await self.record_in(
                session, actor, action, target=target, outcome=outcome, detail=detail
            )

    async def recent(
        self, limit: int = 20, *, outcome: str | None = None, before_id: int | None = None
    ) -> list[AuditRecord]:
        """The newest lines (the caller checks the reader's permission)."""
        async with self.db.transaction() as session:
            return await AuditRepository(session).recent(
                limit, outcome=outcome, before_id=before_id
            )
