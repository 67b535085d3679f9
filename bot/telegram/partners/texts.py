"""What the partner groups' commands say."""

from __future__ import annotations

from core.markup import esc

ASK_SECTOR = (
    "🤝 <b>New partner group.</b> Who is it for? People join it only with its invitation "
    "link or code; it never shows in residents' lists and has no leader: you run its meetings "
    "(/meeting CODE) and messages (/alert CODE). /cancel to stop."
)
PRESS_A_SECTOR = "Please choose who the group is for with one of the buttons, or /cancel."


def ask_name(sector: str) -> str:
    """The second step: the group's name."""
    return (
        f"{esc(sector)}. What is the group's name? (3-80 characters, for example "
        "<i>Main Street Merchants</i>; /cancel to stop)"
    )


def invitation(name: str, invite: str, link: str) -> str:
    """How to invite people to a partner group."""
    return (
        f"To invite people to <b>{esc(name)}</b>, send them this link: {esc(link)}\n"
        f"or have them send <code>/join {esc(invite)}</code> to this bot. The code lets anyone "
        "who has it join, so share it only with the partners."
    )


def created(name: str, code: str, invite: str, link: str) -> str:
    """A partner group was made."""
    return (
        f"✅ Partner group <b>{esc(name)}</b> is ready (code {esc(code)}, for /meeting and "
        f"/alert).\n{invitation(name, invite, link)}"
    )


def listing(entries: list[str]) -> str:
    """/partners."""
    if not entries:
        return "No partner groups yet. /newpartner makes one."
    return "<b>Partner groups</b>\n" + "\n".join(entries) + "\n\n/newpartner makes another."


def entry(name: str, code: str, sector: str, members: int, invite: str) -> str:
    """One partner group in /partners."""
    people = f"{members} member{'s' if members != 1 else ''}"
    return (
        f"• <b>{esc(name)}</b> ({esc(code)}) — {esc(sector)}, {people}; invitation code "
        f"<code>{esc(invite)}</code>"
    )


def ask_new_invite(name: str) -> str:
    """The question before an invitation code is replaced."""
    return (
        f"Replace the invitation code of <b>{esc(name)}</b>? The old link and code stop "
        "working at once, so nobody who was given them can join any more; its members stay."
    )


NEW_INVITE = "🔁 New invitation code"
YES_REPLACE = "Yes, replace it"
KEEP = "Keep it"
KEPT = "The invitation code stays as it was."
