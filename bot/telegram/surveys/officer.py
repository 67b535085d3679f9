"""Officers' security surveys in Telegram: /surveys (the queue by status, with age and owner),
/surveys S-..., and the buttons: open, claim, propose a time (typed), cancel the visit (asked
first), and record the findings after the visit (each checklist item's priority and note, a
review, then Send). Permissions are checked (and refusals audited) in core.surveys.queue."""

from __future__ import annotations

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
from bot.telegram.surveys import texts
from core.errors import Conflict, InvalidInput
from core.surveys import SurveyRecord, messages
from core.surveys.rules import (
    ITEM_LABELS,
    NEW,
    PRIORITIES,
    SCHEDULED,
    STATUSES,
    clean_note,
)
from core.timefmt import local

PAGE = 8
PROPOSE = "surveyp"
FINDINGS = "surveyf"


def _actions(survey: SurveyRecord, now: Any) -> InlineKeyboardMarkup:
    """The buttons under a request's card."""
    rows: list[list[tuple[str, str]]] = []
    if survey.is_open and survey.claimed_by_label is None:
        rows.append([(texts.CLAIM, f"sv:c:{survey.id}")])
    if survey.status == NEW:
        rows.append([(texts.PROPOSE, f"sv:p:{survey.id}")])
    if survey.status == SCHEDULED:
        if survey.visit_at is not None and survey.visit_at <= now:
            rows.append([(texts.FINDINGS, f"sv:f:{survey.id}")])
        rows.append([(texts.PROPOSE_AGAIN, f"sv:p:{survey.id}")])
        rows.append([(texts.CANCEL_VISIT, f"sv:x:{survey.id}")])
    rows.append(
        [(texts.BACK_TO_QUEUE, f"sv:q:{survey.status if survey.status in STATUSES else NEW}:0")]
    )
    return buttons(rows)


def _card(context: Context, survey: SurveyRecord) -> tuple[str, InlineKeyboardMarkup]:
    svc = services(context)
    now = svc.clock.now()
    return messages.card(survey, now, svc.settings.zone), _actions(survey, now)


async def show_queue(update: Update, context: Context, status: str, offset: int) -> None:
    """One status of the queue, a page at a time, with the other statuses as tabs."""
    svc = services(context)
    who = await actor(update, context)
    surveys, counts = await svc.surveys.queue.queue(who, status, limit=PAGE, offset=offset)
    if not surveys and offset:
        offset = 0
        surveys, counts = await svc.surveys.queue.queue(who, status, limit=PAGE, offset=0)
    now, zone = svc.clock.now(), svc.settings.zone
    rows: list[list[tuple[str, str]]] = []
    for survey in surveys:
        row = [(f"{texts.VIEW} {survey.reference}", f"sv:v:{survey.id}")]
        if survey.is_open and survey.claimed_by_label is None:
            row.append((texts.CLAIM, f"sv:c:{survey.id}"))
        rows.append(row)
    total = counts.get(status, 0)
    paging = []
    if offset > 0:
        paging.append((texts.NEWER, f"sv:q:{status}:{max(offset - PAGE, 0)}"))
    if offset + len(surveys) < total:
        paging.append((texts.OLDER, f"sv:q:{status}:{offset + PAGE}"))
    if paging:
        rows.append(paging)
    rows.append(
        [
            (texts.tab(label, counts.get(key, 0)), f"sv:q:{key}:0")
            for key, label in texts.STATUS_TABS
            if key != status
        ]
    )
    title = dict(texts.STATUS_TABS).get(status, STATUSES[status])
    lines = [messages.queue_line(s, now, zone) for s in surveys]
    await edit_or_reply(update, texts.queue(title, total, lines), buttons(rows))


async def show_survey(update: Update, context: Context, survey: int | str) -> None:
    """A request's card and buttons, as a message of its own."""
    who = await actor(update, context)
    record = await services(context).surveys.queue.view(who, survey)
    await reply(update, *_card(context, record))


@guarded
async def surveys_command(update: Update, context: Context) -> None:
    """/surveys (the new ones), /surveys scheduled|done, /surveys S-2026-00001."""
    args = command_args(context)
    if args and args[0].lower() in STATUSES:
        await show_queue(update, context, args[0].lower(), 0)
    elif args:
        await show_survey(update, context, args[0])
    else:
        await show_queue(update, context, NEW, 0)


