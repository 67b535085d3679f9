"""What security surveys (/survey, /mysurveys, /surveys) say in Telegram (HTML; user text
escaped)."""

from __future__ import annotations

from core.markup import esc

# The requester's flow

ASK_KIND = (
    "🏠 <b>Ask for a free security survey</b> — a Crime Prevention Officer visits and "
    "tells you how to make it harder to break in. Not for emergencies: call 911.\n\n"
    "What should be surveyed? (or /cancel)"
)
KIND_BUTTONS = (
    ("residential", "🏠 My home"),
    ("commercial", "🏪 My business"),
    ("boat", "⛵ My boat"),
)
ASK = {
    "address": "📍 What is the address? e.g. 40 Elm St, Apt 2. (/cancel to stop)",
    "business": "🏪 What is the business called? (/cancel to stop)",
    "contact": (
        "👤 Who should the officer ask for, and how to reach them? e.g. Maria Lopez, manager, "
        "203-555-0100. (/cancel to stop)"
    ),
    "marina": "⚓ Which marina or boat yard is the boat at? (/cancel to stop)",
    "slip": "🔢 Which slip, mooring or space? (/cancel to stop)",
    "vessel": (
        "⛵ What is the boat's name, or its registration number (e.g. CT 1234 AB)? "
        "(/cancel to stop)"
    ),
    "concern": (
        "📝 What worries you? In a few words (up to 1000 characters), e.g. the back door "
        "doesn't lock well; there was a break-in next door. (/cancel to stop)"
    ),
}
ASK_WINDOWS = (
    "🗓 When would suit you? Send two or three times, one message each, as a date and a part "
    "of the day: e.g. <code>12/8 morning</code>, <code>Dec 9 afternoon</code>, "
    "<code>tomorrow evening</code> (or just a date for any time). (/cancel to stop)"
)
WINDOW_FORMAT = (
    "Please send a date and a part of the day, e.g. 12/8 morning, Dec 9 afternoon or "
    "tomorrow evening. (/cancel to stop)"
)
WINDOWS_DONE = "That's all"
TEXT_EXPECTED = "Please answer in words, or /cancel."
SEND = "✅ Send"
EDIT = "✏️ Edit"
CANCEL = "Cancel"
KEEP_AS_IS = "Keep it as it was"
CANCELLED = "Cancelled: nothing was sent."
STEP_EXPIRED = "That button belongs to an earlier step. Please use the newest message."
EMERGENCY_FIRST = "🚨 <b>If this is an emergency, call 911 now.</b>"
PART_LABELS = {
    "address": "Address",
    "business": "Business name",
    "contact": "Contact",
    "marina": "Marina",
    "slip": "Slip",
    "vessel": "Boat",
    "concern": "What worries you",
    "windows": "Times that suit",
}
ASK_EDIT = "Which part do you want to change? (/cancel to stop)"


def window_taken(label: str, count: int, maximum: int) -> str:
    """A window was noted; ask for the next (or offer to stop)."""
    more = (
        "Send another, or press That's all."
        if count >= 2
        else "Send one more (two or three in all)."
    )
    return f"🗓 Noted: {esc(label)} ({count} of up to {maximum}). {more} (/cancel to stop)"


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
        f"{first}✅ Thank you. Your survey request is in: <b>{reference}</b>.\n"
        "An officer will propose a time that suits you; you'll accept it here. /mysurveys "
        "shows your requests."
    )


# Answers to an officer's proposal, the follow-up

ACCEPTED = "✅ Accepted: the visit for {ref} is booked. The calendar file follows."
MOVED = "✅ Accepted: the visit for {ref} is moved. The new calendar file follows."
DECLINED = "🔁 We've asked the officer for another time for {ref}."


def done_noted(label: str, changed: bool) -> str:
    """A recommendation marked done from the follow-up."""
    return f"Noted: {label} is done. Thank you!" if changed else f"{label} was already noted."


NOTHING_YET = "Thanks for telling us. The report's advice stays with you in the PDF."


# The requester's list

NO_SURVEYS = "You have no security survey requests. /survey asks for one."
KEEP = "Keep it"


def mine(lines: list[str]) -> str:
    """/mysurveys."""
    return "🏠 <b>Your security survey requests</b>\n\n" + "\n\n".join(lines)


def mine_line(reference: str, kind: str, where: str, status: str, when: str, visit: str) -> str:
    """One of the requester's requests."""
    line = f"<b>{reference}</b> {esc(kind)} — {esc(where)}\n   {esc(status)}; asked {esc(when)}"
    return line + (f"\n   {esc(visit)}" if visit else "")


def cancel_label(reference: str) -> str:
    """The button that asks to cancel a request."""
    return f"✖️ Cancel {reference}"


def another_label(reference: str) -> str:
    """The button that asks for another visit time."""
    return f"🔁 Another time for {reference}"


def delete_label(reference: str) -> str:
    """The button that asks to delete a request."""
    return f"🗑 Delete {reference}"


def cancel_question(reference: str) -> str:
    """Cancelling asks first."""
    return (
        f"Cancel {reference}? The officer is told, and any visit booked is called off. It "
        "stays in /mysurveys as cancelled."
    )


def another_question(reference: str) -> str:
    """Moving the visit asks first."""
    return (
        f"Ask for another time for {reference}? The booked visit is called off and the officer "
        "is asked to propose a new time."
    )


