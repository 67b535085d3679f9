"""The requester's side in Telegram: /talk (topic, audience, size, place, dates, review with
Send, Edit and Cancel), /mytalks with cancelling one, the answer to a topic officers
suggest, and what /forget offers.

The request lives in the chat's stored flow until Send, so /cancel leaves nothing behind;
Send takes the review step in the transaction that stores the request, so it is stored once
however it is pressed, and the receipt (with the reference) is a message of its own that
later steps never overwrite. Free text in the flow is checked for emergencies by the router
first (911, then the urgent tip), and the question comes back afterwards.
"""

from __future__ import annotations

import re
from datetime import date
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
    keep_and_follow,
    reply,
    services,
    unversioned,
    user_id,
    versioned,
)
from bot.telegram.dates import parse_date
from bot.telegram.talks import texts
from core.errors import Conflict, InvalidInput
from core.talks import messages
from core.talks.requests import checked
from core.talks.rules import (
    AUDIENCES,
    OPEN_STATUSES,
    TELEGRAM,
    TOPICS,
    Requester,
    TalkDraft,
    check_dates,
    clean_place,
    clean_size,
    topic_label,
)
from core.timefmt import local

TALK = "talk"
# An id in callback data: ASCII digits only, small enough for the database ("²" and a
# hundred digits are no id).
IDENT = re.compile(r"[0-9]{1,9}")
TEXT_STEPS = ("size", "place", "dates")
PARTS = tuple(key for key, _ in texts.EDIT_PARTS)


def requester(update: Update) -> Requester:
    """The chat a request comes from."""
    return Requester.telegram(chat_id(update), user_id(update))


def _draft(data: dict[str, Any]) -> TalkDraft:
    return TalkDraft(
        topic=str(data.get("topic") or ""),
        audience=str(data.get("audience") or "other"),
        size=data.get("size"),
        place=data.get("place"),
        dates=tuple(date.fromisoformat(d) for d in data.get("dates", [])),
    )


def parse_dates(text: str, today: date) -> list[date]:
    """'12/15, 12/17 or Dec 20' as dates, none past (each checked)."""
    parts = [p for p in re.split(r",|;|\bor\b|\band\b|&", text, flags=re.IGNORECASE) if p.strip()]
    if not parts:
        raise InvalidInput(texts.DATES_EXPECTED)
    return check_dates([parse_date(part, today) for part in parts[:10]], today)


def _markup(step: str, version: int) -> InlineKeyboardMarkup | None:
    """A step's buttons, made for the flow's version (an older message's are stale)."""
    if step == "topic":
        pairs = [
            (label, versioned(f"talkf:t:{key}", version)) for key, label in texts.TOPIC_BUTTONS
        ]
        return buttons([pairs[i : i + 2] for i in range(0, len(pairs), 2)])
    if step == "audience":
        pairs = [
            (label, versioned(f"talkf:a:{key}", version)) for key, label in texts.AUDIENCE_BUTTONS
        ]
        return buttons([pairs[:3], pairs[3:]])
    if step == "review":
        return buttons(
            [
                [
                    (texts.SEND, versioned("talkf:send", version)),
                    (texts.EDIT, versioned("talkf:edit", version)),
                    (texts.CANCEL, versioned("talkf:cancel", version)),
                ]
            ]
        )
    if step == "edit":
        rows = [[(label, versioned(f"talkf:e:{key}", version))] for key, label in texts.EDIT_PARTS]
        rows.append([(texts.BACK, versioned("talkf:back", version))])
        return buttons(rows)
    return None


def _prompt(step: str, data: dict[str, Any]) -> str:
    if step == "review":
        return texts.review(messages.body_lines(checked(_draft(data))))
    return {
        "topic": texts.ASK_TOPIC,
        "audience": texts.ASK_AUDIENCE,
        "size": texts.ASK_SIZE,
        "place": texts.ASK_PLACE,
        "dates": texts.ASK_DATES,
        "edit": texts.EDIT_WHICH,
    }[step]


async def goto(
    update: Update, context: Context, data: dict[str, Any], step: str, *, new: bool = False
) -> None:
    """Store the flow at `step` and ask its question: a button's step edits the pressed
    message, except that the review (a summary) is left as it is and the next question
    follows below it (`new`)."""
    version = await services(context).flows.put(chat_id(update), TALK, step, data)
    if new:
        await keep_and_follow(update, _prompt(step, data), _markup(step, version))
    else:
        await edit_or_reply(update, _prompt(step, data), _markup(step, version))


def _after(data: dict[str, Any], following: str) -> str:
    """The next step: back to the review when one part is being changed."""
    return "review" if data.get("editing") else following


@guarded
async def talk_command(update: Update, context: Context) -> None:
    """/talk: the guided request, starting with the topic (refused at once past the day's
    limit, rather than after the whole request is typed)."""
    await services(context).talks.requests.check_limit(requester(update))
    await goto(update, context, {}, "topic")


