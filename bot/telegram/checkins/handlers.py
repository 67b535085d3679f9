"""Daily check-ins in Telegram: /checkin (sign up yourself or someone you look after, then
your settings card: time, wait, days off, time zone, pause, contacts, scam warnings, history,
stop), the prompt's I'm OK / I need help, a contact's I've got it, the links a person and a
contact confirm with, and the officers' /checkins and /duty.

Any message from an enrolled person answers their open check-in (`heard`, before every other
handler); free text that only answers it is thanked here, and one with an emergency word is a
call for help (911 first). Permissions and every rule are in core.checkins."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram import router
from bot.telegram.checkins import texts
from bot.telegram.common import (
    Context,
    actor,
    button_in_flow,
    buttons,
    chat_id,
    edit_or_reply,
    guarded,
    reply,
    services,
    unversioned,
    user_id,
    versioned,
)
from bot.telegram.texts import USE_BUTTONS
from core import validation
from core.checkins import Draft, EnrollmentRecord, messages
from core.checkins.rules import (
    MAX_CONTACTS,
    WINDOW_CHOICES,
    clean_name,
    days_text,
    first_name,
    parse_days_off,
    parse_times,
    sounds_ok,
    times_text,
)
from core.errors import Conflict, InvalidInput, NotFound
from core.markup import esc

SIGN_UP = "checkin"
SETTING = "checkin_set"
CONTACT = "checkin_contact"
PERSON_LINK = "checkin-"
CONTACT_LINK = "checkinc-"
TG = "telegram"
DAY_CHOICES = {"none": "", "sun": "sun", "weekend": "sat,sun"}


def _thanks(e: EnrollmentRecord) -> str:
    """'Thank you, Ruth — you're checked in for today.'"""
    return texts.CHECKED_IN.format(name=esc(first_name(e.person_name)))


def _address(update: Update) -> str:
    return str(chat_id(update))


# Sign-up


def _sign_up_markup(
    step: str, version: int, data: dict[str, Any], sms: bool
) -> InlineKeyboardMarkup | None:
    def b(label: str, action: str) -> tuple[str, str]:
        return (label, versioned(f"chkf:{action}", version))

    if step == "who":
        return buttons([[b(texts.FOR_ME, "who:me")], [b(texts.FOR_OTHER, "who:other")]])
    if step == "channel":
        return buttons(
            [[b(texts.TELEGRAM, "ch:telegram"), b(texts.SMS, "ch:sms"), b(texts.BOTH, "ch:both")]]
        )
    if step == "window":
        return buttons([[b(f"{m} min", f"w:{m}") for m in WINDOW_CHOICES]])
    if step == "days":
        return buttons(
            [
                [b(texts.EVERY_DAY, "d:none")],
                [b(texts.NO_SUNDAYS, "d:sun"), b(texts.NO_WEEKENDS, "d:weekend")],
            ]
        )
    if step == "how":
        rows = [[b(texts.BY_LINK, "how:link")]]
        if sms:
            rows.insert(0, [b(texts.BY_TEXT, "how:sms")])
        return buttons(rows)
    if step == "address":
        return buttons([[b(texts.SKIP, "addr:skip")]])
    if step == "review":
        go = texts.SEND if data.get("other") else texts.START
        return buttons([[b(go, "start"), b(texts.CANCEL, "cancel")]])
    return None


def _draft(data: dict[str, Any]) -> Draft:
    return Draft(
        person_name=str(data.get("name", "")),
        times=tuple(data.get("times", ())),
        channels=str(data.get("channel", TG)),
        window_minutes=int(data.get("window", 60)),
        days_off=tuple(int(d) for d in data.get("days", ())),
        address=data.get("address") or None,
        phone=data.get("phone") or None,
    )


def _review_lines(data: dict[str, Any]) -> list[str]:
    channel = {"telegram": "Telegram", "sms": "text message", "both": "Telegram and text"}
    lines = [
        f"Every day at {times_text(data.get('times', []))}",
        f"By {channel.get(str(data.get('channel', TG)), 'Telegram')}",
        f"Contacts asked after {data.get('window', 60)} minutes without an answer",
        f"Days off: {days_text([int(d) for d in data.get('days', [])])}",
    ]
    if data.get("address"):
        lines.append(f"Address told to contacts: {data['address']}")
    return lines


