"""The texts every Telegram feature shares (help, unknown input, 911, buttons); each feature's
own texts live in its package, ready for translation.

Texts are HTML (the bot sends with parse_mode=HTML); anything a user typed is passed through
`esc` before it is put into one.
"""

from __future__ import annotations

from core.markup import esc

EMERGENCY = (
    "⚠️ <b>This bot is not for emergencies.</b> If someone is in danger or a crime is "
    "happening now, <b>call 911</b>."
)


CALL_911 = "🚨 <b>If this is an emergency, call 911 now.</b>"


STILL_WAITING = "When you are ready, answer the question above to carry on (or /cancel)."


HELP_RESIDENT = [
    ("start", "About this service and registration"),
    ("tip", "Send a non-emergency tip to the police"),
    ("mytips", "Your tips and their status"),
    ("fix", "Report a dark street light, graffiti, an abandoned car..."),
    ("myfixes", "Your environment reports and their status"),
    ("survey", "Ask for a free security survey of your home, business or boat"),
    ("mysurveys", "Your survey requests: visits, reports, cancel"),
    ("property", "Your private register of valuables (Operation ID)"),
    ("stolen", "Report items of your register stolen"),
    ("talk", "Ask for a safety talk, workshop or school program"),
    ("mytalks", "Your talk requests and their status"),
    ("events", "Upcoming public events (talks open to all)"),
    ("meetings", "Upcoming meetings of your groups"),
    ("stats", "Crime figures for your group's area: /stats [type]"),
    ("vacation", "Ask for house checks while you're away"),
    ("checkin", "A daily are-you-OK message, for you or someone you look after"),
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
    ("area", "Set your group's area on the map (for /stats)"),
]


HELP_OFFICER = [
    ("tips", "Open tips: view, claim, reply, close"),
    ("fixes", "Environment reports: queue, status, /fixes csv"),
    ("surveys", "Security surveys: queue, visits, findings"),
    ("talks", "Talk requests: accept with a date, decline, suggest"),
    ("victim", "Open a victim follow-up: resources and check-ins"),
    ("victims", "Victim follow-ups: age, owner, reply, close"),
    ("checkins", "Daily check-ins: who is enrolled, today's status, history"),
    ("duty", "Go on duty for missed check-ins (or off)"),
    ("checked", "Log a vacation house check: /checked ID [note]"),
    ("area", "Set a group's area on the map: /area CODE"),
    ("hotspots", "Where incidents rose: map and CSV, /hotspots [type] [days]"),
    ("news", "Safety news: list, add, edit, schedule, pause"),
    ("election", "Elections: open, certify, overturn"),
    ("alert", "Send an alert: /alert [urgent] all|CODES TEXT"),
    ("scam", "Send a scam alert to the Scams topic"),
    ("report", "What was delivered to whom: /report [ID]"),
    ("unsend", "Stop an alert's undelivered messages"),
    ("groups", "All watch groups"),
    ("newgroup", "Create a watch group"),
    ("partners", "Partner groups and their invitation codes"),
    ("newpartner", "Create a partner group (businesses, schools...)"),
    ("setleader", "Appoint or remove a group's leader"),
    ("pending", "Requests to join: /pending [CODE]"),
    ("members", "A group's member list: /members CODE"),
    ("audit", "The audit log (/audit refused for refusals only)"),
    ("officername", "The name people see for you: /officername NAME"),
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
    return f"I don't know the command {esc(command[:40])}."


NOT_UNDERSTOOD = "I'm not sure what you mean."


# The three commands that fit a person best, by role and state (the short answer to input the
# bot did not understand; /help has the rest).
SUGGEST_UNREGISTERED = (("start", "to register"), ("tip", "to tell the police something"))
SUGGEST_NO_GROUP = (
    ("join", "to find your watch group"),
    ("tip", "to tell the police something"),
    ("settings", "for how we reach you"),
)
SUGGEST_MEMBER = (
    ("tip", "to tell the police something"),
    ("meetings", "for your group's meetings"),
    ("settings", "for how we reach you"),
)
SUGGEST_LEADER = (
    ("broadcast", "to message your group"),
    ("pending", "for requests to join"),
    ("meeting", "to schedule a meeting"),
)
SUGGEST_OFFICER = (
    ("alert", "to send an alert"),
    ("tips", "for open tips"),
    ("report", "for what was delivered"),
)


def short_help(lead: str, suggestions: tuple[tuple[str, str], ...]) -> str:
    """One or two lines: what happened, the commands that fit, /help, and 911."""
    tried = "; ".join(f"/{command} {what}" for command, what in suggestions)
    return f"{lead} Try {tried}. /help lists everything.\nIn an emergency, <b>call 911</b>."


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
BUTTON_INVALID = "This button is no longer valid."
BUTTON_STALE = (
    "This message is out of date: a newer one replaced it. Use the buttons on the newest one."
)
EDITS_NOT_READ = (
    "✏️ I don't act on edited messages. If you meant to change something, send it again as a "
    "new message."
)


SKIP = "Skip"


USE_BUTTONS = "Please use the buttons above, or /cancel."