def delete_question(reference: str) -> str:
    """Deleting asks first and says what happens."""
    return (
        f"Delete {reference}? Officers will no longer see it (an open request is cancelled and "
        "the officer told), and its report is gone. This can't be undone."
    )


def cancelled(reference: str) -> str:
    """A request was cancelled."""
    return f"✖️ Cancelled {reference}. The officer has been told."


def another_asked(reference: str) -> str:
    """The visit was called off to move it."""
    return f"🔁 The visit for {reference} is off; the officer will propose another time."


def deleted(reference: str) -> str:
    """A request was deleted."""
    return f"🗑 Deleted {reference}. Officers no longer see it."


def kept(reference: str) -> str:
    """Nothing was changed."""
    return f"Kept {reference} as it was."


YES_CANCEL = "Yes, cancel it"
YES_ANOTHER = "Yes, ask for another time"
YES_DELETE = "Yes, delete it"


# /forget


def forget_warning(count: int) -> str:
    """For /forget's question."""
    plural = "s" if count != 1 else ""
    return f"Your {count} security survey request{plural} (/mysurveys) will be deleted."


def forget_confirm(count: int) -> str:
    """/forget from someone who never registered but asked for surveys."""
    return (
        f"You aren't registered, but this chat asked for {count} security survey"
        f"{'s' if count != 1 else ''}. Delete {'them' if count != 1 else 'it'}? Officers will "
        "no longer see them, and you won't hear about them again."
    )


FORGET_YES = "Delete my survey requests"
FORGET_NO = "Keep them"
FORGET_KEPT = "Nothing was deleted."


def forgotten(count: int) -> str:
    """Requests deleted on /forget."""
    return f"Deleted {count} security survey request{'s' if count != 1 else ''}."


# Officers

STATUS_TABS = (("new", "New"), ("scheduled", "Scheduled"), ("done", "Done"))
VIEW = "Open"
CLAIM = "🙋 Claim"
PROPOSE = "🗓 Propose a time"
PROPOSE_AGAIN = "🗓 Propose another time"
CANCEL_VISIT = "✖️ Cancel the visit"
FINDINGS = "📋 Record findings"
BACK_TO_QUEUE = "⬅️ The queue"
NEWER = "⬅️ Earlier"
OLDER = "Later ➡️"
YES_CANCEL_VISIT = "Yes, cancel the visit"
KEEP_VISIT = "Keep the visit"


def queue(title: str, count: int, lines: list[str]) -> str:
    """One status of the queue."""
    head = f"🏠 <b>Security surveys — {esc(title)}</b> ({count})"
    if not lines:
        return f"{head}\n\nNone."
    return f"{head}, oldest first\n\n" + "\n".join(lines)


def tab(label: str, count: int) -> str:
    """A status tab's button."""
    return f"{label} ({count})"


def ask_time(reference: str, windows: list[str]) -> str:
    """The officer's propose step."""
    suits = "; ".join(windows) if windows else "none given (asked by text)"
    return (
        f"🗓 When will you visit for {reference}? The requester said these suit: {esc(suits)}.\n"
        "Send a date and time, e.g. <code>12/8 10am</code> or <code>2026-12-08 10:00</code>. "
        "(/cancel to stop)"
    )


def proposed(reference: str, when: str) -> str:
    """A proposal was sent."""
    return f"🗓 Proposed {when} for {reference}. You'll be told when the requester answers."


def cancel_visit_question(reference: str, when: str) -> str:
    """Cancelling a booked visit asks first."""
    return (
        f"Cancel the visit for {reference} on {when}? The requester is told (with the calendar "
        "cancellation) and the request goes back to New, to propose another time."
    )


def visit_cancelled(reference: str) -> str:
    """The officer cancelled the visit."""
    return f"✖️ The visit for {reference} is cancelled; the requester has been told."


VISIT_KEPT = "The visit stays as it was."
PRIORITY_BUTTONS = (
    ("high", "🔴 High"),
    ("medium", "🟠 Medium"),
    ("low", "🟡 Low"),
    ("ok", "✅ Fine"),
)
SKIP = "Skip"
SEND_REPORT = "📄 Send the report"


def ask_priority(reference: str, label: str, number: int, total: int) -> str:
    """One checklist item's priority."""
    return (
        f"📋 {reference} — <b>{esc(label)}</b> ({number} of {total}): how urgent is what you "
        "recommend? ✅ Fine means nothing to do. (/cancel to stop; nothing is kept until Send)"
    )


def ask_note(label: str) -> str:
    """One checklist item's note."""
    return (
        f"📝 A note on <b>{esc(label)}</b>: what you saw and what to do (up to 500 characters), "
        "or press Skip. (/cancel to stop)"
    )


def findings_review(reference: str, lines: list[str]) -> str:
    """The findings before the report goes."""
    return (
        f"📋 <b>Findings for {reference}</b>\n\n"
        + "\n".join(lines)
        + "\n\nSend the report? The requester gets it as a PDF (and one line by text if they "
        "get texts). Cancel keeps nothing."
    )


def report_sent(reference: str) -> str:
    """The report is on its way."""
    return (
        f"📄 The report for {reference} is on its way to the requester. In 30 days they'll be "
        "asked which recommendations they carried out."
    )


FINDINGS_CANCELLED = "Cancelled: no findings were kept."
