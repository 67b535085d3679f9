"""Officers' talk requests in Telegram: /talks (the queue by status, with age and owner),
/talks P-..., and the open, claim, accept (a date, a place when the request has none, and
who may come), decline (a reason) and suggest (another topic) buttons. Permissions are
checked (and refusals audited) in core.talks.queue."""

from __future__ import annotations

from datetime import datetime
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
    guarded,
    keep_and_follow,
    reply,
    services,
    unversioned,
    versioned,
)
from bot.telegram.dates import parse_meeting_time
from bot.telegram.talks import texts
from bot.telegram.talks.handlers import IDENT
from core.errors import Conflict, InvalidInput
from core.flows import Claim
from core.meetings.service import check_start
from core.talks import TalkRecord, messages
from core.talks.queue import GROUP, PUBLIC
from core.talks.rules import STATUSES, TOPICS, clean_place, topic_label
from core.timefmt import local

PAGE = 8
ACCEPT = "talkaccept"  # an officer giving an accepted request its date, place and audience
DECLINE = "talkdecline"  # an officer typing the reason a request is declined


def _actions(request: TalkRecord) -> InlineKeyboardMarkup:
    """The buttons under a request's card."""
    rows: list[list[tuple[str, str]]] = []
    if request.is_open and request.claimed_by_label is None:
        rows.append([(texts.CLAIM, f"talk:c:{request.id}")])
    if request.status == "new":
        rows.append([(texts.ACCEPT, f"talk:a:{request.id}")])
        rows.append([(texts.SUGGEST, f"talk:s:{request.id}")])
    if request.is_open:
        rows.append([(texts.DECLINE, f"talk:d:{request.id}")])
    rows.append([(texts.BACK_TO_QUEUE, f"talk:q:{request.status}:0")])
    return buttons(rows)


async def show_queue(update: Update, context: Context, status: str, offset: int) -> None:
    """One status of the queue, a page at a time, with the other statuses as tabs."""
    svc = services(context)
    who = await actor(update, context)
    requests, counts = await svc.talks.queue.queue(who, status, limit=PAGE, offset=offset)
    if not requests and offset:
        offset = 0
        requests, counts = await svc.talks.queue.queue(who, status, limit=PAGE, offset=0)
    now = svc.clock.now()
    rows: list[list[tuple[str, str]]] = []
    for request in requests:
        row = [(f"{texts.VIEW} {request.reference}", f"talk:v:{request.id}")]
        if request.is_open and request.claimed_by_label is None:
            row.append((texts.CLAIM, f"talk:c:{request.id}"))
        rows.append(row)
    total = counts.get(status, 0)
    paging = []
    if offset > 0:
        paging.append((texts.NEWER, f"talk:q:{status}:{max(offset - PAGE, 0)}"))
    if offset + len(requests) < total:
        paging.append((texts.OLDER, f"talk:q:{status}:{offset + PAGE}"))
    if paging:
        rows.append(paging)
    tabs = [
        (texts.tab(label, counts.get(key, 0)), f"talk:q:{key}:0")
        for key, label in texts.STATUS_TABS
        if key != status
    ]
    rows += [tabs[:2], tabs[2:]]
    title = dict(texts.STATUS_TABS)[status]
    lines = [messages.queue_line(r, now) for r in requests]
    await edit_or_reply(update, texts.queue(title, total, lines), buttons(rows))


def _card(context: Context, request: TalkRecord) -> str:
    svc = services(context)
    return messages.card(request, svc.clock.now(), svc.settings.zone)


@guarded
async def talks_command(update: Update, context: Context) -> None:
    """/talks (the new ones), /talks P-2026-00001."""
    args = command_args(context)
    if args:
        who = await actor(update, context)
        request, _group = await services(context).talks.queue.view(who, args[0])
        await reply(update, _card(context, request), _actions(request))
    else:
        await show_queue(update, context, "new", 0)


def _open_markup(group: str | None, version: int) -> InlineKeyboardMarkup:
    rows = []
    if group:
        rows.append([(texts.open_group(group), versioned(f"talk:o:{GROUP}", version))])
    rows.append([(texts.OPEN_PUBLIC, versioned(f"talk:o:{PUBLIC}", version))])
    return buttons(rows)


async def _ask_open(update: Update, context: Context, data: dict[str, Any]) -> None:
    svc = services(context)
    version = await svc.flows.put(chat_id(update), ACCEPT, "open", data)
    when = local(datetime.fromisoformat(data["starts_at"]), svc.settings.zone)
    await reply(
        update,
        texts.ask_open(data["reference"], when, data["place"]),
        _open_markup(data.get("group"), version),
    )


