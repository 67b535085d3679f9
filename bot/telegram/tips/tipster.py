"""The tipster's side in Telegram: /mytips, answering officers, and forgetting the link.

An officer's message reaches the tipster through the relay; the tipster answers by replying to
it (Telegram's reply), or from /mytips. The chat's relay is the only thing that links it to a
tip, and only this chat can use it.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import filters

from bot.telegram import fallback
from bot.telegram.common import (
    Context,
    actor,
    button_in_flow,
    buttons,
    chat_id,
    edit_or_reply,
    guarded,
    reply,
    services,
    user_id,
    versioned,
)
from bot.telegram.tips import texts as tip_texts
from bot.telegram.tips.filing import add_details, warn_if_emergency
from bot.telegram.tips.officer import send_officer_reply
from core.errors import Conflict, InvalidInput
from core.tips.relay import MY_TIPS_PAGE, Answered
from core.tips.rules import TELEGRAM, find_references

ANSWER = "tipanswer"
PICK = "tippick"  # a plain message, several tips with open questions: which one is it for?


def _address(update: Update) -> str:
    return str(chat_id(update))


def replied_reference(message: Message) -> tuple[int, int] | None:
    """The one tip reference in the bot's message this message replies to."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or not replied.from_user.is_bot:
        return None
    found = find_references(replied.text or replied.caption or "")
    # A digest names several tips: a reply to it says nothing about which one.
    return found[0] if len(found) == 1 else None


class RepliesToTip(filters.MessageFilter):
    """A message replying to one of the bot's messages (which may be about a tip)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return replied is not None and replied.from_user is not None and replied.from_user.is_bot


# /mytips


async def show_my_tips(update: Update, context: Context, offset: int = 0) -> None:
    """A page of this chat's tips, with buttons for the open ones and for the other pages."""
    svc = services(context)
    page, total = await svc.tips.relay.my_tips_page(
        TELEGRAM, _address(update), offset, MY_TIPS_PAGE
    )
    if not page and total:  # the page is gone (tips forgotten since): show the last one
        offset = (total - 1) // MY_TIPS_PAGE * MY_TIPS_PAGE
        page, total = await svc.tips.relay.my_tips_page(
            TELEGRAM, _address(update), offset, MY_TIPS_PAGE
        )
    sms_named = (
        await svc.tips.relay.sms_named(user_id(update)) if svc.settings.sms_enabled else None
    )
    rows = [
        [
            (tip_texts.write_about(t.reference), f"tip:a:{t.token}"),
            (tip_texts.photos_for(t.reference), f"tip:p:{t.token}"),
        ]
        for t in page
        if t.is_open
    ]
    paging = []
    if offset > 0:
        paging.append((tip_texts.NEWER, f"tip:pg:{max(offset - MY_TIPS_PAGE, 0)}"))
    if offset + len(page) < total:
        paging.append((tip_texts.OLDER, f"tip:pg:{offset + MY_TIPS_PAGE}"))
    if paging:
        rows.append(paging)
    if sms_named is not None:
        toggle = (
            (tip_texts.SMS_NAMED_OFF, "tip:sms:off")
            if sms_named
            else (tip_texts.SMS_NAMED_ON, "tip:sms:on")
        )
        rows.append([toggle])
    markup = buttons(rows) if rows else None
    text = tip_texts.my_tips(page, total, offset, svc.settings.zone, sms_named)
    await edit_or_reply(update, text, markup)


@guarded
async def mytips(update: Update, context: Context) -> None:
    """/mytips."""
    await show_my_tips(update, context)


# Answering


async def send_answer(update: Update, context: Context, token: str, text: str) -> None:
    """Thread the tipster's text under the tip (the 911 warning first if it needs one)."""
    await warn_if_emergency(update, text)
    answered = await services(context).tips.relay.answer(token, text)
    await reply(update, tip_texts.answer_sent(answered.reference))


async def answer_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message in the answer flow started from /mytips."""
    message = update.effective_message
    if message is None or not message.text:
        raise InvalidInput(tip_texts.ANSWER_IN_WORDS)
    await send_answer(update, context, data["token"], message.text)
    await services(context).flows.clear(chat_id(update))


@guarded
async def reply_to_tip(update: Update, context: Context) -> None:
    """A Telegram reply to the bot's message about a tip: the tipster's answer (if this chat
    filed it), or an officer's message to the tipster; anything else is handled as usual."""
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None
    svc = services(context)
    if await svc.flows.get(chat_id(update)) is not None:
        await fallback.private_message(update, context)  # a step's answer, quoted by habit
        return
    reference = replied_reference(message)
    if reference is not None:  # the tipster's own tip, named in the question they answer
        token = await svc.tips.relay.token_for(TELEGRAM, _address(update), reference)
        if token is not None:
            if not message.text:
                raise InvalidInput(tip_texts.ANSWER_IN_WORDS)
            await send_answer(update, context, token, message.text)
            return
    who = await actor(update, context)
    if who.is_officer and message.text:
        # Routed by the message answered (a card or a notification about one tip), never by a
        # reference read out of its text: a long card's later part may quote another tip.
        tip_id = await svc.tips.triage.tip_answered(
            chat_id(update), message.reply_to_message.message_id
        )
        if tip_id is not None:
            await send_officer_reply(update, context, tip_id)
            return
        if reference is not None:
            await reply(update, tip_texts.REPLY_WHICH_TIP)
            return
    await fallback.private_message(update, context)


