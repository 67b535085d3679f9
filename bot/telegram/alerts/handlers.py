"""Officer alerts (/alert, /scam), leader broadcasts (/broadcast) and delivery reports (/report).

Composing keeps the draft in the chat's stored flow; the preview message is edited in place
as the officer changes urgency, schedules or sends.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.telegram.alerts import texts as alert_texts
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
    versioned,
)
from bot.telegram.dates import parse_when
from core import timefmt
from core.alerts.service import Audience, AudienceKind, Draft, parse_audience, with_facts
from core.delivery.preferences import CATEGORIES
from core.errors import InvalidInput
from core.permissions import Action

ALERT = "alert"


def _encode(draft: Draft) -> dict[str, Any]:
    return {
        "kind": draft.kind,
        "audience": draft.audience.kind.value,
        "codes": list(draft.audience.group_codes),
        "audience_category": draft.audience.category,
        "text": draft.text,
        "urgency": draft.urgency,
        "category": draft.category,
        "send_at": draft.send_at.isoformat() if draft.send_at else None,
        "facts": draft.facts,
    }


def _decode(data: dict[str, Any]) -> Draft:
    audience = Audience(
        AudienceKind(data["audience"]),
        tuple(data.get("codes") or ()),
        data.get("audience_category"),
    )
    send_at = datetime.fromisoformat(data["send_at"]) if data.get("send_at") else None
    return Draft(
        data["kind"],
        audience,
        data["text"],
        data.get("urgency", "normal"),
        data.get("category"),
        send_at,
        data.get("facts"),
    )


async def local_numbers(update: Update, context: Context, draft: Draft) -> str | None:
    """The line of local numbers an officer's alert can carry: when its text names a crime
    type, for a one-group audience that group's area, for everyone the town (crime data
    decides whether there is anything to say); None for anything else."""
    if draft.kind != "alert":
        return None
    audience = draft.audience
    if audience.kind is AudienceKind.EVERYONE:
        code = None
    elif audience.kind is AudienceKind.GROUPS and len(audience.group_codes) == 1:
        code = audience.group_codes[0]
    else:
        return None
    who = await actor(update, context)
    return await services(context).crimedata.alert_numbers(who, draft.text, code=code)


def _preview_markup(draft: Draft, version: int, numbers: bool = False) -> InlineKeyboardMarkup:
    """The preview's buttons, made for this version of the draft (an older preview's Send
    cannot send a newer draft); with `numbers`, the button that adds the local numbers."""
    urgency = alert_texts.MAKE_NORMAL if draft.urgency == "urgent" else alert_texts.MAKE_URGENT
    send = alert_texts.SEND_SCHEDULED if draft.send_at else alert_texts.SEND_NOW
    rows = [[(send, versioned("alert:send", version))]]
    if draft.kind != "broadcast":
        rows.append(
            [
                (urgency, versioned("alert:urgency", version)),
                (alert_texts.SCHEDULE, versioned("alert:schedule", version)),
            ]
        )
    if draft.facts:
        rows.append([(alert_texts.REMOVE_NUMBERS, versioned("alert:numbers:off", version))])
    elif numbers:
        rows.append([(alert_texts.ADD_NUMBERS, versioned("alert:numbers:add", version))])
    rows.append([(alert_texts.CANCEL_DRAFT, versioned("alert:cancel", version))])
    return buttons(rows)


async def show_preview(update: Update, context: Context, draft: Draft) -> None:
    """Store the draft and show (or refresh) its preview with the action buttons."""
    svc = services(context)
    # The preview shows the message exactly as it will be delivered, signature included.
    author = svc.alerts.signature(await actor(update, context), draft)
    preview = await svc.alerts.preview(draft, author)
    numbers = draft.facts is None and await local_numbers(update, context, draft) is not None
    version = await svc.flows.put(chat_id(update), ALERT, "preview", _encode(draft))
    message = svc.alerts.render(draft, author)
    zone = svc.settings.zone
    text = alert_texts.alert_preview(
        kind=draft.kind,
        urgency=draft.urgency,
        audience=preview.audience_label,
        body_html=message.html,
        recipients=preview.recipients,
        per_channel=preview.per_channel,
        skipped=preview.skipped,
        eta_seconds=preview.eta_seconds,
        waiting=preview.waiting_for_quiet_hours,
        send_at=timefmt.local(draft.send_at, zone) if draft.send_at else None,
    )
    await edit_or_reply(update, text, _preview_markup(draft, version, numbers))


@guarded
async def alert(update: Update, context: Context) -> None:
    """/alert [urgent] AUDIENCE TEXT, or /alert alone for the guided form (officers)."""
    svc = services(context)
    who = await actor(update, context)
    await svc.access.require(who, Action.SEND_ALERT, target="alert")
    args = command_args(context)
    urgency = "normal"
    skip = 2  # the command and the audience
    if args and args[0].lower() in ("urgent", "normal"):
        urgency = args.pop(0).lower()
        skip = 3
    if len(args) >= 2:
        text = _text_after(update, skip)
        draft = await svc.alerts.draft(
            who, kind="alert", audience=parse_audience(args[0]), text=text, urgency=urgency
        )
        await show_preview(update, context, draft)
        return
    if len(args) == 1:
        raise InvalidInput(alert_texts.ALERT_USAGE)
    await svc.flows.put(chat_id(update), ALERT, "audience", {"urgency": urgency})
    choices = [[(alert_texts.EVERYONE, "alert:aud:all")]]
    summaries = await svc.groups.summaries()
    choices += [[(s.group.name[:40], f"alert:aud:grp:{s.group.code}")] for s in summaries[:20]]
    choices.append(
        [(f"Topic: {label}", f"alert:aud:cat:{key}") for key, label in list(CATEGORIES.items())[:2]]
    )
    choices += [
        [(f"Topic: {label}", f"alert:aud:cat:{key}")] for key, label in list(CATEGORIES.items())[2:]
    ]
    await reply(update, alert_texts.ALERT_CHOOSE_AUDIENCE, buttons(choices))


def _text_after(update: Update, words: int) -> str:
    """The message text after the command and `words` more words, keeping line breaks."""
    message = update.effective_message
    raw = message.text if message and message.text else ""
    kept = raw.strip().split(None, words)
    return kept[words] if len(kept) > words else ""


@guarded
async def scam(update: Update, context: Context) -> None:
    """/scam TEXT: a scam alert to the scam category's subscribers (officers)."""
    svc = services(context)
    who = await actor(update, context)
    await svc.access.require(who, Action.SEND_ALERT, target="scam alert")
    text = _text_after(update, 1)
    if not text:  # ask for it rather than explain the command
        data = {
            "kind": "scam",
            "audience": AudienceKind.CATEGORY.value,
            "audience_category": "scam",
        }
        await svc.flows.put(chat_id(update), ALERT, "text", data)
        await reply(update, alert_texts.ASK_SCAM_TEXT)
        return
    draft = await svc.alerts.draft(
        who, kind="scam", audience=Audience(AudienceKind.CATEGORY, category="scam"), text=text
    )
    await show_preview(update, context, draft)


