"""What victim assistance sends through the outbox and its SMS replies (English first).

Telegram texts are HTML with every user-written part escaped; SMS texts are plain (the outbox
puts the service's name in front). Nothing here goes to a group: every message is to the person
or to the officer who opened the follow-up. The person's button data names the follow-up only.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core import timefmt
from core.delivery import Message
from core.markup import esc
from core.victims.rules import STATUSES, crime_label
from storage.victims.records import FollowupRecord

EMERGENCY = "If this is an emergency, call 911 now."


def masked(phone: str) -> str:
    """A number as officers' lists show it: its last four digits."""
    return f"…{phone[-4:]}"


def named(followup: FollowupRecord) -> str:
    """The officer as the person reads their name ("Officer Lee", or "The officer")."""
    return followup.officer_label or "The officer"


def named_within(followup: FollowupRecord) -> str:
    """The officer named within a sentence ("Officer Lee", or "the officer")."""
    return followup.officer_label or "the officer"


def owner(followup: FollowupRecord) -> str:
    """Who has the follow-up, as officers' lists show it."""
    return followup.officer_label or f"officer tg {followup.officer_telegram_id}"


def reached_by(followup: FollowupRecord) -> str:
    """How the person is reached, without their number in full."""
    if followup.channel == "sms":
        return f"text {masked(followup.address or '')}"
    if followup.address is None:
        return "Telegram invite link (not opened yet)"
    return "Telegram"


def list_line(followup: FollowupRecord, now: datetime) -> str:
    """One follow-up in /victims (HTML)."""
    return (
        f"<b>{followup.reference}</b> case {esc(followup.case_number)} — "
        f"{esc(crime_label(followup.crime_type))}\n"
        f"   {esc(STATUSES.get(followup.status, followup.status))}; "
        f"{timefmt.age(followup.created_at, now)} old; {esc(owner(followup))}"
    )


def digest(stale: list[FollowupRecord], now: datetime) -> Message:
    """The officers' daily list of open follow-ups untouched for three working days: case
    number, crime type, age and owner only (nothing of the person)."""
    count = len(stale)
    noun = f"victim follow-up{'s' if count != 1 else ''}"
    head = f"🤝 <b>{count} {noun} untouched for 3 working days</b> — /victims to see them"
    lines = [head]
    text = [f"{count} {noun} untouched for 3 working days:"]
    for f in stale:
        crime = crime_label(f.crime_type)
        old = timefmt.age(f.created_at, now)
        lines.append(
            f"<b>{f.reference}</b> case {esc(f.case_number)} — {esc(crime)}; {old} old; "
            f"{esc(owner(f))}"
        )
        text.append(f"{f.reference} case {f.case_number}, {crime}, {old} old, {owner(f)}")
    return Message(html="\n".join(lines), text="\n".join(text))


def card(followup: FollowupRecord, now: datetime, zone: ZoneInfo) -> str:
    """A follow-up as officers see it."""
    return "\n".join(
        [
            f"🤝 <b>{followup.reference}</b> — case <b>{esc(followup.case_number)}</b>",
            f"Crime: {esc(crime_label(followup.crime_type))}",
            f"Reached by: {esc(reached_by(followup))}",
            f"Status: {esc(STATUSES.get(followup.status, followup.status))}",
            f"Check-ins sent: {followup.checkins_sent} of 3",
            f"Opened {timefmt.local(followup.created_at, zone)} "
            f"({timefmt.age(followup.created_at, now)} ago) by {esc(owner(followup))}",
        ]
    )


# To the person

PERSON_BUTTONS_NOTE = "Not for emergencies: call 911."


def consent_request(followup: FollowupRecord, service: str) -> Message:
    """Asked first, before anything else is sent."""
    what = crime_label(followup.crime_type).lower()
    html = (
        f"🤝 <b>{esc(service)}: help after a crime</b>\n\n"
        f"{esc(named(followup))} of the Crime Prevention Unit would like to send you "
        f"local resources for victims ({esc(what)}, case {esc(followup.case_number)}) and "
        "check in with you in 2 days, 2 weeks and 1 month. You can stop at any time.\n\n"
        f"May we? {PERSON_BUTTONS_NOTE}"
    )
    text = (
        f"{named(followup)} of the Crime Prevention Unit would like to text you local "
        f"resources for victims (case {followup.case_number}) and check in with you over the "
        "next month. Reply YES to agree or NO if you'd rather not. Emergency? Call 911."
    )
    return Message(
        html=html,
        text=text,
        buttons=(
            (
                ("✅ Yes, please", f"vicp:y:{followup.id}"),
                ("No, thank you", f"vicp:n:{followup.id}"),
            ),
        ),
    )