@guarded
async def officer_button(update: Update, context: Context) -> None:
    """talk:q:STATUS:OFFSET (the queue), talk:v|c|a|d|s:ID, talk:st:ID:TOPIC (suggest it),
    talk:o:group|public (who may come, in the accept flow)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    data = unversioned(query.data)
    parts = data.split(":")
    action = parts[1]
    if action == "q" and len(parts) == 4 and parts[2] in STATUSES and IDENT.fullmatch(parts[3]):
        await show_queue(update, context, parts[2], int(parts[3]))
        return
    who = await actor(update, context)
    if action == "o" and len(parts) == 3:
        pressed = await button_in_flow(update, context, ACCEPT)
        if pressed is None:
            return
        held: dict[str, Any] = dict(pressed.flow.data)
        request, meeting_id = await svc.talks.queue.accept(
            who,
            int(held["id"]),
            datetime.fromisoformat(held["starts_at"]),
            held["place"],
            parts[2],
            claim=pressed.claim,
        )
        svc.delivery.poke()
        open_to = held.get("group") if parts[2] == GROUP else "the public"
        await keep_and_follow(update, texts.accepted(request.reference, meeting_id, open_to or ""))
        return
    if len(parts) < 3 or not IDENT.fullmatch(parts[2]):
        raise Conflict(texts.STEP_EXPIRED)
    request_id = int(parts[2])
    if action == "v":
        request, _group = await svc.talks.queue.view(who, request_id)
        await reply(update, _card(context, request), _actions(request))
    elif action == "c":
        request, _changed = await svc.talks.queue.claim(who, request_id)
        await edit_or_reply(update, _card(context, request), _actions(request))
    elif action == "a":
        request = await svc.talks.queue.check_workable(who, request_id)
        if request.status != "new":
            raise Conflict(f"{request.reference} waits for the requester's answer first.")
        _, group = await svc.talks.queue.view(who, request_id)
        flow = {
            "id": request.id,
            "reference": request.reference,
            "place": request.place,
            "group": group,
        }
        await svc.flows.put(chat_id(update), ACCEPT, "when", flow)
        await reply(
            update, texts.ask_when(request.reference, messages.dates_text(request.preferred))
        )
    elif action == "d":
        request = await svc.talks.queue.check_workable(who, request_id)
        await svc.flows.put(chat_id(update), DECLINE, "reason", {"id": request.id})
        await reply(update, texts.ASK_REASON)
    elif action == "s":
        request = await svc.talks.queue.check_workable(who, request_id)
        pairs = [
            (topic_label(key), f"talk:st:{request.id}:{key}")
            for key in TOPICS
            if key != request.topic
        ]
        await reply(
            update,
            texts.SUGGEST_WHICH,
            buttons([pairs[i : i + 2] for i in range(0, len(pairs), 2)]),
        )
    elif action == "st" and len(parts) == 4:
        request = await svc.talks.queue.suggest(who, request_id, parts[3])
        svc.delivery.poke()
        await edit_or_reply(update, texts.suggested(request.reference, topic_label(parts[3])))
    else:
        raise Conflict(texts.STEP_EXPIRED)


async def accept_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """The date and time (then the place, if the request has none) of a request accepted."""
    svc = services(context)
    message = update.effective_message
    text = message.text if message and message.text else ""
    if step == "open":
        flow = await svc.flows.get(chat_id(update))
        await reply(
            update,
            common_texts.USE_BUTTONS,
            _open_markup(data.get("group"), flow.version if flow else 0),
        )
        return
    if not text.strip():
        raise InvalidInput(texts.TEXT_EXPECTED)
    if step == "when":
        now = svc.clock.now()
        starts_at = check_start(parse_meeting_time(text, now, svc.settings.zone), now)
        data["starts_at"] = starts_at.isoformat()
        if not data.get("place"):
            await svc.flows.put(chat_id(update), ACCEPT, "place", data)
            await reply(update, texts.ASK_EVENT_PLACE)
            return
        await _ask_open(update, context, data)
    elif step == "place":
        data["place"] = clean_place(text)
        await _ask_open(update, context, data)


async def decline_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """The reason a request is declined: the request is declined once (the typed reason
    takes the stored step in the same transaction)."""
    svc = services(context)
    message = update.effective_message
    text = message.text if message and message.text else ""
    if not text.strip():
        raise InvalidInput(texts.ASK_REASON)
    flow = await svc.flows.get(chat_id(update))
    claim = Claim(chat_id(update), DECLINE, flow.version) if flow is not None else None
    who = await actor(update, context)
    request = await svc.talks.queue.decline(who, int(data["id"]), text, claim=claim)
    svc.delivery.poke()
    await reply(update, texts.declined(request.reference))
