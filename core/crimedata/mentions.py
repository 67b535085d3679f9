"""Which crime type an officer's alert is about, from its words, and the one line of local
numbers it can carry ("7 thefts from vehicles in Oak Park in the 30 days to Dec 6, 4 in the
30 days before").

The words are what people write in an alert ("car break-ins", "catalytic converter", "package
theft", "scam"), not the police wording the taxonomy reads in exports; each maps to a taxonomy
key. When several types are named, the one named first counts; at one place, the longer words
win ("car break-ins" over "break-ins", "identity theft" over "theft").
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

_CAR = r"(?:cars?|vehicles?|autos?|trucks?)"

MENTIONS: Final[tuple[tuple[str, str], ...]] = (
    (
        "theft_from_vehicle",
        rf"{_CAR}\s+break[-\s]*ins?|break[-\s]*ins?\s+(?:in)?to\s+(?:parked\s+)?{_CAR}"
        rf"|{_CAR}\s+(?:were\s+|was\s+|being\s+)?broken\s+into|catalytic\s+converters?"
        rf"|thefts?\s+from\s+(?:parked\s+)?{_CAR}|smash[-\s]+and[-\s]+grabs?|{_CAR}\s+prowl\w*",
    ),
    (
        "vehicle_theft",
        rf"stolen\s+{_CAR}|{_CAR}\s+thefts?|{_CAR}\s+(?:were\s+|was\s+|being\s+)?stolen"
        r"|motor\s+vehicle\s+thefts?",
    ),
    ("burglary", r"burglar(?:y|ies|s)?|burglarized|break[-\s]*ins?|home\s+invasions?"),
    ("robbery", r"robber(?:y|ies|s)?|robbed|muggings?|mugged|carjack\w*|hold[-\s]?ups?"),
    ("assault", r"assaults?|assaulted|battery"),
    ("vandalism", r"vandal\w*|graffiti"),
    (
        "fraud",
        r"scams?|scammers?|scammed|fraud\w*|phishing|identity\s+theft|con\s+artists?"
        r"|gift\s+cards?",
    ),
    (
        "theft",
        r"package\s+thefts?|porch\s+pirates?|stolen\s+packages?|shoplift\w*"
        r"|pick[-\s]?pocket\w*|thefts?|stolen\s+(?:bikes?|bicycles?)",
    ),
    ("drugs", r"drug\s+deal\w*|narcotics|drug\s+activity"),
)

_PATTERNS: Final = tuple(
    (category, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for category, pattern in MENTIONS
)

# How a count of each type reads in a sentence: (one, many).
NOUNS: Final[dict[str, tuple[str, str]]] = {
    "burglary": ("burglary", "burglaries"),
    "theft": ("theft", "thefts"),
    "vehicle_theft": ("vehicle theft", "vehicle thefts"),
    "theft_from_vehicle": ("theft from a vehicle", "thefts from vehicles"),
    "robbery": ("robbery", "robberies"),
    "assault": ("assault", "assaults"),
    "vandalism": ("act of vandalism", "acts of vandalism"),
    "fraud": ("fraud or scam", "frauds and scams"),
    "drugs": ("drug offense", "drug offenses"),
}


def mentioned(text: str) -> str | None:
    """The taxonomy key of the crime type a text names first, or None."""
    best: tuple[int, int, str] | None = None
    for category, pattern in _PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        found = (match.start(), -(match.end() - match.start()), category)
        if best is None or found < best:
            best = found
    return best[2] if best else None


def counted(n: int, category: str) -> str:
    """'1 burglary', '7 thefts from vehicles'."""
    one, many = NOUNS.get(category, ("incident", "incidents"))
    return f"{n} {one if n == 1 else many}"


def numbers_line(category: str, current: int, previous: int, group: str | None, last: date) -> str:
    """The line an alert carries: the last 30 days (to the newest imported day) and the 30
    before, in a group's area or (None) the town."""
    where = f"in {group}" if group is not None else "in the town"
    return (
        f"Local numbers: {counted(current, category)} {where} in the 30 days to "
        f"{last:%b} {last.day}, {previous} in the 30 days before."
    )
