"""The safety news calendar in Telegram (officers): /news to list, add, edit, schedule, pause."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.news import handlers
from bot.telegram.router import add_feature


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the news command, buttons and flow."""
    add_feature(
        application,
        commands={"news": handlers.news},
        buttons={r"^news:": handlers.news_button},
        flows={handlers.NEWS: handlers.news_step},
        composing=(handlers.NEWS,),  # safety news names dangers by nature
    )
