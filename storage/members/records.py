"""Member records: members, watch groups, memberships and officers (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """A member as stored."""

    id: int
    telegram_user_id: int | None
    telegram_chat_id: int | None
    display_name: str | None
    phone_e164: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    language: str
    consented_at: datetime
    registered_at: datetime | None
    messages_paused: bool
    telegram_reachable: bool
    channels: str = "telegram"
    sms_fallback: bool = True
    sms_status: str = "ok"
    quiet_start: int = 22 * 60
    quiet_end: int = 7 * 60
    categories: str = ""
    phone_verified_at: datetime | None = None

    @property
    def phone_verified(self) -> bool:
        """Whether the member proved they hold the stored number."""
        return bool(self.phone_e164) and self.phone_verified_at is not None

    @property
    def category_set(self) -> frozenset[str]:
        """The alert categories the member wants."""
        return frozenset(c for c in self.categories.split(",") if c)

    @property
    def is_registered(self) -> bool:
        """Whether registration was completed."""
        return self.registered_at is not None

    @property
    def has_location(self) -> bool:
        """Whether an address or a map location is stored."""
        return bool(self.address) or self.latitude is not None


@dataclass(frozen=True, slots=True)
class PhoneCodeRecord:
    """A verification code as stored (its hash, never the code)."""

    id: int
    member_id: int | None
    phone_e164: str | None
    code_hash: str
    attempts: int
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class GroupRecord:
    """A watch group as stored."""

    id: int
    name: str
    code: str
    area: str
    bylaws: str | None
    approval_required: bool
    leader_member_id: int | None
    created_at: datetime
    alternate_member_id: int | None = None
    leader_term_ends_at: datetime | None = None
    kind: str = "watch"  # or "partner"
    sector: str | None = None
    invite_code: str | None = None

    @property
    def is_partner(self) -> bool:
        """A partner group: joined by invitation only, run by officers."""
        return self.kind == "partner"


@dataclass(frozen=True, slots=True)
class MembershipRecord:
    """A member's membership of a group."""

    id: int
    member_id: int
    group_id: int
    status: str
    requested_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class OfficerRecord:
    """A Telegram user with the officer role."""

    telegram_user_id: int
    added_at: datetime
    added_by: str
    display_name: str | None = None
