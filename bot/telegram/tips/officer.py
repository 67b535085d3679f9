"""Officers' tips in Telegram: /tips, /tip T-..., and the view, claim, reply, close and spam
buttons. Permissions are checked (and refusals audited) in core.tips.triage."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, InputMediaPhoto, Update
from telegram.error import BadRequest

from bot.telegram.common import (
    Context,
    actor,
    buttons,
    chat_id,
    edit_or_reply,
    guarded,
    reply,
    services,
)
from bot.telegram.tips import texts as tip_texts
from core.errors import Conflict, InvalidInput
from core.tips.rules import OUTCOMES
from core.tips.triage import TipView

log = logging.getLogger(__name__)

REPLY_FLOW = "tipreply"
PAGE = 8


def _actions(view: TipView) -> InlineKeyboardMarkup:
    """The buttons under a tip."""
    tip = view.tip
    rows: list[list[tuple[str, str]]] = []
    if tip.is_open:
        first = []
        if tip.claimed_by_telegram_id is None:
            first.append((tip_texts.CLAIM, f"tip:c:{tip.id}"))
        if view.reachable:
            first.append((tip_texts.REPLY, f"tip:r:{tip.id}"))
        if first:
            rows.append(first)
        rows.append([(tip_texts.CLOSE, f"tip:x:{tip.id}"), (tip_texts.SPAM, f"tip:s:{tip.id}")])
    rows.append([(tip_texts.BACK_TO_LIST, "tip:l:0")])
    return buttons(rows)


async def show_list(update: Update, context: Context, offset: int) -> None:
    """Open tips, a page at a time."""
    svc = services(context)
    who = await actor(update, context)
    tips, total = await svc.tips.triage.open_tips(who, limit=PAGE, offset=offset)
    if not tips and offset:
        tips, total = await svc.tips.triage.open_tips(who, limit=PAGE, offset=0)
        offset = 0
    rows: list[list[tuple[str, str]]] = []
    for tip in tips:
        label = f"{'🚨 ' if tip.urgent else ''}{tip_texts.VIEW} {tip.reference}"
        row = [(label, f"tip:v:{tip.id}")]
        if tip.claimed_by_telegram_id is None:
            row.append((tip_texts.CLAIM, f"tip:c:{tip.id}"))
        rows.append(row)
    paging = []
    if offset > 0:
        paging.append((tip_texts.NEWER, f"tip:l:{max(offset - PAGE, 0)}"))
    if offset + len(tips) < total:
        paging.append((tip_texts.OLDER, f"tip:l:{offset + PAGE}"))
    if paging:
        rows.append(paging)
    text = tip_texts.tip_list(tips, total, offset, svc.settings.zone)
    await edit_or_reply(update, text, buttons(rows) if rows else None)


@guarded
async def tips_command(update: Update, context: Context) -> None:
    """/tips."""
    await show_list(update, context, 0)


async def show_tip(update: Update, context: Context, tip: int | str) -> None:
    """A tip with its photos and location (sent first), then its card and buttons."""
    svc = services(context)
    who = await actor(update, context)
    view = await svc.tips.triage.view(who, tip)
    chat = update.effective_chat
    assert chat is not None
    photos = list(view.tip.photos)
    try:
        if len(photos) == 1:
            await chat.send_photo(photos[0], caption=view.tip.reference)
        elif photos:
            media = [InputMediaPhoto(file_id) for file_id in photos]
            await chat.send_media_group(media, caption=view.tip.reference)
        if view.tip.latitude is not None and view.tip.longitude is not None:
            await chat.send_location(view.tip.latitude, view.tip.longitude)
    except BadRequest as error:
        log.warning("tip media could not be shown: %s", error.message)
    shown = await reply(update, tip_texts.tip_card(view, svc.settings.zone), _actions(view))
    # A swipe-reply to any part of the card is about this tip, whatever its text quotes.
    await svc.tips.triage.remember_card(chat.id, shown, view.tip.id)


async def send_officer_reply(update: Update, context: Context, tip: int | str) -> None:
    """The officer's typed message, relayed to the tip's author."""
    message = update.effective_message
    if message is None or not message.text:
        raise InvalidInput("Please type your message, or /cancel.")
    who = await actor(update, context)
    updated = await services(context).tips.triage.reply(who, tip, message.text)
    await reply(update, tip_texts.reply_sent(updated.reference))


async def reply_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message in the officer's reply flow."""
    await send_officer_reply(update, context, int(data["tip_id"]))
    await services(context).flows.clear(chat_id(update))


@guarded
async def officer_button(update: Update, context: Context) -> None:
    """tip:v|c|r|x|o|s|sy|l|k:... — view, claim, reply, close, outcome, spam (asks; sy
    confirms), list, keep open."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    parts = query.data.split(":")
    action, arg = parts[1], parts[2] if len(parts) > 2 else ""
    if action == "l":
        await show_list(update, context, int(arg or 0))
        return
    if action == "k":
        await edit_or_reply(update, tip_texts.CLOSE_CANCELLED)
        return
    if not arg.isdigit():
        raise Conflict(tip_texts.STEP_EXPIRED)
    tip_id = int(arg)
    who = await actor(update, context)
    if action == "v":
        await show_tip(update, context, tip_id)
    elif action == "c":
        tip, changed = await svc.tips.triage.claim(who, tip_id)
        view = TipView(tip, [], True, [])
        await reply(update, tip_texts.claimed(tip.reference, changed), _actions(view))
    elif action == "r":
        reference = await svc.tips.triage.reference_of(who, tip_id, open_only=True)
        await svc.flows.put(chat_id(update), REPLY_FLOW, "text", {"tip_id": tip_id})
        await reply(update, tip_texts.ask_reply(reference))
    elif action == "x":
        reference = await svc.tips.triage.reference_of(who, tip_id)
        pairs = [(label, f"tip:o:{tip_id}:{key}") for key, label in tip_texts.OUTCOME_BUTTONS]
        rows = [[pair] for pair in pairs] + [[(tip_texts.CANCEL, "tip:k")]]
        await reply(update, tip_texts.choose_outcome(reference), buttons(rows))
    elif action == "o" and len(parts) == 4 and parts[3] in OUTCOMES:
        tip = await svc.tips.triage.close(who, tip_id, parts[3])
        await edit_or_reply(update, tip_texts.closed(tip.reference, OUTCOMES[parts[3]]))
    elif action == "s":
        reference = await svc.tips.triage.reference_of(who, tip_id, open_only=True)
        rows = [[(tip_texts.SPAM_YES, f"tip:sy:{tip_id}"), (tip_texts.CANCEL, "tip:k")]]
        await reply(update, tip_texts.spam_question(reference), buttons(rows))
    elif action == "sy":
        tip = await svc.tips.triage.spam(who, tip_id)
        await edit_or_reply(update, tip_texts.marked_spam(tip.reference))
    else:
        raise Conflict(tip_texts.STEP_EXPIRED)