def _sign_up_prompt(step: str, data: dict[str, Any]) -> str:
    if step == "review":
        return texts.review(
            str(data.get("name", "")), _review_lines(data), other=bool(data.get("other"))
        )
    return {
        "who": texts.INTRO,
        "time": texts.ASK_TIME,
        "channel": texts.ASK_CHANNEL,
        "window": texts.ASK_WINDOW,
        "days": texts.ASK_DAYS,
        "pname": texts.ASK_PERSON_NAME,
        "how": texts.ASK_PERSON_HOW,
        "phone": texts.ASK_PERSON_PHONE,
        "address": texts.ASK_PERSON_ADDRESS,
    }[step]


async def goto(update: Update, context: Context, data: dict[str, Any], step: str) -> None:
    """Store the sign-up at `step` and ask its question (editing the pressed message)."""
    svc = services(context)
    version = await svc.flows.put(chat_id(update), SIGN_UP, step, data)
    markup = _sign_up_markup(step, version, data, svc.settings.sms_enabled)
    await edit_or_reply(update, _sign_up_prompt(step, data), markup)


@guarded
async def checkin_command(update: Update, context: Context) -> None:
    """/checkin: the person's card when enrolled, else the sign-up."""
    svc = services(context)
    mine = await svc.checkins.service.mine(TG, _address(update))
    if mine is not None:
        await show_card(update, context, mine)
        return
    watching = await svc.checkins.service.watched_by(TG, _address(update))
    if watching:
        rows = [[(f"{texts.HISTORY}: {e.person_name}", f"chk:hist:{e.id}")] for _c, e in watching]
        await reply(update, texts.watching([e.person_name for _c, e in watching]), buttons(rows))
    await goto(update, context, {}, "who")


async def sign_up_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message in /checkin's sign-up: what does not fit gets the reason; the step stays."""
    message = update.effective_message
    assert message is not None
    text = message.text
    if step in ("time", "pname", "phone", "address", "days") and not text:
        raise InvalidInput(texts.TEXT_EXPECTED)
    assert text is not None or step not in ("time", "pname", "phone", "address", "days")
    if step == "time":
        data["times"] = parse_times(text or "")
        if data.get("other"):
            await goto(update, context, data, "address")
        elif services(context).settings.sms_enabled and await _member_phone(update, context):
            await goto(update, context, data, "channel")
        else:
            data["channel"] = TG
            await goto(update, context, data, "window")
    elif step == "days":
        data["days"] = parse_days_off(text or "")
        await goto(update, context, data, "review")
    elif step == "pname":
        data["name"] = clean_name(text or "", "Their name")
        await goto(update, context, data, "how")
    elif step == "phone":
        try:
            data["phone"] = validation.phone_e164(text or "")
        except InvalidInput:
            raise InvalidInput(
                "That doesn't look like a phone number. Type it with its area code, e.g. "
                "(203) 555-0142. (/cancel)"
            ) from None
        await goto(update, context, data, "time")
    elif step == "address":
        data["address"] = validation.street_address(text or "")
        await goto(update, context, data, "review")
    else:  # who, channel, window, how, review: buttons only
        await reply(update, USE_BUTTONS)


async def _member_phone(update: Update, context: Context) -> str | None:
    who = await actor(update, context)
    return who.member.phone_e164 if who.member is not None else None


