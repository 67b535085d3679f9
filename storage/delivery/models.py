"""Delivery tables: notifications and one delivery row per (notification, recipient, channel)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from storage.base import Base
from storage.types import UTCDateTime


class Notification(Base):
    """Something to tell people that is not the direct reply to their message."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    urgency: Mapped[str] = mapped_column(String(8), default="normal")
    category: Mapped[str | None] = mapped_column(String(24))
    # What the notification is about, for replies to it ("tip:42"): a reply is routed by the
    # message it answers (its id is on the delivery), never by text read out of it.
    subject: Mapped[str | None] = mapped_column(String(40))
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
