"""What environment reports (/fix, /myfixes, /fixes) say in Telegram (HTML; user text escaped)."""

from __future__ import annotations

from core.markup import esc

# The reporter's flow

ASK_KIND = (
    "🔧 <b>Report something that invites crime</b> — a dark street light, overgrown bushes, "
    "an abandoned car, graffiti, an open vacant building. Not for emergencies: call 911.\n\n"
    "What is it? (or /cancel)"
)
KIND_BUTTONS = (
    ("light", "💡 Street light broken or dark"),
    ("cover", "🌳 Overgrown cover or bushes"),
    ("vehicle", "🚗 Abandoned vehicle"),
    ("graffiti", "🎨 Graffiti"),
    ("vacant", "🏚 Unsecured vacant building"),
    ("other", "Something else"),
)
ASK_WHERE = (
    "📍 Where is it? Send a map pin (📎 → Location) or type the address, e.g. 40 Elm St or "
    "Oak St by the school. (/cancel to stop)"
)
WHERE_EXPECTED = (
    "I need the place first: send a map pin (📎 → Location) or type the address. (/cancel to stop)"
)
ASK_PHOTO = "📷 A photo helps public works find it. Send one, or press Skip. (/cancel to stop)"
PHOTO_EXPECTED = "Please send a photo, or press Skip. (/cancel to stop)"
ASK_NOTE = (
    "📝 Anything officers should know? A short note (up to 500 characters), or press Skip. "
    "(/cancel to stop)"
)
ONE_PHOTO = (
    "This report already has its photo (one per report). Type a short note or press Skip. "
    "(/cancel to stop)"
)
PLACE_ALREADY = "I already have the place. Please answer the question above, or /cancel."
PHOTO_NOT_NOW = "No photo is asked for here. Please answer the question above, or /cancel."
NOTE_EXPECTED = "Please type the note as text, or press Skip. (/cancel to stop)"
FILE_STRIPPED = "Your file, with its location and camera details removed."
SEND = "✅ Send"
CANCEL = "Cancel"
CANCELLED = "Cancelled: nothing was sent."
STEP_EXPIRED = "That button belongs to an earlier step. Please use the newest message."
EMERGENCY_FIRST = "🚨 <b>If this is an emergency, call 911 now.</b>"


def review(lines: list[str]) -> str:
    """The review: exactly what officers will get, and the question."""
    return "Officers will get this:\n\n" + "\n".join(lines) + "\n\nSend it? (Cancel sends nothing.)"


def filed(reference: str, emergency: bool) -> str:
    """The receipt: the reference, and what happens next."""
    first = f"{EMERGENCY_FIRST}\n\n" if emergency else ""
    return (
        f"{first}✅ Thank you. Your report is in: <b>{reference}</b>.\n"
        "Officers pass it on to public works; we'll tell you when it is sent there and when it "
        "is fixed. /myfixes shows your reports."
    )


# The reporter's list

NO_FIXES = "You have no environment reports. /fix reports a dark street light, graffiti and more."
KEEP = "Keep it"
DELETE_YES = "Yes, delete it"


def mine(lines: list[str]) -> str:
    """/myfixes."""
    return "🔧 <b>Your environment reports</b>\n\n" + "\n".join(lines)


def mine_line(reference: str, kind: str, where: str, status: str, when: str) -> str:
    """One of the reporter's reports."""
    return f"<b>{reference}</b> {esc(kind)} — {esc(where)}\n   {esc(status)}; sent {esc(when)}"


def delete_label(reference: str) -> str:
    """The button that asks to delete a report."""
    return f"🗑 Delete {reference}"


def delete_question(reference: str) -> str:
    """Deleting asks first and says what happens."""
    return (
        f"Delete {reference}? Officers will no longer see it, and you won't hear about it "
        "again. This can't be undone."
    )


def deleted(reference: str) -> str:
    """A report was deleted."""
    return f"🗑 Deleted {reference}. Officers no longer see it."


def kept(reference: str) -> str:
    """Deleting was called off."""
    return f"Kept {reference}."


# /forget


def forget_warning(count: int) -> str:
    """For /forget's question."""
    return f"Your {count} environment report{'s' if count != 1 else ''} (/myfixes) will be deleted."


def forget_confirm(count: int) -> str:
    """/forget from someone who never registered but filed reports."""
    return (
        f"You aren't registered, but this chat filed {count} environment report"
        f"{'s' if count != 1 else ''}. Delete {'them' if count != 1 else 'it'}? Officers will no "
        "longer see them, and you won't hear about them again."
    )


FORGET_YES = "Delete my reports"
FORGET_NO = "Keep them"
FORGET_KEPT = "Nothing was deleted."


def forgotten(count: int) -> str:
    """Reports deleted on /forget."""
    return f"Deleted {count} environment report{'s' if count != 1 else ''}."


# Officers

STATUS_TABS = (
    ("new", "New"),
    ("public_works", "Public works"),
    ("fixed", "Fixed"),
    ("not_actionable", "Not actionable"),
)
STATUS_BUTTONS = {
    "public_works": "📤 Sent to public works",
    "fixed": "✅ Fixed",
    "not_actionable": "✖️ Not actionable",
}
VIEW = "Open"
CLAIM = "🙋 Claim"
BACK_TO_QUEUE = "⬅️ The queue"
NEWER = "⬅️ Earlier"
OLDER = "Later ➡️"


def queue(title: str, count: int, lines: list[str]) -> str:
    """One status of the queue."""
    head = f"🔧 <b>Environment reports — {esc(title)}</b> ({count})"
    if not lines:
        return f"{head}\n\nNone. <code>/fixes csv</code> is public works' list."
    return (
        f"{head}, oldest first\n\n"
        + "\n".join(lines)
        + "\n\n<code>/fixes csv</code> is public works' list."
    )


def tab(label: str, count: int) -> str:
    """A status tab's button."""
    return f"{label} ({count})"


def csv_queued(count: int) -> str:
    """/fixes csv."""
    return (
        f"📄 Public works' list ({count} report{'s' if count != 1 else ''} sent to them and not "
        "yet fixed) is on its way as a CSV file."
    )
