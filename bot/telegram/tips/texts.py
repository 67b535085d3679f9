"""Every text of the tips feature's Telegram face, in one place, ready for translation.

HTML: anything a user typed goes through `esc`.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core import timefmt
from core.markup import esc
from core.tips.messages import category_label, preview
from core.tips.relay import MyTip
from core.tips.rules import CATEGORIES, OUTCOMES, PHOTOS_MAX, STATUS_LABELS, TipRecord
from core.tips.triage import TipView

# Emergencies first

CALL_911_NOW = (
    "🚨 <b>If this is an emergency, call 911 now.</b>\n"
    "This chat is not watched around the clock. Call first, then come back to add details."
)
PHOTO_OFFER = "📷 Send this photo to the police as a tip? (Not for emergencies: call 911.)"
PHOTO_TIP_YES = "Yes, start a tip"
PHOTO_TIP_NO = "No"
PHOTO_NOT_SENT = "Not sent."
PHOTO_TIP_STARTED = "📷 Your photo is with the tip."
URGENT_OFFER = (
    "If you are safe and want the police to know now, send what you wrote as an urgent tip: "
    "officers are alerted at once."
)
SEND_URGENT = "🚓 Send this to the police as an urgent tip"
SEND_URGENT_NEW = "🚓 Send it as a new urgent tip"


def urgent_offer_with_tips(references: list[str]) -> str:
    """The urgent offer, to someone officers asked about a tip lately."""
    named = ", ".join(f"<b>{r}</b>" for r in references)
    which = "the tip" if len(references) == 1 else "one of the tips"
    return (
        "If you are safe and want the police to know now: add what you wrote to "
        f"{which} officers asked you about ({named}), flagged urgent, or send it as a new "
        "urgent tip. Officers are alerted at once either way."
    )


def urgent_to_tip(reference: str) -> str:
    """A button under the urgent offer: add the message to a tip being talked about."""
    return f"🚓 Add it to {reference} (urgent)"


def urgent_added(reference: str) -> str:
    """The urgent message went under a tip officers asked about."""
    return (
        f"✅ <b>Added to {reference}</b>, flagged urgent; every officer has been alerted. If "
        "anyone is in danger, still call 911."
    )


BACK_TO_QUESTION = "When you are ready, answer the question above to carry on (or /cancel)."
URGENT_DISMISSED = (
    "Not sent. If you want the police to have it, send /tip followed by what happened."
)


def urgent_filed(reference: str, *, urgent: bool) -> str:
    """The urgent offer, pressed: the tip's reference."""
    flagged = "flagged urgent; officers have been alerted" if urgent else "sent to officers"
    return (
        f"✅ <b>Sent to the police: {reference}</b>, {flagged}. If anyone is in danger, "
        "still call 911. Officers may ask questions here; /mytips shows its status."
    )


NOT_FOR_EMERGENCIES = "⚠️ Not for emergencies: if someone is in danger, <b>call 911</b>."

# Filing, step by step

ASK_WHAT = (
    "📝 <b>New tip</b> (non-emergency). "
    + NOT_FOR_EMERGENCIES
    + "\n\n<b>What happened?</b> Describe it in your own words: what you saw, who was involved, "
    "which way they went. At most 4000 characters. /cancel stops without sending anything."
)
ASK_WHAT_AGAIN = (
    "Please describe in words what happened (you can add photos in a moment). /cancel to stop."
)
ASK_WHEN = (
    "<b>When did it happen?</b> Tap <i>Just now</i>, or type when, for example "
    "<i>last night around 11 pm</i>."
    " /cancel to stop."
)
ASK_WHERE = (
    "<b>Where?</b> Type the address or a landmark, or send a location pin "
    "(📎 → Location; you can move the pin to the place). Or tap Skip."
    " /cancel to stop."
)
ASK_PHOTOS = (
    f"<b>Photos?</b> Send up to {PHOTOS_MAX}, then tap Done. Please send them as photos, not "
    "as files. Or tap Skip."
    " /cancel to stop."
)
ASK_CATEGORY = "<b>What kind of tip is it?</b>"
ASK_CONDUCT = (
    "<b>What did the person do?</b> Actions help officers more than looks: for example, tried "
    "car door handles, looked into windows, carried things out of a house. Type it, or Skip."
    " /cancel to stop."
)
ASK_NAME = "What name should officers see? (At most 64 characters.) /cancel to stop."
PHOTO_EXPECTED = "Please send photos (not files), or tap Done."
JUST_NOW = "🕒 Just now"
DONE = "✅ Done"
STAY_ANONYMOUS = "🕶 Stay anonymous"
WITH_MY_NAME = "👤 With my name"
ADD_DETAILS = "➕ Add details (when, where, photos…)"
THATS_ALL = "That's all"
THANKS = "Thank you. Officers will read it; /mytips shows its status."
STEP_EXPIRED = "That step is over. Send /tip to start a new tip."


