"""The group calendar's Telegram handlers, registered through `bot.telegram.app.FEATURES`."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.telegram import news
from bot.telegram.router import register_flow

PRIVATE = filters.ChatType.PRIVATE

COMMANDS = {
    "news": news.news,
}
BUTTONS = {
    r"^news:": news.news_button,
}
FLOWS = {
    news.NEWS: news.news_step,
}


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the calendar's commands, buttons and flows."""
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=PRIVATE))
    for pattern, button in BUTTONS.items():
        application.add_handler(CallbackQueryHandler(button, pattern=pattern))
    for flow, step in FLOWS.items():
        register_flow(flow, step)
