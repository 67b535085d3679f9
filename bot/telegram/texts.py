"""Every text the Telegram face sends, in one place, ready for translation.

Texts are HTML (the bot sends with parse_mode=HTML); anything a user typed is passed through
`esc` before it is put into one.
"""

from __future__ import annotations

from core.markup import esc

EMERGENCY = (
    "⚠️ <b>This bot is not for emergencies.</b> If someone is in danger or a crime is "
    "happening now, <b>call 911</b>."
)


def welcome(service: str) -> str:
    """The first thing a new user sees."""
    return (
        f"👋 Welcome to <b>{esc(service)}</b>, the neighborhood Crime Watch service of your police "
        "department's Crime Prevention Unit.\n\n"
        "Here you can join your neighborhood's watch group, get alerts and safety news from "
        "officers and your group's leader, send non-emergency tips (anonymously if you wish), "
        "and ask for vacation house checks.\n\n"
        f"{EMERGENCY}\n\n"
        "<b>Privacy.</b> To register we store your name, phone number and street address (or a "
        "map location), and which groups you join. Officers and your group's leader see your "
        "name; phone numbers and addresses are used only to reach you and to serve your area. "
        "We never sell or share your data. /profile shows what we store; /forget deletes it.\n\n"
        "Do you agree to us storing these details?"
    )


CONSENT_YES = "✅ I agree"


CONSENT_NO = "No thanks"


CONSENT_DECLINED = (
    "No problem: nothing about you was stored. If you change your mind, send /start. "
    "For an emergency, call 911."
)


CONSENT_GIVEN = "✅ <b>You agreed.</b> Thank you! Let's set up your profile in three short steps."


def ask_name(suggestion: str | None) -> str:
    """Registration step 1."""
    hint = f" (or tap the button to use “{esc(suggestion)}”)" if suggestion else ""
    return (
        f"<b>Step 1 of 3.</b> What name should we show to your group's leader and officers?"
        f"{hint} At most 64 characters."
    )


ASK_PHONE = (
    "<b>Step 2 of 3.</b> Your phone number, so officers can reach you and (if you wish) send you "
    "text messages. Tap <b>Share my phone number</b> below, or type it, for example "
    "(203) 555-0142."
)


SHARE_PHONE_BUTTON = "📱 Share my phone number"


ASK_ADDRESS = (
    "<b>Step 3 of 3.</b> Your street address, so we can connect you with your neighborhood's "
    "group. Type it (for example: 12 Main St, Apt 3), or tap <b>Share location</b> to send a map "
    "pin instead. At most 200 characters."
)


SHARE_LOCATION_BUTTON = "📍 Share location"


NOT_YOUR_CONTACT = (
    "That contact isn't you. Please tap <b>Share my phone number</b> to share your own number, "
    "or type it."
)


EXPECTED_TEXT = "I need a typed answer for this step. {question}"


def registered(name: str) -> str:
    """Registration finished."""
    return (
        f"🎉 You're registered, {esc(name)}!\n\n"
        "Next, join your neighborhood's watch group: send /join to pick it from the list, or "
        "/join CODE if you have the code from a flyer. /help lists everything you can do."
    )


def already_registered(name: str) -> str:
    """`/start` from someone who already registered."""
    return f"Welcome back, {esc(name)}. Here is what we have stored about you:"


def resume_registration() -> str:
    """`/start` from someone who consented but did not finish."""
    return "Welcome back! Let's finish your registration."


HELP_RESIDENT = [
    ("start", "About this service and registration"),
    ("tip", "Send a non-emergency tip to the police"),
    ("mytips", "Your tips and their status"),
    ("meetings", "Upcoming meetings of your groups"),
    ("vacation", "Ask for house checks while you're away"),
    ("back", "Back early: end your vacation watch"),
    ("vote", "Vote in your group's election"),
    ("nominate", "Nominate a leader for your group"),
    ("join", "Join your neighborhood watch group"),
    ("profile", "See and edit what we store about you"),
    ("leave", "Leave a watch group"),
    ("settings", "Channels, quiet hours and alert topics"),
    ("stop", "Stop all messages from this service"),
    ("resume", "Receive messages again"),
    ("forget", "Delete everything we store about you"),
    ("cancel", "Leave what you are doing"),
    ("help", "What this bot can do"),
]


