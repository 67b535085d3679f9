"""Plain records of the security surveys tables (repositories never hand out ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OPEN_STATUSES = ("new", "scheduled")


def reference(year: int, seq: int) -> str:
    """'S-2026-00001'."""
    return f"S-{year}-{seq:05d}"


@dataclass(frozen=True, slots=True)
class SurveyRecord:
    """A survey request as stored."""

    id: int
    year: int
    seq: int
    kind: str
    address: str | None
    business: str | None
    contact: str | None
    marina: str | None
    slip: str | None
    vessel: str | None
    concern: str
    windows: tuple[str, ...]
    channel: str
    requester_address: str
    requester_member_id: int | None
    status: str
    claimed_by_label: str | None
    claimed_by_telegram_id: int | None
    proposed_at: datetime | None
    proposal: int
    visit_at: datetime | None
    sequence: int
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None

    @property
    def reference(self) -> str:
        """'S-2026-00001'."""
        return reference(self.year, self.seq)

    @property
    def is_open(self) -> bool:
        """New or scheduled."""
        return self.status in OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """One checklist item of a survey's findings."""

    id: int
    survey_id: int
    item: str
    priority: str
    note: str | None
    done_at: datetime | None