def ask_identity(registered_name: str | None) -> str:
    """The last step: anonymous or named."""
    named = (
        f"officers see your registered name, <b>{esc(registered_name)}</b>"
        if registered_name
        else "officers see the name you give"
    )
    return (
        "<b>Anonymous or with your name?</b>\n"
        "🕶 <b>Anonymous</b>: officers see only an alias like “Tipster 7F3A”. We store nothing "
        "that names you with the tip; you can still answer officers' questions in this chat.\n"
        f"👤 <b>With your name</b>: {named}, which can help if they need to follow up."
    )


def photo_added(count: int) -> str:
    """A photo was attached."""
    return f"📷 Photo {count} of {PHOTOS_MAX} added. Send more, or tap Done."


FILE_STRIPPED = "This is how officers will see your photo: hidden details (place, camera) removed."


def filed(reference: str, *, urgent: bool, anonymous: bool, name: str | None) -> str:
    """The tip is stored: its reference, only now."""
    how = "anonymously" if anonymous else f"with your name ({esc(name or '')})"
    lines = [f"✅ <b>Your tip is in: {reference}</b>", f"Sent {how}."]
    if urgent:
        lines.append("It is flagged urgent and officers have been alerted.")
    lines.append(
        "If an officer has a question, it comes to this chat: answer by replying to it. "
        "/mytips shows your tips and their status."
    )
    return "\n".join(lines)


# The review before sending: the tip as officers will receive it

SEND_TIP = "✅ Send"
EDIT_TIP = "✏️ Edit"
CANCEL_TIP = "✖ Cancel"
BACK_TO_REVIEW = "↩️ Back"
KEEP_AS_IT_WAS = "↩️ Keep it as it was"
TIP_NOT_SENT = "Not sent: nothing was stored. Send /tip to start again."
REVIEW_USE_BUTTONS = (
    "Your tip is not sent yet. Tap ✅ Send under it to send it to the police, ✏️ Edit to change "
    "one part, or ✖ Cancel. /cancel also stops."
)
EDIT_FIELDS = {
    "what": "What happened",
    "when": "When",
    "where": "Where",
    "photos": "Photos",
    "category": "Kind of tip",
    "conduct": "What the person did",
    "identity": "Anonymous or named",
}
ASK_EDIT_WHAT = (
    "<b>What happened?</b> Write it again in your own words; it replaces what you wrote. "
    "/cancel stops without sending anything."
)
EDIT_WHAT_IN_WORDS = "Please write it in words; Photos under ✏️ Edit changes the photos."
ASK_EDIT_PHOTOS = (
    f"<b>Photos?</b> Send them again (up to {PHOTOS_MAX}), then tap Done: they replace the ones "
    "you sent. Skip sends none. /cancel to stop."
)


def review(
    *,
    text: str,
    category: str | None,
    occurred: str | None,
    when_text: str | None,
    place: str | None,
    latitude: float | None,
    longitude: float | None,
    photos: int,
    conduct: str | None,
    name: str | None,
) -> str:
    """The guided tip before it is sent: what officers will receive, in their card's words."""
    who = f"{esc(name)} (named)" if name else "an alias like “Tipster 7F3A” (anonymous)"
    lines = [
        "📝 <b>Please check your tip.</b> Nothing is sent until you tap Send; officers will "
        "receive this:",
        "",
        f"<b>New tip</b> · {esc(category_label(category))}",
        f"From: {who}",
        _when_line(occurred, when_text),
        _where_line(place, latitude, longitude, ""),
    ]
    if photos:
        lines.append(f"Photos: {photos}")
    lines += _story(text, conduct)
    lines += ["", "Send it, change one part with Edit, or Cancel."]
    return "\n".join(lines)


