"""The Telegram channel, on python-telegram-bot's `Bot`, with its errors classified."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
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
from notifiers.telegram_html import MESSAGE_LIMIT, split_html

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
        # An answer from the server: a 5xx with the Bot API's JSON (no cause), or one whose body
        # was not JSON at all (nginx's HTML page for 502 and 504: PTB's parse error is the
        # cause). Either way the server said the request failed, so it is sent again.
        if isinstance(cause, TelegramError):
            status = error.message.split(". Parsing the server response", 1)[0]
            return SendResult(Outcome.RETRY, reason=f"NetworkError: {status}, not JSON"[:300])
        if cause is None:
            return SendResult(Outcome.RETRY, reason=reason)
        if isinstance(cause, NOT_SENT_CAUSES):
            return SendResult(Outcome.RETRY, reason=reason)  # never connected
        return SendResult(Outcome.UNKNOWN, reason=reason)
    return SendResult(Outcome.FAILED, reason=reason)


class TelegramNotifier:
    """Sends messages through the Bot API."""

    channel = "telegram"
    MAX_TEXT = MESSAGE_LIMIT
    MAX_PER_SECOND_DEFAULT = 25  # Telegram allows about 30 to different chats
    PRIVATE_CHAT_INTERVAL = 1.0  # about one message per second per private chat
    GROUP_CHAT_PER_MINUTE = 20

    def __init__(self, bot: Bot, *, part_interval: float = PRIVATE_CHAT_INTERVAL) -> None:
        self.bot = bot
        self.part_interval = part_interval

    async def send(self, message: OutboundMessage) -> SendResult:
        """Send one HTML message to a chat id, in several parts if it is too long."""
        parts = split_html(message.html, self.MAX_TEXT)
        first_id: str | None = None
        for index, part in enumerate(parts):
            if index:
                await asyncio.sleep(self.part_interval)  # one chat, one message a second
            last = index == len(parts) - 1
            try:
                sent = await self.bot.send_message(
                    chat_id=int(message.address),
                    text=part,
                    parse_mode=ParseMode.HTML,
                    disable_notification=False,
                    reply_markup=_keyboard(message.buttons) if last else None,
                )
            except TelegramError as error:
                result = classify(error)
                if first_id is None:
                    return result
                return SendResult(
                    Outcome.SENT,
                    provider_id=first_id,
                    reason=f"part {index + 1} of {len(parts)} not sent: {result.reason}",
                )
            first_id = first_id or str(sent.message_id)
        if message.attachment is not None:
            return await self._send_file(message, first_id)
        return SendResult(Outcome.SENT, provider_id=first_id)

    async def _send_file(self, message: OutboundMessage, first_id: str | None) -> SendResult:
        """The file after the text; the text already went, so a failure here is noted on a
        sent delivery rather than retried (which would repeat the text)."""
        assert message.attachment is not None
        name, _mime, content = message.attachment  # PTB derives the type from the name
        await asyncio.sleep(self.part_interval)  # one chat, one message a second
        try:
            await self.bot.send_document(
                chat_id=int(message.address),
                document=InputFile(content, filename=name),
                disable_notification=True,
            )
        except TelegramError as error:
            reason = classify(error).reason
            return SendResult(
                Outcome.SENT, provider_id=first_id, reason=f"file not sent: {reason}"[:300]
            )
        return SendResult(Outcome.SENT, provider_id=first_id)


def _keyboard(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup | None:
    """Inline buttons from rows of (label, callback data)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )
