"""What every handler shares: the services, the acting user, replies, buttons answered with a
toast, and error handling."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ContextTypes

from bot.telegram import texts
from core.errors import Conflict, InvalidInput, UserError
from core.flows import RESUMED, Claim, FlowRecord
from core.image_meta import STRIPPABLE, strip_metadata
from core.markup import esc
from core.permissions import Actor
from core.services import Services
from notifiers.telegram_html import TAG, split_html

log = logging.getLogger(__name__)

# A reply that meets Telegram's flood control (429) waits its retry_after and goes again, when
# that is short enough for the person to still be looking: the action it answers is already
# done, and a lost reply leaves them guessing (and the apology would meet the same 429).
REPLY_RETRY_MAX_SECONDS = 10.0

Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context], Awaitable[Any]]
H = TypeVar("H", bound=Handler)
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def services(context: Context) -> Services:
    """The services the application was built with."""
    return context.application.bot_data["services"]  # type: ignore[no-any-return]


def user_id(update: Update) -> int:
    """The Telegram user id behind an update."""
    assert update.effective_user is not None
    return update.effective_user.id


def chat_id(update: Update) -> int:
    """The chat the update came from."""
    assert update.effective_chat is not None
    return update.effective_chat.id


async def actor(update: Update, context: Context) -> Actor:
    """The acting user with their current roles."""
    return await services(context).access.actor(user_id(update))


async def reply(update: Update, text: str, markup: Markup = None) -> list[int]:
    """Answer in the chat the update came from (HTML); returns the ids of the messages sent.
    Every reply goes through here: a text past Telegram's limit goes as several messages, the
    buttons under the last one."""
    chat = update.effective_chat
    assert chat is not None
    parts = split_html(text)
    sent = []
    for number, part in enumerate(parts, start=1):
        message = await after_flood_control(
            functools.partial(
                chat.send_message,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if number == len(parts) else None,
                disable_web_page_preview=True,
            )
        )
        sent.append(message.message_id)
    return sent


async def after_flood_control(call: Callable[[], Awaitable[Any]]) -> Any:
    """Make a Bot API call; after a 429 of at most REPLY_RETRY_MAX_SECONDS, wait and make it
    once more (a longer one, or a second 429, is raised)."""
    try:
        return await call()
    except RetryAfter as error:
        wait = error.retry_after
        seconds = wait.total_seconds() if not isinstance(wait, int | float) else float(wait)
        if seconds > REPLY_RETRY_MAX_SECONDS:
            raise
        log.warning("a reply met Telegram's flood control; sending it again in %.0f s", seconds)
        await asyncio.sleep(seconds)
        return await call()


async def edit_or_reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the message whose button was pressed (a flow edits its own message), else reply."""
    query = update.callback_query
    if query is not None and query.message is not None:
        first, *rest = split_html(text)
        if not rest and shows(query.message, first, markup):
            return  # pressed again: the message already says this (an edit would be refused)
        edited = True
        try:
            await after_flood_control(
                functools.partial(
                    query.edit_message_text,
                    first,
                    parse_mode=ParseMode.HTML,
                    reply_markup=None if rest else markup,
                    disable_web_page_preview=True,
                )
            )
        except BadRequest as error:
            edited = "not modified" in error.message.lower()  # already shows the first part
            if not edited:
                log.info("could not edit message, replying instead: %s", error.message)
        if edited:
            if rest:  # a text that outgrew one message: the rest follows, buttons last
                await reply(update, "\n\n".join(rest), markup)
            return
    await reply(update, text, markup)


TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z-]+)")


def _shape(html_text: str) -> tuple[str, list[str]]:
    """What a reader sees of HTML, and the sequence of its tags (names only)."""
    return html.unescape(TAG.sub("", html_text)).strip(), [
        "".join(m.groups()).lower() for m in TAG_NAME.finditer(html_text)
    ]


