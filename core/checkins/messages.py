"""What daily check-ins send through the outbox, and their SMS replies (English first).

Telegram texts are HTML with every user-written part escaped; SMS texts are plain (the outbox
puts the service's name in front). The prompt goes to the person; a missed check-in goes to
the contacts they chose, then to the officer on duty, with the person's name, address and the
time of the check-in. Button data names the check-in only.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core import timefmt
from core.checkins.rules import (
    clock_text,
    days_text,
    first_name,
    greeting,
    slot_time,
    times_text,
)
from core.delivery import Message
from core.markup import esc
from storage.checkins.records import (
    ContactRecord,
    EnrollmentRecord,
    EventRecord,
    RoundRecord,
)

EMERGENCY = "If this is an emergency, call 911 now."
STATUSES = {
    "waiting": "waiting for an answer",
    "answered": "answered",
    "escalated": "no answer: contacts asked",
    "taken": "no answer: a contact has it",
    "officer": "no answer: officer told",
    "help": "asked for help",
}
EVENTS = {
    "enrolled": "Check-ins started",
    "asked": "Signed up by someone else: waiting for them to confirm",
    "confirmed": "Confirmed by the person",
    "declined": "Declined by the person",
    "changed": "Settings changed",
    "paused": "Paused",
    "resumed": "Resumed",
    "stopped": "Check-ins stopped",
    "contact_added": "Contact added",
    "contact_joined": "Contact accepted the invitation",
    "contact_removed": "Contact removed",
    "contact_stopped": "A contact's number texted STOP",
    "prompted": "Check-in sent",
    "reminded": "Second reminder sent",
    "answered": "Answered",
    "answered_late": "Answered after the contacts were asked",
    "missed": "Not sent: the service was down",
    "escalated": "No answer: contacts asked",
    "no_contact": "No contact could be reached",
    "taken": "A contact is checking",
    "officer": "Officer told",
    "help": "Asked for help",
}


def local_slot(round_: RoundRecord) -> str:
    """'9:00 AM on Thu Dec 3' (the check-in's own wall-clock time)."""
    at = slot_time(round_.slot)
    return f"{clock_text(at.time())} on {at:%a %b} {at.day}"


def when(moment: datetime, zone: ZoneInfo) -> str:
    """'Thu Dec 3, 9:42 AM'."""
    return timefmt.local(moment, zone)


def schedule_lines(e: EnrollmentRecord, contacts: list[ContactRecord]) -> list[str]:
    """The settings as a list (plain text; callers escape)."""
    times = times_text(e.time_list)
    channel = {"telegram": "Telegram", "sms": "text message", "both": "Telegram and text"}
    lines = [
        f"Every day at {times} ({e.timezone.replace('_', ' ')})",
        f"By {channel.get(e.channels, e.channels)}",
        f"Contacts asked after {e.window_minutes} minutes without an answer",
        f"Days off: {days_text(e.weekdays_off)}",
    ]
    if e.paused_through:
        lines.append(f"Paused through {e.paused_through}")
    names = ", ".join(contact_label(c) for c in contacts) or "none yet (the officer is told)"
    lines.append(f"Contacts: {names}")
    lines.append(f"Weekly scam warnings: {'on' if e.scam_digest else 'off'}")
    return lines


def contact_label(c: ContactRecord) -> str:
    """'Dana (text …0142, Telegram)'."""
    ways = []
    if c.phone:
        ways.append(f"text …{c.phone[-4:]}" + (" — opted out" if c.phone_opted_out else ""))
    if c.telegram_chat:
        ways.append("Telegram")
    elif c.invite_token:
        ways.append("Telegram link not opened yet")
    return f"{c.name} ({', '.join(ways) or 'no way to reach'})"


def prompt(e: EnrollmentRecord, round_: RoundRecord, *, second: bool = False) -> Message:
    """The check-in itself, or its second prompt."""
    at = slot_time(round_.slot)
    name = first_name(e.person_name)
    if second:
        text = (
            f"{name}, we haven't heard from you since your {clock_text(at.time())} check-in. "
            "Please reply OK so we know you're all right."
        )
    else:
        text = (
            f"{greeting(at)}, {name} — your daily check-in. Please reply OK to let us know "
            "you're all right."
        )
    html = esc(text).replace("reply OK", "reply OK (or press <b>I'm OK</b>)")
    buttons = ((("✅ I'm OK", f"chk:ok:{round_.id}"), ("🆘 I need help", f"chk:help:{round_.id}")),)
    sms = text + " Reply HELP if you need help. Emergency? Call 911."
    return Message(html=html + f"\n\n<i>{EMERGENCY}</i>", text=sms, buttons=buttons)


def _details(e: EnrollmentRecord) -> str:
    return f"Address: {e.address}" if e.address else "No address on file"


def missed(e: EnrollmentRecord, round_: RoundRecord, deadline: datetime, zone: ZoneInfo) -> Message:
    """To each contact: the check-in was not answered; 'I've got it' stops the others."""
    name = e.person_name
    lead = (
        f"The service was down; we could not reach {name} at {local_slot(round_)}."
        if round_.downtime
        else f"{name} did not answer the {local_slot(round_)} check-in."
    )
    text = (
        f"{lead} {_details(e)}. Please check on them. If no one says they have it by "
        f"{when(deadline, zone)}, the police Crime Prevention Officer will be told."
    )
    html = (
        f"⚠️ <b>Check-in missed</b>\n{esc(lead)}\n{esc(_details(e))}.\n\n"
        f"Please check on {esc(first_name(name))}. Press <b>I've got it</b> if you will: the "
        f"other contacts are told. If no one does by {esc(when(deadline, zone))}, the police "
        f"Crime Prevention Officer will be told.\n\n<i>{EMERGENCY}</i>"
    )
    sms = text + " Reply GOT if you will check. Emergency? Call 911."
    return Message(html=html, text=sms, buttons=((("🙋 I've got it", f"chk:got:{round_.id}"),),))


def to_officer(
    e: EnrollmentRecord,
    round_: RoundRecord,
    contacts: list[ContactRecord],
    reason: str,
) -> Message:
    """To the officer on duty: nobody took the missed check-in (or nobody could be reached)."""
    lead = (
        f"The service was down; we could not reach {e.person_name} at {local_slot(round_)}."
        if round_.downtime
        else f"{e.person_name} did not answer the {local_slot(round_)} check-in."
    )
    tried = ", ".join(contact_label(c) for c in contacts) or "none"
    reach = ", ".join(ch for ch, _a in e.addresses) or "no channel"
    html = (
        f"🚨 <b>Check-in not answered — {esc(e.reference)}</b>\n{esc(lead)}\n"
        f"{esc(_details(e))}.\n{esc(reason)}.\nContacts: {esc(tried)}.\n"
        f"Reached by: {esc(reach)}{_phone_html(e)}.\n\n"
        "Press <b>I'm handling it</b> when you or a unit are on it."
    )
    text = f"{lead} {_details(e)}. {reason}. Contacts: {tried}."
    return Message(
        html=html, text=text, buttons=((("👮 I'm handling it", f"chk:got:{round_.id}"),),)
    )


def _phone_html(e: EnrollmentRecord) -> str:
    return f" (phone {esc(e.phone)})" if e.phone else ""


def help_asked(e: EnrollmentRecord, said: str | None, at: datetime, zone: ZoneInfo) -> Message:
    """To the contacts and the officer: the person asked for help."""
    quoted = f' They wrote: "{said[:300]}"' if said else ""
    text = (
        f"{e.person_name} asked for help at {when(at, zone)}.{quoted} {_details(e)}. "
        "Please call or go to them now; if you can't reach them, call 911."
    )
    html = (
        f"🆘 <b>{esc(e.person_name)} asked for help</b> at {esc(when(at, zone))}.\n"
        + (f"They wrote: “{esc(said[:300])}”\n" if said else "")
        + f"{esc(_details(e))}.\n\nPlease call or go to them now. If you can't reach them, "
        "<b>call 911</b>."
    )
    return Message(html=html, text=text)


def answered_after(
    e: EnrollmentRecord, round_: RoundRecord, at: datetime, zone: ZoneInfo
) -> Message:
    """To the contacts (and the officer, if told): the person answered after all."""
    text = (
        f"{e.person_name} has answered the {local_slot(round_)} check-in ({when(at, zone)}): "
        "they're OK. No need to check."
    )
    return Message(html="✅ " + esc(text), text=text)


def taken(e: EnrollmentRecord, round_: RoundRecord, who: str) -> Message:
    """To the others: someone has the missed check-in."""
    text = f"{who} is checking on {e.person_name} (the {local_slot(round_)} check-in). Thank you."
    return Message(html="🙋 " + esc(text), text=text)


def consent_request(e: EnrollmentRecord, service: str) -> Message:
    """To the person someone signed up (by text): they confirm themselves."""
    times = times_text(e.time_list)
    text = (
        f"{e.signed_up_by or 'Someone'} asked us to check on you every day at {times}: a "
        "message you answer with OK, and if you don't, the people you choose are told. "
        "Reply YES to start, or NO."
    )
    return Message(html=esc(text), text=text)


def signer_told(e: EnrollmentRecord, yes: bool) -> Message:
    """To whoever signed the person up: their answer."""
    text = (
        f"{e.person_name} agreed: daily check-ins have started. You are their first contact."
        if yes
        else f"{e.person_name} said no to daily check-ins; nothing more will be sent to them."
    )
    return Message(html=esc(text), text=text)


def contact_added(e: EnrollmentRecord, contact: ContactRecord) -> Message:
    """To a contact's phone: who named them and what it means."""
    text = (
        f"{e.person_name} named you as a contact for their daily check-in. If they don't "
        "answer one, we'll text you so you can check on them. Reply STOP if you don't want "
        "these texts."
    )
    return Message(html=esc(text), text=text)


def stopped_by_sms(e: EnrollmentRecord) -> Message:
    """To the contacts (and the person on Telegram): STOP by text ended the check-ins."""
    text = (
        f"{e.person_name}'s number texted STOP, so everything we send it has stopped, "
        "including the daily check-ins. Nobody will be told if they don't answer."
    )
    return Message(html=esc(text), text=text)


def contact_unreachable(contact: ContactRecord) -> Message:
    """To the person: a contact's number opted out of our texts."""
    text = (
        f"{contact.name}'s number texted STOP, so we can no longer text them if you miss a "
        "check-in. Add another contact with /checkin."
    )
    return Message(html=esc(text), text=text)


def scam_digest(items: list[tuple[datetime, str]], zone: ZoneInfo) -> Message:
    """The week's scam warnings, for enrolled people who want them."""
    lines = [f"• {timefmt.local_date(at, zone)}: {body}" for at, body in items]
    html_lines = [
        f"• <i>{esc(timefmt.local_date(at, zone))}</i>: {esc(body)}" for at, body in items
    ]
    head = "This week's scam warnings from the police Crime Prevention Unit:"
    tail = "Never give money, gift cards or codes to a caller. When in doubt, hang up and call us."
    return Message(
        html=f"🛡 <b>{esc(head)}</b>\n" + "\n".join(html_lines) + f"\n\n{esc(tail)}",
        text=head + "\n" + "\n".join(lines) + f"\n{tail} Reply SCAMS OFF to stop these.",
        buttons=((("Stop these weekly warnings", "chk:scams:off"),),),
    )


def history(
    e: EnrollmentRecord, events: list[EventRecord], zone: ZoneInfo, contacts: dict[int, str]
) -> str:
    """The log as the person, a contact or an officer reads it (HTML)."""
    if not events:
        return f"<b>{esc(e.person_name)}'s check-ins</b>\nNothing logged yet."
    lines = [f"<b>{esc(e.person_name)}'s check-ins</b> (newest first)"]
    for event in events:
        label = EVENTS.get(event.event, event.event)
        detail = f" — {esc(event.detail)}" if event.detail else ""
        lines.append(f"{esc(when(event.at, zone))}: {esc(label)}{detail}")
    return "\n".join(lines)


def overview_line(e: EnrollmentRecord, latest: RoundRecord | None, now: datetime) -> str:
    """One enrolled person in /checkins (HTML)."""
    status = "no check-in yet"
    if e.status == "awaiting":
        status = "waiting for the person to confirm"
    elif latest is not None:
        status = f"{local_slot(latest)}: {STATUSES.get(latest.status, latest.status)}"
        if latest.taken_by:
            status += f" (by {latest.taken_by})"
    paused = f"; paused through {e.paused_through}" if e.paused_through else ""
    return f"<b>{esc(e.reference)}</b> {esc(e.person_name)} — {esc(status)}{esc(paused)}"


# SMS replies (the outbox and the webhook put the service's name in front of these)


def sms_checked_in(e: EnrollmentRecord) -> str:
    """Any reply to a check-in."""
    return f"Thank you, {first_name(e.person_name)} — you're checked in for today."


def sms_help(told: list[str]) -> str:
    """A call for help by text (after the carrier's HELP text, if it was a bare HELP)."""
    who = " and ".join(told) if told else "the police Crime Prevention Unit"
    return f"If this is an emergency, call 911 now. We have told {who} that you asked for help."
