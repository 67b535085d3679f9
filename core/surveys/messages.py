"""What the security surveys feature sends through the outbox, its request card (the same for
the requester's review and the officers' queue), and its SMS replies (English first).

Telegram texts are HTML with every user-written part escaped; SMS texts are plain (the outbox
adds the service's name in front).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core import timefmt
from core.delivery import Attachment, Message
from core.markup import esc
from core.surveys.rules import (
    BOAT,
    DAY_PARTS,
    ITEM_LABELS,
    KINDS,
    PRIORITIES,
    RECOMMENDATIONS,
    STATUSES,
    SurveyDraft,
)
from core.timefmt import age
from storage.surveys.records import FindingRecord, SurveyRecord

PREVIEW = 60
# The report's signed link and for how many days it opens, or None without PUBLIC_URL.
ReportLink = tuple[str, int] | None


def preview(text: str, limit: int = PREVIEW) -> str:
    """The start of a text on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def kind_label(kind: str) -> str:
    """'Boat'."""
    return KINDS.get(kind, kind)


def window_label(value: str) -> str:
    """'Tue Dec 8, morning (9 AM-12 PM)' of a stored window."""
    day_text, _, part = value.partition(" ")
    day = date.fromisoformat(day_text)
    return f"{day:%a %b} {day.day}, {DAY_PARTS.get(part, part)}"


def place_text(survey: SurveyRecord | SurveyDraft) -> str:
    """Where, in one plain line: the address, or the boat at its marina."""
    if survey.kind == BOAT:
        return f"{survey.vessel or ''} at {survey.marina or ''}, slip {survey.slip or ''}"
    if survey.business:
        return f"{survey.business}, {survey.address or ''}"
    return survey.address or ""


def owner(survey: SurveyRecord) -> str:
    """Who has the request on, or 'unclaimed'."""
    return survey.claimed_by_label or "unclaimed"


def body_lines(draft: SurveyDraft) -> list[str]:
    """What a request says (HTML). The requester's review shows exactly these lines, as
    officers will get them."""
    lines = [f"<b>Security survey: {esc(kind_label(draft.kind))}</b>"]
    if draft.kind == BOAT:
        lines.append(f"⛵ Boat: {esc(draft.vessel or '')}")
        lines.append(f"⚓ Marina: {esc(draft.marina or '')}, slip {esc(draft.slip or '')}")
    else:
        if draft.business:
            lines.append(f"🏪 Business: {esc(draft.business)}")
            lines.append(f"👤 Contact: {esc(draft.contact or '')}")
        lines.append(f"📍 {esc(draft.address or '')}")
    lines.append(f"📝 {esc(draft.concern)}")
    if draft.windows:
        lines.append("🗓 Times that suit: " + "; ".join(window_label(w) for w in draft.windows))
    else:
        lines.append("🗓 Times that suit: to be agreed by text")
    return lines


def draft_of(survey: SurveyRecord) -> SurveyDraft:
    """A stored request as the draft it was made from."""
    return SurveyDraft(
        kind=survey.kind,
        address=survey.address,
        business=survey.business,
        contact=survey.contact,
        marina=survey.marina,
        slip=survey.slip,
        vessel=survey.vessel,
        concern=survey.concern,
        windows=survey.windows,
    )


def visit_line(survey: SurveyRecord, zone: ZoneInfo) -> str | None:
    """The agreed visit or the open proposal, if any."""
    if survey.visit_at is not None and survey.status == "scheduled":
        return f"Visit: {timefmt.local(survey.visit_at, zone)}"
    if survey.proposed_at is not None:
        return f"Proposed: {timefmt.local(survey.proposed_at, zone)} (waiting for an answer)"
    return None


def card(survey: SurveyRecord, now: datetime, zone: ZoneInfo) -> str:
    """A request as officers see it in /surveys: reference, what it says, status, age, owner."""
    lines = [f"🏠 <b>{survey.reference}</b>", *body_lines(draft_of(survey))]
    lines.append(f"Status: {STATUSES.get(survey.status, survey.status)}")
    visit = visit_line(survey, zone)
    if visit:
        lines.append(visit)
    lines.append(
        f"Asked {timefmt.local(survey.created_at, zone)} ({age(survey.created_at, now)} ago); "
        f"owner: {esc(owner(survey))}"
    )
    return "\n".join(lines)


