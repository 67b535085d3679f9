"""What every part of victim assistance shares: crime types, the check-in schedule, limits,
the checks of what officers and people type, and the department's resources text."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from core import validation
from core.errors import InvalidInput
from storage.victims.records import (
    ACTIVE,
    AWAITING,
    CLOSED,
    DECLINED,
    OPEN_STATUSES,
    OPTED_OUT,
    STOPPED,
)

log = logging.getLogger(__name__)

__all__ = [
    "ACTIVE",
    "AWAITING",
    "CLOSED",
    "DECLINED",
    "OPEN_STATUSES",
    "OPTED_OUT",
    "STOPPED",
]

CRIME_TYPES: dict[str, str] = {
    "burglary": "Burglary",
    "theft": "Theft",
    "vehicle": "Vehicle break-in or theft",
    "robbery": "Robbery",
    "assault": "Assault",
    "fraud": "Fraud or scam",
    "identity": "Identity theft",
    "vandalism": "Vandalism",
    "other": "Other",
}

STATUSES: dict[str, str] = {
    AWAITING: "waiting for their consent",
    ACTIVE: "check-ins on",
    STOPPED: "check-ins stopped by them",
    DECLINED: "they declined",
    OPTED_OUT: "their number opted out of texts",
    CLOSED: "closed",
}
# Consented: the person may answer, and the officer may write to them.
CONSENTED = (ACTIVE, STOPPED)

# How the person is reached.
TELEGRAM = "telegram"
SMS = "sms"
# How the officer names them in /victim.
BY_MEMBER = "member"
BY_INVITE = "invite"
BY_PHONE = "phone"
HOW = (BY_MEMBER, BY_INVITE, BY_PHONE)

# The check-ins after consent: (key, after), key also naming the message in the due table.
CHECKINS: tuple[tuple[str, timedelta], ...] = (
    ("2d", timedelta(days=2)),
    ("2w", timedelta(days=14)),
    ("1m", timedelta(days=30)),
)
CHECKIN_KEYS = tuple(key for key, _after in CHECKINS)
RESOURCES_KEY = "0"  # "call me back" from the resources message
CHECKIN_DUE = "victim_checkin"

CASE_MAX = 24
ANSWER_MAX = 1000
RESOURCES_MAX = 3000  # fits one Telegram message; SMS splits it (1600 characters at most)
LIST_PAGE = 8

CASE_NUMBER = re.compile(r"^[A-Z0-9](?:[A-Z0-9/.-]{1,22})[A-Z0-9]$")


def clean_case_number(text: str | None) -> str:
    """A case number as the records unit writes it: 3-24 letters, digits, '-', '/' or '.',
    starting and ending with a letter or digit, with a digit in it (upper-cased)."""
    value = validation.one_line(text or "").upper().replace(" ", "")
    if not value:
        raise InvalidInput("The case number is empty. Please type it, e.g. 26-004512. (/cancel)")
    if len(value) > CASE_MAX:
        raise InvalidInput(
            f"That case number is {len(value)} characters long; the limit is {CASE_MAX}. "
            "Please type just the number, e.g. 26-004512. (/cancel)"
        )
    if not CASE_NUMBER.match(value) or not any(c.isdigit() for c in value):
        raise InvalidInput(
            "That doesn't look like a case number: use letters, digits and - / . only, with a "
            "digit in it, e.g. 26-004512. (/cancel)"
        )
    return value


def clean_chat_id(text: str | None) -> int:
    """A registered member's Telegram chat id, as /members and the audit show it."""
    value = (text or "").strip().lstrip("#")
    if not value.isdigit() or len(value) > 15:
        raise InvalidInput(
            "A Telegram chat id is a number, e.g. 123456789 (the member's id in /members or "
            "their profile). (/cancel)"
        )
    return int(value)


def clean_answer(text: str | None, *, who: str = "Your message") -> str:
    """A message between the person and the officer: 1-1000 characters."""
    value = validation.clean_text(text or "")
    if not value:
        raise InvalidInput(f"{who} is empty. Please type it, or /cancel.")
    if len(value) > ANSWER_MAX:
        raise InvalidInput(
            f"{who} is {len(value)} characters long; the limit is {ANSWER_MAX}. Please "
            "shorten it (or send it in two parts), or /cancel."
        )
    return value


def crime_label(kind: str) -> str:
    """'Burglary'."""
    return CRIME_TYPES.get(kind, CRIME_TYPES["other"])


DEFAULT_RESOURCES = (
    "Help after a crime:\n"
    "- Victim services: the police department's victim advocate can help with safety "
    "planning, court dates and compensation. Ask the desk officer for the advocate.\n"
    "- Counseling: call or text 988 any time for free, confidential support; your doctor or "
    "2-1-1 can point you to local counseling.\n"
    "- A copy of the police report: ask the records unit with your case number (a small fee "
    "may apply).\n"
    "- Getting property back: property that was found or kept as evidence is released by "
    "the property room; bring ID and your case number, and call first."
)


def resources_text(text: str | None, path: str | None) -> str:
    """The department's local resources: VICTIM_RESOURCES_FILE's contents when it is set and
    readable (read each time, so an edit needs no restart), else VICTIM_RESOURCES (with '\\n'
    for new lines), else the default; cut to what one message holds."""
    chosen = None
    if path:
        try:
            chosen = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            log.warning("VICTIM_RESOURCES_FILE could not be read (%s); using the text", error)
    if not (chosen and chosen.strip()) and text:
        chosen = text.replace("\\n", "\n")
    value = validation.clean_text(chosen or "") or DEFAULT_RESOURCES
    return value[:RESOURCES_MAX]


@dataclass(frozen=True, slots=True)
class FollowupDraft:
    """What an officer has told /victim so far."""

    crime_type: str
    case_number: str
    how: str
    # The member's chat id (BY_MEMBER) or the phone number (BY_PHONE); none for an invite.
    target: str | None = None