HELP_LEADER = [
    ("broadcast", "Message every member of your group"),
    ("report", "What your broadcasts reached"),
    ("pending", "Approve or reject people asking to join"),
    ("members", "Your group's member list"),
    ("meeting", "Schedule a meeting for your group"),
    ("election", "Open an election: /election open [days]"),
]


HELP_OFFICER = [
    ("tips", "Open tips: view, claim, reply, close"),
    ("checked", "Log a vacation house check: /checked ID [note]"),
    ("news", "Safety news: list, add, edit, schedule, pause"),
    ("election", "Elections: open, certify, overturn"),
    ("alert", "Send an alert: /alert [urgent] all|CODES TEXT"),
    ("scam", "Send a scam alert to the Scams topic"),
    ("report", "What was delivered to whom: /report [ID]"),
    ("unsend", "Stop an alert's undelivered messages"),
    ("groups", "All watch groups"),
    ("newgroup", "Create a watch group"),
    ("setleader", "Appoint or remove a group's leader"),
    ("pending", "Requests to join a group: /pending CODE"),
    ("members", "A group's member list: /members CODE"),
    ("audit", "The audit log (/audit refused for refusals only)"),
]


def help_text(is_leader: bool, is_officer: bool, service: str) -> str:
    """`/help` for the roles the user holds."""
    lines = [f"<b>{esc(service)}</b> — what you can do here:", ""]
    lines += [f"/{c} — {d}" for c, d in HELP_RESIDENT]
    if is_leader:
        lines += ["", "<b>As your group's leader</b>"]
        lines += [f"/{c} — {d}" for c, d in HELP_LEADER]
    if is_officer:
        lines += ["", "<b>As an officer</b>"]
        lines += [f"/{c} — {d}" for c, d in HELP_OFFICER]
    lines += ["", EMERGENCY]
    return "\n".join(lines)


def unknown_command(command: str) -> str:
    """A command the bot does not have."""
    return f"I don't know the command {esc(command[:40])}. Here is what I can do:"


NOT_UNDERSTOOD = "I'm not sure what you mean. Here is what I can do:"


GROUP_CHAT_PRIVATE = (
    "To keep your details private, please message me directly: tap the button below. "
    "(In group chats I only answer /help.)"
)


GROUP_HELP = (
    "I'm the neighborhood Crime Watch bot. Message me privately to register, join your watch "
    "group and get alerts. Not for emergencies: call 911."
)


OPEN_PRIVATE_CHAT = "Message me privately"


NEEDS_REGISTRATION = "Please register first: send /start."


CANCELLED = "Cancelled. Nothing more was changed."


NOTHING_TO_CANCEL = "There's nothing to cancel. Send /help to see what I can do."


SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on our side and your last message was not processed. "
    "Please try again in a minute."
)


BUTTON_EXPIRED = "That button is no longer active."


def profile(
    name: str | None,
    phone: str | None,
    address: str | None,
    location: tuple[float, float] | None,
    groups: list[tuple[str, str, str]],
    roles: list[str],
    paused: bool,
) -> str:
    """`/profile`: everything stored about the member."""
    place = (
        esc(address)
        if address
        else (f"map location {location[0]:.5f}, {location[1]:.5f}" if location else "—")
    )
    lines = [
        "<b>Your profile</b>",
        f"Name: {esc(name or '—')}",
        f"Phone: {esc(phone or '—')}",
        f"Address: {place}",
        f"Roles: {esc(', '.join(roles))}",
        f"Messages: {'stopped (send /resume to receive them again)' if paused else 'on'}",
        "",
        "<b>Groups</b>",
    ]
    if groups:
        lines += [
            f"• {esc(gname)} ({esc(code)})"
            + (" — waiting for approval" if status == "pending" else "")
            for gname, code, status in groups
        ]
    else:
        lines.append("None yet — send /join to find yours.")
    return "\n".join(lines)


