"""What the meeting handlers say in Telegram."""

from __future__ import annotations

from core.markup import esc

MEETING_ASK_TITLE = (
    "📅 New meeting for <b>{group}</b>. What is it called? (e.g. Monthly watch meeting)"
    " /cancel to stop."
)


TIME_EXAMPLES = (
    "<b>12/15 7pm</b>, <b>2026-12-15 19:00</b>, <b>tomorrow 6:30pm</b> or <b>19:00</b> (today)"
)


MEETING_ASK_WHEN = f"When is it? For example {TIME_EXAMPLES}. /cancel to stop."


MEETING_ASK_PLACE = "Where? (e.g. Oak Park Library, Room 2) /cancel to stop."


MEETING_ASK_AGENDA = "The agenda (a few lines), or tap Skip. /cancel to stop."


MEETING_CREATE = "✅ Invite the group"


MEETING_DISCARD = "Discard"


MEETING_DISCARDED = "Discarded; no meeting was created."


NO_MEETINGS = "No upcoming meetings in your groups. /events lists the public ones."


NO_EVENTS = "No public events are coming up. /talk asks officers for a safety talk."


MEETING_ASK_NEW_TIME = f"When is the meeting now? For example {TIME_EXAMPLES}. /cancel to stop."


MEETING_CONFIRM_CANCEL = "Cancel this meeting? Everyone invited will be told."


MEETING_CANCEL_YES = "Yes, cancel it"


MEETING_KEEP = "Keep it"


MEETING_KEPT = "The meeting stays on."


RESCHEDULE = "🕑 Reschedule"


CANCEL_MEETING = "🚫 Cancel meeting"


RSVP_THANKS = {"going": "See you there!", "maybe": "Noted: maybe.", "no": "Noted: you can't come."}


def meeting_summary(group: str, details: str) -> str:
    """The draft before it is sent."""
    return f"<b>Meeting for {esc(group)}</b>\n\n{details}\n\nInvite the group?"


def meeting_created(meeting_id: int, invited: int, reminders: str) -> str:
    """The meeting was created."""
    return (
        f"✅ Meeting #{meeting_id} is scheduled. Invitations with a calendar file go to {invited} "
        f"member{'s' if invited != 1 else ''} (those who follow Meetings). Reminders: {reminders} "
        "before. Change it from /meetings."
    )


def meeting_moved(meeting_id: int, when: str, told: int) -> str:
    """Rescheduled."""
    return f"🕑 Meeting #{meeting_id} moved to <b>{when}</b>; {told} invited member(s) were told."


def meeting_cancelled(meeting_id: int, told: int) -> str:
    """Cancelled."""
    return f"🚫 Meeting #{meeting_id} is cancelled; {told} invited member(s) were told."


def meeting_card(group: str, details: str, answer: str | None, counts: dict[str, int]) -> str:
    """One meeting in /meetings."""
    mine = {"going": "you're going", "maybe": "you might come", "no": "you can't come"}
    return (
        f"📅 <b>{esc(group)}</b>\n{details}\n\n"
        f"{counts.get('going', 0)} going · {counts.get('maybe', 0)} maybe"
        + (f" · {mine[answer]}" if answer in mine else " · you haven't answered")
    )
