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
from core.timefmt import local, local_date

RSVP_LABELS = {"going": "✅ Going", "maybe": "🤔 Maybe", "no": "❌ Can't come"}


def rsvp_buttons(meeting_id: int) -> Buttons:
    """Going / maybe / no."""
    return (tuple((label, f"rsvp:{meeting_id}:{key}") for key, label in RSVP_LABELS.items()),)


# Elections


def election_opened(group: str, closes_at: datetime, zone: ZoneInfo, runoff: bool) -> Message:
    """An election (or a runoff) opened."""
    when = local(closes_at, zone)
    if runoff:
        return Message(
            html=f"🗳 <b>Runoff election in {esc(group)}</b>\n\nThe vote for leader was a tie, "
            f"so there is a runoff between the tied candidates until <b>{when}</b>. "
            "Send /vote to vote (you can change your vote until the close).",
            text=f"Runoff election for leader of {group} until {when}. Vote in Telegram: /vote",
        )
    return Message(
        html=f"🗳 <b>Election for leader of {esc(group)}</b>\n\nNominations and voting are open "
        f"until <b>{when}</b>.\n• /nominate yourself or a neighbor in the group (nominees must "
        "accept)\n• /vote for a candidate: one vote each, changeable until the close.",
        text=f"Election for leader of {group} is open until {when}. Use the Telegram bot: "
        "/nominate and /vote",
    )


def nominated(
    group: str, by: str, candidate_id: int, closes_at: datetime, zone: ZoneInfo
) -> Message:
    """Someone nominated the member; they must accept."""
    buttons: Buttons = (
        (("✅ Accept", f"nom:acc:{candidate_id}"), ("No, thank you", f"nom:dec:{candidate_id}")),
    )
    return Message(
        html=f"🗳 {esc(by)} nominated you for leader of <b>{esc(group)}</b>. Do you accept? "
        f"The election closes {local(closes_at, zone)}.",
        text=f"{by} nominated you for leader of {group}. Accept or decline in the Telegram bot.",
        buttons=buttons,
    )


def nomination_answered(nominee: str, group: str, accepted: bool) -> Message:
    """The nominee answered; the nominator is told."""
    verb = "accepted" if accepted else "declined"
    return Message(
        html=f"{esc(nominee)} {verb} your nomination for leader of <b>{esc(group)}</b>.",
        text=f"{nominee} {verb} your nomination for leader of {group}.",
    )


def _tally_lines(tally: list[tuple[str, int]]) -> str:
    return "\n".join(
        f"• {esc(name)}: {votes} vote{'s' if votes != 1 else ''}" for name, votes in tally
    )


def _tally_text(tally: list[tuple[str, int]]) -> str:
    return ", ".join(f"{name} {votes}" for name, votes in tally)


def election_won(
    group: str,
    winner: str,
    runner_up: str | None,
    tally: list[tuple[str, int]],
    term_ends_at: datetime,
    zone: ZoneInfo,
) -> Message:
    """The result: a new (or re-elected) leader."""
    alternate = f"\nAlternate: <b>{esc(runner_up)}</b>" if runner_up else ""
    return Message(
        html=f"🗳 <b>Election result — {esc(group)}</b>\n\n{_tally_lines(tally)}\n\n"
        f"Leader: <b>{esc(winner)}</b> until {local_date(term_ends_at, zone)}{alternate}\n\n"
        "Thank you to everyone who took part.",
        text=f"Election result for {group}: {winner} is leader"
        + (f", {runner_up} alternate" if runner_up else "")
        + f". Votes: {_tally_text(tally)}.",
    )


def election_tied(group: str, tally: list[tuple[str, int]], runoff: bool) -> Message:
    """A tie: a runoff follows, or (after a runoff) officers decide."""
    follow = (
        "A runoff between the tied candidates opens now; watch for the message."
        if runoff
        else "The runoff tied again, so the Crime Prevention Unit will appoint the leader."
    )
    return Message(
        html=f"🗳 <b>Election result — {esc(group)}</b>\n\n{_tally_lines(tally)}\n\n"
        f"It's a tie. {follow}",
        text=f"Election for {group} tied ({_tally_text(tally)}). {follow}",
    )


def election_without_candidates(group: str) -> Message:
    """Nobody accepted a nomination."""
    return Message(
        html=f"🗳 The election for leader of <b>{esc(group)}</b> closed without candidates. "
        "The leadership is unchanged; a new election can be opened at any time.",
        text=f"The election for leader of {group} closed without candidates.",
    )


def officers_runoff_tied(group: str, code: str, tally: list[tuple[str, int]]) -> Message:
    """Officers: a runoff tied; appoint a leader."""
    return Message(
        html=f"🗳 The runoff for leader of <b>{esc(group)}</b> tied again "
        f"({esc(_tally_text(tally))}). Please appoint a leader with /setleader {esc(code)}.",
        text=f"The runoff for leader of {group} tied again. Appoint a leader: /setleader {code}",
    )


def election_reviewed(group: str, winner: str, certified: bool, note: str) -> Message:
    """An officer certified or overturned the result."""
    if certified:
        return Message(
            html=f"✅ The Crime Prevention Unit certified the election of <b>{esc(winner)}</b> "
            f"as leader of <b>{esc(group)}</b>.",
            text=f"The election of {winner} as leader of {group} was certified.",
        )
    reason = f"\nReason: {esc(note)}" if note else ""
    return Message(
        html=f"⚠️ The Crime Prevention Unit overturned the election of <b>{esc(winner)}</b> as "
        f"leader of <b>{esc(group)}</b>.{reason}\n\nThe group has no elected leader until a new "
        "election; an officer can open one.",
        text=f"The election of {winner} as leader of {group} was overturned"
        + (f": {note}" if note else "")
        + ".",
    )


def term_ending(group: str, leader: str, ends_at: datetime, zone: ZoneInfo) -> Message:
    """30 days before a term ends."""
    when = local_date(ends_at, zone)
    return Message(
        html=f"🗳 {esc(leader)}'s term as leader of <b>{esc(group)}</b> ends on {when}. Time to "
        "elect again: the leader or an officer can open an election with /election open.",
        text=f"{leader}'s term as leader of {group} ends on {when}. Time to elect again.",
    )


# Meetings


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


# Vacation watch (the resident's own details; the leader learns only a name and dates)


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
