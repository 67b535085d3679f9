"""A member's own record: /profile, /settings, /stop, /resume, /forget, /cancel and /help."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update

from bot.telegram import router, texts
from bot.telegram.common import (
    Context,
    actor,
    buttons,
    chat_id,
    edit_or_reply,
    guarded,
    reply,
    services,
    user_id,
)
from bot.telegram.members import texts as member_texts
from bot.telegram.menus import refresh_menu
from core.errors import NotRegistered


async def show_profile(update: Update, context: Context) -> None:
    """Send the member's profile with edit buttons."""
    profile = await services(context).members.profile(user_id(update))
    member = profile.member
    roles = ["resident"]
    if profile.leads:
        roles.append(f"leader of {profile.leads.name}")
    if profile.is_officer:
        roles.append("officer")
    location = (
        (member.latitude, member.longitude)
        if member.latitude is not None and member.longitude is not None
        else None
    )
    text = member_texts.profile(
        member.display_name,
        member.phone_e164,
        member.address,
        location,
        [(g.name, g.code, m.status) for g, m in profile.groups],
        roles,
        member.messages_paused,
    )
    markup = buttons(
        [
            [
                (member_texts.EDIT_NAME, "edit:name"),
                (member_texts.EDIT_PHONE, "edit:phone"),
                (member_texts.EDIT_ADDRESS, "edit:address"),
            ]
        ]
    )
    await reply(update, text, markup)


@guarded
async def profile(update: Update, context: Context) -> None:
    """/profile."""
    await show_profile(update, context)


@guarded
async def help_command(update: Update, context: Context) -> None:
    """/help: the commands the user's roles allow."""
    who = await actor(update, context)
    await reply(
        update,
        texts.help_text(
            who.leads is not None, who.is_officer, services(context).settings.service_name
        ),
    )


@guarded
async def stop(update: Update, context: Context) -> None:
    """/stop: no more messages from the service."""
    svc = services(context)
    member = await svc.members.by_telegram(user_id(update))
    if member is None:
        await reply(update, member_texts.NOTHING_STORED)
        return
    if member.messages_paused:
        await reply(update, member_texts.ALREADY_STOPPED)
        return
    await svc.members.set_paused(user_id(update), True)
    await reply(update, member_texts.STOPPED)


@guarded
async def resume(update: Update, context: Context) -> None:
    """/resume: messages on again."""
    svc = services(context)
    member = await svc.members.by_telegram(user_id(update))
    if member is None:
        raise NotRegistered(texts.NEEDS_REGISTRATION)
    if not member.messages_paused:
        await reply(update, member_texts.ALREADY_ON)
        return
    await svc.members.set_paused(user_id(update), False)
    await reply(update, member_texts.RESUMED)


@guarded
async def forget(update: Update, context: Context) -> None:
    """/forget: ask for confirmation."""
    if await services(context).members.by_telegram(user_id(update)) is None:
        await services(context).flows.clear(chat_id(update))
        if await router.offer_forget(update, context):  # e.g. this chat's links to its tips
            return
        await reply(update, member_texts.NOTHING_STORED)
        return
    also = await router.forget_warnings(update, context)
    await reply(
        update,
        "\n\n".join([member_texts.FORGET_CONFIRM, *also, member_texts.FORGET_QUESTION]),
        buttons([[(member_texts.FORGET_YES, "forget:yes"), (member_texts.FORGET_NO, "forget:no")]]),
    )


@guarded
async def forget_button(update: Update, context: Context) -> None:
    """The /forget confirmation buttons."""
    query = update.callback_query
    assert query is not None
    if query.data != "forget:yes":
        await edit_or_reply(update, member_texts.FORGET_KEPT)
        return
    svc = services(context)
    who = await actor(update, context)
    led = who.leads
    if await svc.members.forget(who):
        await edit_or_reply(update, member_texts.FORGOTTEN)
        if led is not None:
            await refresh_menu(context.bot, svc, user_id(update))
    else:
        await edit_or_reply(update, member_texts.NOTHING_STORED)


@guarded
async def cancel(update: Update, context: Context) -> None:
    """/cancel: leave any flow."""
    if await services(context).flows.clear(chat_id(update)):
        await reply(update, texts.CANCELLED, ReplyKeyboardRemove())
    else:
        await reply(update, texts.NOTHING_TO_CANCEL, ReplyKeyboardRemove())
