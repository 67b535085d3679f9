"""Plain records of the talk request tables (repositories never hand out ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

OPEN_STATUSES = ("new", "suggested")


def reference(year: int, seq: int) -> str:
    """'P-2026-00001'."""
    return f"P-{year}-{seq:05d}"


@dataclass(frozen=True, slots=True)
class TalkRecord:
    """A talk request as stored."""

    id: int
    year: int
    seq: int
    topic: str
    audience: str
    size: int | None
    place: str | None
    dates: str | None
    note: str | None
    channel: str
    requester_address: str
    requester_member_id: int | None
    status: str
    suggested_topic: str | None
    decline_reason: str | None
    meeting_id: int | None
    claimed_by_label: str | None
    claimed_by_telegram_id: int | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None

    @property
    def reference(self) -> str:
        """'P-2026-00001'."""
        return reference(self.year, self.seq)

    @property
    def is_open(self) -> bool:
        """New, or waiting for the requester's answer to another topic."""
        return self.status in OPEN_STATUSES

    @property
    def preferred(self) -> list[date]:
        """The preferred dates."""
        return [date.fromisoformat(d) for d in (self.dates or "").split(",") if d]
