"""Victim assistance in Telegram: officers' /victim (the guided follow-up) and /victims (the
open ones, a card, reply and close), and the person's consent, answers, call back and "no more
check-ins"; invite links (t.me/<bot>?start=victim-TOKEN) open for anyone, registered or not."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.router import (
    add_feature,
    register_deep_link,
    register_forget_offer,
    register_forget_warning,
    register_free_text,
)
from bot.telegram.victims import officer, person


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add victim assistance's handlers (they run before the catch-alls)."""
    add_feature(
        application,
        commands={"victim": officer.victim_command, "victims": officer.victims_command},
        buttons={
            r"^vicf:": officer.victim_button,
            r"^vic:(l|v|r|x|xy):": officer.officer_button,
            r"^vicp:": person.person_button,
        },
        flows={
            officer.VICTIM: officer.victim_step,
            officer.REPLY_FLOW: officer.reply_step,
            person.ANSWER: person.answer_step,
        },
        # The person's message is checked for emergencies in person.answer_step (911 first,
        # and it still reaches the officer); the officer's reply is the police writing.
        composing=(officer.REPLY_FLOW, person.ANSWER),
    )
    register_deep_link(application, officer.INVITE_LINK, person.open_invite, anyone=True)
    register_free_text(application, person.take_reply)
    register_forget_offer(application, person.offer_forget)
    register_forget_warning(application, person.forget_warning)
