"""Checks and normalisation of what people type: names, addresses, phone numbers, codes."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from core.errors import InvalidInput

NAME_MAX = 64
ADDRESS_MAX = 200
GROUP_NAME_MAX = 80
AREA_MAX = 200
BYLAWS_MAX = 4000
CODE_PATTERN = re.compile(r"^[A-Z0-9]{3,12}$")
DEFAULT_REGION = "US"


def clean_text(value: str) -> str:
    """Trim, fold runs of white space, and drop control characters."""
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return re.sub(r"[ \t]+", " ", value).strip()


def one_line(value: str) -> str:
    """Clean text and fold it onto one line."""
    return re.sub(r"\s+", " ", clean_text(value)).strip()


def display_name(value: str) -> str:
    """A display name: 1-64 characters on one line."""
    name = one_line(value)
    if not any(ch.isalpha() for ch in name):
        raise InvalidInput("Please send a name with at least one letter.")
    if len(name) > NAME_MAX:
        raise InvalidInput(
            f"That name is {len(name)} characters long; please keep it to {NAME_MAX} or fewer."
        )
    if name.startswith("/"):
        raise InvalidInput("A name can't start with '/'. Please send the name you go by.")
    return name


def street_address(value: str) -> str:
    """A street address: 5-200 characters on one line."""
    address = one_line(value)
    if len(address) < 5:
        raise InvalidInput(
            "That address looks too short. Please send your street address, "
            "for example: 12 Main St, Apt 3."
        )
    if len(address) > ADDRESS_MAX:
        raise InvalidInput(
            f"That address is {len(address)} characters long; "
            f"please keep it to {ADDRESS_MAX} or fewer."
        )
    if not any(c.isalpha() for c in address):
        # A number alone (a code sent twice, a ZIP) is not an address.
        raise InvalidInput(
            "That doesn't look like a street address. Please send it with the street name, "
            "for example: 12 Main St, Apt 3."
        )
    return address


def location(latitude: float, longitude: float) -> tuple[float, float]:
    """A map location with coordinates in range."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput("That location is not on the map. Please share it again.")
    return round(latitude, 6), round(longitude, 6)


# A shared pin is a place to find; four decimals (about 10 m) is enough and drops the false
# precision of a phone's GPS fix.
PIN_DECIMALS = 4


def pin(latitude: float, longitude: float) -> tuple[float, float]:
    """A shared map pin, checked and rounded to about 10 m."""
    lat, lon = location(latitude, longitude)
    return round(lat, PIN_DECIMALS), round(lon, PIN_DECIMALS)


def phone_e164(value: str, region: str = DEFAULT_REGION) -> str:
    """A phone number in E.164; a shared contact's number often lacks the leading '+'."""
    raw = value.strip()
    if not raw or len(raw) > 32:
        raise InvalidInput("Please send a phone number, for example (203) 555-0142.")
    digits = re.sub(r"\D", "", raw)
    candidates = [raw]
    if not raw.startswith("+") and len(digits) > 10:
        candidates.append("+" + digits)
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise InvalidInput(
        "That doesn't look like a valid phone number. Please send it with the area code, "
        "for example (203) 555-0142, or +44 20 7946 0018 for a number outside the US."
    )


def group_name(value: str) -> str:
    """A group name: 3-80 characters on one line."""
    name = one_line(value)
    if len(name) < 3:
        raise InvalidInput("A group name needs at least 3 characters.")
    if len(name) > GROUP_NAME_MAX:
        raise InvalidInput(f"A group name can have at most {GROUP_NAME_MAX} characters.")
    return name


def group_code(value: str) -> str:
    """A join code: 3-12 letters or digits, stored upper-case."""
    code = value.strip().upper()
    if not CODE_PATTERN.match(code):
        raise InvalidInput(
            "A group code is 3 to 12 letters or digits, for example OAKPARK or ELM2."
        )
    return code


def area(value: str) -> str:
    """An area description: 1-200 characters."""
    text = one_line(value)
    if not text:
        raise InvalidInput("Please describe the area the group covers (streets, landmarks).")
    if len(text) > AREA_MAX:
        raise InvalidInput(f"An area description can have at most {AREA_MAX} characters.")
    return text


def bylaws(value: str | None) -> str | None:
    """Optional bylaws: at most 4000 characters."""
    if value is None:
        return None
    text = clean_text(value)
    if len(text) > BYLAWS_MAX:
        raise InvalidInput(f"Bylaws can have at most {BYLAWS_MAX} characters.")
    return text or None


def suggest_code(name: str) -> str:
    """A join code derived from a group name (letters and digits, at most 10)."""
    letters = re.sub(r"[^A-Z0-9]", "", unicodedata.normalize("NFKD", name).upper())
    return (letters or "GROUP")[:10].ljust(3, "X")
