"""Plain records of the tips tables (repositories never hand out ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

OPEN_STATUSES = ("received", "in_review")


@dataclass(frozen=True, slots=True)
class TipRecord:
    """A tip as stored."""

    id: int
    year: int
    seq: int
    text: str
    conduct: str | None
    category: str | None
    when_text: str | None
    occurred_at: datetime | None
    place: str | None
    latitude: float | None
    longitude: float | None
    anonymous: bool
    alias: str
    tipster_name: str | None
    tipster_member_id: int | None
    channel: str
    urgent: bool
    status: str
    outcome: str | None
    claimed_by_label: str | None
    claimed_by_telegram_id: int | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    notified_at: datetime | None
    photos: tuple[str, ...] = field(default=())

    @property
    def reference(self) -> str:
        """'T-2026-00042'."""
        return reference(self.year, self.seq)

    @property
    def is_open(self) -> bool:
        """Received or in review."""
        return self.status in OPEN_STATUSES

    @property
    def tipster_label(self) -> str:
        """How officers see the tipster: the alias, or the name given."""
        if self.anonymous or not self.tipster_name:
            return self.alias
        return self.tipster_name


def reference(year: int, seq: int) -> str:
    """The reference of the seq-th tip of a year."""
    return f"T-{year}-{seq:05d}"


@dataclass(frozen=True, slots=True)
class TipEventRecord:
    """One line of a tip's timeline."""

    id: int
    tip_id: int
    at: datetime
    kind: str
    author: str
    body: str


@dataclass(frozen=True, slots=True)
class RelayRecord:
    """Where messages to a tip's author go."""

    token: str
    tip_id: int
    channel: str
    address: str
