"""The rules every part of the tips feature shares: limits, references, sources and drafts,
and telling officers about a tip."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core import image_meta, validation
from core.delivery import Message, Outbox
from core.emergency import emergency_terms
from core.errors import InvalidInput
from core.members import OfficerService
from storage.members.records import MemberRecord
from storage.members.repositories import MemberRepository, OfficerRepository
from storage.tips.records import TipRecord

CATEGORIES: dict[str, str] = {
    "suspicious": "Suspicious activity",
    "vehicle": "Vehicle",
    "theft": "Theft",
    "burglary": "Burglary",
    "vandalism": "Vandalism",
    "drugs": "Drugs",
    "scam": "Scam or fraud",
    "other": "Other",
}


STATUS_LABELS = {
    "received": "received",
    "in_review": "in review",
    "closed": "closed",
    "spam": "closed",  # a tipster is told it is closed, never that it was taken for spam
}


OUTCOMES: dict[str, str] = {
    "resolved": "Resolved",
    "referred": "Passed to investigators",
    "noaction": "No further action needed",
    "info": "Not enough information to act on",
    "dup": "Already known to police",
}


TEXT_MAX = 4000


CONDUCT_MAX = 2000


WHEN_MAX = 100


PLACE_MAX = 200


NAME_MAX = validation.NAME_MAX


REPLY_MAX = 1000  # officers' messages to a tipster (an SMS carries at most 1600 characters)


PHOTOS_MAX = 5


REFERENCE = re.compile(r"^T-(\d{4})-(\d{1,6})$", re.IGNORECASE)


REFERENCE_ANYWHERE = re.compile(r"\bT-(\d{4})-(\d{1,6})\b", re.IGNORECASE)


TELEGRAM = "telegram"


SMS = "sms"


def parse_reference(text: str) -> tuple[int, int] | None:
    """(year, seq) of 'T-2026-00042' (any case, leading zeros optional), or None."""
    match = REFERENCE.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def find_reference(text: str) -> tuple[int, int] | None:
    """The first tip reference anywhere in a text."""
    match = REFERENCE_ANYWHERE.search(text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def find_references(text: str) -> list[tuple[int, int]]:
    """Every distinct tip reference in a text, in order."""
    found = [(int(m.group(1)), int(m.group(2))) for m in REFERENCE_ANYWHERE.finditer(text)]
    return list(dict.fromkeys(found))


def clean_tip_text(text: str, what: str = "tip", limit: int = TEXT_MAX) -> str:
    """A tip's text: not empty, at most `limit` characters, control characters dropped."""
    body = validation.clean_text(text or "")
    if not body:
        raise InvalidInput(f"The {what} is empty. Please write what you saw.")
    if len(body) > limit:
        raise InvalidInput(
            f"That {what} is {len(body)} characters long; the limit is {limit}. "
            "Please shorten it (you can send more in a reply later)."
        )
    letters = sum(c.isalpha() for c in body)
    if what == "tip" and letters < 3 and not emergency_terms(body):
        # "hi" or "👍" tells officers nothing; an emergency word alone ("Fire!") always goes.
        raise InvalidInput(
            "That is very short for a tip. Please say what you saw: who, what they did and "
            "where, in a few words at least."
        )
    return body


def clean_optional(text: str | None, what: str, limit: int) -> str | None:
    """An optional one-line detail (when, where): trimmed, at most `limit` characters."""
    if text is None:
        return None
    value = validation.one_line(text)
    if not value:
        return None
    if len(value) > limit:
        raise InvalidInput(f"That {what} is {len(value)} characters long; the limit is {limit}.")
    if not any(c.isalnum() for c in value):
        raise InvalidInput(f"Please write the {what} in words, or skip it.")
    return value


clean_location = validation.pin


def check_photo(file_size: int | None, mime_type: str | None) -> None:
    """A photo or image file of at most 10 MB; anything else is refused with the reason."""
    image_meta.check_photo(file_size, mime_type, skippable=False)


def new_alias() -> str:
    """'Tipster 7F3A': random, derived from nothing about the tipster."""
    return f"Tipster {secrets.token_hex(2).upper()}"


def new_token() -> str:
    """An opaque relay token (22 URL-safe characters, fits in callback data)."""
    return secrets.token_urlsafe(16)


def rate_key(secret: str, channel: str, address: str) -> str:
    """The rate-limit key of a chat or number: an HMAC, so the marks name no one."""
    return hmac.new(secret.encode(), f"{channel}:{address}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Source:
    """Where a tip comes from: a Telegram chat (and its user) or a phone number."""

    channel: str
    address: str
    telegram_user_id: int | None = None

    @classmethod
    def telegram(cls, chat_id: int, user_id: int) -> Source:
        """A private Telegram chat."""
        return cls(TELEGRAM, str(chat_id), user_id)

    @classmethod
    def sms(cls, phone_e164: str) -> Source:
        """A phone number."""
        return cls(SMS, phone_e164)


@dataclass(frozen=True, slots=True)
class TipDraft:
    """What a tipster has told so far."""

    text: str
    when_text: str | None = None
    occurred_now: bool = False
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    photos: tuple[str, ...] = field(default=())
    category: str | None = None
    conduct: str | None = None


@dataclass(frozen=True, slots=True)
class Filed:
    """A stored tip, as its author is told about it."""

    reference: str
    token: str
    urgent: bool
    anonymous: bool
    name: str | None


async def officer_recipients(
    session: AsyncSession, officers: OfficerService, only_telegram_id: int | None = None
) -> tuple[list[MemberRecord], list[tuple[str, str]]]:
    """Officers as outbox recipients: one officer (the tip's claimer, while still an officer),
    or all of them."""
    if only_telegram_id is not None and await OfficerRepository(session).is_officer(
        only_telegram_id
    ):
        member = await MemberRepository(session).by_telegram_user(only_telegram_id)
        if member is not None:
            return [member], []
        return [], [(TELEGRAM, str(only_telegram_id))]
    return await officers.audience_in(session)


def tip_subject(tip_id: int) -> str:
    """The subject of a notification about a tip."""
    return f"tip:{tip_id}"


def tip_of_subject(subject: str | None) -> int | None:
    """The tip a notification's subject names, if any."""
    if subject and subject.startswith("tip:") and subject[4:].isdigit():
        return int(subject[4:])
    return None


async def notify_officers_in(
    session: AsyncSession,
    outbox: Outbox,
    officers: OfficerService,
    *,
    kind: str,
    message: Message,
    tip: TipRecord,
    urgent: bool,
    claimer_only: bool = False,
    audience: str | None = None,
    send_at: datetime | None = None,
) -> int:
    """Queue a message about a tip to officers (or its claimer) in the caller's transaction;
    returns the notification's id."""
    members, direct = await officer_recipients(
        session, officers, tip.claimed_by_telegram_id if claimer_only else None
    )
    return await outbox.enqueue_in(
        session,
        kind=kind,
        message=message,
        recipients=members,
        direct=direct,
        urgency="urgent" if urgent else "normal",
        author_label="tips",
        audience=audience or f"officers, about {tip.reference}",
        subject=tip_subject(tip.id),
        send_at=send_at,
    )
