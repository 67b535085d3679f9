"""Security surveys: a resident's request (a home, a business or a boat), the visit agreed with
an officer, and the findings recorded against the kind's checklist.

The requester is kept as the channel and address the request came from (to tell them of
proposals, the visit and the report) and, when they were registered, their member id; /forget
deletes their surveys with their findings.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class Survey(Base):
    """One survey request and where it stands."""

    __tablename__ = "surveys"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_surveys_status", "status", "updated_at"),
        Index("ix_surveys_requester", "channel", "requester_address"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The reference S-<year>-<seq>, seq counting per year from 1.
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    # residential, commercial or boat.
    kind: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(200))
    business: Mapped[str | None] = mapped_column(String(120))
    contact: Mapped[str | None] = mapped_column(String(120))
    marina: Mapped[str | None] = mapped_column(String(120))
    slip: Mapped[str | None] = mapped_column(String(40))
    vessel: Mapped[str | None] = mapped_column(String(120))
    concern: Mapped[str] = mapped_column(Text)
    # The windows that suit the requester, one per line: "2026-12-08 morning".
    windows: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(8))
    requester_address: Mapped[str] = mapped_column(String(64))
    requester_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    # new, scheduled, done or cancelled.
    status: Mapped[str] = mapped_column(String(16))
    claimed_by_label: Mapped[str | None] = mapped_column(String(100))
    claimed_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    # The time an officer proposed and the requester has not answered yet; `proposal` counts
    # proposals, so an older proposal's Accept accepts nothing.
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    proposal: Mapped[int] = mapped_column(Integer, default=0)
    # The agreed visit; `sequence` is its calendar file's SEQUENCE (each move adds one).
    visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When an officer or the requester last moved it on: what "untouched" is measured from.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SurveyFinding(Base):
    """One checklist item of a done survey: its priority, the officer's note, and whether the
    requester said (on the follow-up) it was done."""

    __tablename__ = "survey_findings"
    __table_args__ = (UniqueConstraint("survey_id", "item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    item: Mapped[str] = mapped_column(String(32))
    # high, medium, low (a recommendation) or ok (nothing to do).
    priority: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SurveyCounter(Base):
    """The last survey number handed out in a year."""

    __tablename__ = "survey_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)
