"""What alerts, broadcasts and delivery reports say in Telegram."""

from __future__ import annotations

from typing import Any

from core import timefmt
from core.markup import esc

ALERT_USAGE = (
    "Usage: /alert [urgent] AUDIENCE TEXT — AUDIENCE is all, group codes like OAK,ELM, or "
    "category:scam. Or send /alert alone to choose with buttons."
)


ALERT_CHOOSE_AUDIENCE = "New alert. Who should get it?"


ALERT_CHOOSE_AUDIENCE_AGAIN = "Please choose the audience with the buttons above, or /cancel."


EVERYONE = "Everyone"


USE_PREVIEW_BUTTONS = "Please use the buttons under the preview (Send, Schedule, Cancel)."


SEND_NOW = "✅ Send now"


SEND_SCHEDULED = "✅ Schedule it"


MAKE_URGENT = "🚨 Make urgent"


MAKE_NORMAL = "🔔 Make normal"


SCHEDULE = "🕒 Schedule…"


CANCEL_DRAFT = "✖ Cancel"


ADD_NUMBERS = "📊 Add the local numbers"


REMOVE_NUMBERS = "↩️ Remove the local numbers"


NO_NUMBERS = "There are no local numbers for this alert's crime type and audience now."


DRAFT_DISCARDED = "Discarded: nothing was sent."


SCHEDULE_ASK = (
    "When should it go out? For example 19:00, 12/24 7pm, 2026-12-24 19:00 or in 2h "
    "(department time). /cancel discards the alert."
)


ASK_SCAM_TEXT = (
    "⚠️ <b>Scam alert</b> to everyone who follows the Scams topic. Type what people should "
    "watch for (at most 1000 characters): who calls or knocks, what they ask for. /cancel to stop."
)


def ask_broadcast_text(group: str) -> str:
    """/broadcast without text: ask for it."""
    return (
        f"📣 Message to every member of <b>{esc(group)}</b>. Type it (at most 1000 characters); "
        "you will see a preview before it goes. /cancel to stop."
    )


def alert_ask_text(audience: str) -> str:
    """`/alert` guided form: the text."""
    return (
        f"Alert to <b>{esc(audience)}</b>. Now type the message (at most 1000 characters). "
        "Stick to facts: what happened, where, what to do. /cancel to stop."
    )


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"about {max(seconds, 1):.0f} s"
    if seconds < 3600:
        return f"about {seconds / 60:.0f} min"
    return f"about {seconds / 3600:.1f} h"


def alert_preview(
    *,
    kind: str,
    urgency: str,
    audience: str,
    body_html: str,
    recipients: int,
    per_channel: dict[str, int],
    skipped: dict[str, int],
    eta_seconds: float,
    waiting: int,
    send_at: str | None,
) -> str:
    """The preview shown before Send."""
    title = {"broadcast": "Broadcast", "scam": "Scam alert"}.get(kind, "Alert")
    lines = [
        f"<b>Preview — {title}</b> to <b>{esc(audience)}</b>"
        + (" · 🚨 urgent" if urgency == "urgent" else ""),
        "",
        body_html,
        "",
        "─────────",
        f"Recipients: <b>{recipients}</b> — Telegram {per_channel.get('telegram', 0)}, "
        f"SMS {per_channel.get('sms', 0)}",
    ]
    if skipped:
        lines.append(
            "Not reachable: " + ", ".join(f"{n} ({esc(reason)})" for reason, n in skipped.items())
        )
    lines.append(f"Time to deliver: {_duration(eta_seconds)} under the rate limits")
    if waiting:
        lines.append(f"{waiting} in quiet hours will get it when their quiet hours end")
    if send_at:
        lines.append(f"Scheduled for <b>{esc(send_at)}</b>")
    return "\n".join(lines)


def alert_queued(notification_id: int, queued: int, when: str | None) -> str:
    """After Send."""
    timing = f"scheduled for {esc(when)}" if when else "on its way"
    return (
        f"✅ #{notification_id} is {timing}: {queued} "
        f"{'delivery' if queued == 1 else 'deliveries'} queued. "
        f"/report {notification_id} shows what was delivered; /unsend {notification_id} "
        "stops what has not gone out."
    )


