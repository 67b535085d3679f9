"""Meeting records as the meeting service reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    """A meeting as stored."""

    id: int
    group_id: int | None
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
    public: bool = False


@dataclass(frozen=True, slots=True)
class InvitationRecord:
    """A member's invitation to a meeting and their answer."""

    id: int
    meeting_id: int
    member_id: int | None
    invited: bool
    answer: str | None
    answered_at: datetime | None
    telegram_chat: str | None = None