def queue_line(survey: SurveyRecord, now: datetime, zone: ZoneInfo) -> str:
    """One request in the queue (HTML)."""
    visit = visit_line(survey, zone)
    return (
        f"<b>{survey.reference}</b> {esc(kind_label(survey.kind))} — "
        f"{esc(preview(place_text(survey)))}\n"
        f"   {age(survey.created_at, now)} old; {esc(owner(survey))}"
        + (f"; {visit}" if visit else "")
    )


def finding_lines(findings: list[tuple[str, str, str | None]]) -> list[str]:
    """Findings as the officer's review lists them (HTML)."""
    lines = []
    for item, priority, note in findings:
        text = f"• <b>{esc(ITEM_LABELS.get(item, item))}</b>: {esc(PRIORITIES[priority])}"
        if note:
            text += f" — {esc(note)}"
        lines.append(text)
    return lines


# To the requester


def proposal(survey: SurveyRecord, when: datetime, officer: str, zone: ZoneInfo) -> Message:
    """An officer proposes a time: Accept or ask for another (the buttons name the proposal,
    so an older one's Accept accepts nothing). By text: reply SURVEY YES or SURVEY NO."""
    moment = timefmt.local(when, zone)
    return Message(
        html=f"🏠 <b>Security survey {survey.reference}</b>\n{esc(officer)} proposes to visit on "
        f"<b>{moment}</b> ({esc(preview(place_text(survey)))}).\nDoes that suit you?",
        text=f"Security survey {survey.reference}: {officer} proposes to visit on {moment}. "
        "Reply SURVEY YES to accept or SURVEY NO to ask for another time.",
        buttons=(
            (
                ("✅ Accept", f"svr:a:{survey.id}:{survey.proposal}"),
                ("🔁 Another time", f"svr:n:{survey.id}:{survey.proposal}"),
            ),
        ),
    )


def visit_booked(
    survey: SurveyRecord,
    zone: ZoneInfo,
    ics: Attachment,
    *,
    moved: bool = False,
    officer: bool = False,
) -> Message:
    """The agreed visit, with its calendar file (for the requester, or its officer)."""
    moment = timefmt.local(survey.visit_at, zone) if survey.visit_at else ""
    what = "moved to" if moved else "booked for"
    how = (
        f"/surveys {survey.reference} to move or cancel it, and to record the findings after it."
        if officer
        else "/mysurveys to move or cancel it."
    )
    return Message(
        html=f"🗓 <b>Security survey {survey.reference}</b>: the visit is {what} <b>{moment}</b> "
        f"({esc(preview(place_text(survey)))}). The calendar file is below; we'll remind you "
        f"the day before and an hour before. {how}",
        text=f"Security survey {survey.reference}: the visit is {what} {moment}. We'll remind "
        "you the day before and an hour before.",
        attachment=ics,
    )


def reminder(survey: SurveyRecord, zone: ZoneInfo, label: str) -> Message:
    """A visit's reminder (the day before, an hour before)."""
    moment = timefmt.local(survey.visit_at, zone) if survey.visit_at else ""
    soon = "tomorrow" if label == "24h" else "in an hour"
    return Message(
        html=f"⏰ Reminder: the security survey {survey.reference} is {soon}, <b>{moment}</b> "
        f"({esc(preview(place_text(survey)))}).",
        text=f"Reminder: security survey {survey.reference} is {soon}, {moment}.",
    )


def visit_cancelled(
    survey: SurveyRecord, zone: ZoneInfo, ics: Attachment | None, by: str
) -> Message:
    """A visit called off (by the officer or the requester); the calendar file cancels it."""
    moment = timefmt.local(survey.visit_at, zone) if survey.visit_at else ""
    return Message(
        html=f"✖️ Security survey {survey.reference}: the visit on {moment} was cancelled by "
        f"{esc(by)}.",
        text=f"Security survey {survey.reference}: the visit on {moment} was cancelled by {by}.",
        attachment=ics,
    )


def report_ready(
    survey: SurveyRecord, findings: list[FindingRecord], pdf: Attachment, link: ReportLink
) -> Message:
    """The report for the requester: the PDF in Telegram (by text, the one line)."""
    count = sum(1 for f in findings if f.priority in RECOMMENDATIONS)
    return Message(
        html=f"📄 <b>Your security survey {survey.reference}</b>: the report is below, with "
        f"{count} recommendation{'s' if count != 1 else ''}, most urgent first. In a month "
        "we'll ask which you have done.",
        text=summary_text(survey, findings, link),
        attachment=pdf,
    )


