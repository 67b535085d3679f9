"""The outbox: notifications and their deliveries, claimed by the worker with a lease.

A claim is one statement: `UPDATE ... RETURNING` on SQLite (which serialises writers anyway) and
`SELECT ... FOR UPDATE SKIP LOCKED` inside the UPDATE on PostgreSQL, so that several workers never
claim the same row. States only move forward; a lease that expires is claimable again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, Member, Notification
from storage.records import DeliveryJob

# Terminal states: a delivery in one of these never changes again, except sent -> delivered/failed
# reported by a provider's status callback.
FINAL = frozenset({"sent", "delivered", "failed", "unknown", "skipped"})


class OutboxRepository:
    """Writes notifications with their deliveries; claims and settles deliveries."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_notification(
        self,
        *,
        kind: str,
        body_html: str,
        body_text: str,
        now: datetime,
        urgency: str = "normal",
        category: str | None = None,
        author_label: str = "",
        group_id: int | None = None,
        audience: str = "",
    ) -> int:
        """Write a notification and return its id."""
        row = Notification(
            kind=kind,
            urgency=urgency,
            category=category,
            author_label=author_label,
            group_id=group_id,
            audience=audience,
            body_html=body_html,
            body_text=body_text,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def add_deliveries(
        self,
        notification_id: int,
        targets: Iterable[tuple[int, str, str]],
        now: datetime,
        not_before: datetime | None = None,
    ) -> int:
        """Write one delivery per (member id, channel, skip reason); returns how many to send.

        An empty skip reason queues the delivery; any other is recorded as `skipped` with it.
        """
        rows = [
            {
                "notification_id": notification_id,
                "member_id": member_id,
                "channel": channel,
                "status": "skipped" if skip_reason else "queued",
                "attempts": 0,
                "not_before": not_before or now,
                "reason": skip_reason[:300],
                "updated_at": now,
            }
            for (member_id, channel), skip_reason in {(m, c): r for m, c, r in targets}.items()
        ]
        if rows:
            await self.session.execute(insert(Delivery), rows)
        return sum(1 for row in rows if row["status"] == "queued")

    async def claim(
        self,
        *,
        channel: str,
        now: datetime,
        lease_until: datetime,
        limit: int,
        skip_locked: bool,
    ) -> list[DeliveryJob]:
        """Lease up to `limit` due deliveries of a channel and return what sending needs."""
        due = or_(
            and_(Delivery.status == "queued", Delivery.not_before <= now),
            and_(Delivery.status == "sending", Delivery.lease_until < now),
        )
        candidates = (
            select(Delivery.id)
            .where(Delivery.channel == channel, due)
            .order_by(Delivery.not_before, Delivery.id)
            .limit(limit)
        )
        if skip_locked:
            candidates = candidates.with_for_update(skip_locked=True)
        claimed = await self.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(candidates.scalar_subquery()))
            .values(
                status="sending",
                lease_until=lease_until,
                attempts=Delivery.attempts + 1,
                updated_at=now,
            )
            .returning(Delivery.id)
        )
        ids = [row[0] for row in claimed.all()]
        if not ids:
            return []
        rows = await self.session.execute(
            select(Delivery, Notification, Member)
            .join(Notification, Notification.id == Delivery.notification_id)
            .outerjoin(Member, Member.id == Delivery.member_id)
            .where(Delivery.id.in_(ids))
            .order_by(Delivery.not_before, Delivery.id)
        )
        return [
            DeliveryJob(
                delivery_id=d.id,
                notification_id=n.id,
                member_id=d.member_id,
                channel=d.channel,
                attempts=d.attempts,
                body_html=n.body_html,
                body_text=n.body_text,
                urgency=n.urgency,
                telegram_chat_id=m.telegram_chat_id if m else None,
                phone_e164=m.phone_e164 if m else None,
            )
            for d, n, m in rows.all()
        ]

    async def settle(
        self,
        delivery_id: int,
        status: str,
        now: datetime,
        *,
        provider_id: str | None = None,
        reason: str = "",
    ) -> bool:
        """Record a final outcome for a leased delivery; False if it was no longer leased."""
        result = await self.session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == "sending")
            .values(
                status=status,
                provider_id=provider_id,
                reason=reason[:300],
                lease_until=None,
                updated_at=now,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def retry_later(
        self, delivery_id: int, not_before: datetime, now: datetime, reason: str
    ) -> None:
        """Put a leased delivery back in the queue until `not_before`."""
        await self.session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == "sending")
            .values(
                status="queued",
                not_before=not_before,
                lease_until=None,
                reason=reason[:300],
                updated_at=now,
            )
        )

    async def apply_provider_status(
        self, provider_id: str, status: str, reason: str, now: datetime
    ) -> bool:
        """Apply a provider's status callback, forward only; False when nothing changed.

        `status` is "sent", "delivered" or "failed". A later callback never moves a delivery
        back (a late "sent" after "delivered" is ignored; "failed" after "delivered" too).
        """
        allowed_from = {
            "sent": ("sending", "unknown"),
            "delivered": ("sending", "sent", "unknown"),
            "failed": ("sending", "sent", "unknown"),
        }.get(status)
        if allowed_from is None:
            return False
        values: dict[str, object] = {"status": status, "updated_at": now, "lease_until": None}
        if reason:
            values["reason"] = reason[:300]
        result = await self.session.execute(
            update(Delivery)
            .where(Delivery.provider_id == provider_id, Delivery.status.in_(allowed_from))
            .values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def counts(self, notification_id: int) -> dict[tuple[str, str], int]:
        """Deliveries of a notification counted by (channel, status)."""
        rows = await self.session.execute(
            select(Delivery.channel, Delivery.status, func.count(Delivery.id))
            .where(Delivery.notification_id == notification_id)
            .group_by(Delivery.channel, Delivery.status)
        )
        return {(channel, status): int(n) for channel, status, n in rows.all()}

    async def pending_count(self) -> int:
        """Deliveries not yet settled."""
        return int(
            await self.session.scalar(
                select(func.count(Delivery.id)).where(Delivery.status.in_(("queued", "sending")))
            )
            or 0
        )

    async def next_due_at(self) -> datetime | None:
        """When the earliest queued delivery becomes due."""
        return await self.session.scalar(
            select(func.min(Delivery.not_before)).where(Delivery.status == "queued")
        )
