"""The officer's victim follow-ups in Telegram: /victim (crime, case number, how to reach
them, who, review, Open), /victims (the open ones with age and owner), a follow-up's card,
the reply to the person and closing. Permissions are checked (refusals audited) in
core.victims.followups."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update

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
    unversioned,
    versioned,
)
from bot.telegram.texts import USE_BUTTONS
from bot.telegram.victims import texts
from core.errors import Conflict, InvalidInput
from core.victims import FollowupRecord, messages
from core.victims.rules import (
    BY_INVITE,
    BY_MEMBER,
    BY_PHONE,
    CONSENTED,
    CRIME_TYPES,
    HOW,
    LIST_PAGE,
    FollowupDraft,
    clean_case_number,
    crime_label,
)

VICTIM = "victim"
REPLY_FLOW = "victim_reply"
INVITE_LINK = "victim-"


def _markup(step: str, version: int) -> InlineKeyboardMarkup | None:
    """A step's buttons, made for the flow's version (an older message's are stale)."""
    if step == "crime":
        rows = [
            [(label, versioned(f"vicf:t:{key}", version))] for key, label in texts.CRIME_BUTTONS
        ]
        return buttons(rows)
    if step == "how":
        return buttons(
            [[(label, versioned(f"vicf:h:{key}", version))] for key, label in texts.HOW_BUTTONS]
        )
    if step == "review":
        return buttons(
            [
                [
                    (texts.OPEN, versioned("vicf:open", version)),
                    (texts.CANCEL, versioned("vicf:cancel", version)),
                ]
            ]
        )
    return None


def _prompt(step: str, data: dict[str, Any]) -> str:
    if step == "review":
        return texts.review(
            crime_label(str(data.get("crime"))),
            str(data.get("case")),
            str(data.get("how")),
            str(data.get("shown", "")),
        )
    if step == "who":
        return texts.ASK_PHONE if data.get("how") == BY_PHONE else texts.ASK_MEMBER
    return {"crime": texts.ASK_CRIME, "case": texts.ASK_CASE, "how": texts.ASK_HOW}[step]


async def goto(update: Update, context: Context, data: dict[str, Any], step: str) -> None:
    """Store the flow at `step` and ask its question (editing the pressed message)."""
    version = await services(context).flows.put(chat_id(update), VICTIM, step, data)
    await edit_or_reply(update, _prompt(step, data), _markup(step, version))


@guarded
async def victim_command(update: Update, context: Context) -> None:
    """/victim: the guided follow-up, officers only."""
    await services(context).victims.followups.require(await actor(update, context))
    await goto(update, context, {}, "crime")


async def _set_target(
    update: Update, context: Context, data: dict[str, Any], text: str | None
) -> None:
    target = await services(context).victims.followups.target(
        await actor(update, context), str(data["how"]), text
    )
    data["target"], data["shown"] = target.address, target.shown
    await goto(update, context, data, "review")


async def victim_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message in /victim: what does not fit the step gets the reason; the step stays."""
    message = update.effective_message
    assert message is not None
    text = message.text
    if step in ("case", "who") and not text:
        raise InvalidInput(texts.TEXT_EXPECTED)
    if step == "case":
        await services(context).victims.followups.require(await actor(update, context))
        data["case"] = clean_case_number(text)
        await goto(update, context, data, "how")
    elif step == "who":
        await _set_target(update, context, data, text)
    else:  # crime, how, review: buttons only
        await reply(update, USE_BUTTONS)


@guarded
async def victim_button(update: Update, context: Context) -> None:
    """The /victim flow's buttons (vicf:...)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("vicf:")
    pressed = await button_in_flow(update, context, VICTIM)
    if pressed is None:
        return
    step, data = pressed.flow.step, dict(pressed.flow.data)
    svc = services(context)
    if step == "crime" and action.startswith("t:") and action[2:] in CRIME_TYPES:
        data["crime"] = action[2:]
        await goto(update, context, data, "case")
    elif step == "how" and action.startswith("h:") and action[2:] in HOW:
        data["how"] = action[2:]
        if data["how"] == BY_INVITE:
            await _set_target(update, context, data, None)
        else:
            await goto(update, context, data, "who")
    elif step == "review" and action == "open":
        draft = FollowupDraft(
            crime_type=str(data.get("crime")),
            case_number=str(data.get("case")),
            how=str(data.get("how")),
            target=str(data["target"]) if data.get("target") else None,
        )
        opened = await svc.victims.followups.open(
            await actor(update, context), draft, claim=pressed.claim
        )
        link = None
        if opened.invite_token:
            link = f"https://t.me/{context.bot.username}?start={INVITE_LINK}{opened.invite_token}"
        followup = opened.followup
        await edit_or_reply(
            update, texts.opened(followup.reference, followup.case_number, draft.how, link)
        )
    elif step == "review" and action == "cancel":
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, texts.CANCELLED)
    else:
        raise Conflict(texts.STEP_EXPIRED)


