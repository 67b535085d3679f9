"""Plain records of the environment reports tables (repositories never hand out ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OPEN_STATUSES = ("new", "public_works")


def reference(year: int, seq: int) -> str:
    """'F-2026-00001'."""
    return f"F-{year}-{seq:05d}"


@dataclass(frozen=True, slots=True)
class FixRecord:
    """An environment report as stored."""

    id: int
    year: int
    seq: int
    kind: str
    place: str | None
    latitude: float | None
    longitude: float | None
    photo_file_id: str | None
    note: str | None
    channel: str
    reporter_address: str
    reporter_member_id: int | None
    status: str
    claimed_by_label: str | None
    claimed_by_telegram_id: int | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None

    @property
    def reference(self) -> str:
        """'F-2026-00001'."""
        return reference(self.year, self.seq)

    @property
    def is_open(self) -> bool:
        """New or with public works."""
        return self.status in OPEN_STATUSES
