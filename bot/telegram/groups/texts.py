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


def join_pending(name: str, *, to_officers: bool = False) -> str:
    """Asked to join a group that requires approval (decided by its leader, or by the Crime
    Prevention Unit while it has none)."""
    who = (
        "It has no leader yet, so the Crime Prevention Unit will decide."
        if to_officers
        else "Its leader will decide."
    )
    return (
        f"⏳ Your request to join <b>{esc(name)}</b> was sent. {who} "
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


def waiting_groups(entries: list[tuple[str, str, int, bool]]) -> str:
    """`/pending` alone, for an officer: the groups with requests waiting (name, code, count,
    whether the group has a leader)."""
    if not entries:
        return "No one is waiting to join any group."
    lines = ["<b>Requests to join</b> (tap a group to decide)"]
    for name, code, count, has_leader in entries:
        who = "its leader decides" if has_leader else "no leader: officers decide"
        lines.append(f"• <b>{esc(name)}</b> ({esc(code)}) — {count} waiting, {who}")
    return "\n".join(lines)


def waiting_choice(name: str, count: int) -> str:
    """A group on the button of `/pending` alone."""
    return f"{name} · {count} waiting"[:64]


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


def group_created(name: str, code: str, link: str, *, approval: bool = False) -> str:
    """A group was created."""
    text = (
        f"✅ Created <b>{esc(name)}</b> with code <b>{esc(code)}</b>.\n"
        f"Residents join with /join {esc(code)} or this link:\n{esc(link)}\n\n"
    )
    if approval:
        return text + (
            "Until it has a leader, requests to join come to officers: you will be told of "
            f"each, and /pending {esc(code)} decides them. Appoint its leader with "
            f"/setleader {esc(code)}, from its members or the people waiting to join."
        )
    return text + f"Appoint its leader with /setleader {esc(code)} once members have joined."


CHOOSE_GROUP_FOR_LEADER = "Which group's leader do you want to set?"


def choose_leader(group: str, *, waiting: bool) -> str:
    """`/setleader` step 2."""
    text = f"Who should lead <b>{esc(group)}</b>?"
    if waiting:
        text += " ⏳ marks people waiting to join: appointing one approves their request too."
    return text


def leader_choice(name: str, *, waiting: bool) -> str:
    """A person on `/setleader`'s buttons."""
    return (f"⏳ {name}" if waiting else name)[:40]


def no_leader_candidates(group: str) -> str:
    """`/setleader CODE` for a group nobody is in or waiting to join."""
    return (
        f"<b>{esc(group)}</b> has no members and no one waiting to join yet. Share its join "
        "link, then appoint a leader from the people who join."
    )


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
