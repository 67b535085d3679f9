"""Plain, immutable records of the calendar tables (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class DueRecord:
    """Something due at a moment."""

    id: int
    kind: str
    subject_id: int
    key: str
    due_at: datetime
    status: str
    attempts: int


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


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    """A meeting as stored."""

    id: int
    group_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    agenda: str
    status: str
    sequence: int
    created_by_member_id: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class InvitationRecord:
    """A member's invitation to a meeting and their answer."""

    id: int
    meeting_id: int
    member_id: int
    invited: bool
    answer: str | None
    answered_at: datetime | None


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


@dataclass(frozen=True, slots=True)
class NewsRecord:
    """A news item in the content library."""

    id: int
    slug: str | None
    topic: str
    title: str
    body: str
    schedule: str
    paused: bool
    next_at: datetime | None
    last_published_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