def _when_line(occurred: str | None, when_text: str | None) -> str:
    when = []
    if occurred:
        when.append(f"just now ({occurred})")
    if when_text:
        when.append(f"“{esc(when_text)}”")
    return f"When: {', '.join(when) if when else '—'}"


def _where_line(
    place: str | None, latitude: float | None, longitude: float | None, pin_note: str
) -> str:
    where = []
    if place:
        where.append(esc(place))
    if latitude is not None and longitude is not None:
        where.append(f"map pin {latitude:.4f}, {longitude:.4f}{pin_note}")
    return f"Where: {'; '.join(where) if where else '—'}"


def _story(text: str, conduct: str | None) -> list[str]:
    lines = ["", "<b>What happened</b>", esc(text)]
    if conduct:
        lines += ["", "<b>What the person did</b>", esc(conduct)]
    return lines


def stored_early(reference: str) -> str:
    """After the 911 warning: the tip is already stored; details are optional."""
    return (
        f"Your tip <b>{reference}</b> is stored, flagged urgent, and officers have been alerted. "
        "If you are safe, you can add details now, or /cancel."
    )


def details_saved(reference: str) -> str:
    """The details flow after filing ended."""
    return f"✅ Thank you. Tip <b>{reference}</b> has your details. /mytips shows its status."


def named_as(name: str) -> str:
    """An anonymous tip got a name."""
    return f"Officers now see your name, {esc(name)}, with this tip."


# The tipster's side: /mytips, answers, /forget

NO_TIPS = (
    "You have no tips from this chat. Send /tip to send one. (Anonymous tips show here only in "
    "the chat that sent them.)"
)


# What a tip's state means to the person who sent it.
MY_TIP_STATES = {
    "received": "📥 Received — waiting for an officer to read it",
    "in_review": "🔎 Open — an officer is looking at it",
    "asked": "💬 An officer asked you a question",
    "closed": "✅ Closed",
}
MY_TIP_SNIPPET = 80
OFFICER_SNIPPET = 120


def _my_tip(tip: MyTip, zone: ZoneInfo) -> list[str]:
    anonymous = " · anonymous" if tip.anonymous else ""
    state = MY_TIP_STATES.get(tip.state, esc(tip.status))
    if tip.outcome:
        state += f": {esc(tip.outcome)}"
    lines = [
        f"<b>{tip.reference}</b>{anonymous} · sent {timefmt.local(tip.created_at, zone)}",
        f"“{esc(preview(tip.text, MY_TIP_SNIPPET))}”" if tip.text else "",
        state,
    ]
    said = tip.last_from_officers
    if said is not None:
        lines.append(
            f"Officers wrote ({timefmt.local(said.at, zone)}): "
            f"“{esc(preview(said.body, OFFICER_SNIPPET))}”"
        )
    if tip.state == "asked":
        lines.append(
            f"To answer, reply to their message, or tap {write_about(tip.reference)} below."
        )
    return [line for line in lines if line]


def my_tips(
    tips: list[MyTip], total: int, offset: int, zone: ZoneInfo, sms_named: bool | None
) -> str:
    """`/mytips`: a page of the chat's tips, each with what it said, when it was sent, what
    is happening to it and what officers last wrote."""
    if not tips:
        lines = [NO_TIPS]
    else:
        shown = (
            f"Showing {offset + 1}-{offset + len(tips)} of {total}, newest first."
            if total > len(tips)
            else "Newest first."
        )
        lines = [f"<b>Your tips</b> ({total}). {shown}"]
        for tip in tips:
            lines.append("")
            lines += _my_tip(tip, zone)
        if any(t.is_open for t in tips):
            lines.append("\nTo write to officers about an open tip, or add photos, tap its button.")
    if sms_named is not None:
        how = "with your name" if sms_named else "anonymously"
        lines.append(f"Tips you text to our number (TIP …) are sent <b>{how}</b>.")
    return "\n".join(lines)


def write_about(reference: str) -> str:
    """Button: write to officers about a tip."""
    return f"💬 {reference}"


def photos_for(reference: str) -> str:
    """Button: add photos to a tip."""
    return f"📷 {reference}"


