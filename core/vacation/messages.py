"""What vacation watch sends: the day-before checklist, house checks logged, welcome back, and
the "a neighbor is away" note to a leader (only with consent)."""

from __future__ import annotations

from core.delivery import Message
from core.markup import esc


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
        text=f"Welcome back! Your vacation watch has ended; officers checked your home "
        f"{'once' if count == 1 else f'{count} times'}.",
    )


def neighbor_away(group: str, name: str, leave_on: str, return_on: str) -> Message:
    """The group's leader, with the resident's consent: a name and dates, nothing more."""
    return Message(
        html=f"🏖 A neighbor in <b>{esc(group)}</b>, {esc(name)}, is away {leave_on} → "
        f"{return_on} and asked that you know. Officers are checking the home; if you notice "
        "anything unusual, call the police (911 in an emergency).",
        text=f"A neighbor in {group}, {name}, is away {leave_on}-{return_on}.",
    )
