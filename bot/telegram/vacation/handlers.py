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
    edit_buttons,
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
    """Store the flow at `step` and ask its question (the summary, once every answer is in).
    A question asked again from the summary's Edit can keep its answer as it was."""
    if step == "confirm":
        data.pop("editing", None)
    version = await services(context).flows.put(chat_id(update), VACATION, step, data)
    keep = [[(texts.VACATION_KEEP, versioned("vac:keep", version))]] if data.get("editing") else []
    if step == "address":
        await reply(update, texts.VACATION_ASK_NEW_ADDRESS, buttons(keep) if keep else None)
    elif step in TYPED:
        await reply(update, TYPED[step], buttons(keep) if keep else None)
    elif step in OPTIONAL:
        none = [(texts.NONE, versioned("vac:none", version))]
        await reply(update, texts.VACATION_QUESTIONS[step], buttons([none, *keep]))
    elif step == "tell_leader":
        await reply(update, texts.VACATION_ASK_LEADER, _leader_markup(version, keep))
    elif step == "confirm":
        request = _request(data)
        await reply(
            update,
            texts.vacation_summary(watch_lines(request), request.tell_leader),
            _summary_markup(version),
        )


TYPED = {
    "leave": texts.VACATION_ASK_LEAVE,
    "return": texts.VACATION_ASK_RETURN,
    "contact_name": texts.VACATION_ASK_CONTACT_NAME,
    "contact_phone": texts.VACATION_ASK_CONTACT_PHONE,
}


def _summary_markup(version: int) -> InlineKeyboardMarkup:
    return buttons(
        [
            [(texts.VACATION_CONFIRM, versioned("vac:confirm", version))],
            [
                (texts.VACATION_EDIT, versioned("vac:edit", version)),
                (texts.VACATION_DISCARD, versioned("vac:discard", version)),
            ],
        ]
    )


def _fields_markup(version: int) -> InlineKeyboardMarkup:
    """The summary's answers as buttons: one is asked again, then the summary comes back."""
    fields = [
        (label, versioned(f"vac:ed:{key}", version))
        for key, label in texts.VACATION_EDIT_FIELDS.items()
    ]
    rows = [fields[i : i + 2] for i in range(0, len(fields), 2)]
    return buttons([*rows, [(texts.VACATION_BACK, versioned("vac:back", version))]])


def _leader_markup(
    version: int | None = None, extra: list[list[tuple[str, str]]] | None = None
) -> InlineKeyboardMarkup:
    def data(value: str) -> str:
        return versioned(value, version) if version is not None else value

    return buttons(
        [
            [
                (texts.TELL_LEADER_YES, data("vac:leader:y")),
                (texts.TELL_LEADER_NO, data("vac:leader:n")),
            ],
            *(extra or []),
        ]
    )


def _next(step: str, data: dict[str, Any] | None = None) -> str:
    """The question after `step`; an answer changed from the summary goes back to it."""
    if data is not None and data.get("editing"):
        return "confirm"
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
        leave = watch.check_leave(parse_date(text, watch.today()))
        data["leave"] = leave.isoformat()
        if data.get("editing"):  # the return date must still fit; if not, it is asked again
            try:
                watch.check_return(leave, date.fromisoformat(data["return"]))
            except InvalidInput:
                await reply(update, texts.VACATION_RETURN_NO_LONGER_FITS)
                await _ask(update, context, "return", data)
                return
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
    await _ask(update, context, _next(step, data), data)


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
        await _ask(update, context, _next(step, data), data)
    elif action in ("leader:y", "leader:n") and step == "tell_leader":
        data["tell_leader"] = action == "leader:y"
        choice = texts.TELL_LEADER_YES if data["tell_leader"] else texts.TELL_LEADER_NO
        await edit_or_reply(update, f"{texts.VACATION_ASK_LEADER}\n→ {choice}")
        await _ask(update, context, "confirm", data)
    elif action == "edit" and step == "confirm":
        await edit_buttons(update, _fields_markup(flow.version))
    elif action == "back" and step == "confirm":
        await edit_buttons(update, _summary_markup(flow.version))
    elif action.startswith("ed:") and step == "confirm" and action[3:] in STEPS:
        await edit_buttons(update, None)  # the summary stays; the question follows it
        await _ask(update, context, action[3:], {**data, "editing": True})
    elif action == "keep" and data.get("editing"):
        await edit_buttons(update, None)
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
