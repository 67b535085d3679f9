"""What the calendar's handlers share beyond bot.telegram.common: buttons answered with a toast."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import BadRequest

from bot.telegram.common import Context, edit_or_reply
from core.errors import UserError

ToastHandler = Callable[[Update, Context], Awaitable[str | None]]


def toast_guarded(handler: ToastHandler) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """A button handler that returns the short confirmation shown as the query's answer (so
    the message it belongs to, an invitation, stays as it is). A UserError is shown as an
    alert; either way the query is answered exactly once."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        text: str | None = None
        alert = False
        try:
            text = await handler(update, context)
        except UserError as error:
            text, alert = str(error)[:200], True
        finally:
            with contextlib.suppress(BadRequest):
                await query.answer(text[:200] if text else None, show_alert=alert)

    return wrapper


def number(value: str) -> int | None:
    """'12' or '#12' as 12; None otherwise."""
    value = value.strip().lstrip("#")
    return int(value) if value.isdigit() and len(value) < 10 else None


async def expired(update: Update, _context: Any = None) -> None:
    """An old button whose flow is gone."""
    from bot.telegram import texts

    await edit_or_reply(update, texts.BUTTON_EXPIRED)
