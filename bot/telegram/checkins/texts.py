"""What daily check-ins say in Telegram (HTML; user-written parts are escaped by callers)."""

from __future__ import annotations

from core.markup import esc

INTRO = (
    "🕘 <b>Daily check-in</b>\n"
    "We message you at the same time every day. Reply OK (or press <b>I'm OK</b>). If you "
    "don't answer, the people you choose are told, and if none of them can check, the police "
    "officer on duty. It is free, and you can pause or stop it any time.\n\n"
    "<i>Not for emergencies: call 911.</i>"
)
FOR_ME = "For me"
FOR_OTHER = "For someone I look after"
REGISTER_FIRST = (
    "Please register first with /start (your name and address are what your contacts "
    "are told), then send /checkin again."
)
ASK_TIME = (
    "What time each day? For example <b>9am</b>, or two times like <b>9am and 6pm</b>. (/cancel)"
)
ASK_CHANNEL = "How should the check-in reach you? (/cancel)"
ASK_WINDOW = "If you don't answer, how long should we wait before telling your contacts? (/cancel)"
ASK_DAYS = "Any days without a check-in? Press one, or type days like <b>sat and sun</b>. (/cancel)"
ASK_PERSON_NAME = (
    "What is their name? (It is how the check-in greets them and what their contacts "
    "are told.) (/cancel)"
)
ASK_PERSON_HOW = "How should they confirm? Only they can start their check-ins. (/cancel)"
ASK_PERSON_PHONE = "Their mobile number, with the area code (e.g. (203) 555-0142). (/cancel)"
ASK_PERSON_ADDRESS = (
    "Their street address, which their contacts are told if they miss a check-in (or "
    "press Skip). (/cancel)"
)
ASK_CONTACT_NAME = "The contact's name? (/cancel)"
ASK_CONTACT_HOW = "How do we reach them if you miss a check-in? (/cancel)"
ASK_CONTACT_PHONE = "Their mobile number, with the area code. (/cancel)"
ASK_NEW_TIME = ASK_TIME
ASK_BACK = (
    "Which day are you back? Check-ins start again that day. For example <b>the "
    "14th</b>, <b>12/14</b> or <b>Dec 14</b>. (/cancel)"
)
ASK_ZONE = (
    "Which time zone are you in? For example <b>Eastern</b>, <b>Central</b>, "
    "<b>Pacific</b> or <b>America/Chicago</b>. (/cancel)"
)
STOP_QUESTION = (
    "Stop your daily check-ins? Nothing more will be sent, and nobody will be told if "
    "you don't answer. Your contacts are told that you stopped."
)
STOP_YES = "Yes, stop them"
KEEP = "Keep them"
STOPPED = "🛑 Your daily check-ins have stopped. Send /checkin to start again."
KEPT = "Your daily check-ins go on."
CANCELLED = "Cancelled: nothing was set up."
START = "✅ Start"
SEND = "📨 Send"
CANCEL = "Cancel"
SKIP = "Skip"
TELEGRAM = "Telegram"
SMS = "Text message"
BOTH = "Both"
BY_TEXT = "By text message"
BY_LINK = "A Telegram link I send them"
EVERY_DAY = "Every day"
NO_SUNDAYS = "Not on Sundays"
NO_WEEKENDS = "Not on weekends"
ADD_CONTACT = "➕ Add a contact"
REMOVE_CONTACT = "➖ Remove a contact"
CHANGE_TIME = "🕘 Time"
CHANGE_WAIT = "⏳ Wait"
CHANGE_DAYS = "📅 Days off"
CHANGE_ZONE = "🌎 Time zone"
CHANGE_CHANNEL = "📱 By"
PAUSE = "✈️ Pause"
RESUME = "▶️ Resume"
HISTORY = "📜 History"
SCAMS_ON = "🛡 Scam warnings: on"
SCAMS_OFF = "🛡 Scam warnings: off"
STOP = "🛑 Stop"
CONTACT_PHONE = "Their phone number"
CONTACT_LINK = "A Telegram link for them"
ACCEPT = "✅ Yes, I'll be a contact"
DECLINE = "No"
AGREE = "✅ Yes, start"
NO_THANKS = "No, thank you"
CHECKED_IN = "✅ Thank you, {name} — you're checked in for today."
ALREADY_ANSWERED = "You have already answered this check-in. Thank you!"
HELP_SENT = (
    "🚨 <b>If this is an emergency, call 911 now.</b>\n\nWe have told {told} that you "
    "asked for help."
)
GOT_IT = "🙋 Thank you: you're checking on {name}. The others have been told."
ALREADY_TAKEN = "{who} is already checking on {name}."
ALREADY_FINE = "{name} has already answered this check-in."
STEP_EXPIRED = "That button belongs to an older message. Please send /checkin again."
TEXT_EXPECTED = "Please type it as text, or /cancel."
SCAMS_STOPPED = "The weekly scam warnings are off. (Turn them on again with /checkin.)"
DUTY_NONE = "Nobody is on duty: missed check-ins go to every officer."
ON_DUTY = "👮 I'm on duty"
OFF_DUTY = "Go off duty"
FORGET_YES = "Yes, delete"
FORGET_NO = "No, keep"
FORGET_KEPT = "Nothing was deleted."
CONTACT_DECLINED = "All right: you won't be asked. (The person who sent the link is not told.)"
NOBODY = "Nobody has signed up for daily check-ins yet."