# /victims


async def show_list(update: Update, context: Context, offset: int) -> None:
    """The open follow-ups, a page at a time."""
    svc = services(context)
    page, total = await svc.victims.followups.followups(await actor(update, context), offset=offset)
    if not page and offset:
        offset = 0
        page, total = await svc.victims.followups.followups(await actor(update, context))
    now = svc.clock.now()
    rows = [[(f"{texts.VIEW} {f.reference}", f"vic:v:{f.id}")] for f in page]
    paging = []
    if offset > 0:
        paging.append((texts.NEWER, f"vic:l:{max(offset - LIST_PAGE, 0)}"))
    if offset + len(page) < total:
        paging.append((texts.OLDER, f"vic:l:{offset + LIST_PAGE}"))
    if paging:
        rows.append(paging)
    lines = [messages.list_line(f, now) for f in page]
    await edit_or_reply(update, texts.followups(total, lines), buttons(rows))


@guarded
async def victims_command(update: Update, context: Context) -> None:
    """/victims: the open follow-ups with age and owner."""
    await show_list(update, context, 0)


def _actions(followup: FollowupRecord) -> InlineKeyboardMarkup:
    rows: list[list[tuple[str, str]]] = []
    first = []
    if followup.status in CONSENTED:
        first.append((texts.REPLY, f"vic:r:{followup.id}"))
    if followup.status != "closed":
        first.append((texts.CLOSE, f"vic:x:{followup.id}"))
    if first:
        rows.append(first)
    rows.append([(texts.BACK, "vic:l:0")])
    return buttons(rows)


async def _card(update: Update, context: Context, followup: FollowupRecord) -> None:
    svc = services(context)
    card = messages.card(followup, svc.clock.now(), svc.settings.zone)
    await edit_or_reply(update, card, _actions(followup))


@guarded
async def officer_button(update: Update, context: Context) -> None:
    """vic:l:OFFSET (the list), vic:v:ID (open), vic:r:ID (reply), vic:x:ID (close: asks),
    vic:xy:ID (close)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        raise Conflict(texts.STEP_EXPIRED)
    action, number = parts[1], int(parts[2])
    svc = services(context)
    followups = svc.victims.followups
    who = await actor(update, context)
    if action == "l":
        await show_list(update, context, number)
    elif action == "v":
        await _card(update, context, await followups.view(who, number))
    elif action == "r":
        followup = await followups.check_reply(who, number)
        await svc.flows.put(chat_id(update), REPLY_FLOW, "text", {"id": followup.id})
        await reply(update, texts.ask_reply(followup.reference, followup.case_number))
    elif action == "x":
        followup = await followups.view(who, number)
        if followup.status == "closed":
            await _card(update, context, followup)
            return
        rows = [
            [(texts.CLOSE_YES, f"vic:xy:{followup.id}"), (texts.KEEP_OPEN, f"vic:v:{followup.id}")]
        ]
        await edit_or_reply(
            update, texts.close_question(followup.reference, followup.case_number), buttons(rows)
        )
    elif action == "xy":
        changed = await followups.close(who, number)
        followup = changed.followup
        await edit_or_reply(update, texts.closed(followup.reference, followup.case_number))
    else:
        raise Conflict(texts.STEP_EXPIRED)


async def reply_step(update: Update, context: Context, _step: str, data: dict[str, Any]) -> None:
    """The officer's message to the person."""
    message = update.effective_message
    assert message is not None
    if not message.text:
        raise InvalidInput(texts.TEXT_EXPECTED)
    svc = services(context)
    followup = await svc.victims.followups.reply(
        await actor(update, context), int(data.get("id", 0)), message.text
    )
    await svc.flows.clear(chat_id(update))
    await reply(update, texts.replied(followup.reference))


__all__ = ["BY_MEMBER", "INVITE_LINK", "REPLY_FLOW", "VICTIM"]
