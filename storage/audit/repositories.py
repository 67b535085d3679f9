"""The audit log: append-only, read newest first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit.models import AuditEntry
from storage.audit.records import AuditRecord


class AuditRepository:
    """Appends to and reads `audit_log`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def append(
        self,
        *,
        at: datetime,
        actor_telegram_id: int | None,
        actor_label: str,
        action: str,
        target: str,
        outcome: str,
        detail: str,
    ) -> None:
        """Write one line."""
        self.session.add(
            AuditEntry(
                at=at,
                actor_telegram_id=actor_telegram_id,
                actor_label=actor_label[:100],
                action=action[:64],
                target=target[:200],
                outcome=outcome[:16],
                detail=detail[:500],
            )
        )
        await self.session.flush()

    async def refusals_since(
        self, actor_telegram_id: int, action: str, target: str, since: datetime
    ) -> int:
        """How many times this user was refused this action on this target since a moment."""
        count = await self.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.actor_telegram_id == actor_telegram_id,
                AuditEntry.action == action,
                AuditEntry.target == target,
                AuditEntry.outcome == "refused",
                AuditEntry.at >= since,
            )
        )
        return count or 0

    async def refusals_of_label_since(
        self, actor_label: str, action: str, target: str, since: datetime
    ) -> int:
        """How many times an actor without a Telegram id (a text, the command line), named by
        its label, was refused this action on this target since a moment."""
        count = await self.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.actor_telegram_id.is_(None),
                AuditEntry.actor_label == actor_label,
                AuditEntry.action == action,
                AuditEntry.target == target,
                AuditEntry.outcome == "refused",
                AuditEntry.at >= since,
            )
        )
        return count or 0

    async def recent(
        self, limit: int = 20, *, outcome: str | None = None, before_id: int | None = None
    ) -> list[AuditRecord]:
        """The newest lines, optionally only one outcome, optionally older than an id."""
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if outcome:
            query = query.where(AuditEntry.outcome == outcome)
        if before_id:
            query = query.where(AuditEntry.id < before_id)
        rows = await self.session.scalars(query)
        return [
            AuditRecord(
                r.id,
                r.at,
                r.actor_telegram_id,
                r.actor_label,
                r.action,
                r.target,
                r.outcome,
                r.detail,
            )
            for r in rows
        ]

    async def scrub_actor(self, telegram_user_id: int, label: str) -> None:
        """Replace a forgotten member's identity in past lines with a neutral label."""
        await self.session.execute(
            update(AuditEntry)
            .where(AuditEntry.actor_telegram_id == telegram_user_id)
            .values(actor_telegram_id=None, actor_label=label)
        )