@guarded
async def broadcast(update: Update, context: Context) -> None:
    """/broadcast TEXT: the leader's message to their own group."""
    svc = services(context)
    who = await actor(update, context)
    text = _text_after(update, 1)
    if who.leads is not None and not text:  # ask for it rather than explain the command
        await svc.flows.put(chat_id(update), ALERT, "text", {"kind": "broadcast"})
        await reply(update, alert_texts.ask_broadcast_text(who.leads.name))
        return
    draft = await svc.alerts.for_leader(who, text)
    await show_preview(update, context, draft)


async def alert_text_step(
    update: Update, context: Context, step: str, data: dict[str, Any]
) -> None:
    """Typed answers in the /alert flow: the text, or a time to schedule."""
    svc = services(context)
    message = update.effective_message
    typed = message.text if message and message.text else ""
    if not typed:
        await reply(update, "Please type it, or /cancel.")
        return
    who = await actor(update, context)
    if step == "text" and data.get("kind") == "broadcast":
        await show_preview(update, context, await svc.alerts.for_leader(who, typed))
    elif step == "text":
        audience = Audience(
            AudienceKind(data["audience"]),
            tuple(data.get("codes") or ()),
            data.get("audience_category"),
        )
        draft = await svc.alerts.draft(
            who,
            kind=str(data.get("kind") or "alert"),
            audience=audience,
            text=typed,
            urgency=data.get("urgency", "normal"),
        )
        await show_preview(update, context, draft)
    elif step == "schedule":
        draft = _decode(data)
        when = parse_when(typed, svc.clock.now(), svc.settings.zone)
        scheduled = await svc.alerts.draft(
            who,
            kind=draft.kind,
            audience=draft.audience,
            text=draft.text,
            urgency=draft.urgency,
            category=draft.category,
            send_at=when,
        )
        await show_preview(update, context, with_facts(scheduled, draft.facts))
    elif step == "preview":
        await reply(update, alert_texts.USE_PREVIEW_BUTTONS)
    else:
        await reply(update, alert_texts.ALERT_CHOOSE_AUDIENCE_AGAIN)