@guarded
async def officer_button(update: Update, context: Context) -> None:
    """sv:q:STATUS:OFFSET, sv:v:ID, sv:c:ID, sv:p:ID, sv:x:ID (asks), sv:xy:ID, sv:k:ID,
    sv:f:ID (findings)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    parts = query.data.split(":")
    action = parts[1]
    if action == "q" and len(parts) == 4 and parts[2] in STATUSES and parts[3].isdigit():
        await show_queue(update, context, parts[2], int(parts[3]))
        return
    if len(parts) != 3 or not parts[2].isdigit():
        raise Conflict(texts.STEP_EXPIRED)
    survey_id = int(parts[2])
    who = await actor(update, context)
    queue = svc.surveys.queue
    if action == "v":
        await show_survey(update, context, survey_id)
    elif action == "c":
        survey, _changed = await queue.claim(who, survey_id)
        await edit_or_reply(update, *_card(context, survey))
    elif action == "p":
        survey = await queue.view(who, survey_id)
        if not survey.is_open:
            raise Conflict(f"{survey.reference} is {survey.status}.")
        await svc.flows.put(chat_id(update), PROPOSE, "when", {"id": survey_id})
        windows = [messages.window_label(w) for w in survey.windows]
        await reply(update, texts.ask_time(survey.reference, windows))
    elif action == "x":
        survey = await queue.view(who, survey_id)
        if survey.status != SCHEDULED or survey.visit_at is None:
            raise Conflict(f"{survey.reference} has no visit booked.")
        when = local(survey.visit_at, svc.settings.zone)
        rows = [
            [
                (texts.YES_CANCEL_VISIT, f"sv:xy:{survey_id}"),
                (texts.KEEP_VISIT, f"sv:k:{survey_id}"),
            ]
        ]
        await reply(update, texts.cancel_visit_question(survey.reference, when), buttons(rows))
    elif action == "xy":
        survey = await queue.cancel_visit(who, survey_id)
        await edit_or_reply(update, texts.visit_cancelled(survey.reference))
    elif action == "k":
        await queue.view(who, survey_id)
        await edit_or_reply(update, texts.VISIT_KEPT)
    elif action == "f":
        survey, items = await queue.checklist(who, survey_id)
        data = {"id": survey_id, "ref": survey.reference, "items": items, "found": []}
        await goto_finding(update, context, data, "pri", new_message=True)
    else:
        raise Conflict(texts.STEP_EXPIRED)


# Proposing a time


async def propose_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """The typed time of a proposal: read, checked in core, sent; the flow ends."""
    message = update.effective_message
    assert message is not None
    if not message.text:
        raise InvalidInput("Please type the date and time, e.g. 12/8 10am, or /cancel.")
    svc = services(context)
    when = parse_meeting_time(message.text, svc.clock.now(), svc.settings.zone)
    who = await actor(update, context)
    survey = await svc.surveys.queue.propose(who, int(data["id"]), when)
    await svc.flows.clear(chat_id(update))
    await reply(update, texts.proposed(survey.reference, local(when, svc.settings.zone)))


# Recording the findings


def _findings(data: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(str(i), str(p), n) for i, p, n in data.get("found") or []]


async def goto_finding(
    update: Update,
    context: Context,
    data: dict[str, Any],
    step: str,
    *,
    new_message: bool = False,
) -> None:
    """Store the findings flow at `step` and ask its question."""
    svc = services(context)
    version = await svc.flows.put(chat_id(update), FINDINGS, step, data)
    items: list[str] = data["items"]
    found = _findings(data)
    markup: InlineKeyboardMarkup | None
    if step == "pri":
        item = items[len(found)]
        text = texts.ask_priority(str(data["ref"]), ITEM_LABELS[item], len(found) + 1, len(items))
        markup = buttons(
            [[(label, versioned(f"svf:p:{key}", version)) for key, label in texts.PRIORITY_BUTTONS]]
        )
    elif step == "note":
        text = texts.ask_note(ITEM_LABELS[found[-1][0]])
        markup = buttons([[(common_texts.SKIP, versioned("svf:skip", version))]])
    else:
        text = texts.findings_review(str(data["ref"]), messages.finding_lines(found))
        markup = buttons(
            [
                [
                    (texts.SEND_REPORT, versioned("svf:send", version)),
                    (texts.CANCEL, versioned("svf:cancel", version)),
                ]
            ]
        )
    if new_message:
        await reply(update, text, markup)
    else:
        await edit_or_reply(update, text, markup)


def _after_note(data: dict[str, Any]) -> str:
    return "review" if len(_findings(data)) >= len(data["items"]) else "pri"


async def findings_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A typed note for the item just given its priority; elsewhere the buttons."""
    message = update.effective_message
    assert message is not None
    if step != "note":
        await reply(update, common_texts.USE_BUTTONS)
        return
    if not message.text:
        raise InvalidInput("Please type the note, or press Skip. (/cancel to stop)")
    found = data["found"]
    found[-1][2] = clean_note(message.text)
    await goto_finding(update, context, data, _after_note(data), new_message=True)


@guarded
async def findings_button(update: Update, context: Context) -> None:
    """svf:p:PRIORITY, svf:skip, svf:send, svf:cancel."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("svf:")
    pressed = await button_in_flow(update, context, FINDINGS)
    if pressed is None:
        return
    step = pressed.flow.step
    data: dict[str, Any] = dict(pressed.flow.data)
    svc = services(context)
    if step == "pri" and action.startswith("p:") and action[2:] in PRIORITIES:
        item = data["items"][len(data["found"])]
        data["found"] = [*data["found"], [item, action[2:], None]]
        await goto_finding(update, context, data, "note")
    elif step == "note" and action == "skip":
        await goto_finding(update, context, data, _after_note(data))
    elif step == "review" and action == "send":
        who = await actor(update, context)
        survey = await svc.surveys.queue.record(
            who, int(data["id"]), _findings(data), claim=pressed.claim
        )
        await keep_and_follow(update, texts.report_sent(survey.reference))
    elif step == "review" and action == "cancel":
        await svc.flows.clear(chat_id(update))
        await keep_and_follow(update, texts.FINDINGS_CANCELLED)
    else:
        raise Conflict(texts.STEP_EXPIRED)
