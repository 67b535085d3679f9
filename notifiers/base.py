"""What every channel implements, and the outcomes a send can have."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Outcome(StrEnum):
    """How a single send ended, classified before anyone decides to retry."""

    SENT = "sent"  # accepted by the provider; provider_id holds its message id
    RETRY = "retry"  # transient (5xx, connection refused before sending); try again later
    RATE_LIMITED = "rate_limited"  # 429; wait retry_after seconds before any send on the channel
    UNKNOWN = "unknown"  # the request may have left (timeout): never resent blindly
    FAILED = "failed"  # permanent for this message (bad request)
    UNREACHABLE = "unreachable"  # permanent for this recipient (blocked, chat gone, opted out)


@dataclass(frozen=True, slots=True)
class SendResult:
    """The outcome of one send."""

    outcome: Outcome
    provider_id: str | None = None
    reason: str = ""
    retry_after: float | None = None
    new_address: str | None = None  # e.g. the new chat id after a group migrated
    # What the provider said about the address itself, to mirror on the member:
    # "opted_out" (Twilio 21610), "invalid" (21211), "not_mobile" (21614).
    address_status: str | None = None
    segments: int = 1  # SMS segments billed/paced for this send


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One message to one address on one channel."""

    address: str  # Telegram chat id or E.164 phone number
    html: str  # Telegram rendering (HTML parse mode, user text escaped)
    text: str  # plain rendering (SMS)
    urgent: bool = False
    # Telegram only: inline buttons as rows of (label, callback data), and a file sent after
    # the text as (file name, MIME type, content). Other channels ignore both.
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()
    attachment: tuple[str, str, bytes] | None = None


class Notifier(Protocol):
    """A channel: sends one message and classifies what happened."""

    channel: str

    async def send(self, message: OutboundMessage) -> SendResult:
        """Send one message; never raises for provider errors, classifies them instead."""
        ...
