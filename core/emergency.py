"""Spotting text that suggests an emergency in progress, so people are told to call 911.

A keyword and phrase matcher, deliberately eager: telling someone to call 911 when they did not
need to costs little, missing it costs much. It skips terms plainly negated just before them
("nobody was hurt", "no weapons") so that routine reports are not all flagged urgent.
"""

from __future__ import annotations

import re

# Single words and short phrases, matched on word boundaries, case-insensitively.
WEAPONS = (
    "gun",
    "guns",
    "gunman",
    "gunshot",
    "gunshots",
    "shots fired",
    "shooting",
    "shooter",
    "pistol",
    "rifle",
    "firearm",
    "knife",
    "knives",
    "machete",
    "weapon",
    "weapons",
    "armed",
    "stabbed",
    "stabbing",
)
FIRE = (
    "fire",
    "on fire",
    "flames",
    "burning",
    "smoke coming",
    "smell smoke",
    "see smoke",
    "explosion",
    "gas leak",
)
INJURY = (
    "injured",
    "injury",
    "hurt",
    "bleeding",
    "unconscious",
    "not breathing",
    "overdose",
    "overdosing",
    "wounded",
    "heart attack",
    "hit by a car",
    "chest pain",
    "can't breathe",
    "cannot breathe",
    "can't get up",
    "cannot get up",
    "i fell",
    "i've fallen",
    "have fallen",
    "ambulance",
)
IN_PROGRESS = (
    "breaking in",
    "break in now",
    "break-in in progress",
    "breaking into",
    "trying to get in",
    "in my house now",
    "inside my house",
    "inside my home",
    "happening now",
    "happening right now",
    "going on now",
    "right now",
    "in progress",
    "as we speak",
    "being attacked",
    "attacking",
    "kidnapping",
    "kidnapped",
    "abducted",
    "hostage",
    "help me",
    "call the police",
)
TERMS = WEAPONS + FIRE + INJURY + IN_PROGRESS

# Words that, shortly before a term, say the opposite ("no one was hurt", "without a weapon").
NEGATIONS = frozenset(
    {"no", "not", "nobody", "none", "never", "without", "wasn't", "weren't", "isn't", "didn't"}
)
NEGATION_WINDOW = 3  # words

_PATTERN = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(term).replace(r"\ ", r"\s+") for term in sorted(TERMS, key=len)[::-1])
    + r")(?![\w-])",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w']+")


def _negated(text: str, start: int) -> bool:
    before = _WORD.findall(text[:start].lower().replace("’", "'"))
    window = before[-NEGATION_WINDOW:]
    return any(word in NEGATIONS for word in window) or " ".join(window[-2:]) == "no one"


def emergency_terms(text: str) -> list[str]:
    """The emergency words and phrases in a text, lower-cased, in order, without repeats."""
    found: list[str] = []
    for match in _PATTERN.finditer(text):
        term = re.sub(r"\s+", " ", match.group(1).lower())
        if term not in found and not _negated(text, match.start()):
            found.append(term)
    return found


def suggests_emergency(text: str) -> bool:
    """Whether a text suggests an emergency in progress."""
    return bool(emergency_terms(text))