def summary_text(survey: SurveyRecord, findings: list[FindingRecord], link: ReportLink) -> str:
    """The report in one line, for a text message (no files by SMS): a signed link to the PDF
    when the service has a public URL, else where to get a copy."""
    high = [ITEM_LABELS.get(f.item, f.item) for f in findings if f.priority == "high"]
    count = sum(1 for f in findings if f.priority in RECOMMENDATIONS)
    urgent = f" Most urgent: {', '.join(high)}." if high else ""
    if link is None:
        copy = "Ask the officer for a copy of the report."
    else:
        url, days = link
        copy = f"The report (PDF, opens for {days} day{'s' if days != 1 else ''}): {url}"
    return (
        f"Security survey {survey.reference} is done: {count} recommendation"
        f"{'s' if count != 1 else ''}.{urgent} {copy}"
    )


def follow_up(survey: SurveyRecord, open_items: list[FindingRecord]) -> Message:
    """A month on: which recommendations were done (a button each)."""
    labels = [ITEM_LABELS.get(f.item, f.item) for f in open_items]
    rows = tuple(
        ((f"✅ {ITEM_LABELS.get(f.item, f.item)} done", f"svr:f:{survey.id}:{f.item}"),)
        for f in open_items
    )
    return Message(
        html=f"🏠 A month ago the security survey {survey.reference} recommended: "
        + esc(", ".join(labels))
        + ".\nWhich have you done? Press each one that is done.",
        text=f"A month ago security survey {survey.reference} recommended: {', '.join(labels)}. "
        "Tell the officer which you have done.",
        buttons=(*rows, (("Nothing yet", f"svr:fn:{survey.id}"),)),
    )


# To officers


def to_officer(survey: SurveyRecord, news: str) -> Message:
    """News of a request for its officer (or all officers while unclaimed)."""
    return Message(
        html=f"🏠 <b>{survey.reference}</b> ({esc(kind_label(survey.kind))}, "
        f"{esc(preview(place_text(survey)))}): {esc(news)} /surveys {survey.reference}",
        text=f"{survey.reference}: {news}",
    )


def withdrawn(survey: SurveyRecord) -> Message:
    """An open request its requester deleted (named by reference only)."""
    return Message(
        html=f"🏠 <b>{survey.reference}</b>: the requester withdrew and deleted it. Anything "
        "booked for it is off.",
        text=f"{survey.reference}: the requester withdrew and deleted it.",
    )


def digest(stale: list[SurveyRecord], now: datetime, zone: ZoneInfo) -> Message:
    """The officers' daily list of open requests untouched for three working days."""
    count = len(stale)
    head = (
        f"🏠 <b>{count} security survey request{'s' if count != 1 else ''} untouched for 3 "
        "working days</b> — /surveys to work them"
    )
    lines = [head, *(queue_line(s, now, zone) for s in stale)]
    text = [f"{count} security survey requests untouched for 3 working days:"]
    text += [f"{s.reference} {kind_label(s.kind)}, {age(s.created_at, now)} old" for s in stale]
    return Message(html="\n".join(lines), text="\n".join(text))


# SMS replies (the reply to a text is sent as it is: it names the service itself)


def sms_usage(service: str) -> str:
    """SURVEY with nothing after it."""
    return (
        f"{service}: for a free security survey of your home, text SURVEY, the address and "
        "what worries you, e.g. SURVEY 40 Elm St, the back door lock is weak. For a business "
        "or a boat, use the Telegram bot's /survey or ask the officer. Emergency? Call 911."
    )


def sms_filed(service: str, reference: str, *, emergency: bool) -> str:
    """A request texted in was stored."""
    body = (
        f"{service}: survey request {reference} received. An officer will text you a time; "
        "reply SURVEY YES to accept it or SURVEY NO for another. SURVEY CANCEL cancels."
    )
    if emergency:
        return f"If this is an emergency, call 911 now. To tell the police now, text TIP. {body}"
    return f"{body} Not for emergencies: call 911."


def sms_refused(service: str, reason: str) -> str:
    """A texted request or answer refused."""
    return f"{service}: {reason} Emergency? Call 911."