async def talk_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message in the /talk flow: what does not fit the step gets the reason and the
    step stays as it was."""
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    if step not in TEXT_STEPS:  # topic, audience, review, edit: buttons only
        await reply(update, common_texts.USE_BUTTONS)
        return
    if not text.strip():
        raise InvalidInput(texts.TEXT_EXPECTED)
    if step == "size":
        data["size"] = clean_size(text)
        await goto(update, context, data, _after(data, "place"))
    elif step == "place":
        data["place"] = clean_place(text)
        await goto(update, context, data, _after(data, "dates"))
    else:
        svc = services(context)
        today = svc.clock.now().astimezone(svc.settings.zone).date()
        data["dates"] = [d.isoformat() for d in parse_dates(text, today)]
        await goto(update, context, data, "review")


@guarded
async def talk_button(update: Update, context: Context) -> None:
    """The /talk flow's buttons (talkf:...)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("talkf:")
    pressed = await button_in_flow(update, context, TALK)
    if pressed is None:
        return
    step, data = pressed.flow.step, dict(pressed.flow.data)
    svc = services(context)
    if step == "topic" and action.startswith("t:") and action[2:] in TOPICS:
        data["topic"] = action[2:]
        await goto(update, context, data, _after(data, "audience"))
    elif step == "audience" and action.startswith("a:") and action[2:] in AUDIENCES:
        data["audience"] = action[2:]
        await goto(update, context, data, _after(data, "size"))
    elif step == "review" and action == "send":
        filed = await svc.talks.requests.file(_draft(data), requester(update), claim=pressed.claim)
        await keep_and_follow(update, texts.filed(filed.reference, filed.emergency))
    elif step == "review" and action == "edit":
        await goto(update, context, data, "edit", new=True)
    elif step == "edit" and action.startswith("e:") and action[2:] in PARTS:
        data["editing"] = True
        await goto(update, context, data, action[2:])
    elif step == "edit" and action == "back":
        await goto(update, context, data, "review")
    elif step == "review" and action == "cancel":
        await svc.flows.clear(chat_id(update))
        await keep_and_follow(update, texts.CANCELLED)
    else:
        raise Conflict(texts.STEP_EXPIRED)


# /mytalks


def _address(update: Update) -> str:
    return str(chat_id(update))


@guarded
async def mytalks(update: Update, context: Context) -> None:
    """/mytalks: this chat's requests and where they stand, open ones with Cancel."""
    svc = services(context)
    mine = await svc.talks.requests.mine(TELEGRAM, _address(update))
    if not mine:
        await reply(update, texts.NO_TALKS)
        return
    zone = svc.settings.zone
    lines = [
        texts.mine_line(
            r.reference, topic_label(r.topic), messages.status_line(r), local(r.created_at, zone)
        )
        for r in mine
    ]
    rows = [
        [(texts.cancel_label(r.reference), f"talkm:c:{r.id}")]
        for r in mine
        if r.status in OPEN_STATUSES
    ]
    await reply(update, texts.mine(lines), buttons(rows) if rows else None)


@guarded
async def mine_button(update: Update, context: Context) -> None:
    """talkm:c:ID asks, talkm:cy:ID cancels, talkm:k:ID keeps; talkm:fg:yes|no is /forget's."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    parts = query.data.split(":")
    action, arg = parts[1], parts[2] if len(parts) > 2 else ""
    if action == "fg":
        if arg == "yes":
            count = await svc.talks.requests.forget(TELEGRAM, _address(update))
            await edit_or_reply(update, texts.forgotten(count))
        else:
            await edit_or_reply(update, texts.FORGET_KEPT)
        return
    if not IDENT.fullmatch(arg):
        raise Conflict(texts.STEP_EXPIRED)
    request_id = int(arg)
    if action == "c":
        request = await svc.talks.requests.one_of_mine(TELEGRAM, _address(update), request_id)
        rows = [
            [(texts.CANCEL_YES, f"talkm:cy:{request_id}"), (texts.KEEP, f"talkm:k:{request_id}")]
        ]
        await reply(update, texts.cancel_question(request.reference), buttons(rows))
    elif action == "cy":
        request = await svc.talks.requests.cancel_mine(TELEGRAM, _address(update), request_id)
        svc.delivery.poke()
        await edit_or_reply(update, texts.cancelled(request.reference))
    elif action == "k":
        request = await svc.talks.requests.one_of_mine(TELEGRAM, _address(update), request_id)
        await edit_or_reply(update, texts.kept(request.reference))
    else:
        raise Conflict(texts.STEP_EXPIRED)


@guarded
async def suggestion_button(update: Update, context: Context) -> None:
    """talkr:y:ID takes the topic officers suggested, talkr:n:ID keeps the requester's."""
    query = update.callback_query
    assert query is not None and query.data is not None
    match = re.fullmatch(r"talkr:(y|n):([0-9]{1,9})", query.data)
    if match is None:
        raise Conflict(texts.STEP_EXPIRED)
    took_it = match.group(1) == "y"
    svc = services(context)
    request = await svc.talks.requests.answer_suggestion(
        TELEGRAM, _address(update), int(match.group(2)), took_it
    )
    svc.delivery.poke()
    await keep_and_follow(
        update, texts.suggestion_answered(request.reference, took_it, topic_label(request.topic))
    )


# /forget


async def forget_warning(update: Update, context: Context) -> str | None:
    """For /forget's question: the requests that will go."""
    count = await services(context).talks.requests.count(TELEGRAM, _address(update))
    return texts.forget_warning(count) if count else None


async def offer_forget(update: Update, context: Context) -> bool:
    """/forget from someone who never registered: offer to delete this chat's requests."""
    count = await services(context).talks.requests.count(TELEGRAM, _address(update))
    if not count:
        return False
    await reply(
        update,
        texts.forget_confirm(count),
        buttons([[(texts.FORGET_YES, "talkm:fg:yes"), (texts.FORGET_NO, "talkm:fg:no")]]),
    )
    return True
