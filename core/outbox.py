"""Writing notifications into the outbox, in the same transaction as the action causing them.

Nothing that is not the direct reply to a message is sent from a handler: the action writes a
`notification` and one `delivery` per (member, channel), and the delivery worker sends them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from storage.records import MemberRecord
from storage.repositories import OutboxRepository

TELEGRAM = "telegram"
SMS = "sms"


@dataclass(frozen=True, slots=True)
class Message:
    """One message in two renderings: HTML for Telegram and plain text for SMS."""

    html: str
    text: str


def channels_for(member: MemberRecord) -> list[tuple[str, str]]:
    """The (channel, skip reason) pairs for a member; an empty reason means send."""
    if member.telegram_chat_id is None:
        return []
    if member.messages_paused:
        return [(TELEGRAM, "member stopped all messages")]
    if not member.telegram_reachable:
        return [(TELEGRAM, "member blocked the bot")]
    return [(TELEGRAM, "")]


class Outbox:
    """Queues notifications for the delivery worker."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def enqueue_in(
        self,
        session: AsyncSession,
        *,
        kind: str,
        message: Message,
        recipients: Sequence[MemberRecord],
        urgency: str = "normal",
        category: str | None = None,
        author_label: str = "",
        group_id: int | None = None,
        audience: str = "",
        not_before: datetime | None = None,
    ) -> int:
        """Write the notification and its deliveries; returns the notification id."""
        now = self.clock.now()
        repo = OutboxRepository(session)
        notification_id = await repo.add_notification(
            kind=kind,
            body_html=message.html,
            body_text=message.text,
            now=now,
            urgency=urgency,
            category=category,
            author_label=author_label,
            group_id=group_id,
            audience=audience,
        )
        targets = [
            (member.id, channel, skip_reason)
            for member in recipients
            for channel, skip_reason in channels_for(member)
        ]
        await repo.add_deliveries(notification_id, targets, now, not_before)
        return notification_id