SMS_NAMED_ON = "Text tips: use my name"
SMS_NAMED_OFF = "Text tips: anonymous"


def ask_answer(reference: str) -> str:
    """The tipster is about to write about a tip."""
    return (
        f"Write your message about tip <b>{reference}</b>; it goes to the officers handling "
        "it. /cancel to stop."
    )


def answer_sent(reference: str) -> str:
    """The tipster's message is threaded under the tip."""
    return f"✅ Sent. It is now part of tip <b>{reference}</b>."


def sent_to_officer(reference: str) -> str:
    """A plain message went to the one tip officers asked about lately."""
    return (
        f"✅ Sent to the officer on <b>{reference}</b>. Not meant for them? Tap Undo within "
        "a minute."
    )


def taken_back(reference: str) -> str:
    """An answer taken back before it went out."""
    return f"↩️ Taken back: the officer on <b>{reference}</b> will not get it."


def pick_label(reference: str, question: str) -> str:
    """A button naming a tip by its reference and the officer's last question."""
    short = " ".join(question.split())
    return f"{reference}: {short[:30]}…" if len(short) > 30 else f"{reference}: {short}"


UNDO = "↩️ Undo"
WHICH_TIP = "Officers asked you about more than one tip lately. Which one is this message for?"
NONE_OF_THESE = "None of these: don't send it"
NOT_SENT = "Not sent."
ANSWER_IN_WORDS = "Please answer in words. To add photos to your tip, use /mytips."


def forget_tips_confirm(n: int) -> str:
    """/forget from someone who never registered but sent tips."""
    tips = "1 tip" if n == 1 else f"{n} tips"
    return (
        f"This chat is linked to {tips} so that officers can ask you follow-up questions. "
        "Deleting the link means they can no longer reach you about them, and /mytips won't "
        "show them. The tips themselves stay with the police. Delete the link?"
    )


def forget_warning(references: list[str]) -> str:
    """What /forget also means for someone with open tips."""
    which = ", ".join(references[:5]) + ("…" if len(references) > 5 else "")
    return (
        f"Officers will no longer be able to ask you about your open "
        f"{'tip' if len(references) == 1 else 'tips'} ({which}); the tips stay with the police."
    )


FORGET_TIPS_YES = "Delete the link"
FORGET_TIPS_NO = "Keep it"
TIPS_FORGOTTEN = "Done: this chat is no longer linked to any tip. Nothing else is stored about you."
FORGET_KEPT = "Nothing was deleted."


def your_tip_status(reference: str, status: str) -> str:
    """A tipster opening their own tip by reference."""
    return f"Your tip <b>{reference}</b> is {esc(status)}. /mytips lists all of yours."


# Officers

NO_OPEN_TIPS = "No open tips. 🎉"


def tip_list(tips: list[TipRecord], total: int, offset: int, zone: ZoneInfo) -> str:
    """`/tips`: open tips, urgent first then newest."""
    if not tips:
        return NO_OPEN_TIPS
    lines = [
        f"📋 <b>Open tips</b> ({total}) — urgent first, then newest. "
        f"Showing {offset + 1}-{offset + len(tips)}."
    ]
    for tip in tips:
        flags = "🚨 " if tip.urgent else ""
        claim = f" · ✋ {esc(tip.claimed_by_label)}" if tip.claimed_by_label else ""
        lines.append(
            f"\n{flags}<b>{tip.reference}</b> · {esc(category_label(tip.category))} · "
            f"{timefmt.local(tip.created_at, zone)}{claim}\n“{esc(preview(tip.text, 100))}”"
        )
    return "\n".join(lines)


VIEW = "👁"
CLAIM = "✋ Claim"
REPLY = "💬 Reply"
CLOSE = "✅ Close…"
SPAM = "🚫 Spam"
BACK_TO_LIST = "📋 Open tips"
OLDER = "Older »"
NEWER = "« Newer"


