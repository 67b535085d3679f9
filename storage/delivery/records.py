"""Delivery records: what the delivery worker claims and how a send ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class DeliveryJob:
    """A claimed delivery with what the worker needs to send it."""

    delivery_id: int
    notification_id: int
    member_id: int | None
    channel: str
    attempts: int
    body_html: str
    body_text: str
    urgency: str
    telegram_chat_id: int | None
    phone_e164: str | None
    uncertain: bool = False
    buttons: str | None = None  # JSON rows of [label, callback data]
    attachment: tuple[str, str, bytes] | None = None  # (file name, MIME type, content)


@dataclass(frozen=True, slots=True)
class Settlement:
    """The final outcome of one delivery that was on the wire."""

    delivery_id: int
    status: str
    provider_id: str | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ReportScope:
    """What a leader may see in reports: their own notifications and their group's broadcasts."""

    author_member_id: int
    group_id: int


@dataclass(frozen=True, slots=True)
class NotificationRecord:
    """A notification as reports show it."""

    id: int
    kind: str
    urgency: str
    audience: str
    author_label: str
    author_member_id: int | None
    body_text: str
    created_at: datetime
    send_at: datetime | None
    cancelled_at: datetime | None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class PublicNotification:
    """A notification as the public feed may show it: what was said and when, never by whom
    or to which members."""

    id: int
    kind: str
    urgency: str
    category: str | None
    audience: str
    body_html: str
    sent_at: datetime
