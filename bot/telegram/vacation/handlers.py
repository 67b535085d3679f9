"""Vacation watch in chat: /vacation (a stored flow), /back, and the officers' /checked."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.telegram import texts as common_texts
from bot.telegram.common import (
    Context,
    actor,
    button_in_flow,
    buttons,
    chat_id,
    command_args,
    edit_or_reply,
    expired,
    guarded,
    keep_and_follow,
    number,
    reply,
    services,
    user_id,
    versioned,
)
from bot.telegram.dates import parse_date
from bot.telegram.vacation import texts
from core import validation
from core.errors import InvalidInput, NotFound
from core.markup import esc
from core.permissions import Action
from core.vacation.rules import (
    FIELD_LABELS,
    VacationRequest,
    checks_summary,
    clean_optional,
    short_date,
    watch_lines,
)

VACATION = "vacation"
OPTIONAL = list(FIELD_LABELS)  # key holder, vehicles, alarm, lights, pets, people allowed
STEPS = ["address", "leave", "return", "contact_name", "contact_phone", *OPTIONAL, "tell_leader"]


def _request(data: dict[str, Any]) -> VacationRequest:
    return VacationRequest(
        address=data["address"],
        leave_on=date.fromisoformat(data["leave"]),
        return_on=date.fromisoformat(data["return"]),
        emergency_name=data["contact_name"],
        emergency_phone=data["contact_phone"],
        tell_leader=bool(data.get("tell_leader")),
        **{f: data.get(f, "") for f in OPTIONAL},
    )


@guarded
async def vacation(update: Update, context: Context) -> None:
    """/vacation: ask for house checks while away."""
    svc = services(context)
    member = await svc.vacation.start(user_id(update))
    data = {"default_address": member.address or ""}
    await svc.flows.put(chat_id(update), VACATION, "address", data)
    if member.address:
        await reply(
            update,
            texts.VACATION_INTRO
            + "\n\n"
            + texts.VACATION_ASK_ADDRESS.format(address=esc(member.address)),
            buttons([[(texts.USE_ADDRESS, "vac:addr")]]),
        )
    else:
        await reply(update, texts.VACATION_INTRO + "\n\n" + texts.VACATION_ASK_ADDRESS_NONE)


async def _ask(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """Store the flow at `step` and ask its question."""
    version = await services(context).flows.put(chat_id(update), VACATION, step, data)
    if step == "leave":
        await reply(update, texts.VACATION_ASK_LEAVE)
    elif step == "return":
        await reply(update, texts.VACATION_ASK_RETURN)
    elif step == "contact_name":
        await reply(update, texts.VACATION_ASK_CONTACT_NAME)
    elif step == "contact_phone":
        await reply(update, texts.VACATION_ASK_CONTACT_PHONE)
    elif step in OPTIONAL:
        await reply(update, texts.VACATION_QUESTIONS[step], buttons([[(texts.NONE, "vac:none")]]))
    elif step == "tell_leader":
        await reply(update, texts.VACATION_ASK_LEADER, _leader_markup())
    elif step == "confirm":
        request = _request(data)
        await reply(
            update,
            texts.vacation_summary(watch_lines(request), request.tell_leader),
            buttons(
                [
                    [
                        (texts.VACATION_CONFIRM, versioned("vac:confirm", version)),
                        (texts.VACATION_DISCARD, versioned("vac:discard", version)),
                    ]
                ]
            ),
        )


def _leader_markup() -> InlineKeyboardMarkup:
    return buttons(
        [[(texts.TELL_LEADER_YES, "vac:leader:y"), (texts.TELL_LEADER_NO, "vac:leader:n")]]
    )


def _next(step: str) -> str:
    return STEPS[STEPS.index(step) + 1] if step in STEPS[:-1] else "confirm"


async def vacation_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A typed answer; a bad one is explained and the same question stays open."""
    svc = services(context)
    message = update.effective_message
    text = message.text if message and message.text else ""
    if step in ("tell_leader", "confirm"):
        await reply(update, common_texts.USE_BUTTONS)
        return
    if not text:
        await reply(update, "Please type your answer, or /cancel.")
        return
    watch = svc.vacation
    if step == "address":
        data["address"] = validation.street_address(text)
    elif step == "leave":
        data["leave"] = watch.check_leave(parse_date(text, watch.today())).isoformat()
    elif step == "return":
        leave = date.fromisoformat(data["leave"])
        data["return"] = watch.check_return(leave, parse_date(text, leave)).isoformat()
    elif step == "contact_name":
        data["contact_name"] = validation.display_name(text)
    elif step == "contact_phone":
        data["contact_phone"] = validation.phone_e164(text)
    elif step in OPTIONAL:
        data[step] = clean_optional(step, text)
    else:
        raise InvalidInput(common_texts.USE_BUTTONS)
    await _ask(update, context, _next(step), data)