@guarded
async def sign_up_button(update: Update, context: Context) -> None:
    """The sign-up's buttons (chkf:...)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("chkf:")
    pressed = await button_in_flow(update, context, SIGN_UP)
    if pressed is None:
        return
    step, data = pressed.flow.step, dict(pressed.flow.data)
    svc = services(context)
    if step == "who" and action in ("who:me", "who:other"):
        who = await actor(update, context)
        if who.member is None or not who.member.is_registered:
            await svc.flows.clear(chat_id(update))
            await edit_or_reply(update, texts.REGISTER_FIRST)
            return
        if action == "who:me":
            data.update(name=who.member.display_name or "neighbor", address=who.member.address)
            data["phone"] = who.member.phone_e164
            await goto(update, context, data, "time")
        else:
            data.update(other=True, signer=who.member.display_name or "A neighbor")
            await goto(update, context, data, "pname")
    elif (
        step == "channel" and action.startswith("ch:") and action[3:] in ("telegram", "sms", "both")
    ):
        data["channel"] = action[3:]
        await goto(update, context, data, "window")
    elif step == "window" and action.startswith("w:") and action[2:].isdigit():
        data["window"] = int(action[2:])
        await goto(update, context, data, "days")
    elif step == "days" and action.startswith("d:") and action[2:] in DAY_CHOICES:
        data["days"] = parse_days_off(DAY_CHOICES[action[2:]] or "none")
        await goto(update, context, data, "review")
    elif step == "how" and action in ("how:sms", "how:link"):
        data["how"] = action[4:]
        data["channel"] = "sms" if data["how"] == "sms" else TG
        if data["how"] == "sms":
            await goto(update, context, data, "phone")
        else:
            data.pop("phone", None)
            await goto(update, context, data, "time")
    elif step == "address" and action == "addr:skip":
        data["address"] = None
        await goto(update, context, data, "review")
    elif step == "review" and action == "start":
        await _start(update, context, data, pressed.claim)
    elif step == "review" and action == "cancel":
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, texts.CANCELLED)
    else:
        raise Conflict(texts.STEP_EXPIRED)


async def _start(update: Update, context: Context, data: dict[str, Any], claim: Any) -> None:
    svc = services(context)
    checkins = svc.checkins.service
    draft = _draft(data)
    if data.get("other"):
        opened = await checkins.sign_up_other(
            str(data.get("signer", "A neighbor")),
            _address(update),
            draft,
            by_link=data.get("how") != "sms",
            claim=claim,
        )
        if opened.invite_token:
            link = f"https://t.me/{context.bot.username}?start={PERSON_LINK}{opened.invite_token}"
            await edit_or_reply(update, texts.asked_by_link(draft.person_name, link))
        else:
            await edit_or_reply(update, texts.asked_by_text(draft.person_name))
        return
    who = await actor(update, context)
    e = await checkins.enroll(
        draft,
        chat=_address(update),
        member_id=who.member.id if who.member else None,
        claim=claim,
    )
    contacts = await checkins.contacts(e.id)
    await edit_or_reply(
        update,
        texts.started(first_name(e.person_name), messages.schedule_lines(e, contacts)),
        buttons([[(texts.ADD_CONTACT, f"chkm:c:{e.id}")]]),
    )


# The settings card


def _card_markup(e: EnrollmentRecord, contacts: int) -> InlineKeyboardMarkup:
    i = e.id
    rows = [
        [
            (texts.CHANGE_TIME, f"chkm:t:{i}"),
            (texts.CHANGE_WAIT, f"chkm:w:{i}"),
            (texts.CHANGE_DAYS, f"chkm:d:{i}"),
        ],
        [
            (texts.RESUME, f"chkm:r:{i}") if e.paused_through else (texts.PAUSE, f"chkm:p:{i}"),
            (texts.CHANGE_ZONE, f"chkm:z:{i}"),
            (texts.CHANGE_CHANNEL, f"chkm:ch:{i}"),
        ],
    ]
    contact_row = []
    if contacts < MAX_CONTACTS:
        contact_row.append((texts.ADD_CONTACT, f"chkm:c:{i}"))
    if contacts:
        contact_row.append((texts.REMOVE_CONTACT, f"chkm:rc:{i}"))
    rows.append(contact_row)
    rows.append(
        [
            (texts.SCAMS_ON if e.scam_digest else texts.SCAMS_OFF, f"chkm:s:{i}"),
            (texts.HISTORY, f"chk:hist:{i}"),
        ]
    )
    rows.append([(texts.STOP, f"chkm:x:{i}")])
    return buttons(rows)


async def show_card(update: Update, context: Context, e: EnrollmentRecord) -> None:
    """The person's settings and their latest check-in, with what they can change."""
    if e.status == "awaiting":
        await edit_or_reply(update, texts.waiting_card(first_name(e.person_name)))
        return
    svc = services(context)
    contacts = await svc.checkins.service.contacts(e.id)
    latest = await svc.checkins.service.latest(e.id)
    today = (
        f"{messages.local_slot(latest)}: {messages.STATUSES.get(latest.status, latest.status)}"
        if latest
        else "no check-in yet"
    )
    await edit_or_reply(
        update,
        texts.card(first_name(e.person_name), messages.schedule_lines(e, contacts), today),
        _card_markup(e, len(contacts)),
    )