EDIT_NAME = "✏️ Name"


EDIT_PHONE = "✏️ Phone"


EDIT_ADDRESS = "✏️ Address"


ASK_NEW_NAME = "Send your new name (at most 64 characters), or /cancel."


ASK_NEW_PHONE = "Send your new phone number or tap the button, or /cancel."


ASK_NEW_ADDRESS = "Send your new street address or share a location, or /cancel."


PROFILE_UPDATED = "Saved."


STOPPED = (
    "🔕 Done: you won't get any more alerts, reminders or news from this service. Your "
    "registration and groups are kept. Send /resume whenever you want messages again, or "
    "/forget to delete your data."
)


RESUMED = "🔔 Messages are on again."


ALREADY_STOPPED = "Messages are already stopped. Send /resume to turn them back on."


ALREADY_ON = "Messages are already on."


SETTINGS_STOP = "🔕 Stop messages"


SETTINGS_RESUME = "🔔 Resume messages"


FORGET_CONFIRM = (
    "This deletes your name, phone number, address and group memberships, and ends any role "
    "you hold. It cannot be undone. Delete everything?"
)


FORGET_YES = "Delete my data"


FORGET_NO = "Keep it"


FORGOTTEN = (
    "Your personal data is deleted. Thank you for looking out for your neighbors. "
    "Send /start if you ever want to register again."
)


FORGET_KEPT = "Nothing was deleted."


NOTHING_STORED = "We don't store anything about you."


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


CHOOSE_GROUP_TO_LEAVE = "Which group do you want to leave?"


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


NEWGROUP_ASK_AREA = "Which area does it cover? (streets, landmarks; at most 200 characters)"


NEWGROUP_ASK_APPROVAL = "Must the leader approve new members before they join?"


NEWGROUP_ASK_BYLAWS = (
    "Optional: the group's rules or bylaws (at most 4000 characters), or tap Skip."
)


APPROVAL_YES = "Yes, leader approves"


APPROVAL_NO = "No, open to all"


SKIP = "Skip"
USE_BUTTONS = "Please use the buttons above, or /cancel."


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


def audit_lines(lines: list[str], only_refused: bool) -> str:
    """`/audit`."""
    title = "Refusals" if only_refused else "Audit log"
    if not lines:
        return f"<b>{title}</b>\nNothing recorded yet."
    return f"<b>{title}</b> (newest first)\n" + "\n".join(lines)


CHANNEL_LABELS = {"telegram": "Telegram", "sms": "SMS", "both": "Both"}


def settings_full(
    *,
    paused: bool,
    channels: str,
    sms_fallback: bool,
    quiet: str,
    categories: list[tuple[str, bool]],
    sms_available: bool,
) -> str:
    """`/settings` with every choice."""
    lines = [
        "<b>Settings</b>",
        f"Messages: {'🔕 stopped' if paused else '🔔 on'}",
        f"Channel: <b>{CHANNEL_LABELS.get(channels, channels)}</b>"
        + ("" if sms_available else " (SMS is not available from this service)"),
        f"Text me if Telegram fails: {'yes' if sms_fallback else 'no'}",
        f"Quiet hours: <b>{esc(quiet)}</b> (normal alerts wait until they end; urgent ones don't)",
        "Topics: " + ", ".join(f"{'✅' if on else '▫️'} {esc(label)}" for label, on in categories),
        "",
        "Tap to change:",
    ]
    return "\n".join(lines)


ASK_QUIET_HOURS = (
    "Send your quiet hours as start-end in 24-hour time, for example 22:00-07:00, or 'off'. "
    "/cancel keeps them as they are."
)
