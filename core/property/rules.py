"""What every part of Operation Identification shares: the fields of an item, their limits and
checks, estimated values, and Operation ID numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core import image_meta, validation
from core.errors import InvalidInput

# The fields of an item, in the order the guided add asks them, with how people read them.
FIELDS: dict[str, str] = {
    "item": "Item",
    "make": "Make",
    "model": "Model",
    "serial": "Serial number",
    "marking": "Marking applied",
    "value": "Estimated value",
    "photos": "Photos",
    "notes": "Notes",
}
TEXT_LIMITS: dict[str, int] = {"item": 80, "make": 60, "model": 60, "serial": 60, "marking": 60}
NOTES_MAX = 500
PHOTOS_MAX = 3
ITEMS_MAX = 200
VALUE_MAX_CENTS = 10_000_000 * 100
PAGE_SIZE = 5
# A stolen report lists the items in one tip (at most 4000 characters).
STOLEN_MAX = 8

NUMBER_DIGITS = 6


def operation_id(prefix: str, number: int) -> str:
    """'CW-OID-000123': the number a member engraves on their property."""
    return f"{prefix}-{number:0{NUMBER_DIGITS}d}"


def clean_field(name: str, text: str | None) -> str | None:
    """A one-line field (item, make, model, serial, marking): trimmed and within its limit;
    the item's name is needed, the others may be empty (None)."""
    value = validation.one_line(text or "")
    label = FIELDS[name].lower()
    if not value:
        if name == "item":
            raise InvalidInput(
                "The item's name is empty. Please type what it is (e.g. Bicycle, Laptop, "
                "Chainsaw). (/cancel to stop)"
            )
        return None
    limit = TEXT_LIMITS[name]
    if len(value) > limit:
        raise InvalidInput(
            f"That {label} is {len(value)} characters long; the limit is {limit}. Please "
            "shorten it. (/cancel to stop)"
        )
    if not any(c.isalnum() for c in value):
        raise InvalidInput(f"Please type the {label} in letters or digits. (/cancel to stop)")
    return value


def clean_notes(text: str | None) -> str | None:
    """Optional notes: at most 500 characters, control characters dropped."""
    value = validation.clean_text(text or "")
    if not value:
        return None
    if len(value) > NOTES_MAX:
        raise InvalidInput(
            f"Those notes are {len(value)} characters long; the limit is {NOTES_MAX}. Please "
            "shorten them. (/cancel to stop)"
        )
    return value


AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?![\d.])\s*(k\b)?", re.I)
VALUE_HELP = (
    "Please type the estimated value as a number of dollars, e.g. 300 or $1,250.50. "
    "(/cancel to stop)"
)


def parse_value(text: str) -> int:
    """An estimated value in cents from what people type: '300', '$1,250.50', 'about $300',
    '300 dollars', '1.5k'. Words ('three hundred'), two amounts ('300-400') or none are
    explained."""
    found = list(AMOUNT.finditer(text))
    if not found:
        raise InvalidInput(f"I couldn't find an amount in that. {VALUE_HELP}")
    if len(found) > 1:
        raise InvalidInput(f"That has more than one amount; please type just one. {VALUE_HELP}")
    match = found[0]
    dollars = int(match.group(1).replace(",", ""))
    cents = int((match.group(2) or "0").ljust(2, "0"))
    total = dollars * 100 + cents
    if match.group(3):
        total *= 1000
    if total > VALUE_MAX_CENTS:
        raise InvalidInput(
            f"That is more than ${VALUE_MAX_CENTS // 100:,}. Please check the amount. "
            "(/cancel to stop)"
        )
    return total


def format_value(cents: int | None) -> str:
    """'$1,250.50', '$300', or '' for none."""
    if cents is None:
        return ""
    dollars, rest = divmod(cents, 100)
    return f"${dollars:,}" if not rest else f"${dollars:,}.{rest:02d}"


def check_photo(file_size: int | None, mime_type: str | None) -> None:
    """A photo or image file of at most 10 MB; anything else is refused with the reason."""
    image_meta.check_photo(file_size, mime_type, skippable=True)


@dataclass(frozen=True, slots=True)
class ItemDraft:
    """An item as its owner described it (checked by `checked`)."""

    item: str
    make: str | None = None
    model: str | None = None
    serial: str | None = None
    marking: str | None = None
    value_cents: int | None = None
    photos: tuple[str, ...] = field(default=())
    notes: str | None = None


def checked(draft: ItemDraft) -> ItemDraft:
    """A draft with every part checked."""
    if len(draft.photos) > PHOTOS_MAX:
        raise InvalidInput(f"An item can have at most {PHOTOS_MAX} photos.")
    if draft.value_cents is not None and not 0 <= draft.value_cents <= VALUE_MAX_CENTS:
        raise InvalidInput(VALUE_HELP)
    item = clean_field("item", draft.item)
    assert item is not None
    return ItemDraft(
        item=item,
        make=clean_field("make", draft.make),
        model=clean_field("model", draft.model),
        serial=clean_field("serial", draft.serial),
        marking=clean_field("marking", draft.marking),
        value_cents=draft.value_cents,
        photos=tuple(p[:200] for p in draft.photos),
        notes=clean_notes(draft.notes),
    )
