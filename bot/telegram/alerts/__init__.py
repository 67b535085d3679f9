"""Alerts, scam alerts, leaders' broadcasts and delivery reports in Telegram."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.alerts import handlers
from bot.telegram.router import add_feature


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the alert commands, the preview's buttons and the guided alert's flow."""
    add_feature(
        application,
        commands={
            "alert": handlers.alert,
            "scam": handlers.scam,
            "broadcast": handlers.broadcast,
            "report": handlers.report,
            "unsend": handlers.cancel_alert,
        },
        buttons={r"^alert:": handlers.alert_button},
        flows={handlers.ALERT: handlers.alert_text_step},
        # An alert's text is written for the neighbors: it may well name a weapon or a fire.
        composing=(handlers.ALERT,),
    )
