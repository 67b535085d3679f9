"""The person's side in Telegram: the consent question (sent by the officer, or shown when an
invite link is opened), and the resources' and check-ins' buttons: Answer (a message for the
officer), Call me back, No more check-ins (asked first); and what /forget offers and warns.

Every button names the follow-up; it acts only in the chat the follow-up reaches, and a
second press changes nothing."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.telegram.common import (
    Context,
    actor,
    buttons,
    chat_id,
    edit_or_reply,
    guarded,
    reply,
    services,
    user_id,
)
from bot.telegram.victims import texts
from core.errors import Conflict, InvalidInput, NotFound
from core.victims import FollowupRecord, messages
from core.victims.rules import ACTIVE, CONSENTED, STOPPED, TELEGRAM

ANSWER = "victim_answer"


def _address(update: Update) -> str:
    return str(chat_id(update))


def _consent_markup(data_yes: str, data_no: str) -> InlineKeyboardMarkup:
    return buttons([[(texts.YES, data_yes), (texts.NO, data_no)]])


def _answered(followup: FollowupRecord) -> str:
    """What the consent question becomes: the answer the follow-up holds."""
    if followup.status in CONSENTED:
        return texts.AGREED
    if followup.status == "declined":
        return texts.DECLINED
    raise NotFound("That follow-up is no longer there (it may have been closed).")


async def open_invite(update: Update, context: Context, token: str) -> None:
    """An invite link (t.me/<bot>?start=victim-TOKEN) opened: the question first."""
    followup = await services(context).victims.followups.invitation(token, chat_id(update))
    if followup.status != "awaiting":
        await reply(update, texts.already_in_touch(followup.case_number))
        return
    await reply(
        update,
        texts.consent_again(messages.named(followup), followup.case_number),
        _consent_markup(f"vicp:iy:{token}", f"vicp:in:{token}"),
    )


@guarded
async def person_button(update: Update, context: Context) -> None:
    """vicp:y|n:ID (consent), vicp:iy|in:TOKEN (an invite's consent), vicp:a:ID (answer),
    vicp:c:ID:KEY (call me back), vicp:s|sy|sk:ID (no more check-ins: ask, stop, keep),
    vicp:fg:yes|no (/forget's offer)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    arg = parts[2] if len(parts) > 2 else ""
    svc = services(context)
    followups = svc.victims.followups
    address = _address(update)
    if action == "fg":
        if arg == "yes":
            count = await followups.forget(TELEGRAM, address)
            await edit_or_reply(update, texts.forgotten(count))
        else:
            await edit_or_reply(update, texts.FORGET_KEPT)
        return
    if action in ("iy", "in") and arg:
        changed = await followups.accept_invitation(
            arg, chat_id(update), user_id(update), action == "iy"
        )
        await edit_or_reply(update, _answered(changed.followup))
        return
    if not arg.isdigit():
        raise Conflict(texts.STEP_EXPIRED)
    followup_id = int(arg)
    if action in ("y", "n"):
        changed = await followups.consent(followup_id, chat_id(update), action == "y")
        await edit_or_reply(update, _answered(changed.followup))
    elif action == "a":
        followup = await followups.mine(followup_id, TELEGRAM, address)
        if followup.status not in CONSENTED:
            raise NotFound("That follow-up is closed: the officer no longer gets messages.")
        await svc.flows.put(chat_id(update), ANSWER, "text", {"id": followup_id})
        await reply(update, texts.ASK_ANSWER)
    elif action == "c" and len(parts) == 4:
        changed = await followups.callback(followup_id, TELEGRAM, address, parts[3])
        if changed.changed:
            await reply(update, texts.CALLBACK_REQUESTED)
        else:
            raise Conflict(texts.CALLBACK_AGAIN)  # said in the button's answer
    elif action == "s":
        followup = await followups.mine(followup_id, TELEGRAM, address)
        if followup.status == STOPPED:
            raise Conflict(texts.STOPPED[2:])
        if followup.status != ACTIVE:
            raise NotFound("That follow-up is closed: no check-ins will come.")
        rows = [
            [(texts.STOP_YES, f"vicp:sy:{followup_id}"), (texts.STOP_NO, f"vicp:sk:{followup_id}")]
        ]
        await reply(update, texts.STOP_QUESTION, buttons(rows))
    elif action == "sy":
        await followups.stop(followup_id, TELEGRAM, address)
        await edit_or_reply(update, texts.STOPPED)
    elif action == "sk":
        followup = await followups.mine(followup_id, TELEGRAM, address)
        await edit_or_reply(update, texts.STOPPED if followup.status == STOPPED else texts.KEPT)
    else:
        raise Conflict(texts.STEP_EXPIRED)


async def answer_step(update: Update, context: Context, _step: str, data: dict[str, Any]) -> None:
    """The person's message for the officer (checked for emergencies here: 911 first)."""
    message = update.effective_message
    assert message is not None
    if not message.text:
        raise InvalidInput("Please type your message as text, or /cancel.")
    svc = services(context)
    _followup, emergency = await svc.victims.followups.answer(
        int(data.get("id", 0)), TELEGRAM, _address(update), message.text
    )
    await svc.flows.clear(chat_id(update))
    sent = texts.ANSWER_SENT
    await reply(update, f"{texts.EMERGENCY_FIRST}\n\n{sent}" if emergency else sent)


async def take_reply(update: Update, context: Context) -> bool:
    """Free text that replies to a victim follow-up's message: the person's answer to the
    officer, or the officer's reply to the person. False for anything else."""
    message = update.effective_message
    if message is None or message.reply_to_message is None or not message.text:
        return False
    svc = services(context)
    followup = await svc.victims.followups.answered_message(
        chat_id(update), message.reply_to_message.message_id
    )
    if followup is None:
        return False
    if followup.officer_telegram_id == user_id(update) and followup.address != _address(update):
        await svc.victims.followups.reply(await actor(update, context), followup.id, message.text)
        await reply(update, texts.replied(followup.reference))
        return True
    _record, emergency = await svc.victims.followups.answer(
        followup.id, TELEGRAM, _address(update), message.text
    )
    sent = texts.ANSWER_SENT
    await reply(update, f"{texts.EMERGENCY_FIRST}\n\n{sent}" if emergency else sent)
    return True


# /forget


async def forget_warning(update: Update, context: Context) -> str | None:
    """For /forget's question: the follow-ups that will go."""
    count = await services(context).victims.followups.count(TELEGRAM, _address(update))
    return texts.forget_warning(count) if count else None


async def offer_forget(update: Update, context: Context) -> bool:
    """/forget from someone who never registered: offer to delete this chat's follow-ups."""
    count = await services(context).victims.followups.count(TELEGRAM, _address(update))
    if not count:
        return False
    await reply(
        update,
        texts.forget_confirm(count),
        buttons([[(texts.FORGET_YES, "vicp:fg:yes"), (texts.FORGET_NO, "vicp:fg:no")]]),
    )
    return True
