"""Vacation watch in Telegram: /vacation to ask for house checks, /back, and officers' /checked."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.router import add_feature
from bot.telegram.vacation import handlers


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the vacation-watch commands, buttons and flow."""
    add_feature(
        application,
        commands={
            "vacation": handlers.vacation,
            "back": handlers.back,
            "checked": handlers.checked,
        },
        buttons={r"^vac:": handlers.vacation_button, r"^vacback:": handlers.back_button},
        flows={handlers.VACATION: handlers.vacation_step},
    )
