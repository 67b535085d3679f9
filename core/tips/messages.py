"""What the tips feature sends through the outbox, and its SMS replies (English first).

Telegram texts are HTML with every user-written part escaped; SMS texts are plain (the outbox
adds the service's name in front). Nothing here names an anonymous tipster: officers see the
tip's alias.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core import timefmt
from core.delivery import Message
from core.markup import esc
from core.tips.rules import CATEGORIES
from storage.tips.records import TipRecord

PREVIEW = 140


def preview(text: str, limit: int = PREVIEW) -> str:
    """The start of a text on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def category_label(category: str | None) -> str:
    """'Vehicle', or 'No category'."""
    return CATEGORIES.get(category or "", "No category")


def view_command(tip: TipRecord) -> str:
    """The command that opens a tip, tap-to-copy."""
    return f"<code>/tip {tip.reference}</code>"


# To officers


def urgent_tip(tip: TipRecord, terms: list[str]) -> Message:
    """A tip that suggests an emergency, told to officers at once."""
    mentions = f"\nMentions: {esc(', '.join(terms))}" if terms else ""
    return Message(
        html=f"🚨 <b>URGENT tip {tip.reference}</b> · {esc(category_label(tip.category))} · "
        f"from {esc(tip.tipster_label)}\n\n{esc(preview(tip.text, 600))}{mentions}\n\n"
        f"The tipster was told to call 911 if it is an emergency. Open it: {view_command(tip)}",
        text=f"URGENT tip {tip.reference}: {preview(tip.text, 300)}",
    )


def digest(tips: list[TipRecord], zone: ZoneInfo) -> Message:
    """New tips since the last digest."""
    count = len(tips)
    lines = [f"🗂 <b>{count} new tip{'s' if count != 1 else ''}</b>"]
    plain = [f"{count} new tip{'s' if count != 1 else ''}:"]
    for tip in tips:
        photos = f" · 📷 {len(tip.photos)}" if tip.photos else ""
        lines.append(
            f"\n<b>{tip.reference}</b> · {esc(category_label(tip.category))} · "
            f"{timefmt.local(tip.created_at, zone)}{photos}\n“{esc(preview(tip.text))}”"
        )
        plain.append(f"{tip.reference}: {preview(tip.text, 60)}")
    lines.append("\n/tips lists every open tip.")
    return Message(html="\n".join(lines), text=" ".join(plain))


def tipster_answered(tip: TipRecord, text: str, terms: list[str]) -> Message:
    """A tipster's answer, threaded under the tip (flagged when it suggests an emergency)."""
    flag = "🚨 URGENT · " if terms else ""
    mentions = f"\nMentions: {esc(', '.join(terms))}" if terms else ""
    return Message(
        html=f"💬 {flag}<b>{esc(tip.tipster_label)} answered on {tip.reference}</b>\n\n"
        f"{esc(text)}{mentions}\n\nReply or see the timeline: {view_command(tip)}",
        text=f"{'URGENT: ' if terms else ''}{tip.tipster_label} answered on {tip.reference}: "
        f"{preview(text, 300)}",
    )


def details_added(tip: TipRecord, what: list[str]) -> Message:
    """A tipster added details to a tip officers were already told about."""
    return Message(
        html=f"📎 <b>{esc(tip.tipster_label)} added to {tip.reference}</b>: "
        f"{esc(', '.join(what))}. {view_command(tip)}",
        text=f"{tip.tipster_label} added to {tip.reference}: {', '.join(what)}",
    )


# To the tipster (through the relay)


def officer_message(tip: TipRecord, text: str, signature: str) -> Message:
    """An officer's question or message, relayed to the tipster."""
    return Message(
        html=f"💬 <b>Message from the police about your tip {tip.reference}</b>\n\n"
        f"{esc(text)}\n\n— {esc(signature)}\n\n"
        "<i>To answer, reply to this message (swipe left on it, or long-press and tap Reply), "
        "or use /mytips. If this is an emergency, call 911.</i>",
        text=f"About your tip {tip.reference}: {text} ({signature}). Reply to this text to answer.",
    )


def status_changed(tip: TipRecord) -> Message:
    """A tip's new status, told to its tipster."""
    if tip.status == "in_review":
        return Message(
            html=f"🔎 Your tip <b>{tip.reference}</b> is being reviewed by an officer. Thank you.",
            text=f"Your tip {tip.reference} is being reviewed by an officer. Thank you.",
        )
    outcome = f": {tip.outcome}" if tip.status == "closed" and tip.outcome else ""
    return Message(
        html=f"✅ Your tip <b>{tip.reference}</b> is closed{esc(outcome)}. Thank you for looking "
        "out for your neighborhood.",
        text=f"Your tip {tip.reference} is closed{outcome}. Thank you.",
    )


# SMS replies (the TwiML answer to the tipster's own text; sent as they are)

SMS_EMERGENCY = "If this is an emergency, call 911 now."


def sms_filed(service: str, reference: str, *, urgent: bool, named: bool) -> str:
    """A tip texted in was stored."""
    how = "with your name" if named else "anonymously"
    body = (
        f"{service}: tip {reference} received ({how}). Officers may text questions here; "
        "reply to answer."
    )
    if urgent:
        return f"{SMS_EMERGENCY} {body} Officers have been alerted."
    return f"{body} Not for emergencies: call 911."


def sms_usage(service: str) -> str:
    """TIP with nothing after it."""
    return (
        f"{service}: to send a tip, text TIP and what you saw, e.g. TIP white van circling "
        "Oak St at night. Emergency? Call 911."
    )


def sms_refused(service: str, reason: str) -> str:
    """A tip or answer refused (too long, too many)."""
    return f"{service}: {reason}" + ("" if "911" in reason else " Emergency? Call 911.")


def sms_answer_added(service: str, reference: str, *, urgent: bool) -> str:
    """A texted answer was threaded under the tip."""
    body = f"{service}: your message was added to tip {reference}. Thank you."
    return f"{SMS_EMERGENCY} {body}" if urgent else body