SETTING_QUESTIONS = {
    "times": texts.ASK_NEW_TIME,
    "back": texts.ASK_BACK,
    "timezone": texts.ASK_ZONE,
    "days_off": texts.ASK_DAYS,
}


@guarded
async def card_button(update: Update, context: Context) -> None:
    """chkm:ACTION:ID[:ARG]: the settings card's buttons (they act only in the person's chat)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    if len(parts) < 3 or not parts[2].isdigit():
        raise Conflict(texts.STEP_EXPIRED)
    action, enrollment_id, arg = parts[1], int(parts[2]), parts[3] if len(parts) > 3 else ""
    svc = services(context)
    checkins = svc.checkins.service
    address = _address(update)
    mine = await checkins.mine(TG, address)
    if mine is None or mine.id != enrollment_id:
        raise NotFound("Those check-ins are no longer there. Send /checkin to see yours.")
    if action == "t":
        await svc.flows.put(chat_id(update), SETTING, "text", {"id": mine.id, "what": "times"})
        await reply(update, texts.ASK_NEW_TIME)
    elif action == "z":
        await svc.flows.put(chat_id(update), SETTING, "text", {"id": mine.id, "what": "timezone"})
        await reply(update, texts.ASK_ZONE)
    elif action == "p":
        await svc.flows.put(chat_id(update), SETTING, "text", {"id": mine.id, "what": "back"})
        await reply(update, texts.ASK_BACK)
    elif action == "r":
        await show_card(update, context, await checkins.change(mine.id, TG, address, resume=True))
    elif action == "s":
        await show_card(
            update,
            context,
            await checkins.change(mine.id, TG, address, scam_digest=not mine.scam_digest),
        )
    elif action == "w" and not arg:
        rows = [[(f"{m} min", f"chkm:w:{mine.id}:{m}") for m in WINDOW_CHOICES]]
        await edit_or_reply(update, texts.ASK_WINDOW, buttons(rows))
    elif action == "w" and arg.isdigit():
        await show_card(
            update, context, await checkins.change(mine.id, TG, address, window=int(arg))
        )
    elif action == "d" and not arg:
        await svc.flows.put(chat_id(update), SETTING, "text", {"id": mine.id, "what": "days_off"})
        rows = [
            [(texts.EVERY_DAY, f"chkm:d:{mine.id}:none")],
            [
                (texts.NO_SUNDAYS, f"chkm:d:{mine.id}:sun"),
                (texts.NO_WEEKENDS, f"chkm:d:{mine.id}:weekend"),
            ],
        ]
        await edit_or_reply(update, texts.ASK_DAYS, buttons(rows))
    elif action == "d" and arg in DAY_CHOICES:
        await svc.flows.clear(chat_id(update))
        changed = await checkins.change(mine.id, TG, address, days_off=DAY_CHOICES[arg] or "none")
        await show_card(update, context, changed)
    elif action == "ch" and not arg:
        rows = [
            [
                (texts.TELEGRAM, f"chkm:ch:{mine.id}:telegram"),
                (texts.SMS, f"chkm:ch:{mine.id}:sms"),
                (texts.BOTH, f"chkm:ch:{mine.id}:both"),
            ]
        ]
        await edit_or_reply(update, texts.ASK_CHANNEL, buttons(rows))
    elif action == "ch" and arg in ("telegram", "sms", "both"):
        await show_card(update, context, await checkins.change(mine.id, TG, address, channels=arg))
    elif action == "c":
        if len(await checkins.contacts(mine.id)) >= MAX_CONTACTS:
            raise Conflict(f"You already have {MAX_CONTACTS} contacts: remove one first.")
        await svc.flows.put(chat_id(update), CONTACT, "name", {"id": mine.id})
        await reply(update, texts.ASK_CONTACT_NAME)
    elif action == "rc" and not arg:
        contacts = await checkins.contacts(mine.id)
        rows = [[(f"➖ {c.name}", f"chkm:rc:{mine.id}:{c.id}")] for c in contacts]
        await edit_or_reply(update, "Which contact should be removed?", buttons(rows))
    elif action == "rc" and arg.isdigit():
        await checkins.remove_contact(mine.id, TG, address, int(arg))
        await show_card(update, context, mine)
    elif action == "x":
        rows = [[(texts.STOP_YES, f"chkm:xy:{mine.id}"), (texts.KEEP, f"chkm:xn:{mine.id}")]]
        await edit_or_reply(update, texts.STOP_QUESTION, buttons(rows))
    elif action == "xy":
        await checkins.stop(mine.id, TG, address)
        await edit_or_reply(update, texts.STOPPED)
    elif action == "xn":
        await show_card(update, context, mine)
    else:
        raise Conflict(texts.STEP_EXPIRED)


async def setting_step(update: Update, context: Context, _step: str, data: dict[str, Any]) -> None:
    """The typed answer to a setting's question (a time, the day back, a zone, days off)."""
    message = update.effective_message
    assert message is not None
    if not message.text:
        raise InvalidInput(texts.TEXT_EXPECTED)
    svc = services(context)
    what = str(data.get("what"))
    if what not in SETTING_QUESTIONS:
        await svc.flows.clear(chat_id(update))
        raise Conflict(texts.STEP_EXPIRED)
    changed = await svc.checkins.service.change(
        int(data.get("id", 0)), TG, _address(update), **{what: message.text}
    )
    await svc.flows.clear(chat_id(update))
    await show_card(update, context, changed)


