"""What talks (/talk, /mytalks, /talks) say in Telegram (HTML; user text escaped)."""

from __future__ import annotations

from core.markup import esc

# The requester's flow

ASK_TOPIC = (
    "🎤 <b>Ask for a safety talk</b> — a presentation, workshop, town hall or school program "
    "by the Crime Prevention Unit. Not for emergencies: call 911.\n\n"
    "What should it be about? (or /cancel)"
)
TOPIC_BUTTONS = (
    ("prevention", "Crime prevention"),
    ("elderly", "Elderly and disabled people"),
    ("bomb", "Bomb threats"),
    ("cards", "Check and credit card fraud"),
    ("vandalism", "Vandalism"),
    ("self", "Self-protection"),
    ("robbery", "Commercial armed robbery"),
    ("babysitting", "Safe baby-sitting"),
    ("burglary", "Burglary safeguards"),
    ("scams", "Frauds, cons and scams"),
    ("workshop", "🛠 Workshop"),
    ("townhall", "🏛 Town hall"),
    ("school", "🏫 School program"),
)
ASK_AUDIENCE = "👥 Who is it for? (/cancel to stop)"
AUDIENCE_BUTTONS = (
    ("group", "Watch group"),
    ("business", "Business"),
    ("school", "School"),
    ("civic", "Civic group"),
    ("other", "Other"),
)
ASK_SIZE = "🔢 About how many people will come? Send a number, e.g. 30. (/cancel to stop)"
ASK_PLACE = (
    "📍 Where would it be? e.g. Oak Park Library, 12 Main St, or the school's name and "
    "address. (/cancel to stop)"
)
ASK_DATES = (
    "📅 Which dates suit you? One to three, separated by commas, e.g. <b>12/15, 12/17</b> or "
    "<b>Dec 20</b>. The officer picks the time with you. (/cancel to stop)"
)
DATES_EXPECTED = "Please send one to three dates, e.g. 12/15, 12/17. (/cancel to stop)"
TEXT_EXPECTED = "Please type your answer as text, or /cancel."
SEND = "✅ Send"
EDIT = "✏️ Edit"
CANCEL = "Cancel"
CANCELLED = "Cancelled: nothing was sent."
STEP_EXPIRED = "That button belongs to an earlier step. Please use the newest message."
EDIT_WHICH = "Which part do you want to change? (/cancel to stop)"
EDIT_PARTS = (
    ("topic", "Topic"),
    ("audience", "Who it is for"),
    ("size", "How many"),
    ("place", "Where"),
    ("dates", "Dates"),
)
BACK = "⬅️ Back to the review"
EMERGENCY_FIRST = "🚨 <b>If this is an emergency, call 911 now.</b>"


def review(lines: list[str]) -> str:
    """The review: exactly what officers will get, and the question."""
    return (
        "Officers will get this:\n\n"
        + "\n".join(lines)
        + "\n\nSend it? (Edit changes one part; Cancel sends nothing.)"
    )


def filed(reference: str, emergency: bool) -> str:
    """The receipt: the reference, and what happens next."""
    first = f"{EMERGENCY_FIRST}\n\n" if emergency else ""
    return (
        f"{first}✅ Thank you. Your request is in: <b>{reference}</b>.\n"
        "An officer will answer with a date, another topic or a reason; we'll tell you each "
        "step. /mytalks shows your requests."
    )


# The requester's list

NO_TALKS = "You have asked for no talks. /talk asks for one."
KEEP = "Keep it"
CANCEL_YES = "Yes, cancel it"


def mine(lines: list[str]) -> str:
    """/mytalks."""
    return "🎤 <b>Your talk requests</b>\n\n" + "\n".join(lines)


def mine_line(reference: str, topic: str, status: str, when: str) -> str:
    """One of the requester's requests."""
    return f"<b>{reference}</b> {esc(topic)}\n   {esc(status)}; asked {esc(when)}"


def cancel_label(reference: str) -> str:
    """The button that asks to cancel a request."""
    return f"🚫 Cancel {reference}"


def cancel_question(reference: str) -> str:
    """Cancelling asks first and says what happens."""
    return (
        f"Cancel {reference}? Officers will no longer work on it. This can't be undone "
        "(/talk asks again)."
    )


