"""Daily check-ins for people who live alone: who is enrolled and how they are reached, the
contacts they chose, each day's check-in (a "round": prompted, answered or escalated, and who
took it), the log every step writes, and which officer is on duty for escalations.

The schedule itself is in `calendar_due` (the due-item runner): the next prompt of each
enrollment, and the steps of an open round. /forget deletes an enrollment with its contacts,
rounds and log (the foreign keys cascade).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import true

from storage.base import Base
from storage.types import UTCDateTime


class CheckinEnrollment(Base):
    """One person's daily check-in: times, channels, wait, days off, pause and consent."""

    __tablename__ = "checkin_enrollments"
    __table_args__ = (
        Index("ix_checkin_enrollments_chat", "telegram_chat"),
        Index("ix_checkin_enrollments_phone", "phone"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    person_name: Mapped[str] = mapped_column(String(64))
    # Told to the contacts and the officer when a check-in is missed.
    address: Mapped[str | None] = mapped_column(String(200))
    # telegram, sms or both; the addresses they reach.
    channels: Mapped[str] = mapped_column(String(8))
    telegram_chat: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(16))
    # "09:00" or "09:00,18:00", local wall-clock times in `timezone`.
    times: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(40))
    window_minutes: Mapped[int] = mapped_column(Integer)
    # Weekdays without a check-in, Monday = 0: "6" (Sundays), "5,6".
    days_off: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # Paused through this local date (ISO "2026-12-13"): check-ins start again the day after.
    paused_through: Mapped[str | None] = mapped_column(String(10))
    scam_digest: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # awaiting (the person has not confirmed), active, stopped, declined.
    status: Mapped[str] = mapped_column(String(12))
    # Bumped on every change of the schedule: the pending prompt's key carries it, so an older
    # prompt is never sent after a change.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Who signed the person up, when it was not the person ("Dana Ruiz"), and the link the
    # person confirms with on Telegram (checkin-<token>) until they answer.
    signed_up_by: Mapped[str | None] = mapped_column(String(64))
    invite_token: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckinContact(Base):
    """Someone the person chose to be told when a check-in is missed (up to three)."""

    __tablename__ = "checkin_contacts"
    __table_args__ = (
        Index("ix_checkin_contacts_enrollment", "enrollment_id", "position"),
        Index("ix_checkin_contacts_chat", "telegram_chat"),
        Index("ix_checkin_contacts_phone", "phone"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_enrollments.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(16))
    # Set when the contact opens their invite link (checkin-c<token>) and accepts.
    telegram_chat: Mapped[str | None] = mapped_column(String(32))
    invite_token: Mapped[str | None] = mapped_column(String(32), unique=True)
    # The contact's number texted STOP: it is skipped until it texts START.
    phone_opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckinRound(Base):
    """One check-in at one local time ("2026-12-03 09:00"): the prompt, the answer or the
    escalation, and who took it. Unique per enrollment and slot: a day's check-in is one row
    whatever the clocks, restarts or instances do."""

    __tablename__ = "checkin_rounds"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "slot"),
        Index("ix_checkin_rounds_due", "enrollment_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_enrollments.id", ondelete="CASCADE")
    )
    slot: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # waiting, answered, escalated (contacts asked), taken (a contact has it), officer (the
    # officer told), help (the person asked for help).
    status: Mapped[str] = mapped_column(String(12))
    # The service was down at the time: the escalation says so.
    downtime: Mapped[bool] = mapped_column(Boolean, default=False)
    prompted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    officer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    taken_by: Mapped[str | None] = mapped_column(String(80))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckinEvent(Base):
    """One logged step: prompted, reminded, answered, contacts asked, taken, officer told,
    help asked, settings changed. The person and their contacts can read it."""

    __tablename__ = "checkin_events"
    __table_args__ = (Index("ix_checkin_events_enrollment", "enrollment_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_enrollments.id", ondelete="CASCADE")
    )
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_rounds.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    event: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(String(200), default="")


class DutyOfficer(Base):
    """The officer on duty for check-in escalations (/duty): at most one row."""

    __tablename__ = "duty_officers"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime())
