"""Messages that are not commands: continue the chat's flow, or explain what the bot can do.

Also the guard for group chats, where the bot answers /help and asks for a private message
for everything else, storing nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    filters,
)

from bot.telegram import texts
from bot.telegram.common import Context, actor, chat_id, guarded, reply, services, user_id

# A flow's step handler: (update, context, step, data) for a message in that flow.
StepHandler = Callable[[Update, Context, str, dict[str, Any]], Awaitable[None]]
FLOW_STEPS: dict[str, StepHandler] = {}
# What /forget offers someone who never registered (a feature's links to this chat); each
# returns True when it made an offer.
ForgetOffer = Callable[[Update, Context], Awaitable[bool]]
FORGET_OFFERS: list[ForgetOffer] = []
# Deep links (https://t.me/<bot>?start=<payload>): the feature that owns a payload's prefix
# opens it with the rest ("join-OAKPARK" -> the groups feature joins OAKPARK), after /start has
# registered the person if need be.
DeepLink = Callable[[Update, Context, str], Awaitable[None]]
DEEP_LINKS: dict[str, DeepLink] = {}


PRIVATE = filters.ChatType.PRIVATE
# Commands and replies act on new messages only: python-telegram-bot's handlers accept edited
# messages by default, and an edited "/tip ..." would file the tip again.
NEW_PRIVATE = PRIVATE & filters.UpdateType.MESSAGE


def register_flow(name: str, handler: StepHandler) -> None:
    """Let a feature module continue its own stored flow when a message arrives."""
    FLOW_STEPS[name] = handler


def register_deep_link(prefix: str, opener: DeepLink) -> None:
    """Let a feature open the deep links it owns (`join-` opens a group's join)."""
    DEEP_LINKS[prefix] = opener


def _deep_link(payload: str) -> tuple[DeepLink, str] | None:
    for prefix, opener in DEEP_LINKS.items():
        if payload.startswith(prefix) and len(payload) > len(prefix):
            return opener, payload[len(prefix) :]
    return None


def is_deep_link(payload: str) -> bool:
    """Whether a /start payload is a deep link some feature opens."""
    return _deep_link(payload) is not None


async def open_deep_link(update: Update, context: Context, payload: str) -> bool:
    """Open a deep link for a registered person; False when no feature owns it."""
    found = _deep_link(payload)
    if found is None:
        return False
    opener, argument = found
    await opener(update, context, argument)
    return True


def register_forget_offer(offer: ForgetOffer) -> None:
    """Let a feature offer to delete what it holds about a chat that never registered."""
    FORGET_OFFERS.append(offer)


async def offer_forget(update: Update, context: Context) -> bool:
    """/forget from someone who never registered: the features' offers; False when none."""
    for offer in FORGET_OFFERS:
        if await offer(update, context):
            return True
    return False


def add_feature(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    commands: Mapping[str, Callable[[Update, Context], Coroutine[Any, Any, Any]]] | None = None,
    buttons: Mapping[str, Callable[[Update, Context], Coroutine[Any, Any, Any]]] | None = None,
    flows: Mapping[str, StepHandler] | None = None,
) -> None:
    """Add a feature's three tables: private-chat commands, buttons by callback-data pattern,
    and the stored flows it continues."""
    for name, callback in (commands or {}).items():
        application.add_handler(CommandHandler(name, callback, filters=NEW_PRIVATE))
    for pattern, button in (buttons or {}).items():
        application.add_handler(CallbackQueryHandler(button, pattern=pattern))
    for flow, step in (flows or {}).items():
        register_flow(flow, step)


async def _help(update: Update, context: Context, lead: str) -> None:
    who = await actor(update, context)
    await reply(
        update,
        lead
        + "\n\n"
        + texts.help_text(
            who.leads is not None, who.is_officer, services(context).settings.service_name
        ),
    )


@guarded
async def private_message(update: Update, context: Context) -> None:
    """Text, a contact or a location in a private chat."""
    svc = services(context)
    flow = await svc.flows.get(chat_id(update))
    if flow is None:
        await _help(update, context, texts.NOT_UNDERSTOOD)
        return
    if flow.flow in FLOW_STEPS:
        await FLOW_STEPS[flow.flow](update, context, flow.step, dict(flow.data))
    else:  # a flow from a newer version, or one that no longer exists
        await svc.flows.clear(chat_id(update))
        await _help(update, context, texts.NOT_UNDERSTOOD)


@guarded
async def edited_message(update: Update, context: Context) -> None:
    """An edited private message: nothing is done again, and the person is told so."""
    await reply(update, texts.EDITS_NOT_READ)


@guarded
async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not have."""
    text = update.effective_message.text if update.effective_message else ""
    command = (text or "/").split()[0].split("@")[0]
    await _help(update, context, texts.unknown_command(command))


@guarded
async def unknown_button(update: Update, context: Context) -> None:
    """A button from an old message whose action no longer exists."""
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.edit_message_reply_markup(reply_markup=None)


async def touch(update: Update, context: Context) -> None:
    """Before any private update: keep a member's chat id current and mark it reachable."""
    if update.effective_user is None or update.effective_chat is None:
        return
    if update.effective_chat.type == "private":
        await services(context).members.seen_in_chat(user_id(update), chat_id(update))


async def group_chat(update: Update, context: Context) -> None:
    """In a group chat: /help gets a short answer, other commands a private-chat link."""
    message = update.effective_message
    if update.edited_message is not None:
        raise ApplicationHandlerStop  # an edit in a group asks nothing of the bot
    if message is None or not message.text or not message.text.startswith("/"):
        raise ApplicationHandlerStop
    command = message.text.split()[0].split("@")[0].lower()
    if command == "/help":
        await reply(update, texts.GROUP_HELP)
    else:
        link = f"https://t.me/{context.bot.username}"
        await reply(
            update,
            texts.GROUP_CHAT_PRIVATE,
            InlineKeyboardMarkup([[InlineKeyboardButton(texts.OPEN_PRIVATE_CHAT, url=link)]]),
        )
    raise ApplicationHandlerStop
