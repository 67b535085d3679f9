"""The outbox: notifications and their deliveries, claimed by the worker with a lease.

A claim is one statement: `UPDATE ... RETURNING` on SQLite (which serialises writers anyway) and
`SELECT ... FOR UPDATE SKIP LOCKED` inside the UPDATE on PostgreSQL, so that several workers never
claim the same row. States only move forward; a lease that expires is claimable again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.delivery.models import Delivery, Notification
from storage.delivery.records import (
    DeliveryJob,
    NotificationRecord,
    PublicNotification,
    ReportScope,
    Settlement,
)
from storage.members.models import Member, WatchGroup

_DELIVERIES = cast(Table, Delivery.__table__)
_NOTIFICATIONS = cast(Table, Notification.__table__)
_MEMBERS = cast(Table, Member.__table__)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class NewNotification:
    """A notification to write (`OutboxRepository.add_notifications`)."""

    kind: str
    body_html: str
    body_text: str
    created_at: datetime
    urgency: str = "normal"
    category: str | None = None
    author_label: str = ""
    author_member_id: int | None = None
    group_id: int | None = None
    audience: str = ""
    send_at: datetime | None = None
    buttons: str | None = None
    attachment: tuple[str, str, bytes] | None = None
    subject: str | None = None


def delivery_rows(
    notification_id: int, targets: Iterable[tuple[int, str, str, datetime]], now: datetime
) -> list[dict[str, Any]]:
    """Delivery rows for members: (member id, channel, skip reason, due time); an empty
    reason queues it, any other records it `skipped`; a (member, channel) pair listed twice
    is one row."""
    unique: dict[tuple[int, str], tuple[str, datetime]] = {}
    for member_id, channel, reason, due in targets:
        unique.setdefault((member_id, channel), (reason, due))
    return [
        {
            "notification_id": notification_id,
            "member_id": member_id,
            "address": None,
            "channel": channel,
            "status": "skipped" if reason else "queued",
            "attempts": 0,
            "not_before": due,
            "reason": reason[:300],
            "updated_at": now,
            "uncertain": False,
        }
        for (member_id, channel), (reason, due) in unique.items()
    ]


def direct_rows(
    notification_id: int, targets: Iterable[tuple[str, str, datetime]], now: datetime
) -> list[dict[str, Any]]:
    """Queued delivery rows to bare addresses: (channel, chat id or phone, due time)."""
    return [
        {
            "notification_id": notification_id,
            "member_id": None,
            "address": address,
            "channel": channel,
            "status": "queued",
            "attempts": 0,
            "not_before": due,
            "reason": "",
            "updated_at": now,
            "uncertain": False,
        }
        for channel, address, due in dict.fromkeys(targets)
    ]


class OutboxRepository:
    """Writes notifications with their deliveries; claims and settles deliveries."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_notifications(self, rows: Sequence[NewNotification]) -> list[int]:
        """Write notifications and return their ids in the same order: one INSERT for all of
        them (`buttons`: JSON rows of [label, data]; `attachment`: a file sent on Telegram
        after the text)."""
        if not rows:
            return []
        values = [
            {
                "kind": row.kind,
                "subject": row.subject,
                "urgency": row.urgency,
                "category": row.category,
                "author_label": row.author_label,
                "author_member_id": row.author_member_id,
                "group_id": row.group_id,
                "audience": row.audience,
                "body_html": row.body_html,
                "body_text": row.body_text,
                "created_at": row.created_at,
                "send_at": row.send_at,
                "buttons": row.buttons,
                "attachment_name": row.attachment[0] if row.attachment else None,
                "attachment_mime": row.attachment[1] if row.attachment else None,
                "attachment_data": row.attachment[2] if row.attachment else None,
            }
            for row in rows
        ]
        # On the table, not the ORM class: one compiled statement for every row.
        table = cast(Table, Notification.__table__)
        if len(values) > 1 and self.session.get_bind().dialect.name == "sqlite":
            # SQLite cannot return a many-row insert's ids in the rows' order (SQLAlchemy
            # would insert them one by one). The first row's insert takes the database's
            # write lock, so nobody writes before the rest, which take the ids after it.
            first = int(
                (
                    await self.session.execute(insert(table).returning(table.c.id), values[0])
                ).scalar_one()
            )
            ids = list(range(first, first + len(values)))
            rest = [{**v, "id": i} for v, i in zip(values[1:], ids[1:], strict=True)]
            await self.session.execute(insert(table), rest)
            return ids
        result = await self.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), values
        )
        return [int(i) for i in result.scalars()]

    async def add_deliveries(
        self,
        notification_id: int,
        targets: Iterable[tuple[int, str, str, datetime]],
        now: datetime,
    ) -> int:
        """Write one delivery per (member id, channel, skip reason, due time); returns how
        many will be sent. An empty skip reason queues the delivery; any other is recorded as
        `skipped` with it. A (member, channel) pair listed twice is written once.
        """
        rows = delivery_rows(notification_id, targets, now)
        await self.insert_deliveries(rows)
        return sum(1 for row in rows if row["status"] == "queued")

    async def insert_deliveries(self, rows: Sequence[dict[str, Any]]) -> None:
        """Write delivery rows made by `delivery_rows` and `direct_rows` (one executemany on
        the table: no ORM bookkeeping per row)."""
        if rows:
            await self.session.execute(insert(cast(Table, Delivery.__table__)), list(rows))

    async def claim(
        self,
        *,
        channel: str,
        now: datetime,
        lease_until: datetime,
        limit: int,
        skip_locked: bool,
    ) -> list[DeliveryJob]:
        """Lease up to `limit` due deliveries of a channel and return what sending needs.

        Due means queued and not before now, or leased by a worker whose lease ran out. A row
        that was `claimed` by a dead worker never left, so it is simply taken over; one that
        was `sending` may have reached the provider, so it is taken over marked `uncertain`.
        """
        d = _DELIVERIES
        due = or_(
            and_(d.c.status == "queued", d.c.not_before <= now),
            and_(d.c.status.in_(("claimed", "sending")), d.c.lease_until < now),
        )
        candidates = (
            select(d.c.id)
            .where(d.c.channel == channel, due)
            .order_by(d.c.not_before, d.c.id)
            .limit(limit)
        )
        if skip_locked:
            candidates = candidates.with_for_update(skip_locked=True)
        # Core statements on the tables, not the ORM entities: the worker runs these many
        # times a second and needs columns, not objects in the session's identity map.
        claimed = await self.session.execute(
            update(d)
            .where(d.c.id.in_(candidates.scalar_subquery()))
            .values(
                status="claimed",
                lease_until=lease_until,
                updated_at=now,
                uncertain=case((d.c.status == "sending", true()), else_=d.c.uncertain),
            )
            .returning(d.c.id)
        )
        ids = [row[0] for row in claimed.all()]
        if not ids:
            return []
        n, m = _NOTIFICATIONS, _MEMBERS
        rows = await self.session.execute(
            select(
                d.c.id,
                d.c.member_id,
                d.c.channel,
                d.c.attempts,
                d.c.address,
                d.c.uncertain,
                n.c.id,
                n.c.body_html,
                n.c.body_text,
                n.c.urgency,
                n.c.buttons,
                n.c.attachment_name,
                n.c.attachment_mime,
                n.c.attachment_data,
                m.c.id,
                m.c.telegram_chat_id,
                m.c.phone_e164,
            )
            .join(n, n.c.id == d.c.notification_id)
            .outerjoin(m, m.c.id == d.c.member_id)
            .where(d.c.id.in_(ids))
            .order_by(d.c.not_before, d.c.id)
        )
        jobs = []
        for (
            delivery_id,
            member_id,
            job_channel,
            attempts,
            address,
            uncertain,
            notification_id,
            body_html,
            body_text,
            urgency,
            buttons,
            attachment_name,
            attachment_mime,
            attachment_data,
            found_member,
            chat_id,
            phone,
        ) in rows.all():
            member = found_member is not None
            jobs.append(
                DeliveryJob(
                    delivery_id=delivery_id,
                    notification_id=notification_id,
                    member_id=member_id,
                    channel=job_channel,
                    attempts=attempts,
                    body_html=body_html,
                    body_text=body_text,
                    urgency=urgency,
                    telegram_chat_id=(chat_id if member else _int_or_none(address))
                    if job_channel == "telegram"
                    else None,
                    phone_e164=(phone if member else address) if job_channel == "sms" else None,
                    uncertain=bool(uncertain),
                    buttons=buttons,
                    attachment=(attachment_name, attachment_mime or "", attachment_data)
                    if attachment_name and attachment_data is not None
                    else None,
                )
            )
        return jobs

    async def next_due(self, channel: str, after: datetime) -> datetime | None:
        """When the channel's next delivery held for later comes due (None when none is)."""
        found = await self.session.scalar(
            select(func.min(Delivery.not_before)).where(
                Delivery.channel == channel,
                Delivery.status == "queued",
                Delivery.not_before > after,
            )
        )
        return found  # type: ignore[no-any-return]

    async def mark_sending(self, ids: list[int], now: datetime, lease_until: datetime) -> None:
        """Record that these claimed deliveries are about to go on the wire."""
        d = _DELIVERIES
        await self.session.execute(
            update(d)
            .where(d.c.id.in_(ids), d.c.status == "claimed")
            .values(
                status="sending",
                attempts=d.c.attempts + 1,
                lease_until=lease_until,
                updated_at=now,
            )
        )

    async def settle_many(self, outcomes: list[Settlement], now: datetime) -> None:
        """Record final outcomes of deliveries that were on the wire."""
        if not outcomes:
            return
        table = cast(Table, Delivery.__table__)
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.status == "sending")
            .values(
                status=bindparam("b_status"),
                provider_id=bindparam("b_provider_id"),
                reason=bindparam("b_reason"),
                sent_at=bindparam("b_sent_at"),
                lease_until=None,
                updated_at=now,
            )
        )
        await self.session.execute(
            statement,
            [
                {
                    "b_id": o.delivery_id,
                    "b_status": o.status,
                    "b_provider_id": o.provider_id,
                    "b_reason": o.reason[:300],
                    "b_sent_at": now if o.status == "sent" else None,
                }
                for o in outcomes
            ],
        )

    async def settle(
        self,
        delivery_id: int,
        status: str,
        now: datetime,
        *,
        provider_id: str | None = None,
        reason: str = "",
    ) -> None:
        """Record a final outcome for one delivery on the wire (or one claimed and skipped)."""
        await self.session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status.in_(("claimed", "sending")))
            .values(
                status=status,
                provider_id=provider_id,
                reason=reason[:300],
                lease_until=None,
                updated_at=now,
                sent_at=now if status == "sent" else None,
            )
        )

    async def requeue(
        self,
        ids: list[int],
        not_before: datetime,
        now: datetime,
        reason: str = "",
        *,
        uncertain: bool = False,
    ) -> None:
        """Put leased deliveries back in the queue until `not_before` (flagged "may arrive
        twice" when the last attempt may have reached the person)."""
        if not ids:
            return
        values: dict[str, object] = {
            "status": "queued",
            "not_before": not_before,
            "lease_until": None,
            "updated_at": now,
        }
        if uncertain:
            values["uncertain"] = True
        if reason:
            values["reason"] = reason[:300]
        await self.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids), Delivery.status.in_(("claimed", "sending")))
            .values(**values)
        )

    async def add_direct(
        self,
        notification_id: int,
        targets: Iterable[tuple[str, str, datetime]],
        now: datetime,
    ) -> int:
        """Queue deliveries to bare addresses: (channel, chat id or phone, due time)."""
        rows = direct_rows(notification_id, targets, now)
        await self.insert_deliveries(rows)
        return len(rows)

    async def forget_address(self, notification_id: int) -> None:
        """Drop the bare addresses of a notification's settled deliveries (relays)."""
        await self.session.execute(
            update(Delivery)
            .where(
                Delivery.notification_id == notification_id,
                Delivery.member_id.is_(None),
                Delivery.status.not_in(("queued", "claimed", "sending")),
            )
            .values(address=None)
        )

    async def forget_phone(self, phone_e164: str, now: datetime) -> None:
        """A forgotten number: texts to it as a bare address that have not gone out are
        skipped, and every such delivery loses the number (one in flight keeps it until it
        settles: the worker needs it to finish)."""
        direct = (
            Delivery.member_id.is_(None),
            Delivery.channel == "sms",
            Delivery.address == phone_e164,
        )
        await self.session.execute(
            update(Delivery)
            .where(*direct, Delivery.status == "queued")
            .values(status="skipped", reason="recipient forgotten", updated_at=now)
        )
        await self.session.execute(
            update(Delivery)
            .where(*direct, Delivery.status.not_in(("claimed", "sending")))
            .values(address=None)
        )

    async def add_fallback(
        self, notification_id: int, member_id: int, channel: str, now: datetime
    ) -> bool:
        """Queue a copy on another channel unless one exists; False when it did."""
        exists = await self.session.scalar(
            select(Delivery.id).where(
                Delivery.notification_id == notification_id,
                Delivery.member_id == member_id,
                Delivery.channel == channel,
            )
        )
        if exists is not None:
            return False
        await self.add_deliveries(notification_id, [(member_id, channel, "", now)], now)
        return True

    async def subject_of_message(self, chat_id: int, message_id: int) -> str | None:
        """The subject of the notification whose Telegram message this is, in this chat."""
        query = (
            select(Notification.subject)
            .join(Delivery, Delivery.notification_id == Notification.id)
            .outerjoin(Member, Member.id == Delivery.member_id)
            .where(
                Delivery.channel == "telegram",
                Delivery.provider_id == str(message_id),
                or_(Delivery.address == str(chat_id), Member.telegram_chat_id == chat_id),
            )
            .limit(1)
        )
        return await self.session.scalar(query)

    async def forget_author(self, member_id: int, name: str | None, label: str) -> int:
        """A forgotten member's notifications: the author label becomes `label`, their name
        leaves the bodies (a broadcast's signature, "a neighbor, Ann, is away"), and the link
        goes; the counts stay. Returns how many notifications were touched."""
        values: dict[str, Any] = {"author_label": label, "author_member_id": None}
        if name:
            values["body_html"] = func.replace(Notification.body_html, name, "a former member")
            values["body_text"] = func.replace(Notification.body_text, name, "a former member")
        result = await self.session.execute(
            update(Notification).where(Notification.author_member_id == member_id).values(**values)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def forget_subjects(self, subjects: list[str], now: datetime) -> None:
        """What was sent about deleted items (a survey request and its visit) goes with them:
        deliveries not yet gone out are skipped, and the notifications lose their text and
        file."""
        if not subjects:
            return
        ids = select(Notification.id).where(Notification.subject.in_(subjects))
        await self.session.execute(
            update(Delivery)
            .where(Delivery.notification_id.in_(ids), Delivery.status == "queued")
            .values(status="skipped", reason="its subject was deleted", updated_at=now)
        )
        await self.session.execute(
            update(Notification)
            .where(Notification.subject.in_(subjects))
            .values(
                body_html="(deleted)",
                body_text="(deleted)",
                attachment_name=None,
                attachment_mime=None,
                attachment_data=None,
            )
        )

    async def delete_unsent_about(self, subjects: Sequence[str], kind: str) -> int:
        """Delete the messages of one kind about these subjects that were held for later and
        have not gone out to anyone (a check-in's prompt, taken back before its minute, whose
        id a new check-in may take again); returns how many."""
        if not subjects:
            return 0
        # Correlated, so only these notifications' deliveries are read (by the unique
        # index that starts with notification_id), never the whole outbox.
        went = (
            select(Delivery.id)
            .where(Delivery.notification_id == Notification.id, Delivery.status != "queued")
            .exists()
        )
        ids = list(
            await self.session.scalars(
                select(Notification.id).where(
                    Notification.subject.in_(list(subjects)), Notification.kind == kind, ~went
                )
            )
        )
        if ids:
            await self.session.execute(delete(Delivery).where(Delivery.notification_id.in_(ids)))
            await self.session.execute(delete(Notification).where(Notification.id.in_(ids)))
        return len(ids)

    async def cancel_queued_about(
        self, subjects: Sequence[str], kind: str, reason: str, now: datetime
    ) -> int:
        """Skip the deliveries of one kind of message about these subjects that have not gone
        out (a check-in's prompt that is too late to send); returns how many."""
        if not subjects:
            return 0
        ids = select(Notification.id).where(
            Notification.subject.in_(list(subjects)), Notification.kind == kind
        )
        result = await self.session.execute(
            update(Delivery)
            .where(Delivery.notification_id.in_(ids), Delivery.status == "queued")
            .values(status="skipped", reason=reason[:300], updated_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def cancel_queued(self, notification_id: int, reason: str, now: datetime) -> int:
        """Mark a notification cancelled and skip every delivery of it that has not gone out;
        returns how many were skipped."""
        await self.session.execute(
            update(Notification).where(Notification.id == notification_id).values(cancelled_at=now)
        )
        result = await self.session.execute(
            update(Delivery)
            .where(Delivery.notification_id == notification_id, Delivery.status == "queued")
            .values(status="skipped", reason=reason[:300], updated_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

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

    @staticmethod
    def _notification_record(row: Notification) -> NotificationRecord:
        return NotificationRecord(
            id=row.id,
            kind=row.kind,
            urgency=row.urgency,
            audience=row.audience,
            author_label=row.author_label,
            author_member_id=row.author_member_id,
            body_text=row.body_text,
            created_at=row.created_at,
            send_at=row.send_at,
            cancelled_at=row.cancelled_at,
            subject=row.subject,
        )

    @staticmethod
    def _in_scope(query: Select[Any], scope: ReportScope | None) -> Any:
        if scope is None:
            return query
        return query.where(
            or_(
                Notification.author_member_id == scope.author_member_id,
                (Notification.kind == "broadcast") & (Notification.group_id == scope.group_id),
            )
        )

    async def recent_notifications(
        self, kinds: Iterable[str] | None, limit: int, scope: ReportScope | None
    ) -> list[NotificationRecord]:
        """The newest notifications of these kinds (None: of every kind), within the scope
        (None: all)."""
        query = select(Notification).order_by(Notification.id.desc()).limit(limit)
        if kinds is not None:
            query = query.where(Notification.kind.in_(tuple(kinds)))
        rows = await self.session.scalars(self._in_scope(query, scope))
        return [self._notification_record(row) for row in rows]

    async def notification(
        self, notification_id: int, scope: ReportScope | None
    ) -> NotificationRecord | None:
        """One notification, if it is within the scope (None: all)."""
        query = select(Notification).where(Notification.id == notification_id)
        row = await self.session.scalar(self._in_scope(query, scope))
        return self._notification_record(row) if row is not None else None

    async def public(
        self,
        *,
        kinds: Collection[str],
        audiences: Collection[str],
        group_id: int | None,
        until: datetime,
        limit: int,
    ) -> list[PublicNotification]:
        """The newest notifications of these kinds that went out by `until` and were not
        cancelled: those to one of these audiences and no group, and with `group_id` those to
        that one group too; never one to a partner group."""
        sent = func.coalesce(Notification.send_at, Notification.created_at)
        # Everyone and the topics have no group; an alert whose one group was deleted has none
        # either, but its audience is that group's name, not one of these labels.
        untargeted = and_(Notification.group_id.is_(None), Notification.audience.in_(audiences))
        audience = (
            untargeted if group_id is None else or_(untargeted, Notification.group_id == group_id)
        )
        rows = await self.session.execute(
            select(
                Notification.id,
                Notification.kind,
                Notification.urgency,
                Notification.category,
                Notification.audience,
                Notification.body_html,
                sent.label("sent_at"),
            )
            .outerjoin(WatchGroup, WatchGroup.id == Notification.group_id)
            .where(
                Notification.kind.in_(tuple(kinds)),
                Notification.cancelled_at.is_(None),
                sent <= until,
                audience,
                # Partner groups are private even when a caller asks for one by mistake.
                or_(WatchGroup.id.is_(None), WatchGroup.kind != "partner"),
            )
            .order_by(sent.desc(), Notification.id.desc())
            .limit(limit)
        )
        return [
            PublicNotification(
                id=row.id,
                kind=row.kind,
                urgency=row.urgency,
                category=row.category,
                audience=row.audience,
                body_html=row.body_html,
                sent_at=row.sent_at,
            )
            for row in rows
        ]

    async def broadcasts_since(self, group_id: int, since: datetime) -> int:
        """How many broadcasts to a group were sent (and not cancelled) since a moment."""
        count = await self.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.kind == "broadcast",
                Notification.group_id == group_id,
                Notification.cancelled_at.is_(None),
                Notification.created_at >= since,
            )
        )
        return count or 0

    async def counts(self, notification_id: int) -> dict[tuple[str, str], int]:
        """Deliveries of a notification counted by (channel, status)."""
        rows = await self.session.execute(
            select(Delivery.channel, Delivery.status, func.count(Delivery.id))
            .where(Delivery.notification_id == notification_id)
            .group_by(Delivery.channel, Delivery.status)
        )
        return {(channel, status): int(n) for channel, status, n in rows.all()}

    async def uncertain_count(self, notification_id: int) -> int:
        """Deliveries that were resent after an interrupted attempt (may have arrived twice)."""
        return int(
            await self.session.scalar(
                select(func.count(Delivery.id)).where(
                    Delivery.notification_id == notification_id, Delivery.uncertain.is_(True)
                )
            )
            or 0
        )

    async def reasons(self, notification_id: int) -> list[tuple[str, str, str, int]]:
        """(channel, status, reason, count) for deliveries that carry a reason."""
        rows = await self.session.execute(
            select(Delivery.channel, Delivery.status, Delivery.reason, func.count(Delivery.id))
            .where(Delivery.notification_id == notification_id, Delivery.reason != "")
            .group_by(Delivery.channel, Delivery.status, Delivery.reason)
            .order_by(func.count(Delivery.id).desc())
        )
        return [(c, s, r, int(n)) for c, s, r, n in rows.all()]

    async def outcomes(
        self, notification_id: int
    ) -> list[tuple[int, int | None, bool, str, str, str, int]]:
        """(delivery id, member id, sent to a bare address, channel, status, reason, attempts)
        of every delivery of a notification; the address itself is never read."""
        rows = await self.session.execute(
            select(
                Delivery.id,
                Delivery.member_id,
                Delivery.address.is_not(None),
                Delivery.channel,
                Delivery.status,
                Delivery.reason,
                Delivery.attempts,
            )
            .where(Delivery.notification_id == notification_id)
            .order_by(Delivery.id)
        )
        return [(i, m, bool(d), c, s, r or "", int(a or 0)) for i, m, d, c, s, r, a in rows.all()]

    async def pending_count(self) -> int:
        """Deliveries not yet settled."""
        return int(
            await self.session.scalar(
                select(func.count(Delivery.id)).where(
                    Delivery.status.in_(("queued", "claimed", "sending"))
                )
            )
            or 0
        )
