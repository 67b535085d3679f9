"""Partner groups in Telegram (officers): /newpartner and /partners. People join one with its
invitation code through the groups feature's /join and join- deep link."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.partners import handlers
from bot.telegram.router import add_feature


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the partner groups' commands, buttons and flow."""
    add_feature(
        application,
        commands={"newpartner": handlers.newpartner, "partners": handlers.partners},
        buttons={r"^prt:s:": handlers.sector_button, r"^prt:i[yk]?:": handlers.invite_button},
        flows={handlers.NEWPARTNER: handlers.newpartner_step},
    )
