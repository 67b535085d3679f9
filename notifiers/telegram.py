"""The Telegram channel, on python-telegram-bot's `Bot`, with its errors classified."""

from __future__ import annotations

from datetime import timedelta

import httpx
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from notifiers.base import OutboundMessage, Outcome, SendResult

# Failures where the request certainly never reached Telegram, so sending again cannot double.
NOT_SENT_CAUSES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def retry_after_seconds(error: RetryAfter) -> float:
    """`RetryAfter.retry_after` is an int or a timedelta depending on PTB's settings."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(error: TelegramError) -> SendResult:
    """Turn a python-telegram-bot error into an outcome (order matters: subclasses first)."""
    reason = f"{type(error).__name__}: {error.message}"[:300]
    if isinstance(error, RetryAfter):
        return SendResult(
            Outcome.RATE_LIMITED, reason=reason, retry_after=retry_after_seconds(error)
        )
    if isinstance(error, ChatMigrated):
        return SendResult(Outcome.RETRY, reason=reason, new_address=str(error.new_chat_id))
    if isinstance(error, Forbidden):
        return SendResult(Outcome.UNREACHABLE, reason=reason)
    if isinstance(error, BadRequest):
        lowered = error.message.lower()
        if "chat not found" in lowered or "user is deactivated" in lowered:
            return SendResult(Outcome.UNREACHABLE, reason=reason)
        return SendResult(Outcome.FAILED, reason=reason)
    if isinstance(error, TimedOut):
        if isinstance(error.__cause__, NOT_SENT_CAUSES):
            return SendResult(Outcome.RETRY, reason=reason)
        return SendResult(Outcome.UNKNOWN, reason=reason)
    if isinstance(error, NetworkError):
        cause = error.__cause__
        if cause is None or isinstance(cause, NOT_SENT_CAUSES):
            return SendResult(Outcome.RETRY, reason=reason)  # 5xx answer, or never connected
        return SendResult(Outcome.UNKNOWN, reason=reason)
    return SendResult(Outcome.FAILED, reason=reason)


class TelegramNotifier:
    """Sends messages through the Bot API."""

    channel = "telegram"
    MAX_TEXT = 4096

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, message: OutboundMessage) -> SendResult:
        """Send one HTML message to a chat id."""
        try:
            sent = await self.bot.send_message(
                chat_id=int(message.address),
                text=message.html,
                parse_mode=ParseMode.HTML,
                disable_notification=False,
            )
        except TelegramError as error:
            return classify(error)
        return SendResult(Outcome.SENT, provider_id=str(sent.message_id))
