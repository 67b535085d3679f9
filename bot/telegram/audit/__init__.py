"""The audit log in Telegram (officers): /audit."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.audit import handlers
from bot.telegram.router import add_feature


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add /audit."""
    add_feature(application, commands={"audit": handlers.audit})
