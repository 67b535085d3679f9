"""What is left when no feature took an update: free text continues the chat's stored flow (or
gets what the bot can do), unknown commands and buttons, edits, and group chats, where the bot
answers /help and asks for a private message for everything else, storing nothing; and the
bookkeeping before every update."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram import router, texts
from bot.telegram.common import (
    Context,
    actor,
    chat_id,
    edit_buttons,
    guarded,
    reply,
    services,
    toast_guarded,
    user_id,
)
from bot.telegram.router import step_handler
from core.emergency import suggests_emergency
from core.errors import Gone, NotFound, PermissionDenied


async def _help(update: Update, context: Context, lead: str) -> None:
    """The short answer to what the bot did not understand: the commands that fit the person."""
    who = await actor(update, context)
    suggestions: tuple[tuple[str, str], ...]
    if who.is_officer:
        suggestions = texts.SUGGEST_OFFICER
    elif who.leads is not None:
        suggestions = texts.SUGGEST_LEADER
    elif who.member is None or not who.member.is_registered:
        suggestions = texts.SUGGEST_UNREGISTERED
    elif not await services(context).groups.my_groups(user_id(update)):
        suggestions = texts.SUGGEST_NO_GROUP
    else:
        suggestions = texts.SUGGEST_MEMBER
    await reply(update, texts.short_help(lead, suggestions))


@guarded
async def private_message(update: Update, context: Context) -> None:
    """Text, a photo, a contact or a location in a private chat. Free text that suggests an
    emergency gets 911 first, whatever the chat was doing (only a message being written, which
    its feature checks itself, goes on as it is)."""
    svc = services(context)
    flow = await svc.flows.get(chat_id(update))
    message = update.effective_message
    said = (message.text or message.caption or "") if message else ""
    if (
        said
        and suggests_emergency(said)
        and (flow is None or not router.is_composing(context, flow.flow))
    ):
        offer = router.emergency_offer(context)
        if offer is not None:
            await offer(update, context, said)
            return
        await reply(update, texts.CALL_911)
        if flow is not None:  # the question asked before is still waiting for its answer
            await reply(update, texts.STILL_WAITING)
        return
    if flow is None:
        if not await router.take_free_text(update, context):
            await _help(update, context, texts.NOT_UNDERSTOOD)
        return
    if (step := step_handler(context, flow.flow)) is not None:
        try:
            await step(update, context, flow.step, dict(flow.data))
        except (Gone, NotFound, PermissionDenied):
            # What the step was about is gone (a tip closed, its tipster forgotten, a role
            # lost): the step ends with the refusal instead of catching every later message.
            # A value that does not fit (InvalidInput) keeps the step for another try.
            await svc.flows.clear(chat_id(update))
            raise
    else:  # a flow from a newer version, or one that no longer exists
        await svc.flows.clear(chat_id(update))
        await _help(update, context, texts.NOT_UNDERSTOOD)


async def drop_and_reread(
    update: Update, context: Context, _step: str, _data: dict[str, Any]
) -> None:
    """A message in a flow that only waited for a button (an offer, a choice): the flow is
    dropped and the message is read anew, as if nothing had been asked."""
    await services(context).flows.clear(chat_id(update))
    await private_message(update, context)


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


@toast_guarded
async def unknown_button(update: Update, context: Context) -> str:
    """A button no feature knows (an old message's, or data made by hand): its keyboard goes
    and the person is told, rather than nothing happening."""
    query = update.callback_query
    if query is not None and query.message is not None and query.message.chat.type == "private":
        await edit_buttons(update, None)
    return texts.BUTTON_INVALID


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
