"""/stolen in Telegram: pick items of the register (buttons by position, several at once),
review the tip exactly as officers will get it, and send it: the items are marked stolen and
the tip is filed in one transaction, once however Send is pressed.

A pick button carries the item's id: core refuses (and audits) an id that is not the
presser's, or an item already reported.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.telegram import texts as common_texts
from bot.telegram.common import (
    Context,
    button_in_flow,
    buttons,
    chat_id,
    edit_or_reply,
    guarded,
    reply,
    services,
    unversioned,
    user_id,
    versioned,
)
from bot.telegram.property import texts
from core.errors import Conflict, InvalidInput
from core.property import Register, messages
from core.property.rules import STOLEN_MAX

STOLEN = "stolen"


def _picked(data: dict[str, Any]) -> list[int]:
    return [int(i) for i in data.get("picked") or ()]


def _pick_markup(register: Register, picked: list[int], version: int) -> InlineKeyboardMarkup:
    rows = [
        [
            (
                texts.picked_label(position, messages.summary(item), item.id in picked),
                versioned(f"stol:t:{item.id}", version),
            )
        ]
        for position, item in enumerate(register.items, start=1)
        if not item.stolen
    ]
    rows.append(
        [
            (texts.NEXT, versioned("stol:next", version)),
            (texts.CANCEL, versioned("stol:cancel", version)),
        ]
    )
    return buttons(rows)


async def show_pick(update: Update, context: Context, picked: list[int]) -> None:
    """The pick step: every item not yet reported, ticked when picked."""
    svc = services(context)
    register = await svc.property.register.register(user_id(update))
    if not register.items:
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, texts.EMPTY_REGISTER)
        return
    if all(item.stolen for item in register.items):
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, texts.NOTHING_TO_REPORT)
        return
    version = await svc.flows.put(chat_id(update), STOLEN, "pick", {"picked": picked})
    await edit_or_reply(update, texts.PICK, _pick_markup(register, picked, version))


@guarded
async def stolen_command(update: Update, context: Context) -> None:
    """/stolen: pick the items, then review and send."""
    await show_pick(update, context, [])


async def stolen_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message while picking or reviewing: buttons only."""
    await reply(update, common_texts.USE_BUTTONS)


@guarded
async def stolen_button(update: Update, context: Context) -> None:
    """stol:start (from the register), stol:t:ID (tick or untick), stol:next, stol:back,
    stol:send, stol:cancel."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("stol:")
    if action == "start":
        await show_pick(update, context, [])
        return
    pressed = await button_in_flow(update, context, STOLEN)
    if pressed is None:
        return
    step, data = pressed.flow.step, dict(pressed.flow.data)
    picked = _picked(data)
    svc = services(context)
    register = svc.property.register
    uid = user_id(update)
    if step == "pick" and action.startswith("t:") and action[2:].isdigit() and len(action) < 12:
        item_id = int(action[2:])
        await register.can_pick(uid, item_id)
        if item_id in picked:
            picked.remove(item_id)
        elif len(picked) >= STOLEN_MAX:
            raise InvalidInput(
                f"One report lists at most {STOLEN_MAX} items; send these first, then "
                "/stolen again for the rest."
            )
        else:
            picked.append(item_id)
        await show_pick(update, context, picked)
    elif step == "pick" and action == "next":
        if not picked:
            raise InvalidInput(texts.PICK_ONE)
        text = await register.stolen_text(uid, picked)
        version = await svc.flows.put(chat_id(update), STOLEN, "review", {"picked": picked})
        markup = buttons(
            [
                [(texts.SEND, versioned("stol:send", version))],
                [
                    (texts.CHANGE, versioned("stol:back", version)),
                    (texts.CANCEL, versioned("stol:cancel", version)),
                ],
            ]
        )
        await edit_or_reply(update, texts.stolen_review(text), markup)
    elif step == "review" and action == "back":
        await show_pick(update, context, picked)
    elif step == "review" and action == "send":
        filed = await register.report_stolen(uid, chat_id(update), picked, claim=pressed.claim)
        await edit_or_reply(update, texts.stolen_sent(filed.reference, len(picked), filed.urgent))
    elif action == "cancel":
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, texts.STOLEN_CANCELLED)
    else:
        raise Conflict(texts.STEP_EXPIRED)
