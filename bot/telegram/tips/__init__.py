"""The tips feature in Telegram: filing (guided or at once), the tipster's side of the anonymous
relay (/mytips, answers, /forget of tip links), and officers' triage (/tips, /tip T-...)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, MessageHandler, filters

from bot.telegram import fallback
from bot.telegram.router import (
    NEW_PRIVATE,
    add_feature,
    register_emergency_offer,
    register_forget_offer,
    register_forget_warning,
    register_free_text,
)
from bot.telegram.tips import filing, handlers, officer, tipster, urgent


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the tips handlers (they run before the catch-alls)."""
    add_feature(
        application,
        commands={
            "tip": handlers.tip_command,
            "tips": officer.tips_command,
            "mytips": tipster.mytips,
        },
        buttons={
            r"^tipf:": filing.filing_button,
            r"^tip:(v|c|r|x|o|s|sy|l|k)(:|$)": officer.officer_button,
            r"^tip:(a|p|pg|sms|fg):": tipster.tipster_button,
            r"^urgent:(send|ans:\d+)(@\d+)?$": urgent.send_button,
            r"^tip:pk:": tipster.pick_button,
            r"^tipph:(yes|no)(@\d+)?$": urgent.photo_button,
            r"^tip:u:": tipster.undo_button,
        },
        flows={
            filing.TIP: filing.tip_step,
            tipster.ANSWER: tipster.answer_step,
            officer.REPLY_FLOW: officer.reply_step,
            urgent.URGENT: urgent.offer_step,
            tipster.PICK: fallback.drop_and_reread,
            urgent.PHOTO: fallback.drop_and_reread,
        },
        # A tip, an answer to officers and an officer's reply are checked here, in tip words;
        # text written while the urgent offer is open goes on to the question it interrupted
        # (an address on "Burning Tree Rd" typed twice is an answer, not a second emergency).
        composing=(filing.TIP, tipster.ANSWER, officer.REPLY_FLOW, urgent.URGENT),
    )
    register_emergency_offer(application, urgent.offer)
    register_free_text(application, tipster.answer_open_question)
    register_free_text(application, urgent.offer_photo_tip)
    application.add_handler(
        MessageHandler(
            NEW_PRIVATE & ~filters.COMMAND & tipster.RepliesToTip(), tipster.reply_to_tip
        )
    )
    register_forget_offer(application, tipster.offer_forget)
    register_forget_warning(application, tipster.forget_warning)