# Contacts


def _contact_markup(version: int, sms: bool) -> InlineKeyboardMarkup:
    rows = [[(texts.CONTACT_LINK, versioned("chkc:how:link", version))]]
    if sms:
        rows.insert(0, [(texts.CONTACT_PHONE, versioned("chkc:how:phone", version))])
    return buttons(rows)


async def contact_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """Adding a contact: their name, then a phone number (or a link, by button)."""
    message = update.effective_message
    assert message is not None
    if not message.text:
        raise InvalidInput(texts.TEXT_EXPECTED)
    svc = services(context)
    if step == "name":
        data["name"] = clean_name(message.text, "Their name")
        version = await svc.flows.put(chat_id(update), CONTACT, "how", data)
        await reply(
            update, texts.ASK_CONTACT_HOW, _contact_markup(version, svc.settings.sms_enabled)
        )
    elif step == "phone":
        contact, _token = await svc.checkins.service.add_contact(
            int(data.get("id", 0)),
            TG,
            _address(update),
            str(data.get("name")),
            message.text,
            invite=False,
        )
        await svc.flows.clear(chat_id(update))
        await reply(update, texts.contact_added(contact.name))
    else:
        await reply(update, USE_BUTTONS)


@guarded
async def contact_button(update: Update, context: Context) -> None:
    """chkc:how:phone|link: how the new contact is reached."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("chkc:")
    pressed = await button_in_flow(update, context, CONTACT)
    if pressed is None:
        return
    data: dict[str, Any] = dict(pressed.flow.data)
    svc = services(context)
    if pressed.flow.step != "how":
        raise Conflict(texts.STEP_EXPIRED)
    if action == "how:phone":
        await svc.flows.put(chat_id(update), CONTACT, "phone", data)
        await edit_or_reply(update, texts.ASK_CONTACT_PHONE)
    elif action == "how:link":
        contact, token = await svc.checkins.service.add_contact(
            int(data.get("id", 0)), TG, _address(update), str(data.get("name")), None, invite=True
        )
        await svc.flows.clear(chat_id(update))
        link = f"https://t.me/{context.bot.username}?start={CONTACT_LINK}{token}"
        await edit_or_reply(update, texts.contact_link(contact.name, link))
    else:
        raise Conflict(texts.STEP_EXPIRED)


# Links


async def open_person_link(update: Update, context: Context, token: str) -> None:
    """checkin-TOKEN: the person someone signed up is asked."""
    e = await services(context).checkins.service.invitation(token)
    await reply(
        update,
        texts.invite_question(e.signed_up_by or "Someone", times_text(e.time_list)),
        buttons([[(texts.AGREE, f"chk:iy:{token}"), (texts.NO_THANKS, f"chk:in:{token}")]]),
    )


async def open_contact_link(update: Update, context: Context, token: str) -> None:
    """checkinc-TOKEN: a contact is asked."""
    contact, e = await services(context).checkins.service.contact_invitation(token)
    if contact.telegram_chat == _address(update):
        await reply(update, texts.contact_accepted(e.person_name))
        return
    await reply(
        update,
        texts.contact_question(e.person_name),
        buttons([[(texts.ACCEPT, f"chk:cy:{token}"), (texts.DECLINE, f"chk:cn:{token}")]]),
    )


# The outbox's buttons and the links' answers


@guarded
async def person_button(update: Update, context: Context) -> None:
    """chk:ok|help|got:ROUND, chk:iy|in|cy|cn:TOKEN, chk:hist:ID, chk:scams:off,
    chk:fg:yes|no."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    arg = parts[2] if len(parts) > 2 else ""
    svc = services(context)
    checkins = svc.checkins.service
    address = _address(update)
    if action == "iy" or action == "in":
        who = await actor(update, context)
        e, _changed = await checkins.accept_invitation(
            arg, address, who.member.id if who.member else None, action == "iy"
        )
        if e.status == "active":
            contacts = await checkins.contacts(e.id)
            await edit_or_reply(
                update,
                texts.started(first_name(e.person_name), messages.schedule_lines(e, contacts)),
            )
        else:
            await edit_or_reply(update, "All right: nothing will be sent to you.")
    elif action == "cy":
        _contact, e, _changed = await checkins.accept_contact(arg, address)
        await edit_or_reply(update, texts.contact_accepted(e.person_name))
    elif action == "cn":
        await checkins.contact_invitation(arg)
        await edit_or_reply(update, texts.CONTACT_DECLINED)
    elif action == "hist" and arg.isdigit():
        await reply(update, await checkins.history(int(arg), TG, address))
    elif action == "scams" and arg == "off":
        await checkins.scams_off(TG, address)
        await reply(update, texts.SCAMS_STOPPED)
    elif action == "fg":
        if arg == "yes":
            await edit_or_reply(update, texts.forgotten(await checkins.forget(TG, address)))
        else:
            await edit_or_reply(update, texts.FORGET_KEPT)
    elif action in ("ok", "help", "got") and arg.isdigit():
        await _round_button(update, context, action, int(arg))
    else:
        raise Conflict(texts.STEP_EXPIRED)


