"""What registration, the profile, settings and /forget say in Telegram."""

from __future__ import annotations

from bot.telegram.texts import EMERGENCY
from core.markup import esc


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
TAP_CONSENT = "Please tap one of the buttons: do you agree to us storing your details?"


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
    " /cancel to stop."
)


SHARE_PHONE_BUTTON = "📱 Share my phone number"


ASK_ADDRESS = (
    "<b>Step 3 of 3.</b> Your street address, so we can connect you with your neighborhood's "
    "group. Type it (for example: 12 Main St, Apt 3), or tap <b>Share location</b> to send a map "
    "pin instead. At most 200 characters."
    " /cancel to stop."
)


SHARE_LOCATION_BUTTON = "📍 Share location"


def code_sent(masked: str, minutes: int, *, again: bool = False) -> str:
    """A code is on its way to a typed number."""
    first = "We texted a new 6-digit code" if again else "We texted a 6-digit code"
    return (
        f"📨 {first} to <b>{esc(masked)}</b> to check that the number is yours. Type the code "
        f"here (it works for {minutes} minutes). Wrong number? Type the right one, or tap a "
        "button below. /cancel to stop."
    )


RESEND_CODE_BUTTON = "🔁 Send a new code"


OTHER_NUMBER_BUTTON = "✏️ Use another number"


PHONE_CONFIRMED = "✅ Number confirmed."


NEITHER_CODE_NOR_NUMBER = (
    "That is neither a 6-digit code nor a phone number. Type the code from our text message, "
    "or another number, or /cancel."
)


ASK_CODE = "Type the 6-digit code from our text message, or type another number, or /cancel."


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
    "you hold. It cannot be undone."
)


FORGET_QUESTION = "Delete everything?"


FORGET_YES = "Delete my data"


FORGET_NO = "Keep it"


FORGOTTEN = (
    "Your personal data is deleted. Thank you for looking out for your neighbors. "
    "Send /start if you ever want to register again."
)


FORGET_KEPT = "Nothing was deleted."


NOTHING_STORED = "We don't store anything about you."


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


# An officer's own name (/officername).
OFFICER_NAME_QUESTION = (
    "👮 <b>One question:</b> what name should people see for you? Tipsters see "
    "it on your messages, and it names you in tip timelines, claims, /report and /audit. Until "
    "you choose one you appear as your Telegram number and your messages are signed only "
    '"Crime Prevention Unit".\n'
    "Press the button, or send /officername followed by the name (for example "
    "<code>/officername Sgt. Dana Ruiz</code>) any time."
)
SET_MY_NAME = "✏️ Set my name"


def ask_officer_name(current: str | None) -> str:
    """The question for an officer's name, with the one they have."""
    now = f"You appear now as <b>{esc(current)}</b>. " if current else ""
    return (
        f"{now}Send the name people should see for you, as you sign your work (for example "
        "<i>Sgt. Dana Ruiz</i> or <i>Officer Lee</i>; at most 64 characters). /cancel to keep "
        "it as it is."
    )


def officer_named(name: str) -> str:
    """The officer's name is set."""
    return (
        f"Done: you are <b>{esc(name)}</b>. Tipsters see your messages signed "
        f'"{esc(name)}, Crime Prevention Unit", and tip timelines, claims, /report and /audit '
        "name you so from now on. /officername changes it."
    )
