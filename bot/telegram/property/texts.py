"""What Operation Identification (/property, /stolen) says in Telegram (HTML; user text
escaped)."""

from __future__ import annotations

from core.markup import esc

PRIVATE = "🔒 Only you see this register. Officers see an item only if you report it /stolen."

# The guided add

ASK = {
    "item": (
        "➕ <b>Add an item to your register</b>\n\nWhat is it? (e.g. Bicycle, Laptop, "
        "Chainsaw, Outboard motor) (/cancel to stop)"
    ),
    "make": (
        "Its make (the brand, e.g. Trek, Dell, Stihl)? Type it, or press Skip. (/cancel to stop)"
    ),
    "model": "Its model (e.g. FX 3, Latitude 5440)? Type it, or press Skip. (/cancel to stop)",
    "serial": (
        "Its serial number? It is usually on a label or stamped underneath. Type it, or press "
        "Skip. (/cancel to stop)"
    ),
    "value": (
        "Its estimated value in dollars (e.g. 300 or $1,250)? Type it, or press Skip. "
        "(/cancel to stop)"
    ),
    "notes": (
        "Anything else that identifies it (color, scratches, stickers, where you engraved "
        "it)? Up to 500 characters, or press Skip. (/cancel to stop)"
    ),
}


def ask_marking(number: str) -> str:
    """The marking step names the member's Operation ID number."""
    return (
        f"Have you marked it? Engrave your Operation ID number <b>{esc(number)}</b> where a "
        "thief can't easily remove it. Press the button if you did, type another marking, or "
        "press Skip. (/cancel to stop)"
    )


def marked_with(number: str) -> str:
    """The button that records the Operation ID number as the marking."""
    return f"✅ Marked with {number}"


def ask_photos(count: int, limit: int) -> str:
    """The photos step, with how many are kept so far."""
    if count == 0:
        return (
            f"📷 Up to {limit} photos help you prove it is yours and help officers recognise "
            "it (location and camera details are removed). Send them, or press Skip. "
            "(/cancel to stop)"
        )
    return (
        f"📷 Photo {count} of {limit} kept. Send another, or press Done. (/cancel to stop)"
        if count < limit
        else f"📷 Photo {count} of {limit} kept: that's the most. Press Done. (/cancel to stop)"
    )


def photos_full(limit: int) -> str:
    """A photo past the limit."""
    return (
        f"This item already has {limit} photos, the most it keeps; that one was not added. "
        "Everything else is kept: press Done to go on. (/cancel to stop)"
    )


PHOTO_EXPECTED = "Please send a photo, or press Done or Skip. (/cancel to stop)"
TEXT_EXPECTED = "Please type the answer as text, or press Skip. (/cancel to stop)"
ITEM_EXPECTED = "Please type what the item is, e.g. Bicycle. (/cancel to stop)"
PHOTO_NOT_NOW = "No photo is asked for here. Please answer the question above, or /cancel."
FILE_STRIPPED = "Your file, with its location and camera details removed."
DONE = "Done"
REMOVE_PHOTOS = "Remove these photos"
SAVE = "✅ Save"
EDIT = "✏️ Edit"
CANCEL = "Cancel"
KEEP_AS_IS = "Keep it as it is"
ADD_CANCELLED = "Cancelled: nothing was added to your register."
STEP_EXPIRED = "That button belongs to an earlier step. Please use the newest message."


def review(lines: list[str]) -> str:
    """The review before saving."""
    return (
        "Your register will keep this:\n\n"
        + "\n".join(lines)
        + "\n\nSave it? (Edit changes one part; Cancel adds nothing.)"
    )


PICK_FIELD = "Which part do you want to change?"


def saved(position: int, item: str) -> str:
    """The receipt of an added item."""
    return (
        f"✅ Saved as item {position} in your register: <b>{esc(item)}</b>.\n"
        "/property shows your register; /property add adds another."
    )


# The register


def register(number: str, count: int, lines: list[str], page: int, pages: int) -> str:
    """One page of the register."""
    head = (
        f"🔒 <b>Your property register</b> — Operation ID number <b>{esc(number)}</b>\n"
        f"{PRIVATE}\n\n"
    )
    if not count:
        return head + (
            "Nothing in it yet. Add your valuables (bicycles, electronics, tools, jewelry) "
            "with their serial numbers: if one is stolen, officers can recognise it."
        )
    paging = f" (page {page + 1} of {pages})" if pages > 1 else ""
    return head + f"{count} item{'s' if count != 1 else ''}{paging}:\n" + "\n".join(lines)


def register_line(position: int, summary: str) -> str:
    """One item in the register's list."""
    return f"{position}. {esc(summary)}"


def item_button(position: int, summary: str) -> str:
    """The button that opens an item."""
    return f"{position}. {summary}"[:60]


ADD = "➕ Add an item"
DECAL = "🪟 Window decal"
PDF = "📄 PDF"
CSV = "📊 CSV"
STOLEN = "🚨 Report stolen"
EARLIER = "⬅️ Earlier"
LATER = "Later ➡️"
BACK = "⬅️ The register"
PHOTOS = "🖼 Photos"
DELETE = "🗑 Delete"
USAGE = (
    "/property shows your register. Also: /property add, /property decal, /property pdf, "
    "/property csv."
)


