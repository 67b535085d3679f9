"""What every part of the environment reports feature shares: kinds, statuses, limits,
references and the checks of what people send (working days are in core.localtime)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core import image_meta, validation
from core.errors import InvalidInput

KINDS: dict[str, str] = {
    "light": "Broken or dark street light",
    "cover": "Overgrown cover or bushes",
    "vehicle": "Abandoned vehicle",
    "graffiti": "Graffiti",
    "vacant": "Unsecured vacant building",
    "other": "Other",
}


# Officers' statuses and how a reporter reads them.
NEW = "new"
PUBLIC_WORKS = "public_works"
FIXED = "fixed"
NOT_ACTIONABLE = "not_actionable"
STATUSES: dict[str, str] = {
    NEW: "new",
    PUBLIC_WORKS: "sent to public works",
    FIXED: "fixed",
    NOT_ACTIONABLE: "closed as not actionable",
}
OPEN_STATUSES = (NEW, PUBLIC_WORKS)
CLOSED_STATUSES = (FIXED, NOT_ACTIONABLE)
# Where a report may go from each status (a closed report stays closed).
NEXT: dict[str, tuple[str, ...]] = {
    NEW: (PUBLIC_WORKS, FIXED, NOT_ACTIONABLE),
    PUBLIC_WORKS: (FIXED, NOT_ACTIONABLE),
    FIXED: (),
    NOT_ACTIONABLE: (),
}


PLACE_MIN = 3
PLACE_MAX = 200
NOTE_MAX = 500
SMS_TEXT_MAX = NOTE_MAX
MINE_MAX = 20

TELEGRAM = "telegram"
SMS = "sms"

REFERENCE = re.compile(r"^F-(\d{4})-(\d{1,6})$", re.IGNORECASE)


def parse_reference(text: str) -> tuple[int, int] | None:
    """(year, seq) of 'F-2026-00001' (any case, leading zeros optional), or None."""
    match = REFERENCE.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def clean_place(text: str | None) -> str:
    """A typed address or description of the place: one line, 3-200 characters, in words."""
    value = validation.one_line(text or "")
    if not value:
        raise InvalidInput(
            "The address is empty. Please type where it is (e.g. 40 Elm St, or Oak St by the "
            "school), or send a map pin."
        )
    if len(value) > PLACE_MAX:
        raise InvalidInput(
            f"That address is {len(value)} characters long; the limit is {PLACE_MAX}. Please "
            "shorten it (a note comes next)."
        )
    if len(value) < PLACE_MIN or not any(c.isalpha() for c in value):
        raise InvalidInput(
            "That doesn't look like a place. Please type the street (e.g. 40 Elm St, or Oak "
            "St by the school), or send a map pin."
        )
    return value


def clean_note(text: str | None) -> str | None:
    """An optional short note: at most 500 characters, control characters dropped."""
    value = validation.clean_text(text or "")
    if not value:
        return None
    if len(value) > NOTE_MAX:
        raise InvalidInput(
            f"That note is {len(value)} characters long; the limit is {NOTE_MAX}. Please "
            "shorten it."
        )
    return value


clean_location = validation.pin


def check_photo(file_size: int | None, mime_type: str | None) -> None:
    """A photo or image file of at most 10 MB; anything else is refused with the reason."""
    image_meta.check_photo(file_size, mime_type, skippable=True)


# Words that say what a texted report is about (FIX streetlight out on Elm St).
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("light", ("light", "lights", "streetlight", "streetlights", "lamp", "dark")),
    ("graffiti", ("graffiti", "tagging", "tagged", "spray")),
    ("vehicle", ("car", "vehicle", "truck", "van", "abandoned car")),
    ("vacant", ("vacant", "boarded", "empty house", "abandoned house", "abandoned building")),
    ("cover", ("bush", "bushes", "hedge", "hedges", "overgrown", "trees", "shrubs")),
)


def guess_kind(text: str) -> str:
    """The kind a texted report most likely is ('other' when no word says)."""
    lowered = text.lower()
    for kind, words in KIND_WORDS:
        if any(re.search(rf"\b{re.escape(word)}\b", lowered) for word in words):
            return kind
    return "other"


@dataclass(frozen=True, slots=True)
class FixDraft:
    """What a reporter has told so far."""

    kind: str
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    photo: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Reporter:
    """Where a report comes from: a Telegram chat (and its user) or a phone number."""

    channel: str
    address: str
    telegram_user_id: int | None = None

    @classmethod
    def telegram(cls, chat_id: int, user_id: int) -> Reporter:
        """A private Telegram chat."""
        return cls(TELEGRAM, str(chat_id), user_id)

    @classmethod
    def sms(cls, phone_e164: str) -> Reporter:
        """A phone number."""
        return cls(SMS, phone_e164)
