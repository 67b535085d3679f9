"""Filing a tip in Telegram: /tip (guided), /tip TEXT (at once), and the optional details.

A guided tip lives in the chat's stored flow until it is sent, so /cancel leaves nothing
behind: after the last question comes a review, the tip as officers will receive it, with Send
(which takes the review's stored step, so it files once however it is pressed and an older
review's Send files nothing), Edit (one part asked again, then a new review) and Cancel. The
reference is shown only once the tip is stored. Text that suggests an emergency
gets the 911 warning first and is stored (urgent) at once; the remaining steps then add details
to the stored tip through its relay token, as the details offered after /tip TEXT do.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.telegram import texts as common_texts
from bot.telegram.common import (
    Context,
    button_in_flow,
    buttons,
    chat_id,
    edit_buttons,
    edit_or_reply,
    guarded,
    keep_and_follow,
    receive_photo,
    reply,
    services,
    unversioned,
    user_id,
    versioned,
)
from bot.telegram.tips import texts as tip_texts
from core import timefmt
from core.emergency import suggests_emergency
from core.errors import AlreadyDone, Conflict, InvalidInput
from core.flows import Claim
from core.tips.rules import (
    PHOTOS_MAX,
    PLACE_MAX,
    WHEN_MAX,
    Filed,
    Source,
    TipDraft,
    check_photo,
    clean_optional,
    clean_tip_text,
)
from core.validation import display_name

TIP = "tip"
ORDER = ("when", "where", "photos", "category", "conduct", "identity")
SKIP_WORDS = frozenset({"skip", "no", "none", "-", "n/a"})
NOW_WORDS = frozenset({"now", "just now"})


def source(update: Update) -> Source:
    """The chat a tip comes from."""
    return Source.telegram(chat_id(update), user_id(update))


async def warn_if_emergency(update: Update, *texts: str | None) -> bool:
    """Send the 911 warning, first and on its own, when a text suggests an emergency."""
    if any(suggests_emergency(text) for text in texts if text):
        await reply(update, tip_texts.CALL_911_NOW)
        return True
    return False


def _next(step: str, data: dict[str, Any]) -> str | None:
    """The step after `step` ("what" comes before them all), or None when done (a part
    changed from the review goes back to it, unless suspicious activity now wants the
    person's conduct)."""
    if data.get("editing"):
        if step == "category" and data.get("category") == "suspicious" and not data.get("conduct"):
            return "conduct"
        return None
    start = ORDER.index(step) + 1 if step in ORDER else 0
    for candidate in ORDER[start:]:
        if data.get("only") and candidate != data["only"]:
            continue
        if candidate == "conduct" and data.get("category") != "suspicious":
            continue
        if candidate == "identity" and data.get("mode") == "filed" and not data.get("anonymous"):
            continue
        return candidate
    return None


def _markup(
    step: str, version: int | None = None, *, editing: bool = False
) -> InlineKeyboardMarkup | None:
    """A step's buttons, made for the flow's version when it is known (so an older message's
    buttons are recognised as stale); a part changed from the review can be kept as it was."""

    def data(value: str) -> str:
        return versioned(value, version) if version is not None else value

    skip = [(common_texts.SKIP, data("tipf:skip"))]
    rows: list[list[tuple[str, str]]] = []
    if step == "when":
        rows = [[(tip_texts.JUST_NOW, data("tipf:now")), *skip]]
    elif step in ("where", "photos", "conduct"):
        rows = [skip]
    elif step == "category":
        pairs = [(label, data(f"tipf:cat:{key}")) for key, label in tip_texts.CATEGORY_BUTTONS]
        rows = [pairs[i : i + 2] for i in range(0, len(pairs), 2)] + [skip]
    elif step == "identity":
        rows = [
            [(tip_texts.STAY_ANONYMOUS, data("tipf:anon"))],
            [(tip_texts.WITH_MY_NAME, data("tipf:named"))],
        ]
    if editing:
        rows.append([(tip_texts.KEEP_AS_IT_WAS, data("tipf:keep"))])
    return buttons(rows) if rows else None


def _review_markup(version: int) -> InlineKeyboardMarkup:
    return buttons(
        [
            [(tip_texts.SEND_TIP, versioned("tipf:send", version))],
            [
                (tip_texts.EDIT_TIP, versioned("tipf:edit", version)),
                (tip_texts.CANCEL_TIP, versioned("tipf:cancel", version)),
            ],
        ]
    )


def _fields_markup(data: dict[str, Any], version: int) -> InlineKeyboardMarkup:
    """The parts of a draft that Edit offers (the person's conduct only where it is asked)."""
    fields = [
        (label, versioned(f"tipf:ed:{key}", version))
        for key, label in tip_texts.EDIT_FIELDS.items()
        if key != "conduct" or data.get("category") == "suspicious" or data.get("conduct")
    ]
    rows = [fields[i : i + 2] for i in range(0, len(fields), 2)]
    return buttons([*rows, [(tip_texts.BACK_TO_REVIEW, versioned("tipf:back", version))]])


async def _prompt(update: Update, context: Context, step: str, editing: bool = False) -> str:
    if editing and step == "what":
        return tip_texts.ASK_EDIT_WHAT
    if editing and step == "photos":
        return tip_texts.ASK_EDIT_PHOTOS
    if step == "identity":
        member = await services(context).members.by_telegram(user_id(update))
        return tip_texts.ask_identity(member.display_name if member else None)
    return {
        "what": tip_texts.ASK_WHAT,
        "when": tip_texts.ASK_WHEN,
        "where": tip_texts.ASK_WHERE,
        "photos": tip_texts.ASK_PHOTOS,
        "category": tip_texts.ASK_CATEGORY,
        "conduct": tip_texts.ASK_CONDUCT,
        "name": tip_texts.ASK_NAME,
    }[step]


async def goto(
    update: Update,
    context: Context,
    data: dict[str, Any],
    step: str | None,
    *,
    fresh: bool = False,
) -> None:
    """Store the flow at `step` and ask its question, or finish. The question edits the
    message of the step before it, unless `fresh`: then it is a message of its own (the button
    pressed was on a receipt or a list, which stays as it is)."""
    if step is None:
        await _finish(update, context, data)
        return
    version = await services(context).flows.put(chat_id(update), TIP, step, data)
    editing = bool(data.get("editing"))
    prompt = await _prompt(update, context, step, editing)
    markup = _markup(step, version, editing=editing)
    if fresh:
        await reply(update, prompt, markup)
    else:
        await edit_or_reply(update, prompt, markup)


def _draft(data: dict[str, Any]) -> TipDraft:
    return TipDraft(
        text=data.get("text", ""),
        when_text=data.get("when"),
        occurred_now=bool(data.get("now")),
        place=data.get("place"),
        latitude=data.get("lat"),
        longitude=data.get("lon"),
        photos=tuple(data.get("photos", ())),
        category=data.get("category"),
        conduct=data.get("conduct"),
    )


async def _claim(update: Update, context: Context) -> Claim:
    """The guided tip's stored step as this update found it: filing takes it, once."""
    flow = await services(context).flows.get(chat_id(update))
    if flow is None or flow.flow != TIP:
        raise AlreadyDone()
    return Claim(flow.chat_id, TIP, flow.version)


async def _file_now(update: Update, context: Context, data: dict[str, Any]) -> Filed:
    """Store the draft, taking the flow's step in the same transaction (a second press or a
    concurrent update files nothing); the flow goes on (if it does) with the tip's token."""
    filed = await services(context).tips.filing.file(
        _draft(data),
        source(update),
        named=bool(data.get("named")),
        name=data.get("name"),
        claim=await _claim(update, context),
    )
    category = data.get("category")
    data.clear()
    data.update(mode="filed", token=filed.token, ref=filed.reference, anonymous=filed.anonymous)
    data["category"] = category
    return filed


async def _finish(update: Update, context: Context, data: dict[str, Any]) -> None:
    svc = services(context)
    if data.get("mode") == "filed":
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, tip_texts.details_saved(data["ref"]))
        return
    await _review(update, context, data)


