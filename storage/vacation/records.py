"""Vacation-watch records: watches and the house checks logged on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class WatchRecord:
    """A vacation watch as stored (sensitive: officers and the resident only)."""

    id: int
    member_id: int
    address: str
    leave_on: date
    return_on: date
    emergency_name: str
    emergency_phone: str
    key_holder: str
    vehicles: str
    alarm_company: str
    lights: str
    pets: str
    allowed_people: str
    tell_leader: bool
    status: str
    created_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """An officer's check of a home on vacation watch."""

    id: int
    watch_id: int
    checked_at: datetime
    officer_label: str
    note: str
