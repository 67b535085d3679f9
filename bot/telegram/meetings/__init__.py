"""Group meetings in Telegram: /meeting to schedule, reschedule or cancel, /meetings, /events
(public events, for anyone) and RSVPs."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.meetings import handlers
from bot.telegram.router import add_feature


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the meeting commands, buttons and flows."""
    add_feature(
        application,
        commands={
            "meeting": handlers.meeting,
            "meetings": handlers.meetings,
            "events": handlers.events,
        },
        buttons={r"^mtg:": handlers.meeting_button, r"^rsvp:": handlers.rsvp_button},
        flows={handlers.MEETING: handlers.meeting_step, handlers.MOVE: handlers.move_step},
        composing=(handlers.MEETING,),  # an agenda ("fire safety talk") is not a report
    )