def card(position: int, lines: list[str]) -> str:
    """An item's card."""
    return f"🔒 <b>Item {position}</b> of your register\n\n" + "\n".join(lines)


NO_PHOTOS = "This item has no photos. Edit → Photos adds up to three."


def photo_caption(position: int, number: int, item: str) -> str:
    """The caption of an item's photo."""
    return f"Item {position}, photo {number}: {item}"[:1000]


def pick_edit(position: int, item: str) -> str:
    """The edit menu."""
    return f"✏️ Which part of item {position} (<b>{esc(item)}</b>) do you want to change?"


def ask_edit(label: str, current: str) -> str:
    """Editing one field: what it says now and how to answer."""
    now = f"Now: {esc(current)}" if current else "Now: —"
    return f"✏️ <b>{esc(label)}</b>\n{now}\n\nType the new value. (/cancel to stop)"


def ask_edit_photos(count: int, limit: int) -> str:
    """Editing the photos."""
    return (
        f"🖼 This item has {count} of {limit} photos. Send more (up to {limit} in all), or "
        "press Done. (/cancel to stop)"
    )


CLEAR = "Clear it"


def changed(label: str) -> str:
    """An edit was saved."""
    return f"✅ {esc(label)} changed."


def photo_added(count: int, limit: int) -> str:
    """A photo added to a stored item."""
    return f"🖼 Photo added ({count} of {limit}). Send another, or press Done. (/cancel to stop)"


def remove_photos_question(item: str, count: int) -> str:
    """Removing photos asks first."""
    return (
        f"Remove the {count} photo{'s' if count != 1 else ''} of <b>{esc(item)}</b>? This "
        "can't be undone."
    )


REMOVE_YES = "Yes, remove them"
KEEP_THEM = "Keep them"


def photos_removed(count: int) -> str:
    """Photos were removed."""
    return f"🗑 Removed {count} photo{'s' if count != 1 else ''}."


def delete_question(position: int, item: str, stolen: bool) -> str:
    """Deleting asks first and says what happens."""
    tip = " Officers keep the tip you sent when you reported it stolen." if stolen else ""
    return (
        f"Delete item {position}, <b>{esc(item)}</b>, with its photos? This can't be undone." + tip
    )


DELETE_YES = "Yes, delete it"
KEEP = "Keep it"


def deleted(item: str) -> str:
    """An item was deleted."""
    return f"🗑 Deleted <b>{esc(item)}</b> from your register."


def kept(item: str) -> str:
    """Deleting was called off."""
    return f"Kept <b>{esc(item)}</b>."


def export_caption(kind: str, count: int, number: str) -> str:
    """The caption of an export."""
    return (
        f"Your property register ({count} item{'s' if count != 1 else ''}, Operation ID "
        f"{number}) as {kind}: for your insurer or a theft report. Keep it somewhere safe."
    )


# /stolen

PICK = (
    "🚨 <b>Report items stolen</b>\nIf a crime is happening now, call 911.\n\n"
    "Tap each item that was stolen, then press Next. Officers get a tip listing them, with "
    "their serial numbers. (/cancel to stop)"
)
NEXT = "Next ➡️"
SEND = "🚨 Send to the police"
CHANGE = "⬅️ Change the items"
NOTHING_TO_REPORT = (
    "Every item in your register is already reported stolen. /mytips shows your tips."
)
EMPTY_REGISTER = (
    "Your register is empty, so there is nothing to pick. /property add adds your valuables; "
    "to tell the police about a theft now, use /tip."
)
PICK_ONE = "Pick at least one item first."
STOLEN_CANCELLED = "Cancelled: nothing was sent to the police."


def picked_label(position: int, summary: str, picked: bool) -> str:
    """A pick button."""
    return f"{'☑️' if picked else '⬜'} {position}. {summary}"[:60]


def stolen_review(text: str) -> str:
    """The review: the tip exactly as officers get it."""
    return (
        "Officers will get this tip, with your name, so that they can contact you:\n\n"
        f"<blockquote>{esc(text)}</blockquote>\n\nSend it?"
    )


def stolen_sent(reference: str, count: int, emergency: bool) -> str:
    """The receipt of a stolen report."""
    first = "🚨 <b>If this is an emergency, call 911 now.</b>\n\n" if emergency else ""
    return (
        f"{first}✅ Sent to the police as tip <b>{esc(reference)}</b>: {count} "
        f"item{'s' if count != 1 else ''} marked stolen in your register.\n"
        "Officers now see these items and their serial numbers (nothing else of your "
        "register). /mytips follows the tip: add when and where it happened there. For an "
        "insurance claim, /property pdf makes your register's PDF."
    )


# /forget


def forget_warning(count: int) -> str:
    """For /forget's question."""
    return (
        f"Your property register ({count} item{'s' if count != 1 else ''}) and your Operation "
        "ID number will be deleted."
    )
