"""Writing notifications into the outbox, in the same transaction as the action causing them.

Nothing that is not the direct reply to a message is sent from a handler: the action writes a
`notification` and one `delivery` per (member, channel) — or a `skipped` one saying why not — and
the delivery worker sends them. Normal notifications wait for the end of a member's quiet hours;
urgent ones don't.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.delivery.preferences import quiet_until
from core.delivery.sms_text import sms_body
from storage.delivery.repositories import (
    NewNotification,
    OutboxRepository,
    delivery_rows,
    direct_rows,
)
from storage.members.records import MemberRecord

TELEGRAM = "telegram"
SMS = "sms"


Buttons = tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent on Telegram after the message's text (an .ics invitation, a CSV list)."""

    filename: str
    mime: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Message:
    """One message in two renderings: HTML for Telegram and plain text for SMS; on Telegram
    optionally with inline buttons (rows of (label, callback data)) and a file."""

    html: str
    text: str
    buttons: Buttons = ()
    attachment: Attachment | None = None


def encode_buttons(buttons: Buttons) -> str | None:
    """Buttons as stored on a notification (JSON), None for none."""
    return json.dumps([[list(b) for b in row] for row in buttons]) if buttons else None


def decode_buttons(stored: str | None) -> Buttons:
    """Buttons as a notification stored them."""
    if not stored:
        return ()
    return tuple(tuple((str(b[0]), str(b[1])) for b in row) for row in json.loads(stored))


def sms_rendering(service_name: str, text: str) -> str:
    """The SMS body: names the sender and fits the 1600-character limit."""
    return sms_body(service_name, text)


@dataclass(frozen=True, slots=True)
class Plan:
    """Where one member's copy goes: (channel, skip reason) pairs; no reason means send."""

    routes: tuple[tuple[str, str], ...]

    @property
    def sending(self) -> list[str]:
        """Channels that will be sent on."""
        return [channel for channel, reason in self.routes if not reason]


def sms_problem(member: MemberRecord, sms_enabled: bool) -> str:
    """Why SMS cannot reach the member, or '' if it can."""
    if not sms_enabled:
        return "SMS is not configured"
    if not member.phone_e164:
        return "no phone number"
    if not member.phone_verified:
        return "phone number not confirmed"
    if member.sms_status != "ok":
        return f"phone number {member.sms_status.replace('_', ' ')}"
    return ""


def plan_for(member: MemberRecord, sms_enabled: bool) -> Plan:
    """The channels a member's copy goes on, with reasons for those it can't."""
    if member.messages_paused:
        return Plan(((TELEGRAM, "member stopped all messages"),))
    wants_telegram = member.channels in ("telegram", "both")
    wants_sms = member.channels in ("sms", "both")
    routes: list[tuple[str, str]] = []
    if wants_telegram:
        if member.telegram_chat_id is None:
            routes.append((TELEGRAM, "no Telegram chat"))
        elif not member.telegram_reachable:
            routes.append((TELEGRAM, "member blocked the bot"))
        else:
            routes.append((TELEGRAM, ""))
        telegram_failed = bool(routes[-1][1])
        if telegram_failed and member.sms_fallback and not wants_sms:
            problem = sms_problem(member, sms_enabled)
            if not problem:  # fall back quietly; a failed fallback adds nothing to report
                routes.append((SMS, ""))
    if wants_sms:
        routes.append((SMS, sms_problem(member, sms_enabled)))
    return Plan(tuple(routes))


@dataclass(frozen=True, slots=True)
class Queued:
    """One notification for `Outbox.enqueue_many_in`: what `enqueue_in` takes."""

    kind: str
    message: Message
    recipients: Sequence[MemberRecord] = ()
    urgency: str = "normal"
    category: str | None = None
    author_label: str = ""
    author_member_id: int | None = None
    group_id: int | None = None
    audience: str = ""
    send_at: datetime | None = None
    direct: Sequence[tuple[str, str]] = ()
    subject: str | None = None


class Outbox:
    """Queues notifications for the delivery worker."""

    def __init__(
        self, clock: Clock, *, zone: ZoneInfo, service_name: str, sms_enabled: bool
    ) -> None:
        self.clock = clock
        self.zone = zone
        self.service_name = service_name
        self.sms_enabled = sms_enabled

    def plan(self, member: MemberRecord) -> Plan:
        """Where a member's copy would go."""
        return plan_for(member, self.sms_enabled)

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
        author_member_id: int | None = None,
        group_id: int | None = None,
        audience: str = "",
        send_at: datetime | None = None,
        direct: Sequence[tuple[str, str]] = (),
        subject: str | None = None,
    ) -> int:
        """Write the notification and its deliveries; returns the notification id.

        `direct` adds (channel, address) recipients who are not members — an officer who never
        registered (their Telegram user id is their private chat id), or a relay to a chat.
        `subject` says what it is about ("tip:42"), so a reply to it can be routed.
        """
        queued = Queued(
            kind=kind,
            message=message,
            recipients=recipients,
            urgency=urgency,
            category=category,
            author_label=author_label,
            author_member_id=author_member_id,
            group_id=group_id,
            audience=audience,
            send_at=send_at,
            direct=direct,
            subject=subject,
        )
        return (await self.enqueue_many_in(session, [queued]))[0]

    async def enqueue_many_in(self, session: AsyncSession, queued: Sequence[Queued]) -> list[int]:
        """Write many notifications with their deliveries in a few statements (one INSERT for
        the notifications, one per 500 deliveries); returns their ids in order. A due minute
        that prompts thousands of people at once writes them this way."""
        now = self.clock.now()
        repo = OutboxRepository(session)
        ids = await repo.add_notifications(
            [
                NewNotification(
                    kind=q.kind,
                    body_html=q.message.html,
                    body_text=sms_rendering(self.service_name, q.message.text),
                    created_at=now,
                    urgency=q.urgency,
                    category=q.category,
                    author_label=q.author_label,
                    author_member_id=q.author_member_id,
                    group_id=q.group_id,
                    audience=q.audience,
                    send_at=q.send_at,
                    subject=q.subject,
                    buttons=encode_buttons(q.message.buttons),
                    attachment=(
                        (
                            q.message.attachment.filename,
                            q.message.attachment.mime,
                            q.message.attachment.content,
                        )
                        if q.message.attachment
                        else None
                    ),
                )
                for q in queued
            ]
        )
        rows: list[dict[str, Any]] = []
        for q, notification_id in zip(queued, ids, strict=True):
            start = max(q.send_at or now, now)
            targets = []
            for member in q.recipients:
                wait = None if q.urgency == "urgent" else quiet_until(member, start, self.zone)
                due = wait or start
                for channel, reason in self.plan(member).routes:
                    targets.append((member.id, channel, reason, due))
            rows += delivery_rows(notification_id, targets, now)
            rows += direct_rows(notification_id, [(c, a, start) for c, a in q.direct], now)
        await repo.insert_deliveries(rows)
        return ids