# Plain messages: most people answer a question without Telegram's reply


def offered_token(data: dict[str, Any], chosen: str) -> str:
    """The relay token a button names by position among those its stored step offered."""
    tokens = data.get("answers")
    if not isinstance(tokens, list) or not chosen.isdigit() or int(chosen) >= len(tokens):
        raise Conflict(tip_texts.STEP_EXPIRED)
    return str(tokens[int(chosen)])


def _undo(answered: Answered) -> InlineKeyboardMarkup | None:
    if answered.undo is None:
        return None
    event_id, notification_id = answered.undo
    return buttons([[(tip_texts.UNDO, f"tip:u:{event_id}:{notification_id}")]])


async def answer_open_question(update: Update, context: Context) -> bool:
    """Free text from a tipster whose tip officers asked about in the last 48 hours: to that
    tip when there is one (it can be taken back for a minute), a choice when there are several.
    False when there is none."""
    message = update.effective_message
    if message is None or not message.text:
        return False
    svc = services(context)
    open_ones = await svc.tips.relay.open_conversations(TELEGRAM, _address(update))
    if not open_ones:
        return False
    if len(open_ones) == 1:
        answered = await svc.tips.relay.answer(open_ones[0].token, message.text, hold=True)
        await reply(update, tip_texts.sent_to_officer(answered.reference), _undo(answered))
        return True
    offered = open_ones[:5]
    # The tokens stay in the stored step and the buttons name them by position, so a button
    # can only ever send to a tip of this chat's.
    version = await svc.flows.put(
        chat_id(update),
        PICK,
        "which",
        {"text": message.text, "answers": [c.token for c in offered]},
    )
    rows = [
        [(tip_texts.pick_label(c.reference, c.question), versioned(f"tip:pk:{i}", version))]
        for i, c in enumerate(offered)
    ]
    rows.append([(tip_texts.NONE_OF_THESE, versioned("tip:pk:none", version))])
    await reply(update, tip_texts.WHICH_TIP, buttons(rows))
    return True


@guarded
async def pick_button(update: Update, context: Context) -> None:
    """tip:pk:<n> sends the waiting message to the n-th tip offered; tip:pk:none sends
    nothing."""
    pressed = await button_in_flow(update, context, PICK)
    if pressed is None:
        return
    svc = services(context)
    chosen = pressed.data.removeprefix("tip:pk:")
    if chosen == "none":
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, tip_texts.NOT_SENT)
        return
    answered = await svc.tips.relay.answer(
        offered_token(dict(pressed.flow.data), chosen),
        str(pressed.flow.data.get("text", "")),
        hold=True,
        claim=pressed.claim,
        owner=(TELEGRAM, _address(update)),
    )
    await edit_or_reply(update, tip_texts.sent_to_officer(answered.reference), _undo(answered))


@guarded
async def undo_button(update: Update, context: Context) -> None:
    """tip:u:<event>:<notification>: take back an answer that has not gone out yet."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
        raise Conflict(tip_texts.STEP_EXPIRED)
    reference = await services(context).tips.relay.withdraw(
        TELEGRAM, _address(update), int(parts[2]), int(parts[3])
    )
    await edit_or_reply(update, tip_texts.taken_back(reference))


# Buttons


@guarded
async def tipster_button(update: Update, context: Context) -> None:
    """tip:a:<token> write, tip:p:<token> photos, tip:pg:<offset> a page of /mytips,
    tip:sms:on|off, tip:fg:yes|no."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    _, action, value = query.data.split(":", 2)
    if action == "a":
        tip = await svc.tips.filing.tip_of(value)
        await svc.flows.put(chat_id(update), ANSWER, "text", {"token": value})
        await reply(update, tip_texts.ask_answer(tip.reference))
    elif action == "p":
        await add_details(update, context, value, "photos")
    elif action == "pg":
        await show_my_tips(update, context, int(value) if value.isdigit() else 0)
    elif action == "sms":
        await svc.tips.relay.set_sms_named(user_id(update), value == "on")
        await show_my_tips(update, context)
    elif action == "fg" and value == "yes":
        await svc.tips.relay.forget(TELEGRAM, _address(update))
        await edit_or_reply(update, tip_texts.TIPS_FORGOTTEN)
    elif action == "fg":
        await edit_or_reply(update, tip_texts.FORGET_KEPT)
    else:
        raise Conflict(tip_texts.STEP_EXPIRED)


async def forget_warning(update: Update, context: Context) -> str | None:
    """For /forget's question: the open tips officers could no longer ask about."""
    mine = await services(context).tips.relay.my_tips(TELEGRAM, _address(update))
    open_ones = [t.reference for t in mine if t.is_open]
    return tip_texts.forget_warning(open_ones) if open_ones else None


async def offer_forget(update: Update, context: Context) -> bool:
    """/forget from someone who never registered: offer to delete this chat's tip links;
    False when there are none."""
    count = await services(context).tips.relay.relay_count(TELEGRAM, _address(update))
    if not count:
        return False
    await reply(
        update,
        tip_texts.forget_tips_confirm(count),
        buttons(
            [[(tip_texts.FORGET_TIPS_YES, "tip:fg:yes"), (tip_texts.FORGET_TIPS_NO, "tip:fg:no")]]
        ),
    )
    return True
