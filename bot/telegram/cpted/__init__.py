"""Environment (CPTED) reports in Telegram: /fix (the guided report), /myfixes (the reporter's
reports, deleting one, and /forget's offer), and officers' /fixes (queue, status, CSV)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.cpted import handlers, officer
from bot.telegram.router import add_feature, register_forget_offer, register_forget_warning


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the environment reports' handlers (they run before the catch-alls)."""
    add_feature(
        application,
        commands={
            "fix": handlers.fix_command,
            "myfixes": handlers.myfixes,
            "fixes": officer.fixes_command,
        },
        buttons={
            r"^fixf:": handlers.fix_button,
            r"^fixm:": handlers.mine_button,
            r"^fix:(q|v|c|s):": officer.officer_button,
        },
        flows={handlers.FIX: handlers.fix_step},
    )
    register_forget_offer(application, handlers.offer_forget)
    register_forget_warning(application, handlers.forget_warning)
