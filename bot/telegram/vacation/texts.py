"""What the vacation-watch handlers say in Telegram."""

from __future__ import annotations

from bot.telegram import dates
from core.markup import esc

VACATION_INTRO = (
    "🏖 <b>Vacation watch</b>: officers check your home while you're away. I'll ask a few "
    "questions (/cancel to stop). Only officers see your answers."
)


VACATION_ASK_ADDRESS = (
    "Which address? Tap to use <b>{address}</b>, or type another. /cancel to stop."
)


VACATION_ASK_ADDRESS_NONE = (
    "Which address should officers check? (street and number) /cancel to stop."
)


USE_ADDRESS = "Use this address"


VACATION_ASK_LEAVE = (
    "When do you leave? "
    + dates.VACATION_DATE_FORMAT.removeprefix("Please send ")
    + " /cancel to stop."
)


VACATION_ASK_RETURN = "When are you back? (at most 30 days later) /cancel to stop."


VACATION_ASK_CONTACT_NAME = "An emergency contact officers can call: their name? /cancel to stop."


VACATION_ASK_CONTACT_PHONE = "Their phone number? /cancel to stop."


VACATION_QUESTIONS = {
    "key_holder": "Who holds a key? (name and phone, or tap None)",
    "vehicles": "Vehicles left at the house? (make, color, plate, where parked; or None)",
    "alarm_company": "Alarm company? (name and phone, or None)",
    "lights": "Lights on timers? (which rooms and when, or None)",
    "pets": "Pets at home, and who looks after them? (or None)",
    "allowed_people": "Anyone allowed on the property while you're away? (a sitter, a "
    "gardener; or None)",
}


NONE = "None"


VACATION_ASK_LEADER = (
    "Shall we tell your watch group's leader that a neighbor is away? They'd get your name and "
    "dates only, never your address or details."
)


TELL_LEADER_YES = "Yes, tell them"


TELL_LEADER_NO = "No"


VACATION_CONFIRM = "✅ Confirm"


VACATION_DISCARD = "Discard"


VACATION_EDIT = "✏️ Edit"


VACATION_BACK = "↩️ Back"


VACATION_KEEP = "↩️ Keep it as it was"


VACATION_ASK_NEW_ADDRESS = (
    "Which address should officers check? (street and number) /cancel to stop."
)


VACATION_RETURN_NO_LONGER_FITS = (
    "Your return date no longer fits the new leaving date, so it is asked again."
)


VACATION_EDIT_FIELDS = {
    "address": "Address",
    "leave": "Leaving",
    "return": "Back",
    "contact_name": "Contact's name",
    "contact_phone": "Contact's phone",
    "key_holder": "Key holder",
    "vehicles": "Vehicles",
    "alarm_company": "Alarm company",
    "lights": "Lights",
    "pets": "Pets",
    "allowed_people": "People allowed",
    "tell_leader": "Tell the leader",
}


VACATION_DISCARDED = "Discarded; nothing was stored."


CHECKED_USAGE = "Usage: /checked ID [note], with the number from the patrol list."


def vacation_summary(lines: list[str], tell_leader: bool) -> str:
    """Before confirming."""
    leader = "yes (name and dates only)" if tell_leader else "no"
    return (
        "<b>Please check your vacation watch</b>\n\n"
        + "\n".join(lines)
        + f"\nTell the group's leader: {leader}\n\nConfirm?"
    )


def vacation_created(watch_id: int, leave: str, back: str) -> str:
    """Confirmed."""
    return (
        f"✅ Vacation watch #{watch_id} is on, {leave} → {back}. You'll get a checklist the day "
        "before you leave, and a message each time an officer checks your home. Back early? "
        "Send /back. Have a good trip!"
    )


def back_question(address: str, leave: str, back: str, started: bool) -> str:
    """/back asks first."""
    if started:
        return (
            f"End the vacation watch for <b>{esc(address)}</b> now? Officers stop checking the "
            f"house today (it was to run until {back})."
        )
    return (
        f"Cancel the vacation watch for <b>{esc(address)}</b> ({leave} to {back})? It has not "
        "started yet; officers will not check the house."
    )


END_WATCH = "Yes, I'm back: end it"
CANCEL_WATCH = "Yes, cancel it"
KEEP_WATCH = "No, keep it"
WATCH_KEPT = "Your vacation watch stays as it is."


def vacation_cancelled(address: str) -> str:
    """/back before the trip began, confirmed."""
    return (
        f"Your vacation watch for {esc(address)} is cancelled; officers will not check the house. "
        "Send /vacation when you need one again."
    )


def vacation_ended(address: str, checks: str) -> str:
    """/back."""
    return f"🏡 Welcome back! The vacation watch for {esc(address)} has ended.\n\n{checks}"


def check_logged(watch_id: int, address: str, count: int) -> str:
    """/checked."""
    return (
        f"✅ Check logged for watch #{watch_id} ({esc(address)}); the resident was told. "
        f"Checks so far: {count}."
    )