def started(name: str, lines: list[str]) -> str:
    """The receipt after /checkin's Start."""
    body = "\n".join(f"• {esc(line)}" for line in lines)
    return (
        f"✅ <b>Daily check-ins are on, {esc(name)}.</b>\n{body}\n\n"
        "Add up to three people to be told if you don't answer. Without a contact, the police "
        "officer on duty is told."
    )


def review(name: str, lines: list[str], *, other: bool) -> str:
    """The summary before Start (or Send, for someone else)."""
    body = "\n".join(f"• {esc(line)}" for line in lines)
    lead = f"Daily check-ins for <b>{esc(name)}</b>"
    tail = (
        "\n\nThey must confirm themselves before anything starts. You will be their first contact."
        if other
        else ""
    )
    return f"{lead}\n{body}{tail}"


def card(name: str, lines: list[str], today: str) -> str:
    """/checkin for someone enrolled: their settings and today's check-in."""
    body = "\n".join(f"• {esc(line)}" for line in lines)
    return f"🕘 <b>Your daily check-ins, {esc(name)}</b>\n{body}\n\nLatest: {esc(today)}"


def waiting_card(name: str) -> str:
    """/checkin from a person whose sign-up waits for their answer."""
    return (
        f"{esc(name)}, someone asked us to check on you daily. Open the link they sent "
        f"you to answer."
    )


def asked_by_text(name: str) -> str:
    """After Send, by text."""
    return (
        f"📨 We have texted {esc(name)}. Their check-ins start when they reply YES; you'll hear "
        "here when they do."
    )


def asked_by_link(name: str, link: str) -> str:
    """After Send, a link."""
    return (
        f"📨 Send this link to {esc(name)}: {esc(link)}\n\nTheir check-ins start when they open it "
        "and press Yes; you'll hear here when they do."
    )


def invite_question(signer: str, times: str) -> str:
    """What the person sees when they open their link."""
    return (
        f"🕘 {esc(signer)} asked us to check on you every day at {esc(times)}: a message you "
        "answer with OK, and if you don't, the people you choose are told.\n\nWould you like "
        "that?"
    )


def contact_question(person: str) -> str:
    """What a contact sees when they open their link."""
    return (
        f"🙋 {esc(person)} would like you as a contact for their daily check-in. If they don't "
        "answer one, we'll message you here so you can check on them.\n\nWill you?"
    )


def contact_accepted(person: str) -> str:
    """After a contact accepts."""
    return (
        f"✅ Thank you. If {esc(person)} misses a check-in, we'll message you here. /checkin "
        "shows their history."
    )


def contact_link(name: str, link: str) -> str:
    """After adding a Telegram contact."""
    return (
        f"➕ {esc(name)} is added. Send them this link so we can reach them on Telegram: "
        f"{esc(link)}"
    )


def contact_added(name: str) -> str:
    """After adding a contact by phone."""
    return f"➕ {esc(name)} is added: we have texted them to say so."


def watching(names: list[str]) -> str:
    """/checkin from someone who is a contact for others."""
    return "You are a contact for: " + ", ".join(esc(n) for n in names) + "."


def duty(current: str | None, me: bool) -> str:
    """/duty."""
    if current is None:
        return DUTY_NONE
    if me:
        return "👮 You are on duty: missed check-ins come to you."
    return f"👮 On duty: {esc(current)}. Missed check-ins go to them."


def overview(lines: list[str]) -> str:
    """/checkins."""
    if not lines:
        return NOBODY
    return f"🕘 <b>Daily check-ins</b> ({len(lines)})\n" + "\n".join(lines)


def forget_warning(count: int) -> str:
    """A line for /forget's question."""
    return "Your daily check-ins (and your place as anyone's check-in contact) will be deleted."


def forget_confirm(count: int) -> str:
    """/forget from someone who never registered."""
    return (
        "Delete your daily check-ins and your place as a check-in contact? This cannot be undone."
    )


def forgotten(count: int) -> str:
    """After deleting."""
    return "Deleted." if count else "There was nothing to delete."
