"""/settings: channels, SMS fallback, quiet hours, alert topics, and messages on or off."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.telegram import texts
from bot.telegram.common import (
    Context,
    buttons,
    chat_id,
    edit_or_reply,
    expired,
    guarded,
    reply,
    services,
    user_id,
)
from bot.telegram.members import texts as member_texts
from core.delivery.preferences import CATEGORIES, format_quiet_hours
from core.errors import NotRegistered
from core.members import MemberRecord

QUIET = "quiet"


def render(member: MemberRecord, sms_available: bool) -> tuple[str, InlineKeyboardMarkup]:
    """The settings message and its buttons."""
    chosen = member.category_set
    text = member_texts.settings_full(
        paused=member.messages_paused,
        channels=member.channels,
        sms_fallback=member.sms_fallback,
        quiet=format_quiet_hours(member.quiet_start, member.quiet_end),
        categories=[(label, key in chosen) for key, label in CATEGORIES.items()],
        sms_available=sms_available,
    )
    mark = "• "
    channel_row = [
        ((mark if member.channels == key else "") + label, f"set:ch:{key}")
        for key, label in member_texts.CHANNEL_LABELS.items()
    ]
    topic_buttons = [
        # The button says what it sets, not "flip": two quick taps (both from the message as
        # it was) set the same thing twice instead of undoing each other behind the screen.
        (
            ("✅ " if key in chosen else "▫️ ") + label,
            f"set:cat:{key}:{'off' if key in chosen else 'on'}",
        )
        for key, label in CATEGORIES.items()
    ]
    rows = [channel_row]
    rows.append(
        [
            (
                "Text me if Telegram fails: " + ("yes" if member.sms_fallback else "no"),
                f"set:fb:{'off' if member.sms_fallback else 'on'}",
            )
        ]
    )
    rows.append([("🌙 Change quiet hours", "set:quiet"), ("No quiet hours", "set:quiet:off")])
    rows += [topic_buttons[i : i + 2] for i in range(0, len(topic_buttons), 2)]
    rows.append(
        [
            (member_texts.SETTINGS_RESUME, "settings:resume")
            if member.messages_paused
            else (member_texts.SETTINGS_STOP, "settings:stop")
        ]
    )
    return text, buttons(rows)


@guarded
async def settings(update: Update, context: Context) -> None:
    """/settings."""
    svc = services(context)
    member = await svc.members.by_telegram(user_id(update))
    if member is None:
        raise NotRegistered(texts.NEEDS_REGISTRATION)
    text, markup = render(member, svc.settings.sms_enabled)
    await reply(update, text, markup)


@guarded
async def settings_button(update: Update, context: Context) -> None:
    """Every /settings button; the message is edited in place."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    uid = user_id(update)
    data = query.data
    if data in ("settings:stop", "settings:resume"):
        member = await svc.members.set_paused(uid, data == "settings:stop")
    elif data.startswith("set:ch:"):
        member = await svc.preferences.set_channels(uid, data.removeprefix("set:ch:"))
    elif data.startswith("set:fb:"):
        member = await svc.preferences.set_sms_fallback(uid, data.endswith(":on"))
    elif data.startswith("set:cat:"):
        key, _, wanted = data.removeprefix("set:cat:").partition(":")
        follow = {"on": True, "off": False}.get(wanted)
        member = await svc.preferences.set_category(uid, key, follow)
    elif data == "set:quiet:off":
        member = await svc.preferences.set_quiet_hours(uid, "off")
    elif data == "set:quiet":
        await svc.flows.put(chat_id(update), QUIET, "hours")
        await reply(update, member_texts.ASK_QUIET_HOURS)
        return
    else:
        await expired(update)
        return
    text, markup = render(member, svc.settings.sms_enabled)
    await edit_or_reply(update, text, markup)


async def quiet_hours_step(
    update: Update, context: Context, _step: str = "", _data: dict[str, Any] | None = None
) -> None:
    """The typed quiet hours."""
    svc = services(context)
    message = update.effective_message
    if message is None or not message.text:
        await reply(update, member_texts.ASK_QUIET_HOURS)
        return
    member = await svc.preferences.set_quiet_hours(user_id(update), message.text)
    await svc.flows.clear(chat_id(update))
    text, markup = render(member, svc.settings.sms_enabled)
    await reply(update, text, markup)
