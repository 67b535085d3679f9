"""An officer's own name: /officername, and the one question after an officer's first command
while they have none (tipsters, timelines, /report and /audit show it)."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.telegram.common import (
    Context,
    actor,
    buttons,
    chat_id,
    command_args,
    guarded,
    reply,
    services,
)
from bot.telegram.members import texts as member_texts

OFFICER_NAME = "officer_name"
# Commands after which the name question would be in the way: the command that answers it, and
# the one that leaves whatever is going on.
_NOT_AFTER = {"officername", "cancel"}


@guarded
async def officername(update: Update, context: Context) -> None:
    """/officername NAME sets it; alone it asks for the name."""
    who = await actor(update, context)
    svc = services(context)
    words = command_args(context)
    if words:
        name = await svc.officers.set_name(who, " ".join(words))
        await reply(update, member_texts.officer_named(name))
        return
    current = await svc.officers.own_name(who)
    await svc.flows.put(chat_id(update), OFFICER_NAME, "name")
    await reply(update, member_texts.ask_officer_name(current))


@guarded
async def name_button(update: Update, context: Context) -> None:
    """The question's "Set my name" button: ask for the name."""
    who = await actor(update, context)
    svc = services(context)
    current = await svc.officers.own_name(who)
    await svc.flows.put(chat_id(update), OFFICER_NAME, "name")
    await reply(update, member_texts.ask_officer_name(current))


async def officer_name_step(
    update: Update, context: Context, _step: str = "", _data: dict[str, Any] | None = None
) -> None:
    """The typed name (a name that is no name keeps the step for another try)."""
    message = update.effective_message
    svc = services(context)
    if message is None or not message.text:
        await reply(update, member_texts.ask_officer_name(None))
        return
    name = await svc.officers.set_name(await actor(update, context), message.text)
    await svc.flows.clear(chat_id(update))
    await reply(update, member_texts.officer_named(name))


async def ask_after_command(update: Update, context: Context) -> None:
    """After an officer's command, once: ask for the name they want shown, unless the command
    left the chat waiting for an answer of its own (then it asks after a later command)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split(maxsplit=1)[0].lstrip("/").split("@", 1)[0].lower()
    if command in _NOT_AFTER:
        return
    svc = services(context)
    who = await actor(update, context)
    if not who.is_officer or who.name:
        return
    if await svc.flows.get(chat_id(update)) is not None:
        return
    if await svc.officers.take_name_question(who):
        await reply(
            update,
            member_texts.OFFICER_NAME_QUESTION,
            buttons([[(member_texts.SET_MY_NAME, "oname:set")]]),
        )