async def _round_button(update: Update, context: Context, action: str, round_id: int) -> None:
    checkins = services(context).checkins.service
    address = _address(update)
    if action == "ok":
        heard = await checkins.ok(round_id, TG, address)
        if not heard.changed:
            raise Conflict(texts.ALREADY_ANSWERED)
        await reply(update, _thanks(heard.enrollment))
    elif action == "help":
        found = await checkins.ask_help(TG, address, None, round_id)
        told = " and ".join(found.told) if found else "the police Crime Prevention Unit"
        await reply(update, texts.HELP_SENT.format(told=esc(told)))
    else:
        who = await actor(update, context)
        taken = await checkins.take(round_id, TG, address, who if who.is_officer else None)
        name = esc(first_name(taken.enrollment.person_name))
        if taken.changed:
            await reply(update, texts.GOT_IT.format(name=name))
        elif taken.round.status in ("answered", "help"):
            raise Conflict(texts.ALREADY_FINE.format(name=first_name(taken.enrollment.person_name)))
        else:
            raise Conflict(
                texts.ALREADY_TAKEN.format(who=taken.round.taken_by or "Someone", name=name)
            )


# Any message answers an open check-in


async def heard(update: Update, context: Context) -> None:
    """Before every other handler: a message from an enrolled person answers their open
    check-in. Free text outside any flow that did only that is thanked (an emergency word in
    it is a call for help: 911 first) and goes no further; a command goes on as usual."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    svc = services(context)
    said = message.text or message.caption or ""
    command = said.startswith("/")
    flow = await svc.flows.get(chat_id(update))
    free = not command and flow is None
    # The text is always read for a call for help ("I fell", typed in the middle of changing
    # a setting, is still one); only free text is thanked and stopped here.
    found = await svc.checkins.service.heard(TG, _address(update), None if command else said)
    if found is None:
        return
    if not found.changed:
        if free and sounds_ok(said):  # "thanks, all fine" after answering: no help menu
            await reply(update, _thanks(found.enrollment))
            raise ApplicationHandlerStop
        return
    if found.help:
        told = " and ".join(found.told)
        await reply(update, texts.HELP_SENT.format(told=esc(told)))
        raise ApplicationHandlerStop
    if free:
        await reply(update, _thanks(found.enrollment))
        raise ApplicationHandlerStop


# Officers


@guarded
async def checkins_command(update: Update, context: Context) -> None:
    """/checkins: everyone enrolled with today's status, officers only."""
    await show_overview(update, context)


