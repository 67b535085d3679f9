"""Replies of local crime data in Telegram (HTML; names escaped)."""

from __future__ import annotations

from core.markup import esc

RADII = (("250 m", 250), ("500 m", 500), ("1 km", 1000), ("2 km", 2000))

STATS_USAGE = (
    "Send /stats for your watch group's area, or /stats burglary for one type "
    "(burglary, theft, vehicle theft, theft from vehicle, robbery, assault, vandalism, fraud, "
    "drugs)."
)
STATS_USAGE_OFFICER = (
    "Officers: /stats CODE for a group, /stats town for the whole town, with a type if you "
    "like: /stats OAKPARK burglary."
)
AREA_WHICH = "Which group? Send /area CODE (the group's join code)."
PIN_EXPECTED = (
    "Send the centre of the area as a location: 📎 → Location, and pick the spot on the map. "
    "/cancel leaves."
)
RADIUS_EXPECTED = "Press a radius below, or type one in metres (50 to 10000). /cancel leaves."
AREA_CHANGED = "This question was answered already: /area starts again."


def ask_pin(group: str) -> str:
    """The first question of /area."""
    return (
        f"<b>{esc(group)}</b>: where is the middle of the area your group covers?\n"
        "Send a location (📎 → Location). Then you choose how far around it the area reaches."
        "\n/cancel leaves."
    )


def ask_radius(group: str) -> str:
    """The second question of /area."""
    return f"<b>{esc(group)}</b>: how far around the pin does the area reach?"


def area_set(group: str, km2: float, placed: int) -> str:
    """The receipt of /area."""
    return (
        f"<b>{esc(group)}</b>: the area is set ({km2:.2f} km²). "
        f"{placed:,} incidents already imported fall in it. /stats shows its figures."
    )


def chart_caption(scope: str, what: str) -> str:
    """The caption under the weekly chart (plain text)."""
    return f"{scope}: {what} per week, last 12 weeks"[:1024]
