"""Member tables: members, officers, watch groups and memberships."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import true

from storage.base import Base
from storage.types import UTCDateTime


class Member(Base):
    """A resident who consented to registration; leaders and officers are members too."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    display_name: Mapped[str | None] = mapped_column(String(64))
    phone_e164: Mapped[str | None] = mapped_column(String(16), index=True)
    # When the member proved they hold the number (a code texted to it, or a shared contact
    # of their own); nothing is texted to a number before that.
    phone_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
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
    # Alert categories the member wants, comma-separated (see core.delivery.preferences.CATEGORIES).
    categories: Mapped[str] = mapped_column(
        String(200),
        default="scam,burglary,vehicle,fraud,personal_safety,meetings,news",
        server_default="scam,burglary,vehicle,fraud,personal_safety,meetings,news",
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PhoneCode(Base):
    """A six-digit code texted to a number a member typed, to prove they hold it. Only a salted
    hash of the code is kept. The rows also count how many codes a member or a number was sent
    in a day; /forget detaches them from the person (no member, no number) and keeps only the
    number's keyed hash, so forgetting cannot reset a number's daily limit."""

    __tablename__ = "phone_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    phone_key: Mapped[str] = mapped_column(String(64), index=True)
    code_hash: Mapped[str] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Officer(Base):
    """A Telegram user holding the officer role (granted by configuration or the CLI)."""

    __tablename__ = "officers"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[str] = mapped_column(String(64))
    # Migration 0009_officer_names: the name shown for the officer, and when it was first asked.
    display_name: Mapped[str | None] = mapped_column(String(80))
    name_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


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
    # Migration 0015_partner_groups: a watch group, or a partner group (business owners, civic
    # groups, private security, school officials, other agencies) that people join only by its
    # invitation code, never by its code or from the public list.
    kind: Mapped[str] = mapped_column(String(12), default="watch", server_default="watch")
    sector: Mapped[str | None] = mapped_column(String(20))
    invite_code: Mapped[str | None] = mapped_column(String(12), unique=True)


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
