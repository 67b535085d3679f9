"""What every part of the talks feature shares: topics, audiences, statuses, limits,
references and the checks of what people send."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core import validation
from core.errors import InvalidInput

# The policy's list of presentation topics, then the other kinds of program.
TOPICS: dict[str, str] = {
    "prevention": "Crime prevention",
    "elderly": "Protection for elderly and disabled people",
    "bomb": "Bomb threats",
    "cards": "Check and credit card fraud",
    "vandalism": "Vandalism",
    "self": "Self-protection",
    "robbery": "Commercial armed robbery",
    "babysitting": "Safe baby-sitting",
    "burglary": "Burglary safeguards",
    "scams": "Frauds, cons and scams",
    "workshop": "Workshop",
    "townhall": "Town hall",
    "school": "School program",
}
AUDIENCES: dict[str, str] = {
    "group": "Watch group",
    "business": "Business",
    "school": "School",
    "civic": "Civic group",
    "other": "Other",
}

NEW = "new"
SUGGESTED = "suggested"
ACCEPTED = "accepted"
DECLINED = "declined"
CANCELLED = "cancelled"
STATUSES: dict[str, str] = {
    NEW: "new",
    SUGGESTED: "another topic suggested",
    ACCEPTED: "scheduled",
    DECLINED: "declined",
    CANCELLED: "cancelled by you",
}
OPEN_STATUSES = (NEW, SUGGESTED)

SIZE_MAX = 5000
PLACE_MIN, PLACE_MAX = 3, 200
DATES_MAX = 3
AHEAD_MAX = timedelta(days=365)
REASON_MAX = 300
SMS_TEXT_MAX = 500
MINE_MAX = 20

TELEGRAM = "telegram"
SMS = "sms"

REFERENCE = re.compile(r"^P-(\d{4})-(\d{1,6})$", re.IGNORECASE)


def parse_reference(text: str) -> tuple[int, int] | None:
    """(year, seq) of 'P-2026-00001' (any case, leading zeros optional), or None."""
    match = REFERENCE.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def topic_label(topic: str | None) -> str:
    """'Frauds, cons and scams'."""
    return TOPICS.get(topic or "", "Presentation")


def audience_label(audience: str) -> str:
    """'Civic group'."""
    return AUDIENCES.get(audience, AUDIENCES["other"])


def clean_size(text: str) -> int:
    """How many people are expected: a whole number from 1 to 5000 ('about 30' reads 30)."""
    value = validation.one_line(text).lower()
    match = re.fullmatch(r"(?:about|around|approx\.?|~|roughly)?\s*(\d{1,6})\s*(?:people)?", value)
    if match is None:
        raise InvalidInput(
            "Please send the expected number of people as a number, e.g. 30. (/cancel to stop)"
        )
    size = int(match.group(1))
    if not 1 <= size <= SIZE_MAX:
        raise InvalidInput(
            f"Please send a number from 1 to {SIZE_MAX} people (for more, say so in a note to "
            "the officer). (/cancel to stop)"
        )
    return size


def clean_place(text: str | None) -> str:
    """Where the talk would be: one line of 3-200 characters, in words."""
    value = validation.one_line(text or "")
    if len(value) > PLACE_MAX:
        raise InvalidInput(
            f"That place is {len(value)} characters long; the limit is {PLACE_MAX}. Please "
            "shorten it. (/cancel to stop)"
        )
    if len(value) < PLACE_MIN or not any(c.isalpha() for c in value):
        raise InvalidInput(
            "Please type where it would be, e.g. Oak Park Library, 12 Main St. (/cancel to stop)"
        )
    return value


def check_dates(dates: list[date], today: date) -> list[date]:
    """One to three preferred dates, none past, at most a year ahead; sorted, once each."""
    unique = sorted(set(dates))
    if not unique:
        raise InvalidInput("Please send one to three dates, e.g. 12/15, 12/17. (/cancel to stop)")
    if len(unique) > DATES_MAX:
        raise InvalidInput(
            f"Please send at most {DATES_MAX} dates, e.g. 12/15, 12/17. (/cancel to stop)"
        )
    past = [d for d in unique if d < today]
    if past:
        raise InvalidInput(
            f"{past[0].strftime('%b %-d, %Y')} has passed. Please send dates from today on. "
            "(/cancel to stop)"
        )
    if unique[-1] > today + AHEAD_MAX:
        raise InvalidInput("Please pick dates within the next year. (/cancel to stop)")
    return unique


def clean_reason(text: str) -> str:
    """Why a request is declined: 3-300 characters, said to the requester."""
    value = validation.clean_text(text)
    if len(value) < 3:
        raise InvalidInput("Please type the reason the requester will read. (/cancel to stop)")
    if len(value) > REASON_MAX:
        raise InvalidInput(
            f"That reason is {len(value)} characters long; the limit is {REASON_MAX}. "
            "(/cancel to stop)"
        )
    return value


# Words that say which topic a texted request is about (TALK scams for our church group).
TOPIC_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("scams", ("scam", "scams", "fraud", "frauds", "con", "cons")),
    ("cards", ("credit card", "check fraud", "cheque", "card")),
    ("elderly", ("elderly", "seniors", "senior", "disabled", "older")),
    ("bomb", ("bomb", "bombs")),
    ("vandalism", ("vandalism", "graffiti")),
    ("self", ("self-protection", "self protection", "self-defense", "self defense")),
    ("robbery", ("robbery", "robberies", "armed")),
    ("babysitting", ("baby-sitting", "babysitting", "baby sitting", "babysitter")),
    ("burglary", ("burglary", "burglaries", "break-in", "break-ins")),
    ("workshop", ("workshop",)),
    ("townhall", ("town hall", "townhall")),
    ("school", ("school", "students", "class")),
)


def guess_topic(text: str) -> str:
    """The topic a texted request most likely is ('prevention' when no word says)."""
    lowered = text.lower()
    for topic, words in TOPIC_WORDS:
        if any(re.search(rf"\b{re.escape(word)}\b", lowered) for word in words):
            return topic
    return "prevention"


@dataclass(frozen=True, slots=True)
class TalkDraft:
    """What a requester has told so far."""

    topic: str
    audience: str = "other"
    size: int | None = None
    place: str | None = None
    dates: tuple[date, ...] = ()
    note: str | None = None


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
