"""Plain records of the daily check-in tables (repositories never hand out ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

AWAITING = "awaiting"
ACTIVE = "active"
STOPPED = "stopped"
DECLINED = "declined"

WAITING = "waiting"
ANSWERED = "answered"
ESCALATED = "escalated"
TAKEN = "taken"
OFFICER = "officer"
HELP = "help"
# A round nobody has heard back on yet: the person's next reply answers it.
UNANSWERED = (WAITING, ESCALATED, TAKEN, OFFICER)


@dataclass(frozen=True, slots=True)
class EnrollmentRecord:
    """An enrollment as stored."""

    id: int
    member_id: int | None
    person_name: str
    address: str | None
    channels: str
    telegram_chat: str | None
    phone: str | None
    times: str
    timezone: str
    window_minutes: int
    days_off: str
    paused_through: str | None
    scam_digest: bool
    status: str
    version: int
    signed_up_by: str | None
    invite_token: str | None
    created_at: datetime
    updated_at: datetime
    consented_at: datetime | None

    @property
    def reference(self) -> str:
        """'C-00001'."""
        return f"C-{self.id:05d}"

    @property
    def time_list(self) -> list[str]:
        """The daily times, "09:00" first."""
        return [t for t in self.times.split(",") if t]

    @property
    def weekdays_off(self) -> frozenset[int]:
        """Weekdays without a check-in (Monday = 0)."""
        return frozenset(int(d) for d in self.days_off.split(",") if d.isdigit())

    @property
    def addresses(self) -> list[tuple[str, str]]:
        """(channel, address) the person is reached at."""
        found: list[tuple[str, str]] = []
        if self.channels in ("telegram", "both") and self.telegram_chat:
            found.append(("telegram", self.telegram_chat))
        if self.channels in ("sms", "both") and self.phone:
            found.append(("sms", self.phone))
        return found


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """A contact as stored."""

    id: int
    enrollment_id: int
    position: int
    name: str
    phone: str | None
    telegram_chat: str | None
    invite_token: str | None
    phone_opted_out: bool
    created_at: datetime
    accepted_at: datetime | None


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """A day's check-in as stored."""

    id: int
    enrollment_id: int
    slot: str
    due_at: datetime
    status: str
    downtime: bool
    prompted_at: datetime | None
    answered_at: datetime | None
    escalated_at: datetime | None
    officer_at: datetime | None
    taken_by: str | None
    taken_at: datetime | None

    @property
    def unanswered(self) -> bool:
        """Nobody has heard back from the person on it."""
        return self.status in UNANSWERED


@dataclass(frozen=True, slots=True)
class EventRecord:
    """A logged step."""

    id: int
    enrollment_id: int
    round_id: int | None
    at: datetime
    event: str
    detail: str