def unsent(cancelled: int) -> str:
    """After /unsend."""
    return f"Stopped: {cancelled} deliveries that had not gone out were cancelled."


def report_list(lines: list[Any], zone: Any) -> str:
    """`/report`."""
    if not lines:
        return "Nothing has been sent yet."
    out = ["<b>Recent notifications</b> (/report ID for details)"]
    for line in lines:
        state = "cancelled" if line.cancelled else f"{line.done}/{line.total} done"
        when = timefmt.local(line.send_at or line.created_at, zone)
        out.append(
            f"#{line.id} · {esc(line.kind)}{' 🚨' if line.urgency == 'urgent' else ''} · {when} · "
            f"{esc(line.audience)} · {state}\n   “{esc(line.preview)}”"
        )
    return "\n".join(out)


CHANNEL_NAMES = {"telegram": "Telegram", "sms": "Text message (SMS)"}
STATUS_WORDS = {
    "queued": "waiting or being sent",
    "sent": "sent",
    "delivered": "delivered (confirmed by the phone company)",
    "failed": "failed",
    "unknown": "no answer (may have arrived)",
    "skipped": "not sent",
}
WHY_WORDS = {
    "blocked": "blocked the bot",
    "telegram_gone": "Telegram account deleted",
    "stopped": "turned all messages off (/stop)",
    "no_chat": "has never opened a chat with the bot",
    "opted_out": "opted out of texts (replied STOP)",
    "invalid_number": "invalid phone number",
    "not_mobile": "phone number is not a mobile",
    "unconfirmed": "phone number not confirmed",
    "no_phone": "no phone number",
    "sms_off": "text messages are not set up",
    "forgotten": "used /forget",
    "cancelled": "cancelled before it went out",
    "carrier": "the phone company could not deliver it",
    "gave_up": "gave up after repeated errors",
    "retrying": "still retrying",
    "waiting": "not sent yet (quiet hours or a scheduled time)",
    "unknown": "no answer from the provider: it may have arrived",
    "failed": "could not be sent",
}


def channel_name(channel: str) -> str:
    """'Telegram', 'Text message (SMS)'."""
    return CHANNEL_NAMES.get(channel, channel.capitalize())


def _why(code: str) -> str:
    return WHY_WORDS.get(code, WHY_WORDS["failed"])


def report_detail(report: Any, zone: Any) -> str:
    """`/report ID`: per channel what happened, why the rest did not arrive, and (officers)
    who was not reached."""
    line = report.line
    out = [
        f"<b>Report #{line.id}</b> · {esc(line.kind)} · {esc(line.audience)}",
        f"By {esc(report.author)} · {timefmt.local(line.created_at, zone)}"
        + (" · cancelled" if line.cancelled else ""),
        f"“{esc(line.preview)}”",
        "",
    ]
    if not report.counts:
        out.append("No deliveries.")
    for channel, counts in sorted(report.counts.items()):
        shown = ", ".join(
            f"{n} {STATUS_WORDS.get(status, status)}" for status, n in counts.items() if n
        )
        out.append(f"<b>{esc(channel_name(channel))}</b>: {shown}")
    if report.uncertain:
        out.append(
            f"{report.uncertain} were resent after the service stopped mid-send and may have "
            "arrived twice"
        )
    if report.reasons:
        out += ["", "<b>Why some did not arrive</b>"]
        out += [
            f"{esc(channel_name(channel))}: {n} {_why(code)}"
            for channel, code, n in report.reasons[:12]
        ]
    if report.not_reached is None:
        if report.not_reached_total:
            out.append("Officers can see who was not reached.")
    elif report.not_reached:
        out += ["", f"<b>Not reached</b> ({report.not_reached_total})"]
        for person in report.not_reached:
            why = "; ".join(f"{channel_name(c)}: {_why(code)}" for c, code in person.why)
            out.append(f"• {esc(person.who)} — {esc(why)}")
        more = report.not_reached_total - len(report.not_reached)
        if more > 0:
            out.append(f"…and {more} more.")
    elif report.counts:
        out += ["", "Everyone was reached."]
    return "\n".join(out)
