"""Meetings in chat: /meeting (a stored flow), /meetings, RSVP and management buttons."""

from __future__ import annotations

import re
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
    edit_buttons,
    edit_or_reply,
    guarded,
    keep_and_follow,
    reply,
    services,
    toast_guarded,
    unversioned,
    user_id,
    versioned,
)
from bot.telegram.dates import parse_meeting_time
from bot.telegram.meetings import texts
from core import timefmt
from core.flows import Claim
from core.markup import esc
from core.meetings.messages import RSVP_LABELS, meeting_details
from core.meetings.service import (
    PUBLIC,
    MeetingDraft,
    MeetingView,
    check_start,
    clean_agenda,
    clean_place,
    clean_title,
)

MEETING = "meeting"  # the /meeting flow: title -> when -> place -> agenda -> confirm
MOVE = "meetmove"  # typing a new time for a meeting


@guarded
async def meeting(update: Update, context: Context) -> None:
    """/meeting [CODE]: schedule a meeting for the group the user leads (officers: any)."""
    svc = services(context)
    who = await actor(update, context)
    args = command_args(context)
    group = await svc.meetings.group_for(who, args[0] if args else None)
    await svc.flows.put(
        chat_id(update), MEETING, "title", {"code": group.code, "group": group.name}
    )
    await reply(update, texts.MEETING_ASK_TITLE.format(group=esc(group.name)))


def _summary_markup(version: int) -> InlineKeyboardMarkup:
    return buttons(
        [
            [
                (texts.MEETING_CREATE, versioned("mtg:create", version)),
                (texts.MEETING_DISCARD, versioned("mtg:discard", version)),
            ]
        ]
    )


async def _show_summary(update: Update, context: Context, data: dict[str, Any]) -> None:
    svc = services(context)
    version = await svc.flows.put(chat_id(update), MEETING, "confirm", data)
    details = meeting_details(
        data["title"],
        datetime.fromisoformat(data["starts_at"]),
        data["place"],
        data.get("agenda", ""),
        svc.settings.zone,
    )
    await reply(update, texts.meeting_summary(data["group"], details), _summary_markup(version))


async def meeting_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A typed answer in the /meeting flow; a bad answer is explained and the step repeats."""
    svc = services(context)
    message = update.effective_message
    text = message.text if message and message.text else ""
    if step == "confirm":
        flow = await svc.flows.get(chat_id(update))
        await reply(update, common_texts.USE_BUTTONS, _summary_markup(flow.version if flow else 0))
        return
    if not text:
        await reply(update, "Please type your answer, or /cancel.")
        return
    chat = chat_id(update)
    if step == "title":
        data["title"] = clean_title(text)
        await svc.flows.put(chat, MEETING, "when", data)
        await reply(update, texts.MEETING_ASK_WHEN)
    elif step == "when":
        now = svc.clock.now()
        starts_at = check_start(parse_meeting_time(text, now, svc.settings.zone), now)
        data["starts_at"] = starts_at.isoformat()
        await svc.flows.put(chat, MEETING, "place", data)
        await reply(update, texts.MEETING_ASK_PLACE)
    elif step == "place":
        data["place"] = clean_place(text)
        await svc.flows.put(chat, MEETING, "agenda", data)
        await reply(update, texts.MEETING_ASK_AGENDA, buttons([[(common_texts.SKIP, "mtg:skip")]]))
    elif step == "agenda":
        data["agenda"] = clean_agenda(text)
        await _show_summary(update, context, data)


async def move_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """The new time for a meeting being rescheduled."""
    svc = services(context)
    message = update.effective_message
    text = message.text if message and message.text else ""
    if not text:
        await reply(update, texts.MEETING_ASK_NEW_TIME)
        return
    starts_at = parse_meeting_time(text, svc.clock.now(), svc.settings.zone)
    who = await actor(update, context)
    moved, _, told = await svc.meetings.reschedule(who, int(data["id"]), starts_at)
    await svc.flows.clear(chat_id(update))
    svc.delivery.poke()
    when = timefmt.local(moved.starts_at, svc.settings.zone)
    await reply(update, texts.meeting_moved(moved.id, when, told))


@guarded
async def meeting_button(update: Update, context: Context) -> None:
    """mtg:skip|create|discard (the flow), mtg:move|cancel|cancelyes:ID, mtg:keep."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    action = unversioned(query.data).removeprefix("mtg:")
    chat = chat_id(update)
    if action in ("skip", "create", "discard"):
        pressed = await button_in_flow(update, context, MEETING)
        if pressed is None:
            return
        flow = pressed.flow
        data = dict(flow.data)
        if action == "skip" and flow.step == "agenda":
            data["agenda"] = ""
            await edit_or_reply(update, texts.MEETING_ASK_AGENDA + f"\n→ {common_texts.SKIP}")
            await _show_summary(update, context, data)
        elif action == "discard":
            await svc.flows.clear(chat)
            await keep_and_follow(update, texts.MEETING_DISCARDED)
        elif action == "create" and flow.step == "confirm":
            await _create(update, context, data, pressed.claim)
        else:
            await edit_or_reply(update, common_texts.USE_BUTTONS)
        return
    who = await actor(update, context)
    match = re.fullmatch(r"(move|cancel|cancelyes):(\d+)", action)
    if action == "keep":
        await edit_or_reply(update, texts.MEETING_KEPT)
    elif match and match.group(1) == "move":
        await svc.meetings.require_manager(who, int(match.group(2)))
        await svc.flows.put(chat, MOVE, "when", {"id": int(match.group(2))})
        await reply(update, texts.MEETING_ASK_NEW_TIME)
    elif match and match.group(1) == "cancel":
        meeting_id = match.group(2)
        await svc.meetings.require_manager(who, int(meeting_id))
        await reply(
            update,
            texts.MEETING_CONFIRM_CANCEL,
            buttons(
                [
                    [
                        (texts.MEETING_CANCEL_YES, f"mtg:cancelyes:{meeting_id}"),
                        (texts.MEETING_KEEP, "mtg:keep"),
                    ]
                ]
            ),
        )
    elif match and match.group(1) == "cancelyes":
        cancelled, _, told = await svc.meetings.cancel(who, int(match.group(2)))
        svc.delivery.poke()
        await edit_or_reply(update, texts.meeting_cancelled(cancelled.id, told))
    else:
        await edit_or_reply(update, common_texts.USE_BUTTONS)