def _filed_text(filed: Filed) -> str:
    return tip_texts.filed(
        filed.reference, urgent=filed.urgent, anonymous=filed.anonymous, name=filed.name
    )


async def _review(update: Update, context: Context, data: dict[str, Any]) -> None:
    """Store the draft at its review and show it: the tip as officers will receive it."""
    svc = services(context)
    data.pop("editing", None)
    data.pop("was_photos", None)
    version = await svc.flows.put(chat_id(update), TIP, "review", data)
    name: str | None = None
    if data.get("named"):
        name = data.get("name")
        if name is None:
            member = await svc.members.by_telegram(user_id(update))
            name = member.display_name if member else None
    draft = _draft(data)
    text = tip_texts.review(
        text=draft.text,
        category=draft.category,
        occurred=timefmt.local(svc.clock.now(), svc.settings.zone) if draft.occurred_now else None,
        when_text=draft.when_text,
        place=draft.place,
        latitude=draft.latitude,
        longitude=draft.longitude,
        photos=len(draft.photos),
        conduct=draft.conduct,
        name=name,
    )
    await edit_or_reply(update, text, _review_markup(version))


async def _edit_part(update: Update, context: Context, data: dict[str, Any], part: str) -> None:
    """One part of the draft asked again, below the review (which loses its buttons)."""
    data["editing"] = True
    if part == "photos":  # the photos sent now replace these; Keep it as it was puts them back
        data["was_photos"] = data.pop("photos", [])
    await edit_buttons(update, None)
    await goto(update, context, data, part, fresh=True)