def _keyboard(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """Buttons as Telegram shows them: an empty keyboard is no keyboard."""
    return markup if markup is not None and markup.inline_keyboard else None


def shows(
    message: MaybeInaccessibleMessage, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """Whether a message already shows this HTML text and these buttons, so that editing it
    to them would change nothing (Telegram refuses such an edit)."""
    if not isinstance(message, Message) or message.text is None:
        return False
    if _keyboard(message.reply_markup) != _keyboard(markup):
        return False
    return _shape(message.text_html) == _shape(text)


async def edit_buttons(update: Update, markup: InlineKeyboardMarkup | None) -> None:
    """Change only the buttons of the message whose button was pressed, unless they are
    already these."""
    query = update.callback_query
    if query is None or query.message is None or not isinstance(query.message, Message):
        return
    wanted = _keyboard(markup)
    if _keyboard(query.message.reply_markup) == wanted:
        return
    with contextlib.suppress(BadRequest):  # too old to edit: the buttons stay as they were
        await query.edit_message_reply_markup(reply_markup=wanted)


async def keep_and_follow(update: Update, text: str, markup: Markup = None) -> None:
    """A receipt or summary whose button was pressed keeps its full text and loses its buttons;
    what follows (the confirmation, the next question) is a message of its own, so the receipt
    is never overwritten by the next step."""
    await edit_buttons(update, None)
    await reply(update, text, markup)


def buttons(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def versioned(data: str, version: int) -> str:
    """Callback data that names the version of the stored step its message was made for."""
    return f"{data}@{version}"


def unversioned(data: str) -> str:
    """Callback data without the version of the step it was made for."""
    head, at, suffix = data.rpartition("@")
    return head if at and suffix.isdigit() else data


@dataclass(frozen=True, slots=True)
class Pressed:
    """A button of a stored flow: its data (without the version), the flow, and the claim a
    confirm takes in the transaction of its effect."""

    data: str
    flow: FlowRecord
    claim: Claim


async def button_in_flow(update: Update, context: Context, flow_name: str) -> Pressed | None:
    """A pressed button of the chat's stored flow. A button of another flow, or of a flow that
    ended, is marked expired; one made for an older version of the step (an earlier preview)
    is marked stale: either is said in the button's answer, the message stays as it is (an
    older summary is never overwritten), and nothing is done."""
    query = update.callback_query
    assert query is not None and query.data is not None
    data = unversioned(query.data)
    suffix = query.data[len(data) + 1 :]
    flow = await services(context).flows.get(chat_id(update))
    if flow is None or flow.flow != flow_name:
        await expired(update)
    if suffix and int(suffix) not in (flow.version, flow.data.get(RESUMED)):
        raise Conflict(texts.BUTTON_STALE)
    return Pressed(data, flow, Claim(flow.chat_id, flow.flow, flow.version))


def command_args(context: Context) -> list[str]:
    """The words after the command."""
    return list(context.args or [])


def guarded(handler: H) -> H:
    """Answer callback queries, and turn a UserError into a friendly reply."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: Context) -> Any:
        query = update.callback_query
        answered = False
        try:
            result = await handler(update, context)
        except UserError as error:
            if query is not None:
                await query.answer(str(error)[:200], show_alert=True)
                answered = True
            else:
                await reply(update, esc(str(error)))
            return None
        finally:
            if query is not None and not answered:
                # A query too old to answer is no reason to fail the handler.
                with contextlib.suppress(BadRequest):
                    await query.answer()
        return result

    return wrapper  # type: ignore[return-value]


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


async def expired(update: Update, _context: Any = None) -> NoReturn:
    """An old button whose flow is gone: said in the button's answer, and the message stays
    as it is (it may be the receipt the first press left, which is never overwritten)."""
    raise Conflict(texts.BUTTON_EXPIRED)


async def receive_photo(
    update: Update,
    context: Context,
    *,
    check: Callable[[int | None, str | None], None],
    expected: str,
    stripped: str,
) -> str:
    """The Telegram file id of a photo sent, after the feature's size and type `check`.

    A photo is re-encoded by Telegram (no metadata). An image sent as a file keeps its
    metadata, so a JPEG or PNG is downloaded, stripped, and sent back as a photo (captioned
    `stripped`), whose file id is kept; other files are refused (`expected` when it is no
    picture at all).
    """
    message = update.effective_message
    assert message is not None
    if message.photo:
        largest = message.photo[-1]
        check(largest.file_size, None)
        return largest.file_id
    document = message.document
    if document is None:
        raise InvalidInput(expected)
    mime = (document.mime_type or "application/octet-stream").lower()
    check(document.file_size, mime)
    if mime not in STRIPPABLE:
        raise InvalidInput("Please send this picture as a photo, not as a file.")
    telegram_file = await context.bot.get_file(document.file_id)
    content = bytes(await telegram_file.download_as_bytearray())
    check(len(content), mime)
    sent = await message.reply_photo(photo=strip_metadata(content, mime), caption=stripped)
    return sent.photo[-1].file_id
