"""Victim assistance: a follow-up an officer opens for a person after a crime (the crime type
and case number), how the person is reached (a Telegram chat or a phone number), whether they
consented, and where the check-ins stand.

The person is kept only as the channel and address to reach them and, when registered, their
member id; /forget deletes their follow-ups. The audit log names the officer and the case
number, never the person.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class VictimFollowup(Base):
    """One follow-up: the case, the person's address, consent, status and owner."""

    __tablename__ = "victim_followups"
    __table_args__ = (
        Index("ix_victim_followups_status", "status", "created_at"),
        Index("ix_victim_followups_person", "channel", "address"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(24))
    crime_type: Mapped[str] = mapped_column(String(16))
    # telegram (address: the private chat id) or sms (address: E.164); an invite link's
    # follow-up has no address until the person opens the link and consents.
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    # The invite deep link's secret (victim-<token>), until it is used.
    invite_token: Mapped[str | None] = mapped_column(String(32), unique=True)
    # awaiting (consent), active, stopped (no more check-ins), declined, opted_out, closed.
    status: Mapped[str] = mapped_column(String(12))
    officer_telegram_id: Mapped[int] = mapped_column(BigInteger)
    officer_label: Mapped[str] = mapped_column(String(100))
    checkins_sent: Mapped[int] = mapped_column(Integer, default=0)
    # The message a "call me back" was last asked from ("0" the resources, "2d" a check-in):
    # asked again from the same one, it tells the officer nothing new.
    callback_key: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
