"""What every part of the security surveys feature shares: kinds and their checklists,
priorities, statuses, limits, references, and the checks of what people send."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core import validation
from core.errors import InvalidInput

RESIDENTIAL = "residential"
COMMERCIAL = "commercial"
BOAT = "boat"
KINDS: dict[str, str] = {
    RESIDENTIAL: "Home (residential)",
    COMMERCIAL: "Business (commercial)",
    BOAT: "Boat",
}

# What an officer looks at, by kind (the policy's lists), in the order of the visit.
HOME_ITEMS: tuple[tuple[str, str], ...] = (
    ("doors", "Doors"),
    ("locks", "Locks"),
    ("windows", "Windows"),
    ("lighting", "Lighting"),
    ("landscaping", "Landscaping and sight lines"),
    ("alarms", "Alarms"),
    ("valuables", "Valuables"),
    ("garage", "Garage and sheds"),
)
BUSINESS_ITEMS: tuple[tuple[str, str], ...] = (
    ("cash", "Cash handling"),
    ("robbery", "Robbery readiness"),
    ("register", "Visibility of the register"),
    ("afterhours", "After-hours lighting"),
)
BOAT_ITEMS: tuple[tuple[str, str], ...] = (
    ("engine", "Engine and outboard locks"),
    ("trailer", "Trailer security"),
    ("hull", "Hull ID"),
    ("marina", "Marina access"),
)
CHECKLISTS: dict[str, tuple[tuple[str, str], ...]] = {
    RESIDENTIAL: HOME_ITEMS,
    COMMERCIAL: HOME_ITEMS + BUSINESS_ITEMS,
    BOAT: BOAT_ITEMS,
}
ITEM_LABELS: dict[str, str] = dict(HOME_ITEMS + BUSINESS_ITEMS + BOAT_ITEMS)

HIGH, MEDIUM, LOW, OK = "high", "medium", "low", "ok"
PRIORITIES: dict[str, str] = {
    HIGH: "High priority",
    MEDIUM: "Medium priority",
    LOW: "Low priority",
    OK: "Fine as it is",
}
RECOMMENDATIONS = (HIGH, MEDIUM, LOW)

NEW, SCHEDULED, DONE, CANCELLED = "new", "scheduled", "done", "cancelled"
STATUSES: dict[str, str] = {
    NEW: "new",
    SCHEDULED: "visit scheduled",
    DONE: "done",
    CANCELLED: "cancelled",
}

# Parts of a day a window may name, with the hours officers read them as.
DAY_PARTS: dict[str, str] = {
    "morning": "morning (9 AM-12 PM)",
    "afternoon": "afternoon (12-5 PM)",
    "evening": "evening (5-8 PM)",
    "any": "any time",
}
WINDOWS_MIN, WINDOWS_MAX = 2, 3
WINDOW_AHEAD = timedelta(days=180)
VISIT_AHEAD = timedelta(days=365)
VISIT_LENGTH = timedelta(hours=1)

PLACE_MIN, PLACE_MAX = 3, 200
NAME_MAX = 120
SLIP_MAX = 40
CONCERN_MAX = 1000
NOTE_MAX = 500
MINE_MAX = 20
FOLLOW_UP_AFTER = timedelta(days=30)
# Reminders of a visit: the day before and an hour before.
REMINDERS: tuple[tuple[str, timedelta], ...] = (
    ("24h", timedelta(hours=24)),
    ("1h", timedelta(hours=1)),
)

TELEGRAM = "telegram"
SMS = "sms"

REFERENCE = re.compile(r"^S-(\d{4})-(\d{1,6})$", re.IGNORECASE)
NO_NAME = frozenset({"", "none", "no", "no name", "n/a", "na", "-", "unnamed", "nameless", "?"})


def parse_reference(text: str) -> tuple[int, int] | None:
    """(year, seq) of 'S-2026-00001' (any case, leading zeros optional), or None."""
    match = REFERENCE.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def _line(text: str | None, what: str, limit: int, minimum: int = 1) -> str:
    value = validation.one_line(text or "")
    if len(value) > limit:
        raise InvalidInput(
            f"That {what} is {len(value)} characters long; the limit is {limit}. Please shorten it."
        )
    if len(value) < minimum or not any(c.isalnum() for c in value):
        raise InvalidInput(f"Please type the {what}.")
    return value


def clean_address(text: str | None) -> str:
    """The address to visit: one line, 3-200 characters, with a street name."""
    value = _line(text, "address", PLACE_MAX, PLACE_MIN)
    if not any(c.isalpha() for c in value):
        raise InvalidInput(
            "That doesn't look like an address. Please type the street, e.g. 40 Elm St."
        )
    return value


def clean_name(text: str | None, what: str) -> str:
    """A business name, a contact, a marina: one line, at most 120 characters."""
    return _line(text, what, NAME_MAX)


def clean_slip(text: str | None) -> str:
    """A slip or mooring: one line, at most 40 characters."""
    return _line(text, "slip or mooring", SLIP_MAX)


def clean_vessel(text: str | None) -> str:
    """A boat's name or registration number: a boat with neither cannot be found."""
    value = validation.one_line(text or "")
    if value.lower().strip(".!") in NO_NAME:
        raise InvalidInput(
            "I need the boat's name or its registration number (e.g. Sea Breeze, or CT 1234 AB) "
            "so the officer finds it at the marina. A boat without a name has a registration "
            "number on its bow. (/cancel to stop)"
        )
    return _line(value, "boat's name or registration", NAME_MAX)


