"""Talks in Telegram: /talk (the guided request), /mytalks (the requester's requests,
cancelling one, and /forget's offer), the answer to a suggested topic, and officers' /talks
(queue, accept with a date, decline, suggest another topic)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.router import add_feature, register_forget_offer, register_forget_warning
from bot.telegram.talks import handlers, officer


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the talks' handlers (they run before the catch-alls)."""
    add_feature(
        application,
        commands={
            "talk": handlers.talk_command,
            "mytalks": handlers.mytalks,
            "talks": officer.talks_command,
        },
        buttons={
            r"^talkf:": handlers.talk_button,
            r"^talkm:": handlers.mine_button,
            r"^talkr:": handlers.suggestion_button,
            r"^talk:": officer.officer_button,
        },
        flows={
            handlers.TALK: handlers.talk_step,
            officer.ACCEPT: officer.accept_step,
            officer.DECLINE: officer.decline_step,
        },
    )
    register_forget_offer(application, handlers.offer_forget)
    register_forget_warning(application, handlers.forget_warning)