def tip_card(view: TipView, zone: ZoneInfo) -> str:
    """One tip for officers: details, text, and timeline."""
    tip = view.tip
    lines: list[str] = []
    if tip.urgent:
        mentions = f" (mentions: {esc(', '.join(view.terms))})" if view.terms else ""
        lines.append(f"🚨 <b>URGENT</b>{mentions}")
    status = "spam" if tip.status == "spam" else STATUS_LABELS.get(tip.status, tip.status)
    lines.append(
        f"<b>Tip {tip.reference}</b> · {esc(category_label(tip.category))} · {esc(status)}"
    )
    who = f"{esc(tip.alias)} (anonymous)" if tip.anonymous else f"{esc(tip.tipster_label)} (named)"
    lines.append(f"From: {who} · by {'text message' if tip.channel == 'sms' else 'Telegram'}")
    lines.append(f"Filed: {timefmt.local(tip.created_at, zone)}")
    occurred = timefmt.local(tip.occurred_at, zone) if tip.occurred_at else None
    lines.append(_when_line(occurred, tip.when_text))
    lines.append(_where_line(tip.place, tip.latitude, tip.longitude, " (sent above)"))
    if tip.photos:
        lines.append(f"Photos: {len(tip.photos)} (sent above)")
    lines.append(f"Claimed by: {esc(tip.claimed_by_label) if tip.claimed_by_label else '—'}")
    if tip.outcome:
        lines.append(f"Outcome: {esc(tip.outcome)}")
    if not view.reachable:
        lines.append("The tipster can no longer be messaged (they used /forget).")
    lines += _story(tip.text, tip.conduct)
    lines += ["", "<b>Timeline</b>"]
    for event in view.events:
        lines.append(_event_line(event.kind, event.author, event.body, event.at, zone))
    return "\n".join(lines)


_EVENT_LABELS = {
    "filed": "filed",
    "details": "added details",
    "named": "gave their name",
    "claimed": "claimed it",
    "closed": "closed it",
    "spam": "marked it as spam",
}


def _event_line(kind: str, author: str, body: str, at: datetime, zone: ZoneInfo) -> str:
    when = timefmt.local(at, zone)
    if kind in ("officer_message", "tipster_message"):
        arrow = "→ tipster" if kind == "officer_message" else "→ officers"
        return f"{when} · <b>{esc(author)}</b> {arrow}: “{esc(preview(body, 400))}”"
    label = _EVENT_LABELS.get(kind, kind)
    detail = f": {esc(preview(body, 200))}" if body and kind not in ("named",) else ""
    return f"{when} · {esc(author)} {label}{detail}"


def ask_reply(reference: str) -> str:
    """An officer is about to message a tipster."""
    return (
        f"Type your message to the tipster of <b>{reference}</b> (at most 1000 characters). "
        "They see it signed with your name and the Crime Prevention Unit, never anything about "
        "them. /cancel to stop."
    )


def reply_sent(reference: str) -> str:
    """The officer's message is on its way."""
    return (
        f"✅ On its way to the tipster of <b>{reference}</b>. Their answer will come to you here; "
        f"the exchange is in the tip's timeline."
    )


def claimed(reference: str, changed: bool) -> str:
    """After Claim."""
    if not changed:
        return f"You have already claimed <b>{reference}</b>."
    return f"✋ You claimed <b>{reference}</b>. The tipster was told it is in review."


def choose_outcome(reference: str) -> str:
    """Close: pick an outcome."""
    return f"Close <b>{reference}</b> with which outcome? The tipster is told it."


OUTCOME_BUTTONS = list(OUTCOMES.items())
CANCEL = "✖ Cancel"
CLOSE_CANCELLED = "Not closed."


def closed(reference: str, outcome: str) -> str:
    """After closing."""
    return f"✅ <b>{reference}</b> closed: {esc(outcome)}. The tipster was told."


def spam_question(reference: str) -> str:
    """Spam asks first, saying what will happen."""
    return (
        f"Mark <b>{reference}</b> as spam? It is closed and leaves the open list. The tipster "
        "is told only that it is closed, never that it was marked spam."
    )


SPAM_YES = "🚫 Yes, it is spam"


def marked_spam(reference: str) -> str:
    """After Spam."""
    return f"🚫 <b>{reference}</b> marked as spam and closed. The tipster was told it is closed."


CATEGORY_BUTTONS = list(CATEGORIES.items())

REPLY_WHICH_TIP = (
    "I can't tell which tip that message is about, so nothing was sent. Open the tip with "
    "/tip T-YYYY-NNNNN and use its 💬 Reply button."
)
