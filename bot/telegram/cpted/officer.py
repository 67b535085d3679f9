"""Officers' environment reports in Telegram: /fixes (the queue by status, with age and
owner), /fixes csv (public works' list, sent through the outbox), /fixes F-..., and the open,
claim and status buttons. Permissions are checked (and refusals audited) in core.cpted.queue."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.telegram.common import (
    Context,
    actor,
    buttons,
    command_args,
    edit_or_reply,
    guarded,
    reply,
    services,
)
from bot.telegram.cpted import texts
from core.cpted import FixRecord, messages
from core.cpted.rules import NEXT, STATUSES
from core.errors import Conflict

log = logging.getLogger(__name__)

PAGE = 8


def _actions(report: FixRecord) -> InlineKeyboardMarkup:
    """The buttons under a report's card."""
    rows: list[list[tuple[str, str]]] = []
    if report.is_open and report.claimed_by_label is None:
        rows.append([(texts.CLAIM, f"fix:c:{report.id}")])
    rows += [[(texts.STATUS_BUTTONS[s], f"fix:s:{report.id}:{s}")] for s in NEXT[report.status]]
    rows.append([(texts.BACK_TO_QUEUE, f"fix:q:{report.status}:0")])
    return buttons(rows)


async def show_queue(update: Update, context: Context, status: str, offset: int) -> None:
    """One status of the queue, a page at a time, with the other statuses as tabs."""
    svc = services(context)
    who = await actor(update, context)
    reports, counts = await svc.fixes.queue.queue(who, status, limit=PAGE, offset=offset)
    if not reports and offset:
        offset = 0
        reports, counts = await svc.fixes.queue.queue(who, status, limit=PAGE, offset=0)
    now = svc.clock.now()
    rows: list[list[tuple[str, str]]] = []
    for report in reports:
        row = [(f"{texts.VIEW} {report.reference}", f"fix:v:{report.id}")]
        if report.is_open and report.claimed_by_label is None:
            row.append((texts.CLAIM, f"fix:c:{report.id}"))
        rows.append(row)
    total = counts.get(status, 0)
    paging = []
    if offset > 0:
        paging.append((texts.NEWER, f"fix:q:{status}:{max(offset - PAGE, 0)}"))
    if offset + len(reports) < total:
        paging.append((texts.OLDER, f"fix:q:{status}:{offset + PAGE}"))
    if paging:
        rows.append(paging)
    tabs = [
        (texts.tab(label, counts.get(key, 0)), f"fix:q:{key}:0")
        for key, label in texts.STATUS_TABS
        if key != status
    ]
    rows.append(tabs)
    title = dict(texts.STATUS_TABS)[status]
    lines = [messages.queue_line(r, now) for r in reports]
    await edit_or_reply(update, texts.queue(title, total, lines), buttons(rows))


async def show_report(update: Update, context: Context, report: int | str) -> None:
    """A report's photo and pin (sent first), then its card and buttons."""
    svc = services(context)
    who = await actor(update, context)
    record = await svc.fixes.queue.view(who, report)
    chat = update.effective_chat
    assert chat is not None
    try:
        if record.photo_file_id:
            await chat.send_photo(record.photo_file_id, caption=record.reference)
        if record.latitude is not None and record.longitude is not None:
            await chat.send_location(record.latitude, record.longitude)
    except BadRequest as error:
        log.warning("report media could not be shown: %s", error.message)
    card = messages.card(record, svc.clock.now(), svc.settings.zone)
    await reply(update, card, _actions(record))


@guarded
async def fixes_command(update: Update, context: Context) -> None:
    """/fixes (the new ones), /fixes csv, /fixes F-2026-00001."""
    args = command_args(context)
    if args and args[0].lower() == "csv":
        who = await actor(update, context)
        count = await services(context).fixes.queue.public_works_list(who)
        await reply(update, texts.csv_queued(count))
    elif args:
        await show_report(update, context, args[0])
    else:
        await show_queue(update, context, "new", 0)


@guarded
async def officer_button(update: Update, context: Context) -> None:
    """fix:q:STATUS:OFFSET (the queue), fix:v:ID (open), fix:c:ID (claim), fix:s:ID:STATUS."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    parts = query.data.split(":")
    action = parts[1]
    if action == "q" and len(parts) == 4 and parts[2] in STATUSES and parts[3].isdigit():
        await show_queue(update, context, parts[2], int(parts[3]))
        return
    if len(parts) < 3 or not parts[2].isdigit():
        raise Conflict(texts.STEP_EXPIRED)
    report_id = int(parts[2])
    who = await actor(update, context)
    if action == "v":
        await show_report(update, context, report_id)
    elif action == "c":
        report, _changed = await svc.fixes.queue.claim(who, report_id)
        card = messages.card(report, svc.clock.now(), svc.settings.zone)
        await edit_or_reply(update, card, _actions(report))
    elif action == "s" and len(parts) == 4:
        report = await svc.fixes.queue.set_status(who, report_id, parts[3])
        card = messages.card(report, svc.clock.now(), svc.settings.zone)
        await edit_or_reply(update, card, _actions(report))
    else:
        raise Conflict(texts.STEP_EXPIRED)
