"""Daily check-ins in Telegram: /checkin (sign up yourself or someone you look after; your
settings, contacts and history), the check-in's buttons, a contact's "I've got it", the links
a person and a contact confirm with (t.me/<bot>?start=checkin-TOKEN / checkinc-TOKEN, open for
anyone), and the officers' /checkins and /duty."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, MessageHandler

from bot.telegram.checkins import handlers
from bot.telegram.router import (
    NEW_PRIVATE,
    add_feature,
    register_deep_link,
    register_forget_offer,
    register_forget_warning,
)

# Before the features' handlers (group 0), after the bookkeeping (-2): any message from an
# enrolled person answers their open check-in.
HEARD_GROUP = -1


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add daily check-ins' handlers."""
    application.add_handler(MessageHandler(NEW_PRIVATE, handlers.heard), group=HEARD_GROUP)
    add_feature(
        application,
        commands={
            "checkin": handlers.checkin_command,
            "checkins": handlers.checkins_command,
            "duty": handlers.duty_command,
        },
        buttons={
            r"^chkf:": handlers.sign_up_button,
            r"^chkm:": handlers.card_button,
            r"^chkc:": handlers.contact_button,
            r"^chko:": handlers.officer_button,
            r"^chk:": handlers.person_button,
        },
        flows={
            handlers.SIGN_UP: handlers.sign_up_step,
            handlers.SETTING: handlers.setting_step,
            handlers.CONTACT: handlers.contact_step,
        },
    )
    register_deep_link(application, handlers.CONTACT_LINK, handlers.open_contact_link, anyone=True)
    register_deep_link(application, handlers.PERSON_LINK, handlers.open_person_link, anyone=True)
    register_forget_offer(application, handlers.offer_forget)
    register_forget_warning(application, handlers.forget_warning)
