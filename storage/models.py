"""SQLAlchemy 2 models: the tables of the service.

Every schema change here needs an Alembic migration in `storage/migrations/versions`; the test
suite checks that the migrated schema matches these models.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false, true

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (Alembic needs them to drop constraints)."""

    metadata = MetaData(naming_convention=NAMING)


class Member(Base):
    """A resident who consented to registration; leaders and officers are members too."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    display_name: Mapped[str | None] = mapped_column(String(64))
    phone_e164: Mapped[str | None] = mapped_column(String(16), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str] = mapped_column(String(8), default="en")
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    messages_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    telegram_reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    # Delivery choices: "telegram", "sms" or "both"; SMS also serves as a fallback when allowed.
    channels: Mapped[str] = mapped_column(String(8), default="telegram", server_default="telegram")
    sms_fallback: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # "ok", or why SMS cannot reach the number: "opted_out", "invalid", "not_mobile".
    sms_status: Mapped[str] = mapped_column(String(12), default="ok", server_default="ok")
    # Quiet hours in local minutes after midnight; equal values mean no quiet hours.
    quiet_start: Mapped[int] = mapped_column(Integer, default=22 * 60, server_default="1320")
    quiet_end: Mapped[int] = mapped_column(Integer, default=7 * 60, server_default="420")
    # Alert categories the member wants, comma-separated (see core.preferences.CATEGORIES).
    categories: Mapped[str] = mapped_column(
        String(200),
        default="scam,burglary,vehicle,fraud,personal_safety,meetings,news",
        server_default="scam,burglary,vehicle,fraud,personal_safety,meetings,news",
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Officer(Base):
    """A Telegram user holding the officer role (granted by configuration or the CLI)."""

    __tablename__ = "officers"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[str] = mapped_column(String(64))


class WatchGroup(Base):
    """A neighborhood Crime Watch group."""

    __tablename__ = "watch_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    area: Mapped[str] = mapped_column(String(200))
    bylaws: Mapped[str | None] = mapped_column(Text)
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False)
    leader_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set by an election (migration 0005_calendar): the runner-up, and when the term ends.
    alternate_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    leader_term_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Membership(Base):
    """A member's place in a group: pending until approved where the group requires it."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("member_id", "group_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(
        ForeignKey("watch_groups.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """One privileged action or refusal: who, what, when, outcome."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_label: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(500), default="")


class ChatFlow(Base):
    """Where a private chat stands in a multi-step flow, kept so a restart loses nothing."""

    __tablename__ = "chat_flows"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Notification(Base):
    """Something to tell people that is not the direct reply to their message."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    urgency: Mapped[str] = mapped_column(String(8), default="normal")
    category: Mapped[str | None] = mapped_column(String(24))
    author_label: Mapped[str] = mapped_column(String(100), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("watch_groups.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(String(200), default="")
    body_html: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    author_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Telegram extras (migration 0005_calendar): inline buttons as JSON rows of
    # [label, callback data], and one file sent after the text (an .ics, a CSV).
    buttons: Mapped[str | None] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(100))
    attachment_mime: Mapped[str | None] = mapped_column(String(64))
    attachment_data: Mapped[bytes | None] = mapped_column(LargeBinary)


class Delivery(Base):
    """One (notification, member, channel) send, claimed by the delivery worker with a lease."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", "member_id", "channel"),
        Index("ix_deliveries_due", "channel", "status", "not_before"),
        Index("ix_deliveries_provider_id", "provider_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    # A chat id or phone number for a recipient who is not a member (an officer who never
    # registered, an anonymous tipster's relay); cleared once the delivery is settled when
    # it must not be kept.
    address: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provider_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(300), default="")
    # The service stopped while this send was on the wire, and it was sent again: it may have
    # arrived twice. Reported with the `unknown` deliveries.
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


import storage.models_calendar  # noqa: E402  (registers the calendar tables)
import storage.models_tips  # noqa: E402,F401  (registers the tips tables)