async def _keep(update: Update, context: Context, data: dict[str, Any]) -> None:
    """The part being changed stays as it was: back to the review."""
    if "was_photos" in data:
        data["photos"] = data["was_photos"]
    await _review(update, context, data)


async def _apply(
    update: Update,
    context: Context,
    data: dict[str, Any],
    step: str,
    *,
    emergency: bool = False,
    **values: Any,
) -> None:
    """Record a step's answer (in the draft, or on the stored tip), then ask the next one."""
    if "category" in values:
        data["category"] = values["category"]
    if data.get("mode") == "filed":
        if values:
            await services(context).tips.filing.amend(data["token"], **values)
    else:
        keys = {"when_text": "when", "occurred_now": "now", "latitude": "lat", "longitude": "lon"}
        data.update({keys.get(k, k): v for k, v in values.items()})
        if emergency:  # stored and the officers alerted now, not after the last step
            editing = bool(data.get("editing"))
            filed = await _file_now(update, context, data)
            if editing:  # changed from the review: every part is in, so it is sent as it is
                await services(context).flows.clear(chat_id(update))
                await reply(update, _filed_text(filed))
                return
            await reply(update, tip_texts.stored_early(filed.reference))
    await goto(update, context, data, _next(step, data))


# Starting


async def start_guided(update: Update, context: Context) -> None:
    """/tip: the guided conversation, starting with what happened."""
    svc = services(context)
    await svc.tips.filing.check_rate(source(update))
    await goto_first(update, context)


async def goto_first(update: Update, context: Context) -> None:
    """Open a fresh draft at the first step."""
    await services(context).flows.put(chat_id(update), TIP, "what", {"mode": "draft"})
    await reply(update, tip_texts.ASK_WHAT)


async def file_at_once(update: Update, context: Context, text: str) -> None:
    """/tip TEXT: stored at once (anonymous), then the optional details are offered."""
    body = clean_tip_text(text)
    await warn_if_emergency(update, body)
    filed = await services(context).tips.filing.file(TipDraft(text=body), source(update))
    await reply(
        update,
        tip_texts.filed(filed.reference, urgent=filed.urgent, anonymous=True, name=None),
        buttons(
            [
                [(tip_texts.ADD_DETAILS, f"tipf:more:{filed.token}")],
                [(tip_texts.THATS_ALL, "tipf:fin")],
            ]
        ),
    )


