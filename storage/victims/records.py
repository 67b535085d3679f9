"""Plain records of the victim assistance table (repositories never hand out ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

AWAITING = "awaiting"
ACTIVE = "active"
STOPPED = "stopped"
DECLINED = "declined"
OPTED_OUT = "opted_out"
CLOSED = "closed"
# Follow-ups still on an officer's list.
OPEN_STATUSES = (AWAITING, ACTIVE, STOPPED)


def reference(followup_id: int) -> str:
    """'V-00001'."""
    return f"V-{followup_id:05d}"


@dataclass(frozen=True, slots=True)
class FollowupRecord:
    """A follow-up as stored."""

    id: int
    case_number: str
    crime_type: str
    channel: str
    address: str | None
    member_id: int | None
    invite_token: str | None
    status: str
    officer_telegram_id: int
    officer_label: str
    checkins_sent: int
    callback_key: str | None
    created_at: datetime
    updated_at: datetime
    consented_at: datetime | None
    closed_at: datetime | None

    @property
    def reference(self) -> str:
        """'V-00001'."""
        return reference(self.id)

    @property
    def is_open(self) -> bool:
        """Still on an officer's list (awaiting consent, active, or check-ins stopped)."""
        return self.status in OPEN_STATUSES
