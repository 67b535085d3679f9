"""What victim assistance (/victim, /victims and the person's side) says in Telegram (HTML;
user text escaped)."""

from __future__ import annotations

from core.markup import esc

# The officer's /victim

ASK_CRIME = (
    "🤝 <b>Open a victim follow-up</b>\n"
    "The person gets the department's resources and check-ins at 2 days, 2 weeks and 1 month, "
    "once they agree. Nothing of it goes to any group.\n\n"
    "What was the crime? (or /cancel)"
)
CRIME_BUTTONS = (
    ("burglary", "Burglary"),
    ("theft", "Theft"),
    ("vehicle", "Vehicle break-in or theft"),
    ("robbery", "Robbery"),
    ("assault", "Assault"),
    ("fraud", "Fraud or scam"),
    ("identity", "Identity theft"),
    ("vandalism", "Vandalism"),
    ("other", "Other"),
)
ASK_CASE = "🗂 The case number, e.g. 26-004512. (/cancel to stop)"
ASK_HOW = "📨 How should we reach them? (/cancel to stop)"
HOW_BUTTONS = (
    ("member", "👤 A registered member (chat id)"),
    ("invite", "🔗 An invite link I hand over"),
    ("phone", "📱 A phone number (text)"),
)
ASK_MEMBER = (
    "👤 The member's Telegram chat id (a number, as /members shows it). They will be asked to "
    "agree first. (/cancel to stop)"
)
ASK_PHONE = (
    "📱 Their phone number, e.g. (203) 555-0142. They will be texted and must reply YES "
    "before anything else is sent. (/cancel to stop)"
)
TEXT_EXPECTED = "Please type it as text. (/cancel to stop)"
OPEN = "✅ Open the follow-up"
CANCEL = "Cancel"
CANCELLED = "Cancelled: nothing was opened and nobody was contacted."
STEP_EXPIRED = "That button belongs to an earlier step. Please use the newest message."


def review(crime: str, case: str, how: str, shown: str) -> str:
    """What /victim will do, and the question."""
    reach = {
        "member": f"Telegram: {esc(shown)}, who is asked to agree first",
        "invite": "an invite link for you to hand over; whoever opens it is asked to agree",
        "phone": f"a text to {esc(shown)}, who must reply YES first",
    }[how]
    return (
        "🤝 <b>Victim follow-up</b>\n"
        f"Crime: {esc(crime)}\nCase: <b>{esc(case)}</b>\nReach: {reach}\n\n"
        "Open it? (Cancel contacts nobody.)"
    )


def opened(reference: str, case: str, how: str, link: str | None) -> str:
    """The receipt of /victim."""
    head = f"✅ Follow-up <b>{reference}</b> for case <b>{esc(case)}</b> is open."
    if how == "invite" and link:
        return (
            f"{head}\nGive them this link (it works once); when they open it they are asked "
            f"to agree:\n{esc(link)}\n\n/victims lists your follow-ups."
        )
    if how == "phone":
        return (
            f"{head}\nThey are being texted and must reply YES first; you'll be told when they "
            "do. /victims lists your follow-ups."
        )
    return f"{head}\nThey have been asked to agree; you'll be told. /victims lists them."


# The officer's /victims

VIEW = "Open"
REPLY = "✍️ Reply"
CLOSE = "Close"
CLOSE_YES = "Yes, close it"
KEEP_OPEN = "Keep it open"
BACK = "⬅️ The list"
NEWER = "⬅️ Earlier"
OLDER = "Later ➡️"


def followups(total: int, lines: list[str]) -> str:
    """/victims."""
    head = f"🤝 <b>Victim follow-ups</b> ({total} open)"
    if not lines:
        return f"{head}\n\nNone. /victim opens one."
    return f"{head}, oldest first\n\n" + "\n".join(lines)


def close_question(reference: str, case: str) -> str:
    """Closing asks first and says what happens."""
    return (
        f"Close {reference} (case {esc(case)})? No more check-ins will be sent, and a person "
        "who agreed is told it is closed. This can't be undone."
    )


def closed(reference: str, case: str) -> str:
    """A follow-up was closed."""
    return f"Closed {reference} (case {esc(case)}). No more check-ins will be sent."


def ask_reply(reference: str, case: str) -> str:
    """The officer's reply prompt."""
    return (
        f"✍️ Type your message to the person of {reference} (case {esc(case)}), up to 1000 "
        "characters. (/cancel to stop)"
    )


def replied(reference: str) -> str:
    """The officer's reply is on its way."""
    return f"📨 Sent to the person of {reference}."


# The person


def consent_again(officer: str, case: str) -> str:
    """An invite link opened: the question first."""
    return (
        f"🤝 <b>Help after a crime</b>\n\n{esc(officer)} of the Crime Prevention Unit would like "
        f"to send you local resources for victims (case {esc(case)}) and check in with you in 2 "
        "days, 2 weeks and 1 month. You can stop at any time.\n\nMay we? Not for emergencies: "
        "call 911."
    )


YES = "✅ Yes, please"
NO = "No, thank you"
AGREED = (
    "✅ Thank you. The resources are on their way, and we'll check in with you. Not for "
    "emergencies: call 911."
)
DECLINED = "Understood: nothing more will be sent to you about this. Take care."


def already_in_touch(case: str) -> str:
    """An invite link opened again by the person it is for."""
    return f"You are already in touch with the officer about case {esc(case)}."


ASK_ANSWER = (
    "✍️ Type your message for the officer (up to 1000 characters). Not for emergencies: call "
    "911. (/cancel to stop)"
)
ANSWER_SENT = "📨 Sent to the officer. They will get back to you."
EMERGENCY_FIRST = "🚨 <b>If this is an emergency, call 911 now.</b>"
CALLBACK_REQUESTED = "📞 We've asked the officer to call you back."
CALLBACK_AGAIN = "The officer already knows you'd like a call back."
STOP_QUESTION = (
    'Stop the check-ins? You won\'t get any more "how are you doing" messages. You can still '
    "write to the officer."
)
STOP_YES = "Yes, no more check-ins"
STOP_NO = "Keep them"
STOPPED = "🛑 No more check-ins will be sent. You can still write to the officer."
KEPT = "The check-ins continue."


def forget_warning(count: int) -> str:
    """For /forget's question."""
    return (
        f"Your {count} victim follow-up{'s' if count != 1 else ''} with officers will be deleted, "
        "with their check-ins."
    )


def forget_confirm(count: int) -> str:
    """/forget from someone who never registered but has follow-ups."""
    return (
        f"You aren't registered, but this chat has {count} victim follow-up"
        f"{'s' if count != 1 else ''} with officers. Delete {'them' if count != 1 else 'it'}? "
        "The check-ins stop and the officer is told."
    )


FORGET_YES = "Delete them"
FORGET_NO = "Keep them"
FORGET_KEPT = "Nothing was deleted."


def forgotten(count: int) -> str:
    """Follow-ups deleted on /forget."""
    return f"Deleted {count} victim follow-up{'s' if count != 1 else ''}."
