"""The group calendar's Telegram handlers, registered through `bot.telegram.app.FEATURES`."""

from __future__ import annotations

import functools
from typing import Any

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.telegram import elections, meetings, news, vacation
from bot.telegram.menus import refresh_menu
from bot.telegram.router import register_flow
from core.services import Services

PRIVATE = filters.ChatType.PRIVATE

COMMANDS = {
    "election": elections.election,
    "nominate": elections.nominate,
    "vote": elections.vote,
    "meeting": meetings.meeting,
    "meetings": meetings.meetings,
    "vacation": vacation.vacation,
    "back": vacation.back,
    "checked": vacation.checked,
    "news": news.news,
}
BUTTONS = {
    r"^nom:": elections.nominate_button,
    r"^vote:": elections.vote_button,
    r"^mtg:": meetings.meeting_button,
    r"^rsvp:": meetings.rsvp_button,
    r"^vac:": vacation.vacation_button,
    r"^news:": news.news_button,
}
FLOWS = {
    meetings.MEETING: meetings.meeting_step,
    meetings.MOVE: meetings.move_step,
    vacation.VACATION: vacation.vacation_step,
    news.NEWS: news.news_step,
}


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the calendar's commands, buttons and flows; refresh menus when an election changes
    who leads."""
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=PRIVATE))
    for pattern, button in BUTTONS.items():
        application.add_handler(CallbackQueryHandler(button, pattern=pattern))
    for flow, step in FLOWS.items():
        register_flow(flow, step)
    services: Services = application.bot_data["services"]
    services.elections.role_listeners.append(
        functools.partial(refresh_menu, application.bot, services)
    )
