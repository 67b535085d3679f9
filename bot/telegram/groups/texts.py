"""What the watch-group handlers say in Telegram."""

from __future__ import annotations

from core.markup import esc

CHOOSE_GROUP_TO_JOIN = "Which watch group do you want to join?"


NO_GROUPS_YET = (
    "There are no watch groups yet. The Crime Prevention Unit will announce them; "
    "you'll find yours here with /join."
)


def joined(name: str, bylaws: str | None) -> str:
    """Joined a group."""
    text = f"✅ You're now a member of <b>{esc(name)}</b>."
    if bylaws:
        text += f"\n\n<b>Group rules</b>\n{esc(bylaws)}"
    return text


def join_pending(name: str) -> str:
    """Asked to join a group that requires approval."""
    return (
        f"⏳ Your request to join <b>{esc(name)}</b> was sent to its leader. "
        "I'll tell you when it is approved."
    )


def left(name: str) -> str:
    """Left a group."""
    return f"You left <b>{esc(name)}</b>."


def register_to_join(name: str) -> str:
    """/join CODE before registering: the code is kept in the button."""
    return (
        f"To join <b>{esc(name)}</b>, please register first: it takes a minute. Tap the button; "
        "you will join the group as soon as you are registered."
    )


REGISTER_AND_JOIN = "Register and join"


def no_such_group(code: str) -> str:
    """/join with a code no group has, from someone not registered yet (plain text)."""
    return (
        f"No watch group has the code {code[:12]}. Send /start to register; /join then lists "
        "the groups."
    )


def join_choice(name: str, members: int) -> str:
    """A group on /join's buttons, with how many members it has."""
    count = (
        "no members yet" if members == 0 else "1 member" if members == 1 else f"{members} members"
    )
    return f"{name} · {count}"[:64]


CHOOSE_GROUP_TO_LEAVE = "Which group do you want to leave?"


def leave_question(name: str, *, pending: bool, leads: bool) -> str:
    """/leave asks first, saying what will happen."""
    if pending:
        return f"Withdraw your request to join <b>{esc(name)}</b>?"
    lines = [
        f"Leave <b>{esc(name)}</b>? You will stop getting its alerts, news and meeting "
        "reminders, and its leader will be told."
    ]
    if leads:
        lines.append(
            "You lead this group: you will stop leading it, and it will have no leader until "
            "officers appoint one or the group elects one."
        )
    return "\n".join(lines)


LEAVE_YES = "Yes, leave"
LEAVE_NO = "No, stay"
STAYED = "You stay in the group."


IN_NO_GROUP = "You are not in any group. Send /join to find yours."


def pending_list(group: str, entries: list[str]) -> str:
    """`/pending`."""
    if not entries:
        return f"No one is waiting to join <b>{esc(group)}</b>."
    lines = [f"<b>Waiting to join {esc(group)}</b>"]
    lines += [f"{i}. {esc(e)}" for i, e in enumerate(entries, 1)]
    return "\n".join(lines)


def decided(name: str, approve: bool, group: str) -> str:
    """A leader's decision, confirmed."""
    verb = "approved" if approve else "rejected"
    return f"{esc(name)} {verb} for {esc(group)}."


def roster(group: str, entries: list[str]) -> str:
    """`/members` (names only, never phone numbers)."""
    if not entries:
        return f"<b>{esc(group)}</b> has no members yet."
    lines = [f"<b>{esc(group)}</b> — {len(entries)} member{'s' if len(entries) != 1 else ''}"]
    lines += [f"{i}. {e}" for i, e in enumerate(entries, 1)]
    return "\n".join(lines)


def group_list(entries: list[str]) -> str:
    """`/groups` for officers."""
    if not entries:
        return "No watch groups yet. Create one with /newgroup."
    return "<b>Watch groups</b>\n" + "\n".join(entries)


NEWGROUP_ASK_NAME = "New watch group. What is its name? (3-80 characters, or /cancel)"


def newgroup_ask_code(suggestion: str) -> str:
    """`/newgroup` step 2."""
    return (
        "Its join code, which residents type or find on a flyer: 3-12 letters or digits. "
        f"Tap to use <b>{esc(suggestion)}</b> or type another."
    )


NEWGROUP_ASK_AREA = (
    "Which area does it cover? (streets, landmarks; at most 200 characters) /cancel to stop."
)


NEWGROUP_ASK_APPROVAL = "Must the leader approve new members before they join?"


NEWGROUP_ASK_BYLAWS = (
    "Optional: the group's rules or bylaws (at most 4000 characters), or tap Skip. /cancel to stop."
)


APPROVAL_YES = "Yes, leader approves"


APPROVAL_NO = "No, open to all"


def group_created(name: str, code: str, link: str) -> str:
    """A group was created."""
    return (
        f"✅ Created <b>{esc(name)}</b> with code <b>{esc(code)}</b>.\n"
        f"Residents join with /join {esc(code)} or this link:\n{esc(link)}\n\n"
        f"Appoint its leader with /setleader {esc(code)} once members have joined."
    )


CHOOSE_GROUP_FOR_LEADER = "Which group's leader do you want to set?"


def choose_leader(group: str) -> str:
    """`/setleader` step 2."""
    return f"Who should lead <b>{esc(group)}</b>? Active members:"


REMOVE_LEADER = "Remove the current leader"


def leader_set(group: str, name: str | None) -> str:
    """Leader appointed or removed."""
    if name is None:
        return f"{esc(group)} has no leader now."
    return f"✅ {esc(name)} now leads {esc(group)}. They have been told."


SETLEADER_USAGE = (
    "Usage: /setleader CODE MEMBER_NUMBER (see /members CODE), /setleader CODE none, "
    "or just /setleader to choose with buttons."
)
