"""Texts of the calendar's notifications (elections, meetings), in one place for translation.

Each is a `Message`: HTML for Telegram (anything people typed goes through `esc`) and plain text
for SMS. Button callback data here is the contract with the Telegram face's handlers
(`rsvp:`, `nom:`, `vote:`).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.delivery.outbox import Attachment, Buttons, Message
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


def vacation_checklist(address: str, leave_on: str, return_on: str) -> Message:
    """The day before departure."""
    return Message(
        html=f"🧳 <b>Before you leave</b>\nYour vacation watch for {esc(address)} runs "
        f"{leave_on} → {return_on}. A checklist:\n"
        "• Hold your mail and newspaper deliveries (or ask a neighbor to collect them)\n"
        "• Put some lights and a radio on timers\n"
        "• Lock every door and window, including the garage; don't leave a key outside\n"
        "• Don't post travel plans or photos on social media until you're back\n"
        "• Make sure your emergency contact can reach you\n\n"
        "Back early? Send /back so officers stop checking.",
        text=f"Before you leave: hold mail, set light timers, lock up, and don't post your trip "
        f"online. Vacation watch {leave_on}-{return_on}. Back early? Tell us with /back.",
    )


def vacation_checked(address: str, when: str, note: str) -> Message:
    """An officer checked the home."""
    extra = f"\nNote: {esc(note)}" if note else ""
    return Message(
        html=f"👮 An officer checked your home at {esc(address)} on {when}.{extra}",
        text=f"An officer checked your home at {address} on {when}."
        + (f" Note: {note}" if note else ""),
    )


def vacation_welcome_back(address: str, checks_html: str, count: int) -> Message:
    """After the return date."""
    return Message(
        html=f"🏡 <b>Welcome back!</b> The vacation watch for {esc(address)} has ended.\n\n"
        f"{checks_html}\n\nThank you for letting us look after your home.",
        text=f"Welcome back! Your vacation watch has ended; officers checked your home {count} "
        "time(s).",
    )


def neighbor_away(group: str, name: str, leave_on: str, return_on: str) -> Message:
    """The group's leader, with the resident's consent: a name and dates, nothing more."""
    return Message(
        html=f"🏖 A neighbor in <b>{esc(group)}</b>, {esc(name)}, is away {leave_on} → "
        f"{return_on} and asked that you know. Officers are checking the home; if you notice "
        "anything unusual, call the police (911 in an emergency).",
        text=f"A neighbor in {group}, {name}, is away {leave_on}-{return_on}.",
    )
