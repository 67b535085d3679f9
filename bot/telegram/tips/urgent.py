"""Free text that suggests an emergency, sent outside /tip ("someone is breaking into my
neighbor's house right now"): 911 first, then one button that sends it to the police as an
urgent tip with what the person wrote (and the photo, if it came with one).

The offer is a stored step of its own, so that the button files once however often it is
pressed. A person whom officers asked about a tip lately (a plain message there would be an
answer) is also offered to add it to that tip, flagged urgent, instead of filing a new one.
A question the chat was in the middle of (registration, a vacation watch) is kept in the offer
and comes back afterwards; anything else the person writes instead of pressing the
button dismisses the offer and is handled as it would have been.
"""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import Update

from bot.telegram.common import (
    Context,
    button_in_flow,
    buttons,
    chat_id,
    edit_or_reply,
    guarded,
    reply,
    services,
    versioned,
)
from bot.telegram.router import step_handler
from bot.telegram.tips import texts as tip_texts
from bot.telegram.tips.filing import TIP, intake_photo, source
from bot.telegram.tips.tipster import offered_token
from core.errors import UserError
from core.flows import INTERRUPTED, RESUMED
from core.tips.rules import TELEGRAM, TEXT_MAX, TipDraft, clean_tip_text

URGENT = "urgent"
# At most this many open conversations are offered as a place for the urgent message.
OFFER_TIPS_MAX = 3


async def offer(update: Update, context: Context, said: str) -> None:
    """911 first; then the button that files what they wrote as an urgent tip."""
    svc = services(context)
    await reply(update, tip_texts.CALL_911_NOW)
    photo = None
    if update.effective_message is not None and update.effective_message.photo:
        with contextlib.suppress(UserError):  # a photo too large goes without; the text goes
            photo = await intake_photo(update, context)
    data: dict[str, Any] = {"text": said[:TEXT_MAX], "photo": photo}
    current = await svc.flows.get(chat_id(update))
    if current is not None and current.flow == URGENT:
        data[INTERRUPTED] = current.data.get(INTERRUPTED)
    elif current is not None:
        data[INTERRUPTED] = {
            "flow": current.flow,
            "step": current.step,
            "data": current.data,
            # Its message's buttons carry this version: they work again once it is put back.
            "version": current.data.get(RESUMED, current.version),
        }
    # Officers asked about a tip lately: this may be about it (a photo goes as a new tip).
    talks = [] if photo else await svc.tips.relay.open_conversations(TELEGRAM, str(chat_id(update)))
    talks = talks[:OFFER_TIPS_MAX]
    # The tokens stay in the stored step; the buttons name them by position only, so a button
    # can only ever answer a tip of this chat's.
    data["answers"] = [c.token for c in talks]
    version = await svc.flows.put(chat_id(update), URGENT, "offer", data)
    rows = [
        [(tip_texts.urgent_to_tip(c.reference), versioned(f"urgent:ans:{i}", version))]
        for i, c in enumerate(talks)
    ]
    rows.append(
        [
            (
                tip_texts.SEND_URGENT_NEW if talks else tip_texts.SEND_URGENT,
                versioned("urgent:send", version),
            )
        ]
    )
    text = (
        tip_texts.urgent_offer_with_tips([c.reference for c in talks])
        if talks
        else tip_texts.URGENT_OFFER
    )
    await reply(update, text, buttons(rows))


async def _resume(update: Update, context: Context, data: dict[str, Any]) -> bool:
    """Put back the question the chat was in the middle of; False when there was none."""
    resume = data.get(INTERRUPTED)
    if not isinstance(resume, dict):
        await services(context).flows.clear(chat_id(update))
        return False
    version = resume.get("version")
    await services(context).flows.resume(
        chat_id(update),
        str(resume["flow"]),
        str(resume["step"]),
        dict(resume["data"]),
        int(version) if isinstance(version, int) else None,
    )
    return True


@guarded
async def send_button(update: Update, context: Context) -> None:
    """The buttons under the offer: file it as a new urgent tip, or add it to a tip officers
    asked about (urgent, to every officer at once); either once."""
    pressed = await button_in_flow(update, context, URGENT)
    if pressed is None:
        return
    data = dict(pressed.flow.data)
    svc = services(context)
    if pressed.data.startswith("urgent:ans:"):
        answered = await svc.tips.relay.answer(
            offered_token(data, pressed.data.removeprefix("urgent:ans:")),
            str(data.get("text") or ""),
            claim=pressed.claim,
            owner=(TELEGRAM, str(chat_id(update))),
        )
        await edit_or_reply(update, tip_texts.urgent_added(answered.reference))
        if await _resume(update, context, data):
            await reply(update, tip_texts.BACK_TO_QUESTION)
        return
    photo = data.get("photo")
    filed = await svc.tips.filing.file(
        TipDraft(
            text=clean_tip_text(str(data.get("text") or "")),
            occurred_now=True,
            photos=(str(photo),) if photo else (),
        ),
        source(update),
        claim=pressed.claim,
    )
    await edit_or_reply(update, tip_texts.urgent_filed(filed.reference, urgent=filed.urgent))
    if await _resume(update, context, data):
        await reply(update, tip_texts.BACK_TO_QUESTION)


async def offer_step(update: Update, context: Context, _step: str, data: dict[str, Any]) -> None:
    """Something else written instead of pressing the button: the offer is dismissed and the
    message is handled as it would have been (an answer to the question put back, if any)."""
    await _resume(update, context, data)
    flow = await services(context).flows.get(chat_id(update))
    if flow is not None and (step := step_handler(context, flow.flow)) is not None:
        await step(update, context, flow.step, dict(flow.data))
        return
    await reply(update, tip_texts.URGENT_DISMISSED)


# A photo sent on its own, outside any flow: most likely something for the police.

PHOTO = "tipphoto"


async def offer_photo_tip(update: Update, context: Context) -> bool:
    """A photo outside any flow: offer to start a tip with it; False for anything else."""
    message = update.effective_message
    if message is None or not message.photo:
        return False
    file_id = await intake_photo(update, context)
    version = await services(context).flows.put(chat_id(update), PHOTO, "offer", {"photo": file_id})
    await reply(
        update,
        tip_texts.PHOTO_OFFER,
        buttons(
            [
                [
                    (tip_texts.PHOTO_TIP_YES, versioned("tipph:yes", version)),
                    (tip_texts.PHOTO_TIP_NO, versioned("tipph:no", version)),
                ]
            ]
        ),
    )
    return True


@guarded
async def photo_button(update: Update, context: Context) -> None:
    """tipph:yes starts a tip with the photo (what happened is asked next); tipph:no drops it."""
    pressed = await button_in_flow(update, context, PHOTO)
    if pressed is None:
        return
    svc = services(context)
    if pressed.data == "tipph:no":
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, tip_texts.PHOTO_NOT_SENT)
        return
    await svc.tips.filing.check_rate(source(update))
    photo = str(pressed.flow.data.get("photo") or "")
    await svc.flows.put(chat_id(update), TIP, "what", {"mode": "draft", "photos": [photo]})
    await edit_or_reply(update, tip_texts.PHOTO_TIP_STARTED + "\n\n" + tip_texts.ASK_WHAT)
