"""Which safety tip from the news library goes with a crime type.

The digest names one prevention tip for the week's most frequent type. Tips come from the
officers' news library, and only items they have released (not paused): the starter items are
seeded paused so that the Crime Prevention Unit reads them first, and a digest must not go
round that. The library's topics are broader than the crime types (home security, frauds,
personal safety...), so each type names the topics to look in, and for vehicle crime the words
a fitting item uses; within the candidates the tip changes from week to week.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession


class TipItem(Protocol):
    """A news item as the digest reads it (a news record fits)."""

    @property
    def id(self) -> int: ...
    @property
    def topic(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


# The released items of the news library, read in the caller's transaction (wired in
# core.services: crime data does not import the news feature).
TipSource = Callable[[AsyncSession], Awaitable[Sequence[TipItem]]]

_CARS = r"\b(?:cars?|vehicles?|catalytic)\b"
_PACKAGES = r"\b(?:packages?|porch|valuables)\b"

# Per crime type, the (news topic or None for any, words or None) steps tried in order; the
# first step with candidates gives the tip.
RULES: dict[str, tuple[tuple[str | None, str | None], ...]] = {
    "burglary": (("home_security", None), ("vacations", None)),
    "theft": (("home_security", _PACKAGES), ("home_security", None)),
    "vehicle_theft": (("personal_safety", _CARS), (None, _CARS)),
    "theft_from_vehicle": (("personal_safety", _CARS), (None, _CARS)),
    "fraud": (("frauds", None),),
    "robbery": (("personal_safety", None),),
    "assault": (("personal_safety", None),),
    "vandalism": (("crime_awareness", None), ("personal_safety", None)),
    "drugs": (("crime_awareness", None), ("personal_safety", None)),
    "other": (("personal_safety", None), ("crime_awareness", None)),
}


def pick_tip(items: Sequence[TipItem], category: str, turn: int) -> TipItem | None:
    """The tip for a crime type: a fitting item (the `turn`-th of them, so it changes each
    week), else the newest item, else None."""
    for topic, words in RULES.get(category, RULES["other"]):
        pattern = re.compile(words, re.IGNORECASE) if words else None
        found = sorted(
            (
                item
                for item in items
                if (topic is None or item.topic == topic)
                and (pattern is None or pattern.search(f"{item.title} {item.body}"))
            ),
            key=lambda item: item.id,
        )
        if found:
            return found[turn % len(found)]
    if not items:
        return None
    return max(items, key=lambda item: (item.created_at, item.id))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def shorten(body: str, limit: int = 240) -> str:
    """The first sentences of a text that fit in `limit` characters (at least the first, cut
    at a word with '…' when it alone is longer)."""
    kept = ""
    for sentence in _SENTENCE_END.split(" ".join(body.split())):
        joined = f"{kept} {sentence}".strip()
        if len(joined) > limit:
            break
        kept = joined
    if kept:
        return kept
    cut = body[:limit].rsplit(" ", 1)[0].rstrip(",;: ")
    return f"{cut}…"
