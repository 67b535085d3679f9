"""Requests for a presentation, workshop, town hall or school program, and where each stands.

The requester is kept as the channel and address a request came from (to tell them of each
step) and, when they were registered, their member id; /forget deletes their requests.
An accepted request points at the event (a meeting) it became.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class TalkRequest(Base):
    """One request: topic, audience, size, place, preferred dates, and its status."""

    __tablename__ = "talk_requests"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_talk_requests_status", "status", "updated_at"),
        Index("ix_talk_requests_requester", "channel", "requester_address"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The reference P-<year>-<seq>, seq counting per year from 1.
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(24))
    audience: Mapped[str] = mapped_column(String(16))
    size: Mapped[int | None] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(200))
    # Preferred dates as ISO dates joined by commas ("2026-12-15,2026-12-17").
    dates: Mapped[str | None] = mapped_column(String(100))
    # A texted request's words (TALK ...), which say what, who and when at once.
    note: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(8))
    requester_address: Mapped[str] = mapped_column(String(64))
    requester_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    # new, suggested, accepted, declined or cancelled.
    status: Mapped[str] = mapped_column(String(16))
    suggested_topic: Mapped[str | None] = mapped_column(String(24))
    decline_reason: Mapped[str | None] = mapped_column(String(300))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    claimed_by_label: Mapped[str | None] = mapped_column(String(100))
    claimed_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When an officer last touched it: what "untouched" is measured from.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TalkCounter(Base):
    """The last request number handed out in a year."""

    __tablename__ = "talk_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)
