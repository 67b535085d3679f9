"""Environment (CPTED) reports: what invites crime (a dark street light, overgrown cover, an
abandoned vehicle, graffiti, an unsecured vacant building), where, and where it stands.

The reporter is kept as the channel and address a report came from (to tell them of status
changes) and, when they were registered, their member id; /forget deletes their reports.
Officer-facing paths never show either.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class FixReport(Base):
    """One report: its kind, place (a pin or an address), photo, note and status."""

    __tablename__ = "fix_reports"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_fix_reports_status", "status", "updated_at"),
        Index("ix_fix_reports_reporter", "channel", "reporter_address"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The reference F-<year>-<seq>, seq counting per year from 1.
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # A Telegram file id of a photo without metadata (Telegram re-encodes photos; files are
    # stripped before they are re-sent).
    photo_file_id: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(8))
    reporter_address: Mapped[str] = mapped_column(String(64))
    reporter_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    # new, public_works, fixed or not_actionable.
    status: Mapped[str] = mapped_column(String(16))
    claimed_by_label: Mapped[str | None] = mapped_column(String(100))
    claimed_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When an officer last touched it (claim, status): what "untouched" is measured from.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FixCounter(Base):
    """The last report number handed out in a year."""

    __tablename__ = "fix_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)