@guarded
async def vacation_button(update: Update, context: Context) -> None:
    """vac:addr, vac:none, vac:leader:y|n, vac:confirm, vac:discard."""
    pressed = await button_in_flow(update, context, VACATION)
    if pressed is None:
        return
    button, flow = pressed.data, pressed.flow
    svc = services(context)
    data, step, action = dict(flow.data), flow.step, button.removeprefix("vac:")
    if action == "addr" and step == "address" and data.get("default_address"):
        data["address"] = validation.street_address(str(data["default_address"]))
        await edit_or_reply(update, texts.USE_ADDRESS + f": {esc(str(data['address']))}")
        await _ask(update, context, "leave", data)
    elif action == "none" and step in OPTIONAL:
        data[step] = ""
        await edit_or_reply(update, f"{texts.VACATION_QUESTIONS[step]}\n→ {texts.NONE}")
        await _ask(update, context, _next(step), data)
    elif action in ("leader:y", "leader:n") and step == "tell_leader":
        data["tell_leader"] = action == "leader:y"
        choice = texts.TELL_LEADER_YES if data["tell_leader"] else texts.TELL_LEADER_NO
        await edit_or_reply(update, f"{texts.VACATION_ASK_LEADER}\n→ {choice}")
        await _ask(update, context, "confirm", data)
    elif action == "discard":
        await svc.flows.clear(chat_id(update))
        await keep_and_follow(update, texts.VACATION_DISCARDED)
    elif action == "confirm" and step == "confirm":
        created = await svc.vacation.create(user_id(update), _request(data), claim=pressed.claim)
        await svc.flows.clear(chat_id(update))
        svc.delivery.poke()
        await keep_and_follow(  # the summary stays above, as the record of what was asked
            update,
            texts.vacation_created(
                created.id, short_date(created.leave_on), short_date(created.return_on)
            ),
        )
    else:
        await expired(update)


@guarded
async def back(update: Update, context: Context) -> None:
    """/back: home early, or not going after all; asks first, saying what will happen."""
    svc = services(context)
    watch = await svc.vacation.running(user_id(update))
    started = watch.leave_on <= svc.vacation.today()
    question = texts.back_question(
        watch.address, short_date(watch.leave_on), short_date(watch.return_on), started
    )
    yes = texts.END_WATCH if started else texts.CANCEL_WATCH
    await reply(
        update,
        question,
        buttons([[(yes, f"vacback:yes:{watch.id}"), (texts.KEEP_WATCH, "vacback:no")]]),
    )


@guarded
async def back_button(update: Update, context: Context) -> None:
    """vacback:yes:ID ends that watch; vacback:no keeps it."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    parts = query.data.split(":")
    if parts[1:2] == ["no"]:
        await edit_or_reply(update, texts.WATCH_KEPT)
        return
    if len(parts) != 3 or parts[1] != "yes" or not parts[2].isdigit():
        await expired(update)
    started = True
    with contextlib.suppress(NotFound):
        started = (await svc.vacation.running(user_id(update))).leave_on <= svc.vacation.today()
    ended = await svc.vacation.end_early(user_id(update), int(parts[2]))
    checks = checks_summary(ended.checks, svc.settings.zone)
    await edit_or_reply(
        update,
        texts.vacation_ended(ended.watch.address, checks)
        if started
        else texts.vacation_cancelled(ended.watch.address),
    )


@guarded
async def checked(update: Update, context: Context) -> None:
    """/checked ID [note] (officers): log a house check; the resident is told."""
    svc = services(context)
    who = await actor(update, context)
    args = command_args(context)
    watch_id = number(args[0]) if args else None
    if watch_id is None:
        await svc.access.require(who, Action.CHECK_VACATION, target="vacation check")
        raise InvalidInput(texts.CHECKED_USAGE)
    message = update.effective_message
    raw = message.text if message and message.text else ""
    parts = raw.strip().split(None, 2)
    note = parts[2] if len(parts) > 2 else ""
    watch, count = await svc.vacation.check(who, watch_id, note)
    svc.delivery.poke()
    await reply(update, texts.check_logged(watch.id, watch.address, count))