@guarded
async def alert_button(update: Update, context: Context) -> None:
    """Buttons of /alert, /scam and /broadcast: audience, urgency, schedule, send, cancel."""
    pressed = await button_in_flow(update, context, ALERT)
    if pressed is None:
        return
    button, flow = pressed.data, pressed.flow
    svc = services(context)
    data = dict(flow.data)
    action = button.removeprefix("alert:")
    who = await actor(update, context)
    if action.startswith("aud:") and flow.step == "audience":
        audience = parse_audience(
            action.removeprefix("aud:").replace("grp:", "").replace("cat:", "category:")
        )
        data.update(
            audience=audience.kind.value,
            codes=list(audience.group_codes),
            audience_category=audience.category,
        )
        await svc.flows.put(chat_id(update), ALERT, "text", data)
        await edit_or_reply(update, alert_texts.alert_ask_text(audience.describe()))
        return
    if flow.step not in ("preview", "schedule"):
        await expired(update)
        return
    draft = _decode(data)
    if action == "cancel":
        await svc.flows.clear(chat_id(update))
        await keep_and_follow(update, alert_texts.DRAFT_DISCARDED)
    elif action == "urgency":
        draft = replace(draft, urgency="normal" if draft.urgency == "urgent" else "urgent")
        await show_preview(update, context, draft)
    elif action == "numbers:add":
        # Set, not appended: a second press (or one from an older preview) adds nothing more.
        line = await local_numbers(update, context, draft)
        if line is None:
            raise InvalidInput(alert_texts.NO_NUMBERS)
        await show_preview(update, context, with_facts(draft, line))
    elif action == "numbers:off":
        await show_preview(update, context, with_facts(draft, None))
    elif action == "schedule":
        await svc.flows.put(chat_id(update), ALERT, "schedule", data)
        await reply(update, alert_texts.SCHEDULE_ASK)
    elif action == "send":
        if draft.send_at is not None and draft.send_at <= svc.clock.now():
            draft = replace(draft, send_at=None)
        notification_id, queued = await svc.alerts.send(who, draft, claim=pressed.claim)
        await svc.flows.clear(chat_id(update))
        svc.delivery.poke()
        when = timefmt.local(draft.send_at, svc.settings.zone) if draft.send_at else None
        # The preview stays above: it shows byte for byte what went out.
        await keep_and_follow(update, alert_texts.alert_queued(notification_id, queued, when))
    else:
        await expired(update)


@guarded
async def report(update: Update, context: Context) -> None:
    """/report [ID]: recent notifications, or one notification's delivery counts."""
    svc = services(context)
    who = await actor(update, context)
    args = command_args(context)
    zone = svc.settings.zone
    if args:
        report_id = number(args[0])
        if report_id is None:
            raise InvalidInput("Usage: /report, or /report ID with the number from the list.")
        detail = await svc.reports.detail(who, report_id)
        await reply(update, alert_texts.report_detail(detail, zone))
        return
    lines = await svc.reports.recent(who)
    await reply(update, alert_texts.report_list(lines, zone))


@guarded
async def cancel_alert(update: Update, context: Context) -> None:
    """/unsend ID: cancel what has not gone out yet (a scheduled alert, or the rest of one)."""
    svc = services(context)
    who = await actor(update, context)
    args = command_args(context)
    notification_id = number(args[0]) if args else None
    if notification_id is None:
        raise InvalidInput("Usage: /unsend ID (the number from /report).")
    cancelled = await svc.alerts.cancel(who, notification_id)
    await reply(update, alert_texts.unsent(cancelled))
