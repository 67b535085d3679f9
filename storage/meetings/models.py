"""Meeting tables: meetings and the members invited to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class Meeting(Base):
    """A group meeting, or a public event (no group, open to anyone: a talk officers give);
    `sequence` counts changes, as the calendar file's SEQUENCE."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("watch_groups.id", ondelete="CASCADE"), index=True
    )
    # A public event: listed in /events, answered by anyone (registered or not).
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12))  # "scheduled" or "cancelled"
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeetingInvitation(Base):
    """Who was invited to a meeting (or answered from /meetings or /events), and their answer:
    a member, or (a public event) the private chat of someone who never registered."""

    __tablename__ = "meeting_invitations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id"),
        UniqueConstraint("meeting_id", "telegram_chat", name="uq_meeting_invitations_chat"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    telegram_chat: Mapped[str | None] = mapped_column(String(32))
    invited: Mapped[bool] = mapped_column(Boolean, default=True)
    answer: Mapped[str | None] = mapped_column(String(8))  # "going", "maybe", "no"
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