async def add_details(update: Update, context: Context, token: str, only: str | None) -> None:
    """The details flow for a stored tip (all optional steps, or just the photos), asked in a
    message of its own below the receipt or list whose button started it."""
    svc = services(context)
    tip = await svc.tips.filing.tip_of(token)
    flow = await svc.flows.get(chat_id(update))
    if (
        flow is not None
        and flow.flow == TIP
        and flow.data.get("token") == token
        and flow.data.get("only") == only
    ):
        return  # pressed again: its questions are already below
    data: dict[str, Any] = {
        "mode": "filed",
        "token": token,
        "ref": tip.reference,
        "anonymous": tip.anonymous,
        "category": tip.category,
    }
    if only:
        data.update(only=only, added=0)
    await goto(update, context, data, only or _next("what", data), fresh=True)


# Photos


async def intake_photo(update: Update, context: Context) -> str:
    """The Telegram file id of a photo sent, after the size and type checks (an image sent
    as a file comes back stripped of its metadata)."""
    return await receive_photo(
        update,
        context,
        check=check_photo,
        expected=tip_texts.PHOTO_EXPECTED,
        stripped=tip_texts.FILE_STRIPPED,
    )


async def _photo(update: Update, context: Context, data: dict[str, Any]) -> None:
    file_id = await intake_photo(update, context)
    if data.get("mode") == "filed":
        count = await services(context).tips.filing.add_photo(data["token"], file_id)
        data["added"] = int(data.get("added", 0)) + 1
    else:
        photos = data.setdefault("photos", [])
        if len(photos) >= PHOTOS_MAX:
            raise Conflict(f"A tip can have at most {PHOTOS_MAX} photos. Tap Done.")
        photos.append(file_id)
        count = len(photos)
    if count >= PHOTOS_MAX:
        await _leave_photos(update, context, data)
        return
    await services(context).flows.put(chat_id(update), TIP, "photos", data)
    await reply(update, tip_texts.photo_added(count), buttons([[(tip_texts.DONE, "tipf:done")]]))


async def _leave_photos(update: Update, context: Context, data: dict[str, Any]) -> None:
    if data.get("mode") == "filed":
        await services(context).tips.filing.photos_added(data["token"], int(data.pop("added", 0)))
    await goto(update, context, data, _next("photos", data))


# Answers typed or sent in the flow


