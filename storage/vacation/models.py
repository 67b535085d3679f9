"""Vacation-watch tables: watches and house checks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from storage.base import Base
from storage.types import UTCDateTime


class VacationWatch(Base):
    """A resident's request for house checks while away. Sensitive: officers and the
    resident only; deleted with the member."""

    __tablename__ = "vacation_watches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(200))
    leave_on: Mapped[date] = mapped_column(Date)
    return_on: Mapped[date] = mapped_column(Date)
    emergency_name: Mapped[str] = mapped_column(String(64))
    emergency_phone: Mapped[str] = mapped_column(String(16))
    key_holder: Mapped[str] = mapped_column(String(120), default="")
    vehicles: Mapped[str] = mapped_column(String(200), default="")
    alarm_company: Mapped[str] = mapped_column(String(120), default="")
    lights: Mapped[str] = mapped_column(String(120), default="")
    pets: Mapped[str] = mapped_column(String(120), default="")
    allowed_people: Mapped[str] = mapped_column(String(200), default="")
    tell_leader: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(12))  # "active", "ended" (early), "expired"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VacationCheck(Base):
    """An officer's check of a home on vacation watch."""

    __tablename__ = "vacation_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watch_id: Mapped[int] = mapped_column(
        ForeignKey("vacation_watches.id", ondelete="CASCADE"), index=True
    )
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    officer_label: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(300), default="")
