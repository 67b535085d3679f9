"""Local crime data in Telegram: /stats (facts and a weekly chart for an area) and /area (a
group's area from a pin and a radius)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.crimedata import handlers
from bot.telegram.crimedata.hotspots import hotspots_command
from bot.telegram.router import add_feature


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the crime data handlers (they run before the catch-alls)."""
    add_feature(
        application,
        commands={"stats": handlers.stats_command, "area": handlers.area_command},
        buttons={r"^area:r:": handlers.area_button},
        flows={handlers.AREA: handlers.area_step},
    )
    # Officers' hotspot map, list and CSV.
    add_feature(application, commands={"hotspots": hotspots_command})