async def tip_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message in the tip flow."""
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    skip = text.strip().lower() in SKIP_WORDS
    if step == "what":
        if (message.photo or message.document) and data.get("editing"):
            raise InvalidInput(tip_texts.EDIT_WHAT_IN_WORDS)
        if message.photo or message.document:
            if not message.caption:
                raise InvalidInput(tip_texts.ASK_WHAT_AGAIN)
            data["photos"] = [await intake_photo(update, context)]
            text = message.caption
        body = clean_tip_text(text)
        data["text"] = body
        await _apply(update, context, data, "what", emergency=await warn_if_emergency(update, body))
    elif step == "when":
        if skip:
            await _apply(update, context, data, step)
        elif text.strip().lower() in NOW_WORDS:
            await _apply(update, context, data, step, occurred_now=True)
        elif text:
            when = clean_optional(text, "time", WHEN_MAX)  # told now, not at the last step
            urgent = await warn_if_emergency(update, text)
            await _apply(update, context, data, step, emergency=urgent, when_text=when)
        else:
            await reply(update, tip_texts.ASK_WHEN, _markup(step))
    elif step == "where":
        if message.location is not None:
            location = message.location
            await _apply(
                update,
                context,
                data,
                step,
                latitude=location.latitude,
                longitude=location.longitude,
            )
        elif skip:
            await _apply(update, context, data, step)
        elif text:
            place = clean_optional(text, "place", PLACE_MAX)
            urgent = await warn_if_emergency(update, text)
            await _apply(update, context, data, step, emergency=urgent, place=place)
        else:
            await reply(update, tip_texts.ASK_WHERE, _markup(step))
    elif step == "photos":
        if message.photo or message.document:
            await _photo(update, context, data)
        elif skip or text.strip().lower() == "done":
            await _leave_photos(update, context, data)
        else:
            await reply(
                update, tip_texts.PHOTO_EXPECTED, buttons([[(tip_texts.DONE, "tipf:done")]])
            )
    elif step == "conduct":
        if skip:
            await _apply(update, context, data, step)
        elif text:
            urgent = await warn_if_emergency(update, text)
            await _apply(update, context, data, step, emergency=urgent, conduct=text)
        else:
            await reply(update, tip_texts.ASK_CONDUCT, _markup(step))
    elif step == "name" and text:
        await _named(update, context, data, text)
    elif step == "name":
        await reply(update, tip_texts.ASK_NAME)
    elif step == "review":  # buttons only; an emergency typed here still gets 911 first
        await warn_if_emergency(update, text)
        await reply(update, tip_texts.REVIEW_USE_BUTTONS)
    else:  # category, identity: buttons only
        await warn_if_emergency(update, text)
        await reply(update, common_texts.USE_BUTTONS)


async def _named(update: Update, context: Context, data: dict[str, Any], name: str | None) -> None:
    """The tipster chose to give their name (registered, or typed)."""
    if data.get("mode") == "filed":
        given = await services(context).tips.filing.add_name(data["token"], user_id(update), name)
        await reply(update, tip_texts.named_as(given))
        await goto(update, context, data, None)
        return
    if name is not None:
        name = display_name(name)
    data.update(named=True, name=name)
    await goto(update, context, data, None)


# Buttons


@guarded
async def filing_button(update: Update, context: Context) -> None:
    """The tip flow's buttons (tipf:...)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("tipf:")
    if action.startswith("more:"):
        # The receipt keeps its reference and loses its buttons; the questions follow it.
        await add_details(update, context, action.removeprefix("more:"), None)
        await edit_buttons(update, None)
        return
    if action == "fin":
        await edit_buttons(update, None)
        await reply(update, tip_texts.THANKS)
        return
    pressed = await button_in_flow(update, context, TIP)
    if pressed is None:
        return
    svc = services(context)
    step = pressed.flow.step
    data: dict[str, Any] = dict(pressed.flow.data)
    if step == "when" and action == "now":
        await _apply(update, context, data, step, occurred_now=True)
    elif step == "photos" and action in ("done", "skip"):
        await _leave_photos(update, context, data)
    elif step in ("when", "where", "category", "conduct") and action == "skip":
        await _apply(update, context, data, step)
    elif step == "category" and action.startswith("cat:"):
        await _apply(update, context, data, step, category=action.removeprefix("cat:"))
    elif step == "identity" and action == "anon":
        data.update(named=False, name=None)
        await goto(update, context, data, None)
    elif step == "identity" and action == "named":
        member = await svc.members.by_telegram(user_id(update))
        if member is not None and member.display_name:
            await _named(update, context, data, None)
        else:
            await goto(update, context, data, "name")
    elif step == "review" and action == "send":
        filed = await svc.tips.filing.file(
            _draft(data),
            source(update),
            named=bool(data.get("named")),
            name=data.get("name"),
            claim=pressed.claim,  # the review this button was made for, taken once
        )
        await svc.flows.clear(chat_id(update))
        await keep_and_follow(update, _filed_text(filed))  # the review stays as the record
    elif step == "review" and action == "edit":
        await edit_buttons(update, _fields_markup(data, pressed.flow.version))
    elif step == "review" and action == "back":
        await edit_buttons(update, _review_markup(pressed.flow.version))
    elif step == "review" and action.startswith("ed:") and action[3:] in tip_texts.EDIT_FIELDS:
        await _edit_part(update, context, data, action[3:])
    elif step == "review" and action == "cancel":
        await svc.flows.clear(chat_id(update))
        await keep_and_follow(update, tip_texts.TIP_NOT_SENT)
    elif data.get("editing") and action == "keep":
        await _keep(update, context, data)
    else:
        raise Conflict(tip_texts.STEP_EXPIRED)
