"""The audit log: every privileged action and every refusal, with who, what, when and outcome."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.permissions import Actor
from storage.audit.records import AuditRecord
from storage.audit.repositories import AuditRepository
from storage.engine import Database

REFUSAL_WINDOW = timedelta(minutes=10)


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
        """Write a line inside the caller's transaction (it lands only if the action does).
        A refusal repeated by the same user (the same action on the same target) within
        REFUSAL_WINDOW is written once: a script pressing a button a thousand times cannot
        flood the log, and the first refusal is on record."""
        repo = AuditRepository(session)
        now = self.clock.now()
        if (
            outcome == "refused"
            and actor.telegram_user_id is not None
            and await repo.refusals_since(
                actor.telegram_user_id, action, target[:200], now - REFUSAL_WINDOW
            )
        ):
            return
        await repo.append(
            at=now,
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