def cancelled(reference: str) -> str:
    """A request was cancelled."""
    return f"🚫 Cancelled {reference}."


def kept(reference: str) -> str:
    """Cancelling was called off."""
    return f"Kept {reference}."


def suggestion_answered(reference: str, took_it: bool, topic: str) -> str:
    """The requester answered a suggested topic."""
    if took_it:
        return f"✅ {reference} is now about <b>{esc(topic)}</b>. The officer is told."
    return f"{reference} keeps <b>{esc(topic)}</b>. The officer is told."


# /forget


def forget_warning(count: int) -> str:
    """For /forget's question."""
    return f"Your {count} talk request{'s' if count != 1 else ''} (/mytalks) will be deleted."


def forget_confirm(count: int) -> str:
    """/forget from someone who never registered but asked for talks."""
    return (
        f"You aren't registered, but this chat asked for {count} talk"
        f"{'s' if count != 1 else ''}. Delete {'them' if count != 1 else 'it'} (and your "
        "answers to public events)? Officers will no longer see them."
    )


FORGET_YES = "Delete my requests"
FORGET_NO = "Keep them"
FORGET_KEPT = "Nothing was deleted."


def forgotten(count: int) -> str:
    """Requests deleted on /forget."""
    return f"Deleted {count} talk request{'s' if count != 1 else ''}."


# Officers

STATUS_TABS = (
    ("new", "New"),
    ("suggested", "Topic suggested"),
    ("accepted", "Scheduled"),
    ("declined", "Declined"),
    ("cancelled", "Cancelled"),
)
VIEW = "Open"
CLAIM = "🙋 Claim"
ACCEPT = "📅 Accept with a date"
DECLINE = "✖️ Decline"
SUGGEST = "🔁 Suggest another topic"
BACK_TO_QUEUE = "⬅️ The queue"
NEWER = "⬅️ Earlier"
OLDER = "Later ➡️"
SUGGEST_WHICH = "Which topic do you suggest instead? The requester accepts it or keeps theirs."
OPEN_PUBLIC = "🌐 Open to the public"
ASK_REASON = (
    "✖️ Why is it declined? The requester reads this reason (up to 300 characters). "
    "(/cancel to stop)"
)
ASK_EVENT_PLACE = "📍 Where will it be? (e.g. Oak Park Library) (/cancel to stop)"


def open_group(name: str) -> str:
    """The button that opens the event to the requester's group."""
    return f"👥 Open to {name}"


def queue(title: str, count: int, lines: list[str]) -> str:
    """One status of the queue."""
    head = f"🎤 <b>Talk requests — {esc(title)}</b> ({count})"
    if not lines:
        return f"{head}\n\nNone."
    return f"{head}, oldest first\n\n" + "\n".join(lines)


def tab(label: str, count: int) -> str:
    """A status tab's button."""
    return f"{label} ({count})"


def ask_when(reference: str, preferred: str) -> str:
    """Accepting asks for the date and time."""
    return (
        f"📅 When will {reference} take place? The requester prefers: {esc(preferred)}.\n"
        "Send it like <b>12/15 7pm</b>, <b>2026-12-15 19:00</b> or <b>tomorrow 6:30pm</b>. "
        "(/cancel to stop)"
    )


def ask_open(reference: str, when: str, place: str) -> str:
    """Accepting asks who may come."""
    return (
        f"📅 {reference}: <b>{esc(when)}</b> at {esc(place)}.\nWho may come? The requester "
        "gets the event with RSVP buttons and a calendar file; reminders follow. (/cancel to "
        "stop)"
    )


def accepted(reference: str, meeting_id: int, open_to: str) -> str:
    """The request became an event."""
    return (
        f"✅ {reference} is scheduled as event #{meeting_id}, open to {esc(open_to)}. The "
        "requester is told; reminders go to those who answer going or maybe."
    )


def declined(reference: str) -> str:
    """The request was declined."""
    return f"✖️ {reference} is declined; the requester gets your reason."


def suggested(reference: str, topic: str) -> str:
    """Another topic was suggested."""
    return f"🔁 {reference}: {esc(topic)} suggested; you'll hear the requester's answer."
