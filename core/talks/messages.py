"""What the talks feature sends through the outbox, its request card (the same for the
requester's review and the officers' queue), and its SMS replies (English first).

Telegram texts are HTML with every user-written part escaped; SMS texts are plain (the outbox
adds the service's name in front). Nothing officers get names or numbers the requester.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core import timefmt
from core.delivery import Attachment, Message
from core.markup import esc
from core.meetings import rsvp_buttons
from core.talks.rules import STATUSES, TalkDraft, audience_label, topic_label
from storage.talks.records import TalkRecord

PREVIEW = 60


def preview(text: str, limit: int = PREVIEW) -> str:
    """The start of a text on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def day_label(day: date) -> str:
    """'Tue Dec 15'."""
    return f"{day:%a %b} {day.day}"


def dates_text(dates: list[date] | tuple[date, ...]) -> str:
    """'Tue Dec 15, Thu Dec 17'."""
    return ", ".join(day_label(d) for d in dates) or "no dates given"


def draft_of(request: TalkRecord) -> TalkDraft:
    """A stored request as the draft it was made from."""
    return TalkDraft(
        topic=request.topic,
        audience=request.audience,
        size=request.size,
        place=request.place,
        dates=tuple(request.preferred),
        note=request.note,
    )


def body_lines(draft: TalkDraft) -> list[str]:
    """What a request says (HTML): topic, audience and size, place, dates, note. The review
    shows exactly these lines, as officers will get them."""
    who = audience_label(draft.audience)
    if draft.size is not None:
        who += f", about {draft.size} people"
    lines = [f"<b>{esc(topic_label(draft.topic))}</b>", f"👥 {esc(who)}"]
    if draft.place:
        lines.append(f"📍 {esc(draft.place)}")
    if draft.dates:
        lines.append(f"📅 {esc(dates_text(draft.dates))}")
    if draft.note:
        lines.append(f"📝 {esc(draft.note)}")
    return lines


def owner(request: TalkRecord) -> str:
    """Who has the request on, or 'unclaimed'."""
    return request.claimed_by_label or "unclaimed"


def status_line(request: TalkRecord) -> str:
    """The status, with what it waits for."""
    status = STATUSES.get(request.status, request.status)
    if request.status == "suggested":
        status += f" ({topic_label(request.suggested_topic)}; waiting for the requester)"
    return status


def card(request: TalkRecord, now: datetime, zone: ZoneInfo) -> str:
    """A request as officers see it in /talks: reference, what it says, status, age, owner."""
    lines = [f"🎤 <b>{request.reference}</b>", *body_lines(draft_of(request))]
    lines.append(f"Status: {esc(status_line(request))}")
    if request.decline_reason:
        lines.append(f"Reason given: {esc(request.decline_reason)}")
    lines.append(
        f"Asked {timefmt.local(request.created_at, zone)} "
        f"({timefmt.age(request.created_at, now)} ago); owner: {esc(owner(request))}"
    )
    return "\n".join(lines)


def queue_line(request: TalkRecord, now: datetime) -> str:
    """One request in the queue (HTML)."""
    who = audience_label(request.audience)
    if request.size is not None:
        who += f", {request.size}"
    return (
        f"<b>{request.reference}</b> {esc(topic_label(request.topic))} — {esc(who)}\n"
        f"   {timefmt.age(request.created_at, now)} old; {esc(owner(request))}"
    )


# To the requester


def _about(request: TalkRecord) -> str:
    return f"{request.reference} ({topic_label(request.topic)})"


def accepted(
    request: TalkRecord,
    title: str,
    starts_at: datetime,
    place: str,
    open_to: str,
    zone: ZoneInfo,
    meeting_id: int,
    ics: Attachment,
) -> Message:
    """The request became an event: when, where, who may come, RSVP and the calendar file."""
    when = timefmt.local(starts_at, zone)
    return Message(
        html=f"🎤 Your request <b>{esc(_about(request))}</b> is accepted.\n\n"
        f"<b>{esc(title)}</b>\n🕖 {when}\n📍 {esc(place)}\nOpen to {esc(open_to)}.\n\n"
        "Will you come? The calendar file follows; reminders come before it starts.",
        text=f"Your request {_about(request)} is accepted: {when} at {place}, open to {open_to}.",
        buttons=rsvp_buttons(meeting_id),
        attachment=ics,
    )