async def show_overview(update: Update, context: Context) -> None:
    """The list, with a button per person for their history."""
    svc = services(context)
    rows = await svc.checkins.service.overview(await actor(update, context))
    now = svc.clock.now()
    lines = [messages.overview_line(r.enrollment, r.latest, now) for r in rows[:40]]
    markup = buttons(
        [
            [
                (
                    f"{r.enrollment.reference} {r.enrollment.person_name}"[:60],
                    f"chko:v:{r.enrollment.id}",
                )
            ]
            for r in rows[:40]
        ]
    )
    await edit_or_reply(update, texts.overview(lines), markup if rows else None)


@guarded
async def officer_button(update: Update, context: Context) -> None:
    """chko:v:ID (one person's settings and log), chko:l:0 (the list), chko:duty:on|off."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    action, arg = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
    svc = services(context)
    who = await actor(update, context)
    if action == "v" and arg.isdigit():
        e, history, contacts = await svc.checkins.service.officer_history(who, int(arg))
        lines = "\n".join(f"• {line}" for line in messages.schedule_lines(e, contacts))
        where = f"\n• Address: {e.address}" if e.address else ""
        await edit_or_reply(
            update,
            f"{history}\n\n{esc(lines + where)}",
            buttons([[("⬅️ All check-ins", "chko:l:0")]]),
        )
    elif action == "l":
        await show_overview(update, context)
    elif action == "duty" and arg in ("on", "off"):
        await svc.checkins.service.set_duty(who, arg == "on")
        await show_duty(update, context)
    else:
        raise Conflict(texts.STEP_EXPIRED)


@guarded
async def duty_command(update: Update, context: Context) -> None:
    """/duty: who gets missed check-ins; go on or off duty."""
    await show_duty(update, context)


async def show_duty(update: Update, context: Context) -> None:
    """Who is on duty, and the button to change it."""
    svc = services(context)
    who = await actor(update, context)
    current = await svc.checkins.service.duty(who)
    me = current == who.telegram_user_id
    name = None
    if current is not None:
        name = await svc.checkins.service.officer_shown(current)
    markup = buttons(
        [[(texts.OFF_DUTY, "chko:duty:off")]] if me else [[(texts.ON_DUTY, "chko:duty:on")]]
    )
    await edit_or_reply(update, texts.duty(name, me), markup)


# /forget


async def forget_warning(update: Update, context: Context) -> str | None:
    """For /forget's question: the check-ins that will go."""
    count = await services(context).checkins.service.count(TG, _address(update))
    return texts.forget_warning(count) if count else None


async def offer_forget(update: Update, context: Context) -> bool:
    """/forget from someone who never registered (a contact, a person by link)."""
    count = await services(context).checkins.service.count(TG, _address(update))
    if not count:
        return False
    await reply(
        update,
        texts.forget_confirm(count),
        buttons([[(texts.FORGET_YES, "chk:fg:yes"), (texts.FORGET_NO, "chk:fg:no")]]),
    )
    return True


__all__ = ["CONTACT_LINK", "PERSON_LINK", "router", "user_id"]
