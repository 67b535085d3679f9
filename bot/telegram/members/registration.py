"""/start, consent and registration, and profile edits: the steps that store a member's details.

Where a chat stands is kept in the database (`FlowService`), so a restart between two steps
loses nothing: the next message continues where the member left off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from bot.telegram import router, texts
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
from bot.telegram.members.profile import show_profile
from core.errors import InvalidInput
from core.flows import interrupted
from core.markup import esc
from core.members import CodeSent, MemberRecord, RegistrationStep, looks_like_code, next_step
from core.members.phones import CODE_LIFETIME

REGISTER = "register"
EDIT = "edit"
PHONE_CODE = "phone_code"  # a code was texted to the typed number; waiting for it


def phone_keyboard() -> ReplyKeyboardMarkup:
    """The share-contact keyboard."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(member_texts.SHARE_PHONE_BUTTON, request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def location_keyboard() -> ReplyKeyboardMarkup:
    """The share-location keyboard."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(member_texts.SHARE_LOCATION_BUTTON, request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def ask(update: Update, step: RegistrationStep, *, editing: bool = False) -> None:
    """Ask for one piece of the registration."""
    if step is RegistrationStep.NAME:
        first = update.effective_user.first_name if update.effective_user else None
        suggestion = first if first and not editing and len(first) <= 64 else None
        markup = buttons([[(suggestion, "reg:name")]]) if suggestion else None
        await reply(
            update,
            member_texts.ASK_NEW_NAME if editing else member_texts.ask_name(suggestion),
            markup,
        )
    elif step is RegistrationStep.PHONE:
        await reply(
            update,
            member_texts.ASK_NEW_PHONE if editing else member_texts.ASK_PHONE,
            phone_keyboard(),
        )
    else:
        await reply(
            update,
            member_texts.ASK_NEW_ADDRESS if editing else member_texts.ASK_ADDRESS,
            location_keyboard(),
        )


@guarded
async def start(update: Update, context: Context) -> None:
    """/start [payload]: intro and consent, or the profile for someone already registered."""
    svc = services(context)
    payload = context.args[0] if context.args else ""
    link = (
        payload[:64] if router.is_deep_link(context, payload) else ""
    )  # Telegram allows 64 characters
    if link and router.opens_for_anyone(context, link):
        await router.open_deep_link(update, context, link)  # a victim's invite: no sign-up
        return
    member = await svc.members.by_telegram(user_id(update))
    if member is None:
        data = {"start": link} if link else {}
        await svc.flows.put(chat_id(update), REGISTER, "consent", data)
        await reply(
            update,
            member_texts.welcome(svc.settings.service_name),
            buttons(
                [
                    [
                        (member_texts.CONSENT_YES, "consent:yes"),
                        (member_texts.CONSENT_NO, "consent:no"),
                    ]
                ]
            ),
        )
        return
    step = next_step(member)
    if step is not None:
        await svc.flows.put(chat_id(update), REGISTER, step.value, {"start": link})
        await reply(update, member_texts.resume_registration())
        await ask(update, step)
        return
    if link:
        await router.open_deep_link(update, context, link)
        return
    await reply(update, member_texts.already_registered(member.display_name or ""))
    await show_profile(update, context)


@guarded
async def consent(update: Update, context: Context) -> None:
    """The consent buttons."""
    svc = services(context)
    query = update.callback_query
    assert query is not None
    flow = await svc.flows.get(chat_id(update))
    if query.data == "consent:no":
        if flow and flow.flow == REGISTER:
            await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, member_texts.CONSENT_DECLINED)
        return
    member = await svc.members.consent(user_id(update), chat_id(update))
    # Pressed while something else interrupted the registration (the urgent offer): what
    # the registration stored (the deep link it began with) is kept all the same.
    held = flow if flow and flow.flow == REGISTER else interrupted(flow)
    data = dict(held.data) if held and held.flow == REGISTER else {}
    step = next_step(member)
    if step is None:
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, member_texts.registered(member.display_name or ""))
        return
    await svc.flows.put(chat_id(update), REGISTER, step.value, data)
    # Keep the privacy notice on screen, with the answer under it.
    await edit_or_reply(
        update,
        member_texts.welcome(svc.settings.service_name) + "\n\n" + member_texts.CONSENT_GIVEN,
    )
    await ask(update, step)


@guarded
async def use_suggested_name(update: Update, context: Context) -> None:
    """The button offering the Telegram first name."""
    first = update.effective_user.first_name if update.effective_user else ""
    member = await services(context).members.set_name(user_id(update), first or "")
    await edit_or_reply(update, f"Name: <b>{esc(member.display_name or '')}</b>")
    await _advance(update, context, member)


async def _advance(update: Update, context: Context, member: MemberRecord) -> None:
    """After a step is stored: ask the next one, or finish."""
    svc = services(context)
    flow = await svc.flows.get(chat_id(update))
    if flow is not None and flow.flow == EDIT:
        await svc.flows.clear(chat_id(update))
        await reply(update, member_texts.PROFILE_UPDATED, ReplyKeyboardRemove())
        await show_profile(update, context)
        return
    step = next_step(member)
    if step is not None:
        data = dict(flow.data) if flow else {}
        await svc.flows.put(chat_id(update), REGISTER, step.value, data)
        await ask(update, step)
        return
    link = _stored_link(flow.data) if flow else ""
    await svc.flows.clear(chat_id(update))
    await reply(update, member_texts.registered(member.display_name or ""), ReplyKeyboardRemove())
    if link:
        await router.open_deep_link(update, context, link)


def _stored_link(data: Mapping[str, Any]) -> str:
    """The deep link a registration started from ("join" held a group code before deep links
    had a registry: registrations begun then still finish in their group)."""
    if data.get("start"):
        return str(data["start"])
    return f"join-{data['join']}" if data.get("join") else ""


async def register_step(update: Update, context: Context, step: str, _data: dict[str, Any]) -> None:
    """A message during registration: the consent buttons first, then each detail."""
    if step == "consent":
        await reply(
            update,
            member_texts.TAP_CONSENT,
            buttons(
                [
                    [
                        (member_texts.CONSENT_YES, "consent:yes"),
                        (member_texts.CONSENT_NO, "consent:no"),
                    ]
                ]
            ),
        )
        return
    await handle_step(update, context, step, editing=False)


async def edit_step(update: Update, context: Context, step: str, _data: dict[str, Any]) -> None:
    """A message answering a profile edit."""
    await handle_step(update, context, step, editing=True)


async def handle_step(update: Update, context: Context, step: str, editing: bool) -> None:
    """A message answering a registration or edit step."""
    svc = services(context)
    message = update.effective_message
    assert message is not None
    uid = user_id(update)
    if step == RegistrationStep.NAME:
        if not message.text:
            await reply(
                update, member_texts.EXPECTED_TEXT.format(question="What name should we show?")
            )
            return
        member = await svc.members.set_name(uid, message.text)
    elif step in (RegistrationStep.PHONE, PHONE_CODE):
        if message.contact is not None:
            if message.contact.user_id != uid:
                await reply(update, member_texts.NOT_YOUR_CONTACT, phone_keyboard())
                return
            member = await svc.members.set_shared_phone(uid, message.contact.phone_number)
        elif message.text and step == PHONE_CODE and looks_like_code(message.text):
            member = await svc.phones.confirm(uid, message.text)
            await reply(update, member_texts.PHONE_CONFIRMED)
        elif message.text:
            try:
                sent = await svc.phones.offer(uid, message.text)
            except InvalidInput:
                if step != PHONE_CODE:
                    raise
                raise InvalidInput(member_texts.NEITHER_CODE_NOR_NUMBER) from None
            if sent is not None:
                await _wait_for_code(update, context, sent)
                return
            found = await svc.members.by_telegram(uid)
            if found is None:
                return
            member = found
        else:
            await reply(
                update,
                member_texts.ASK_CODE if step == PHONE_CODE else member_texts.ASK_PHONE,
                None if step == PHONE_CODE else phone_keyboard(),
            )
            return
    elif step == RegistrationStep.ADDRESS:
        if message.location is not None:
            member = await svc.members.set_location(
                uid, message.location.latitude, message.location.longitude
            )
        elif message.text:
            member = await svc.members.set_address(uid, message.text)
        else:
            await reply(update, member_texts.ASK_ADDRESS, location_keyboard())
            return
    else:
        await svc.flows.clear(chat_id(update))
        return
    await _advance(update, context, member)


async def _wait_for_code(
    update: Update, context: Context, sent: CodeSent, *, again: bool = False
) -> None:
    """A code is on its way: the chat's flow now waits for it."""
    svc = services(context)
    flow = await svc.flows.get(chat_id(update))
    name = flow.flow if flow is not None and flow.flow in (REGISTER, EDIT) else EDIT
    await svc.flows.put(chat_id(update), name, PHONE_CODE, dict(flow.data) if flow else {})
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    await reply(
        update,
        member_texts.code_sent(sent.masked, minutes, again=again),
        buttons(
            [
                [
                    (member_texts.RESEND_CODE_BUTTON, "phone:resend"),
                    (member_texts.OTHER_NUMBER_BUTTON, "phone:other"),
                ]
            ]
        ),
    )


@guarded
async def code_button(update: Update, context: Context) -> None:
    """Under a code message: send a new code, or go back to typing a number."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    flow = await svc.flows.get(chat_id(update))
    if flow is None or flow.step != PHONE_CODE:
        await expired(update)
        return
    if query.data == "phone:resend":
        await _wait_for_code(update, context, await svc.phones.resend(user_id(update)), again=True)
        return
    await svc.flows.put(chat_id(update), flow.flow, RegistrationStep.PHONE.value, dict(flow.data))
    await ask(update, RegistrationStep.PHONE, editing=flow.flow == EDIT)


@guarded
async def start_edit(update: Update, context: Context) -> None:
    """The profile's edit buttons."""
    query = update.callback_query
    assert query is not None and query.data is not None
    field = query.data.removeprefix("edit:")
    try:
        step = RegistrationStep(field)
    except ValueError:
        await expired(update)
        return
    svc = services(context)
    if await svc.members.by_telegram(user_id(update)) is None:
        await reply(update, texts.NEEDS_REGISTRATION)
        return
    await svc.flows.put(chat_id(update), EDIT, step.value)
    await ask(update, step, editing=True)
