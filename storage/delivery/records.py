"""Delivery records: what the delivery worker claims and how a send ended."""

from __future__ import annotations

from dataclasses import dataclass


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
