"""Watch groups in Telegram: /join (and join links), /leave, leaders' /pending and /members,
officers' /groups, /newgroup and /setleader."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.groups import handlers
from bot.telegram.router import add_feature, register_deep_link


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the group commands, buttons, the new-group flow and the `join-CODE` deep link."""
    add_feature(
        application,
        commands={
            "join": handlers.join,
            "leave": handlers.leave,
            "pending": handlers.pending,
            "members": handlers.members,
            "groups": handlers.groups,
            "newgroup": handlers.newgroup,
            "setleader": handlers.setleader,
        },
        buttons={
            r"^join:": handlers.join_button,
            r"^leave:": handlers.leave_button,
            r"^review:": handlers.review_button,
            r"^pendingof:": handlers.pending_of_button,
            r"^newgroup:": handlers.newgroup_button,
            r"^setleader:": handlers.setleader_button,
        },
        flows={handlers.NEWGROUP: handlers.newgroup_step},
    )
    register_deep_link(application, handlers.JOIN_LINK, handlers.join_and_reply)
