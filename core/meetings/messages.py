"""What meetings send: invitations with RSVP buttons and .ics files, reminders, changes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.delivery import Attachment, Buttons, Message
from core.markup import esc
from core.timefmt import local

RSVP_LABELS = {"going": "✅ Going", "maybe": "🤔 Maybe", "no": "❌ Can't come"}


def rsvp_buttons(meeting_id: int) -> Buttons:
    """Going / maybe / no."""
    return (tuple((label, f"rsvp:{meeting_id}:{key}") for key, label in RSVP_LABELS.items()),)


def meeting_details(
    title: str, starts_at: datetime, place: str, agenda: str, zone: ZoneInfo
) -> str:
    """The meeting's lines, HTML."""
    lines = [f"<b>{esc(title)}</b>", f"🕖 {local(starts_at, zone)}", f"📍 {esc(place)}"]
    if agenda:
        lines.append(f"\n<b>Agenda</b>\n{esc(agenda)}")
    return "\n".join(lines)


def meeting_invitation(
    group: str,
    title: str,
    starts_at: datetime,
    place: str,
    agenda: str,
    zone: ZoneInfo,
    meeting_id: int,
    ics: Attachment,
) -> Message:
    """The invitation, with RSVP buttons and the calendar file."""
    return Message(
        html=f"📅 <b>{esc(group)}</b> meeting\n\n"
        f"{meeting_details(title, starts_at, place, agenda, zone)}\n\n"
        "Will you come? The calendar file follows.",
        text=f"{group} meeting: {title}, {local(starts_at, zone)} at {place}.",
        buttons=rsvp_buttons(meeting_id),
        attachment=ics,
    )


def meeting_reminder(
    group: str,
    title: str,
    starts_at: datetime,
    place: str,
    zone: ZoneInfo,
    meeting_id: int,
    answer: str | None,
) -> Message:
    """A reminder before the meeting."""
    nudge = "" if answer else "\n\nYou haven't answered yet: will you come?"
    return Message(
        html=f"⏰ Reminder: <b>{esc(group)}</b> meeting\n\n"
        f"{meeting_details(title, starts_at, place, '', zone)}{nudge}",
        text=f"Reminder: {group} meeting {title}, {local(starts_at, zone)} at {place}.",
        buttons=rsvp_buttons(meeting_id),
    )


def meeting_moved(
    group: str,
    title: str,
    old_start: datetime,
    starts_at: datetime,
    place: str,
    zone: ZoneInfo,
    meeting_id: int,
    ics: Attachment,
) -> Message:
    """Rescheduled."""
    return Message(
        html=f"📅 <b>Rescheduled</b>: the {esc(group)} meeting “{esc(title)}” moved from "
        f"{local(old_start, zone)} to <b>{local(starts_at, zone)}</b> at {esc(place)}. "
        "The updated calendar file follows; please answer again if your plans changed.",
        text=f"{group} meeting {title} moved to {local(starts_at, zone)} at {place}.",
        buttons=rsvp_buttons(meeting_id),
        attachment=ics,
    )


def meeting_cancelled(
    group: str, title: str, starts_at: datetime, zone: ZoneInfo, ics: Attachment
) -> Message:
    """Cancelled."""
    return Message(
        html=f"🚫 <b>Cancelled</b>: the {esc(group)} meeting “{esc(title)}” on "
        f"{local(starts_at, zone)} will not take place.",
        text=f"Cancelled: {group} meeting {title} on {local(starts_at, zone)}.",
        attachment=ics,
    )


def weekly_meetings(
    lines: list[tuple[str, str, datetime, str, dict[str, int]]], zone: ZoneInfo
) -> Message:
    """Officers' weekly list: (group, title, start, place, answer counts)."""
    if not lines:
        return Message(
            html="📅 <b>Watch group meetings, next 14 days</b>\n\nNo meetings are scheduled.",
            text="Watch group meetings, next 14 days: none scheduled.",
        )
    html_lines = ["📅 <b>Watch group meetings, next 14 days</b>", ""]
    text_lines = ["Watch group meetings, next 14 days:"]
    for group, title, starts_at, place, counts in lines:
        answers = f"{counts.get('going', 0)} going, {counts.get('maybe', 0)} maybe"
        html_lines.append(
            f"• {local(starts_at, zone)} — <b>{esc(group)}</b>: {esc(title)}, {esc(place)} "
            f"({answers})"
        )
        text_lines.append(f"{local(starts_at, zone)} {group}: {title}, {place} ({answers})")
    return Message(html="\n".join(html_lines), text="\n".join(text_lines))