async def _create(update: Update, context: Context, data: dict[str, Any], claim: Claim) -> None:
    svc = services(context)
    who = await actor(update, context)
    draft = MeetingDraft(
        title=data["title"],
        starts_at=datetime.fromisoformat(data["starts_at"]),
        place=data["place"],
        agenda=data.get("agenda", ""),
    )
    created, _, invited = await svc.meetings.schedule(who, data["code"], draft, claim=claim)
    await svc.flows.clear(chat_id(update))
    svc.delivery.poke()
    reminders = " and ".join(svc.settings.meeting_reminders.split(",")) or "none"
    await keep_and_follow(update, texts.meeting_created(created.id, invited, reminders))


# /meetings and RSVPs


def _card_markup(view: MeetingView) -> InlineKeyboardMarkup:
    meeting_id = view.meeting.id
    rows = [
        [
            (label + (" ✓" if view.my_answer == key else ""), f"rsvp:{meeting_id}:{key}")
            for key, label in RSVP_LABELS.items()
        ]
    ]
    if view.can_manage:
        rows.append(
            [
                (texts.RESCHEDULE, f"mtg:move:{meeting_id}"),
                (texts.CANCEL_MEETING, f"mtg:cancel:{meeting_id}"),
            ]
        )
    return buttons(rows)


@guarded
async def meetings(update: Update, context: Context) -> None:
    """/meetings: upcoming meetings of the member's groups, with RSVP buttons (public
    events are in /events)."""
    svc = services(context)
    who = await actor(update, context)
    views = await svc.meetings.upcoming_for(who)
    if not views:
        await reply(update, texts.NO_MEETINGS)
        return
    for view in views[:10]:
        m = view.meeting
        details = meeting_details(m.title, m.starts_at, m.place, m.agenda, svc.settings.zone)
        await reply(
            update,
            texts.meeting_card(view.group.name, details, view.my_answer, view.counts),
            _card_markup(view),
        )


@guarded
async def events(update: Update, context: Context) -> None:
    """/events: upcoming public events, for anyone (registered or not), with RSVP buttons."""
    svc = services(context)
    views = await svc.meetings.public_events(user_id(update))
    manage = (await actor(update, context)).is_officer  # officers change public events
    if not views:
        await reply(update, texts.NO_EVENTS)
        return
    for view in views:
        m = view.meeting
        details = meeting_details(m.title, m.starts_at, m.place, m.agenda, svc.settings.zone)
        rows = [
            [
                (label + (" ✓" if view.my_answer == key else ""), f"rsvp:{m.id}:{key}")
                for key, label in RSVP_LABELS.items()
            ]
        ]
        if manage:
            rows.append(
                [
                    (texts.RESCHEDULE, f"mtg:move:{m.id}"),
                    (texts.CANCEL_MEETING, f"mtg:cancel:{m.id}"),
                ]
            )
        await reply(
            update,
            texts.meeting_card(PUBLIC, details, view.my_answer, view.counts),
            buttons(rows),
        )


@toast_guarded
async def rsvp_button(update: Update, context: Context) -> str | None:
    """rsvp:ID:going|maybe|no — record the answer and mark it on the buttons."""
    query = update.callback_query
    assert query is not None and query.data is not None
    match = re.fullmatch(r"rsvp:(\d+):(going|maybe|no)", query.data)
    if match is None:
        return None
    answer = match.group(2)
    svc = services(context)
    meeting_record, _ = await svc.meetings.rsvp(user_id(update), int(match.group(1)), answer)
    if query.message is not None:
        rows = [
            [
                (label + (" ✓" if key == answer else ""), f"rsvp:{meeting_record.id}:{key}")
                for key, label in RSVP_LABELS.items()
            ]
        ]
        markup = getattr(query.message, "reply_markup", None)
        if markup is not None and len(markup.inline_keyboard) > 1:  # the manager's row stays
            rows += [
                [(b.text, b.callback_data or "") for b in row] for row in markup.inline_keyboard[1:]
            ]
        await edit_buttons(update, buttons(rows))
    return texts.RSVP_THANKS[answer]