def clean_concern(text: str | None) -> str:
    """What worries the requester: 3-1000 characters."""
    value = validation.clean_text(text or "")
    if len(value) > CONCERN_MAX:
        raise InvalidInput(
            f"That is {len(value)} characters long; the limit is {CONCERN_MAX}. Please "
            "shorten it: the officer will ask about the rest at the visit."
        )
    if len(value) < 3 or not any(c.isalpha() for c in value):
        raise InvalidInput("Please say in a few words what worries you (e.g. the back door).")
    return value


def clean_note(text: str | None) -> str | None:
    """An officer's note on a finding: at most 500 characters (none when empty)."""
    value = validation.clean_text(text or "")
    if not value:
        return None
    if len(value) > NOTE_MAX:
        raise InvalidInput(
            f"That note is {len(value)} characters long; the limit is {NOTE_MAX}. Please "
            "shorten it."
        )
    return value


def window(day: date, part: str, today: date) -> str:
    """A time window that suits the requester ('2026-12-08 morning'): a day from today on,
    at most six months ahead, and a part of the day."""
    if part not in DAY_PARTS:
        raise InvalidInput("Say morning, afternoon, evening or any after the date.")
    if day < today:
        raise InvalidInput(
            f"{day:%b} {day.day} has passed. Please send a day from today on, e.g. "
            f"{(today + timedelta(days=2)):%m/%d} morning. (/cancel to stop)"
        )
    if day > today + WINDOW_AHEAD:
        raise InvalidInput("Please pick a day within the next six months.")
    return f"{day.isoformat()} {part}"


def window_day(value: str) -> date:
    """The day of a stored window."""
    return date.fromisoformat(value.split(" ", 1)[0])


def check_visit(when: datetime, now: datetime) -> datetime:
    """A proposed visit: in the future, at most a year ahead."""
    if when <= now:
        raise InvalidInput("That time has passed. Please send a date and time in the future.")
    if when > now + VISIT_AHEAD:
        raise InvalidInput("A visit can be proposed at most a year ahead.")
    return when


@dataclass(frozen=True, slots=True)
class SurveyDraft:
    """What a requester has told so far."""

    kind: str
    address: str | None = None
    business: str | None = None
    contact: str | None = None
    marina: str | None = None
    slip: str | None = None
    vessel: str | None = None
    concern: str = ""
    windows: tuple[str, ...] = field(default_factory=tuple)


def checked(
    draft: SurveyDraft, today: date | None = None, *, need_windows: bool = True
) -> SurveyDraft:
    """A draft with every part checked for its kind (a texted request has no windows)."""
    if draft.kind not in KINDS:
        raise InvalidInput("Please choose what to survey with the buttons.")
    address = business = contact = marina = slip = vessel = None
    if draft.kind == BOAT:
        marina = clean_name(draft.marina, "marina")
        slip = clean_slip(draft.slip)
        vessel = clean_vessel(draft.vessel)
    else:
        address = clean_address(draft.address)
        if draft.kind == COMMERCIAL:
            business = clean_name(draft.business, "business name")
            contact = clean_name(draft.contact, "contact")
    windows = tuple(dict.fromkeys(draft.windows))
    if need_windows and not WINDOWS_MIN <= len(windows) <= WINDOWS_MAX:
        raise InvalidInput(f"Please give {WINDOWS_MIN} or {WINDOWS_MAX} times that suit you.")
    if today is not None:
        for value in windows:
            if window_day(value) < today:
                raise InvalidInput(
                    "One of the times you gave has passed since. Please press Edit and give "
                    "new times."
                )
    return SurveyDraft(
        draft.kind,
        address,
        business,
        contact,
        marina,
        slip,
        vessel,
        clean_concern(draft.concern),
        windows,
    )


@dataclass(frozen=True, slots=True)
class Requester:
    """Where a request comes from: a Telegram chat (and its user) or a phone number."""

    channel: str
    address: str
    telegram_user_id: int | None = None

    @classmethod
    def telegram(cls, chat_id: int, user_id: int) -> Requester:
        """A private Telegram chat."""
        return cls(TELEGRAM, str(chat_id), user_id)

    @classmethod
    def sms(cls, phone_e164: str) -> Requester:
        """A phone number."""
        return cls(SMS, phone_e164)
