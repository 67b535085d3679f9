"""Operation Identification in Telegram: /property (the member's private register, the
guided add, edits, deleting, the PDF and CSV, the window decal) and /stolen (a tip for
officers listing the items picked)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.property import handlers, stolen
from bot.telegram.router import add_feature, register_forget_warning


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add Operation Identification's handlers (they run before the catch-alls)."""
    add_feature(
        application,
        commands={"property": handlers.property_command, "stolen": stolen.stolen_command},
        buttons={
            r"^propf:": handlers.add_button,
            r"^propx:": handlers.edit_button,
            r"^prop:": handlers.register_button,
            r"^stol:": stolen.stolen_button,
        },
        flows={
            handlers.ADD: handlers.add_step,
            handlers.EDIT: handlers.edit_step,
            stolen.STOLEN: stolen.stolen_step,
        },
    )
    register_forget_warning(application, handlers.forget_warning)
