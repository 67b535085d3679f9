"""The table of what is due: reminders, closings, checklists, expiries and periodic lists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class CalendarDue(Base):
    """One thing that becomes due at a moment: a reminder, a closing, an expiry, a daily list.

    The scheduler's tick settles each pending row once (`done`, `missed` when it is too late to
    be useful, `cancelled` when its subject went away) in the transaction that queues its
    messages. The daily and weekly lists are recorded here too, keyed by their date, so that
    a restart neither skips nor repeats them.
    """

    __tablename__ = "calendar_due"
    __table_args__ = (
        UniqueConstraint("kind", "subject_id", "key"),
        Index("ix_calendar_due_pending", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
