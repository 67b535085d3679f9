"""Election records as the election service reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ElectionRecord:
    """An election as stored."""

    id: int
    group_id: int
    status: str
    round: int
    runoff_of_id: int | None
    opened_by: str
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    winner_member_id: int | None
    runner_up_member_id: int | None
    tally: dict[int, int]
    review: str
    reviewed_by: str
    reviewed_at: datetime | None
    review_note: str

    @property
    def is_open(self) -> bool:
        """Whether votes and nominations are still taken (the clock decides the close)."""
        return self.status == "open"


@dataclass(frozen=True, slots=True)
class CandidateRecord:
    """A nomination."""

    id: int
    election_id: int
    member_id: int
    nominated_by_member_id: int | None
    status: str
    created_at: datetime