def declined(request: TalkRecord, reason: str) -> Message:
    """The request was declined, with the officer's reason."""
    return Message(
        html=f"🎤 Your request <b>{esc(_about(request))}</b> was declined: {esc(reason)}\n"
        "/talk asks for another.",
        text=f"Your request {_about(request)} was declined: {reason}",
    )


def suggested(request: TalkRecord, topic: str) -> Message:
    """Officers suggest another topic; the requester accepts it or keeps theirs."""
    label = topic_label(topic)
    return Message(
        html=f"🎤 About your request <b>{esc(_about(request))}</b>: officers suggest "
        f"<b>{esc(label)}</b> instead. Is that all right?",
        text=f"About your request {_about(request)}: officers suggest {label} instead. Reply "
        f"TALK YES {request.reference} to accept it or TALK NO {request.reference} to keep "
        "yours.",
        buttons=(
            (
                (f"✅ Yes, {label}", f"talkr:y:{request.id}"),
                ("No, keep mine", f"talkr:n:{request.id}"),
            ),
        ),
    )


# To officers


def answer_to_suggestion(request: TalkRecord, took_it: bool, topic: str | None) -> Message:
    """The requester's answer to the topic suggested, for the officer who suggested it."""
    if took_it:
        html = (
            f"🎤 <b>{request.reference}</b>: the requester accepts "
            f"<b>{esc(topic_label(topic))}</b>. /talks {request.reference} to schedule it."
        )
        text = f"{request.reference}: the requester accepts {topic_label(topic)}."
    else:
        html = (
            f"🎤 <b>{request.reference}</b>: the requester keeps "
            f"<b>{esc(topic_label(request.topic))}</b>. /talks {request.reference} to go on."
        )
        text = f"{request.reference}: the requester keeps {topic_label(request.topic)}."
    return Message(html=html, text=text)


def withdrawn(request: TalkRecord) -> Message:
    """The requester cancelled a request an officer had on."""
    return Message(
        html=f"🎤 <b>{request.reference}</b> ({esc(topic_label(request.topic))}) was cancelled "
        "by the requester.",
        text=f"{request.reference} was cancelled by the requester.",
    )


def digest(stale: list[TalkRecord], now: datetime) -> Message:
    """The officers' daily list of open requests untouched for three working days."""
    count = len(stale)
    head = (
        f"🎤 <b>{count} talk request{'s' if count != 1 else ''} untouched for 3 working "
        "days</b> — /talks to work them"
    )
    lines = [head, *(queue_line(r, now) for r in stale)]
    text = [f"{count} talk requests untouched for 3 working days:"]
    text += [
        f"{r.reference} {topic_label(r.topic)}, {timefmt.age(r.created_at, now)} old" for r in stale
    ]
    return Message(html="\n".join(lines), text="\n".join(text))


# SMS replies (the reply to a text is sent as it is: it names the service itself)


def sms_filed(service: str, reference: str, *, emergency: bool) -> str:
    """A request texted in was stored."""
    body = (
        f"{service}: talk request {reference} received. An officer will text you a date or "
        "an answer. Reply HELP for help."
    )
    if emergency:
        return f"If this is an emergency, call 911 now. {body}"
    return body


def sms_usage(service: str) -> str:
    """TALK with nothing after it."""
    return (
        f"{service}: to ask for a safety talk, workshop or school program, text TALK, the "
        "topic, who it is for, how many and when, e.g. TALK scams for our church group, 30 "
        "people, Dec 15. Emergency? Call 911."
    )


def sms_refused(service: str, reason: str) -> str:
    """A texted request or answer refused."""
    return f"{service}: {reason}"


def sms_answered(service: str, reference: str, took_it: bool, topic: str | None) -> str:
    """The requester's texted answer to a suggested topic."""
    if took_it:
        return f"{service}: {reference} is now about {topic_label(topic)}. Thank you."
    return f"{service}: {reference} keeps its topic. An officer will be in touch."