def person_buttons(followup_id: int, key: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    """What the person can do from the resources or a check-in."""
    return (
        (("✍️ Answer", f"vicp:a:{followup_id}"), ("📞 Call me back", f"vicp:c:{followup_id}:{key}")),
        (("🛑 No more check-ins", f"vicp:s:{followup_id}"),),
    )


SMS_ACTIONS = (
    "Reply with a message for the officer, CALL to be called back, NOMORE to stop check-ins."
)


def resources(followup: FollowupRecord, text: str) -> Message:
    """The department's resources, sent once the person said yes."""
    html = (
        f"🤝 <b>Thank you. Here is help for you (case {esc(followup.case_number)}):</b>\n\n"
        f"{esc(text)}\n\n"
        f"{esc(named(followup))} will check in with you in 2 days. "
        f"{PERSON_BUTTONS_NOTE}"
    )
    return Message(
        html=html,
        text=f"{text}\n{SMS_ACTIONS} Emergency? Call 911.",
        buttons=person_buttons(followup.id, "0"),
    )


CHECKIN_WHEN = {"2d": "a couple of days", "2w": "two weeks", "1m": "a month"}


def checkin(followup: FollowupRecord, key: str) -> Message:
    """'How are you doing; do you need anything?'"""
    since = CHECKIN_WHEN.get(key, "a while")
    html = (
        f"🤝 <b>Checking in</b> (case {esc(followup.case_number)})\n\n"
        f"It has been {since} since we spoke. How are you doing? Do you need anything?\n"
        f"Press Answer to write to {esc(named_within(followup))}, or Call me back. "
        f"{PERSON_BUTTONS_NOTE}"
    )
    text = (
        f"Checking in (case {followup.case_number}): it has been {since}. How are you doing? "
        f"Do you need anything? {SMS_ACTIONS} Emergency? Call 911."
    )
    return Message(html=html, text=text, buttons=person_buttons(followup.id, key))


def officer_wrote(followup: FollowupRecord, body: str) -> Message:
    """The officer's reply to the person."""
    html = (
        f"🤝 <b>{esc(named(followup))}</b> (case {esc(followup.case_number)}):\n\n"
        f"{esc(body)}\n\n{PERSON_BUTTONS_NOTE}"
    )
    text = f"{named(followup)} (case {followup.case_number}): {body} Reply to answer."
    buttons = ((("✍️ Answer", f"vicp:a:{followup.id}"),),)
    return Message(html=html, text=text, buttons=buttons)


def closed_for_person(followup: FollowupRecord) -> Message:
    """The officer closed the follow-up."""
    html = (
        f"🤝 {esc(named(followup))} has closed the follow-up for case "
        f"{esc(followup.case_number)}: there will be no more check-ins. Take care. "
        f"{PERSON_BUTTONS_NOTE}"
    )
    text = (
        f"{named(followup)} has closed the follow-up for case {followup.case_number}: "
        "no more check-ins. Take care. Emergency? Call 911."
    )
    return Message(html=html, text=text)


# To the officer who opened it


def _to_officer(followup: FollowupRecord, html: str, text: str, *, reply: bool) -> Message:
    rows: list[tuple[tuple[str, str], ...]] = []
    if reply:
        rows.append((("✍️ Reply", f"vic:r:{followup.id}"), ("Close", f"vic:x:{followup.id}")))
    else:
        rows.append((("Open", f"vic:v:{followup.id}"),))
    return Message(html=html, text=text, buttons=tuple(rows))


def consented(followup: FollowupRecord) -> Message:
    """The person said yes."""
    return _to_officer(
        followup,
        f"🤝 {followup.reference} (case <b>{esc(followup.case_number)}</b>): they agreed. "
        "They have the resources; check-ins follow at 2 days, 2 weeks and 1 month.",
        f"{followup.reference} case {followup.case_number}: they agreed; resources sent.",
        reply=True,
    )


def declined(followup: FollowupRecord) -> Message:
    """The person said no."""
    return _to_officer(
        followup,
        f"🤝 {followup.reference} (case <b>{esc(followup.case_number)}</b>): they declined. "
        "Nothing more will be sent to them.",
        f"{followup.reference} case {followup.case_number}: they declined.",
        reply=False,
    )


def opted_out(followup: FollowupRecord) -> Message:
    """The person's number opted out of texts (STOP)."""
    return _to_officer(
        followup,
        f"🤝 {followup.reference} (case <b>{esc(followup.case_number)}</b>): their number "
        "opted out of our texts (STOP). Nothing more will be texted to them.",
        f"{followup.reference} case {followup.case_number}: their number opted out (STOP).",
        reply=False,
    )


def answered(followup: FollowupRecord, body: str, *, emergency: bool) -> Message:
    """The person wrote to the officer."""
    flag = "🚨 <b>It may be an emergency: they were told to call 911.</b>\n" if emergency else ""
    return _to_officer(
        followup,
        f"🤝 {flag}<b>{followup.reference}</b> (case <b>{esc(followup.case_number)}</b>) "
        f"wrote:\n\n{esc(body)}",
        f"{followup.reference} case {followup.case_number} wrote: {body}",
        reply=True,
    )


def callback_asked(followup: FollowupRecord, phone: str | None) -> Message:
    """The person asked to be called back."""
    number = f" Their number: {phone}." if phone else " They gave us no number: reply to ask."
    return _to_officer(
        followup,
        f"📞 <b>{followup.reference}</b> (case <b>{esc(followup.case_number)}</b>) asks you to "
        f"call them back.{esc(number)}",
        f"{followup.reference} case {followup.case_number} asks you to call back.{number}",
        reply=True,
    )


def stopped(followup: FollowupRecord) -> Message:
    """The person asked for no more check-ins."""
    return _to_officer(
        followup,
        f"🤝 {followup.reference} (case <b>{esc(followup.case_number)}</b>): they asked for no "
        "more check-ins. They can still write to you; close it when you are done.",
        f"{followup.reference} case {followup.case_number}: no more check-ins, they asked.",
        reply=True,
    )


def forgotten(followup: FollowupRecord) -> Message:
    """The person asked to be forgotten (/forget): the follow-up is gone."""
    return Message(
        html=f"🤝 {followup.reference} (case <b>{esc(followup.case_number)}</b>): the person "
        "asked us to forget them (/forget). The follow-up and its check-ins are deleted.",
        text=f"{followup.reference} case {followup.case_number}: deleted on the person's /forget.",
    )


# SMS replies (sent as they are: they name the service themselves)


def sms_consented(service: str) -> str:
    """YES texted (longer than the word alone)."""
    return f"{service}: thank you. The resources are on their way. Emergency? Call 911."


def sms_declined(service: str) -> str:
    """NO texted before consenting."""
    return f"{service}: understood. We won't text you about this again. Emergency? Call 911."


def sms_consent_first(service: str) -> str:
    """Anything else texted before consenting."""
    return (
        f"{service}: reply YES to get help for victims of crime and check-ins from the officer, "
        "or NO if you'd rather not. Emergency? Call 911."
    )


def sms_answered(service: str, officer: str, *, emergency: bool) -> str:
    """A message texted in reached the officer."""
    first = f"{EMERGENCY} " if emergency else ""
    return f"{first}{service}: sent to {officer}. Not for emergencies: call 911."


def sms_refused(service: str, reason: str) -> str:
    """A texted message refused (too long)."""
    return f"{service}: {reason}"


def sms_callback(service: str, officer: str, *, again: bool) -> str:
    """CALL texted."""
    if again:
        return f"{service}: {officer} already knows you'd like a call back."
    return f"{service}: we've asked {officer} to call you back. Emergency? Call 911."


def sms_nomore_question(service: str, case: str) -> str:
    """NOMORE texted: confirm first."""
    return (
        f"{service}: stop the check-ins for case {case}? Reply NOMORE YES to stop them. You "
        "can still text the officer."
    )


def sms_nomore_done(service: str, case: str) -> str:
    """NOMORE YES texted."""
    return f"{service}: no more check-ins for case {case}. You can still text the officer."


def sms_nothing_open(service: str) -> str:
    """CALL or NOMORE from a number without a follow-up."""
    return f"{service}: there is no follow-up with an officer for this number. Emergency? Call 911."
