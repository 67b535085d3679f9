"""Tips: the tables of non-emergency tips, their timeline, and the anonymous relay.

An anonymous tip's row holds nothing that names its author: no member id, chat id, phone or
name. The only link to the tipster is a `tip_relays` row (an opaque token -> channel and
address), used to pass messages and deleted by /forget. Rate-limit marks are keyed by an HMAC
of the address and carry no tip id.
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
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from storage.base import Base
from storage.types import UTCDateTime


class Tip(Base):
    """One tip: what happened, when, where, and where it stands."""

    __tablename__ = "tips"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_tips_open", "status", "urgent", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The reference T-<year>-<seq>, seq counting per year from 1.
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # For suspicious activity: what the person did, not only what they looked like.
    conduct: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(24))
    when_text: Mapped[str | None] = mapped_column(String(100))
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    # How officers name the tipster ("Tipster 7F3A"); random, derived from nothing.
    alias: Mapped[str] = mapped_column(String(16))
    # Only for tips filed with a name.
    tipster_name: Mapped[str | None] = mapped_column(String(64))
    tipster_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(8))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # received, in_review, closed or spam.
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(100))
    claimed_by_label: Mapped[str | None] = mapped_column(String(100))
    claimed_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When officers were told about the tip (at once when urgent, else by the digest).
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TipPhoto(Base):
    """A photo attached to a tip, kept as a Telegram file id (no file, no metadata)."""

    __tablename__ = "tip_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TipEvent(Base):
    """One line of a tip's timeline: filed, details added, claimed, messages, status changes."""

    __tablename__ = "tip_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(24))
    author: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")


class TipCounter(Base):
    """The last reference number handed out in a year."""

    __tablename__ = "tip_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class TipRelay(Base):
    """The only link between a tip and the chat or number that filed it: used to pass messages."""

    __tablename__ = "tip_relays"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), unique=True)
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TipRateMark(Base):
    """One tip filed from an address in the last 24 hours (the hourly and the daily limit):
    an HMAC of the address and a time, nothing that names the tip."""

    __tablename__ = "tip_rate_marks"
    __table_args__ = (Index("ix_tip_rate_marks_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class TipSecret(Base):
    """Per-install secrets of the tips feature (the rate-limit HMAC key)."""

    __tablename__ = "tip_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class TipPreference(Base):
    """A member's choice for tips texted from their number: anonymous (default) or named."""

    __tablename__ = "tip_preferences"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    sms_named: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TipMessage(Base):
    """A tip card the bot showed an officer (each part of a long one): a reply to it is about
    this tip, whatever references its text happens to contain."""

    __tablename__ = "tip_messages"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
