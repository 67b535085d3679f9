"""The safety news calendar in chat (officers): /news list, show, add, edit, schedule, pause."""

from __future__ import annotations

from typing import Any

from telegram import Update

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
    number,
    reply,
    services,
)
from bot.telegram.news import texts
from core import timefmt
from core.errors import InvalidInput
from core.markup import esc
from core.news.library import TOPICS
from core.news.service import NewsRecord, clean_body, clean_title, describe
from core.permissions import Action

NEWS = "news"  # the add/edit flow: topic -> text -> schedule, or edit


def _line(item: NewsRecord, zone: Any) -> str:
    state = "⏸ paused" if item.paused else "▶️"
    when = describe(item.schedule)
    upcoming = (
        f"; next {timefmt.local(item.next_at, zone)}" if item.next_at and not item.paused else ""
    )
    return (
        f"#{item.id} {state} <b>{esc(item.title)}</b> — {esc(TOPICS.get(item.topic, item.topic))}, "
        f"{when}{upcoming}"
    )


def _split(text: str) -> tuple[str, str]:
    title, _, body = text.strip().partition("\n")
    if not title.strip() or not body.strip():
        raise InvalidInput(texts.NEWS_NEEDS_TITLE_AND_TEXT)
    return title, body


@guarded
async def news(update: Update, context: Context) -> None:
    """/news [show|add|edit|schedule|pause|resume ...]."""
    svc = services(context)
    who = await actor(update, context)
    library = svc.news
    zone = svc.settings.zone
    args = command_args(context)
    sub = args[0].lower() if args else ""
    item_id = number(args[1]) if len(args) > 1 else None
    if not sub:
        items = await library.library(who)
        await reply(update, texts.news_list([_line(i, zone) for i in items]))
        return
    if sub == "add":
        await svc.access.require(who, Action.MANAGE_NEWS, target="news add")
        await svc.flows.put(chat_id(update), NEWS, "topic", {})
        rows = [[(label, f"news:topic:{key}")] for key, label in TOPICS.items()]
        await reply(update, texts.NEWS_CHOOSE_TOPIC, buttons(rows))
        return
    if sub not in ("show", "edit", "schedule", "pause", "resume") or item_id is None:
        await library.library(who)  # refuses (and audits) anyone but an officer first
        raise InvalidInput(texts.NEWS_USAGE)
    if sub == "show":
        item = await library.get(who, item_id)
        await reply(update, texts.news_item(_line(item, zone), item.title, item.body))
    elif sub == "edit":
        item = await library.get(who, item_id)
        await svc.flows.put(chat_id(update), NEWS, "edit", {"id": item.id})
        await reply(update, f"Editing #{item.id} <b>{esc(item.title)}</b>. " + texts.NEWS_ASK_TEXT)
    elif sub == "schedule":
        item = await library.reschedule(who, item_id, " ".join(args[2:]))
        await reply(update, texts.news_saved(_line(item, zone)))
    else:
        item = await library.set_paused(who, item_id, sub == "pause")
        await reply(update, texts.news_saved(_line(item, zone)))


async def news_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """Typed answers of the add and edit flows."""
    svc = services(context)
    message = update.effective_message
    text = message.text if message and message.text else ""
    if step == "topic":
        await reply(update, common_texts.USE_BUTTONS)
        return
    if not text:
        await reply(update, "Please type it, or /cancel.")
        return
    who = await actor(update, context)
    library = svc.news
    if step == "text":
        title, body = _split(text)
        data.update(title=clean_title(title), body=clean_body(body))
        await svc.flows.put(chat_id(update), NEWS, "schedule", data)
        await reply(update, texts.NEWS_ASK_SCHEDULE)
    elif step == "schedule":
        item = await library.add(who, data["topic"], data["title"], data["body"], text)
        await svc.flows.clear(chat_id(update))
        await reply(update, texts.news_saved(_line(item, svc.settings.zone), "Added"))
    elif step == "edit":
        title, body = _split(text)
        item = await library.edit(who, int(data["id"]), title, body)
        await svc.flows.clear(chat_id(update))
        await reply(update, texts.news_saved(_line(item, svc.settings.zone), "Saved"))


@guarded
async def news_button(update: Update, context: Context) -> None:
    """news:topic:KEY in the add flow."""
    pressed = await button_in_flow(update, context, NEWS)
    if pressed is None:
        return
    button, flow = pressed.data, pressed.flow
    svc = services(context)
    topic = button.removeprefix("news:topic:")
    if flow.step != "topic" or topic not in TOPICS:
        await expired(update)
        return
    await svc.flows.put(chat_id(update), NEWS, "text", {"topic": topic})
    await edit_or_reply(
        update, f"{texts.NEWS_CHOOSE_TOPIC}\n→ {TOPICS[topic]}\n\n{texts.NEWS_ASK_TEXT}"
    )
