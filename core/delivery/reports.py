"""What was delivered to whom: recent notifications and per-channel outcome counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.audit import AuditService
from core.errors import NotFound, PermissionDenied
from core.permissions import Actor
from storage.delivery.records import NotificationRecord, ReportScope
from storage.delivery.repositories import OutboxRepository
from storage.engine import Database

STATUSES = ("queued", "sent", "delivered", "failed", "unknown", "skipped")
IN_PROGRESS = ("queued", "claimed", "sending")
REPORTED_KINDS = ("alert", "scam", "broadcast", "news", "reminder")


@dataclass(frozen=True, slots=True)
class NotificationLine:
    """One notification in a list."""

    id: int
    kind: str
    urgency: str
    audience: str
    created_at: datetime
    send_at: datetime | None
    cancelled: bool
    preview: str
    total: int
    done: int


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """Per-channel counts and the reasons behind failures and skips."""

    line: NotificationLine
    author: str
    counts: dict[str, dict[str, int]]  # channel -> status -> n (queued includes in progress)
    uncertain: int
    reasons: list[tuple[str, str, str, int]]


class ReportService:
    """Reads delivery outcomes for officers (everything) and leaders (their own)."""

    def __init__(self, db: Database, audit: AuditService) -> None:
        self.db = db
        self.audit = audit

    async def _scope(self, actor: Actor, target: str) -> ReportScope | None:
        """What the actor may see: everything (None, officers) or a leader's own notifications
        and group's broadcasts; anyone else is refused, on the audit log."""
        if actor.is_officer:
            return None
        if actor.leads is not None:
            return ReportScope(actor.member.id if actor.member else -1, actor.leads.id)
        await self.audit.record(
            actor,
            "report.view",
            target=target,
            outcome="refused",
            detail="not an officer or leader",
        )
        raise PermissionDenied("Only officers and group leaders can see delivery reports.")

    async def recent(self, actor: Actor, limit: int = 10) -> list[NotificationLine]:
        """The newest notifications the actor may see (alerts, broadcasts, ...)."""
        scope = await self._scope(actor, "recent")
        async with self.db.transaction() as session:
            repo = OutboxRepository(session)
            rows = await repo.recent_notifications(REPORTED_KINDS, limit, scope)
            return [await self._line(repo, row) for row in rows]

    async def detail(self, actor: Actor, notification_id: int) -> DeliveryReport:
        """Counts per channel and status, with reasons, for one notification."""
        scope = await self._scope(actor, f"notification #{notification_id}")
        async with self.db.transaction() as session:
            repo = OutboxRepository(session)
            row = await repo.notification(notification_id, scope)
            if row is None:
                raise NotFound(f"There is no report #{notification_id} you can see. Try /report.")
            raw = await repo.counts(row.id)
            counts: dict[str, dict[str, int]] = {}
            for (channel, status), n in raw.items():
                shown = "queued" if status in IN_PROGRESS else status
                per = counts.setdefault(channel, dict.fromkeys(STATUSES, 0))
                per[shown] += n
            return DeliveryReport(
                line=await self._line(repo, row),
                author=row.author_label,
                counts=counts,
                uncertain=await repo.uncertain_count(row.id),
                reasons=await repo.reasons(row.id),
            )

    @staticmethod
    async def _line(repo: OutboxRepository, row: NotificationRecord) -> NotificationLine:
        counts = await repo.counts(row.id)
        total = sum(counts.values())
        done = sum(n for (_, status), n in counts.items() if status not in IN_PROGRESS)
        return NotificationLine(
            id=row.id,
            kind=row.kind,
            urgency=row.urgency,
            audience=row.audience,
            created_at=row.created_at,
            send_at=row.send_at,
            cancelled=row.cancelled_at is not None,
            preview=row.body_text.split(": ", 1)[-1][:60],
            total=total,
            done=done,
        )
