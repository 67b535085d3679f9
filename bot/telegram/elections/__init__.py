"""Leader elections in Telegram: /election, /nominate, /vote and their buttons."""

from __future__ import annotations

import functools
from typing import Any

from telegram.ext import Application

from bot.telegram.elections import handlers
from bot.telegram.menus import refresh_menu
from bot.telegram.router import add_feature
from core.services import Services


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the election commands and buttons; refresh menus when an election changes who
    leads."""
    add_feature(
        application,
        commands={
            "election": handlers.election,
            "nominate": handlers.nominate,
            "vote": handlers.vote,
        },
        buttons={r"^nom:": handlers.nominate_button, r"^vote:": handlers.vote_button},
    )
    services: Services = application.bot_data["services"]
    services.elections.role_listeners.append(
        functools.partial(refresh_menu, application.bot, services)
    )
