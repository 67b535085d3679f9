"""The reporter's side in Telegram: /fix (kind, place, photo, note, review, Send), /myfixes
with deleting one, and what /forget offers.

The report lives in the chat's stored flow until Send, so /cancel leaves nothing behind; Send
takes the review step in the transaction that stores the report, so it is stored once however
it is pressed, and the reference is shown only once it is stored. Free text in the flow is
not a message being written: the router checks it for emergencies first (911, then the
urgent tip), and the question comes back afterwards.
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
    edit_or_reply,
    guarded,
    receive_photo,
    reply,
    services,
    unversioned,
    user_id,
    versioned,
)
from bot.telegram.cpted import texts
from core.cpted import messages
from core.cpted.reports import checked
from core.cpted.rules import (
    KINDS,
    STATUSES,
    TELEGRAM,
    FixDraft,
    Reporter,
    check_photo,
    clean_location,
    clean_note,
    clean_place,
)
from core.errors import Conflict, InvalidInput
from core.timefmt import local

FIX = "fix"
SKIP_WORDS = frozenset({"skip", "no", "none", "-", "n/a"})


def reporter(update: Update) -> Reporter:
    """The chat a report comes from."""
    return Reporter.telegram(chat_id(update), user_id(update))


def _draft(data: dict[str, Any]) -> FixDraft:
    return FixDraft(
        kind=str(data.get("kind") or "other"),
        place=data.get("place"),
        latitude=data.get("lat"),
        longitude=data.get("lon"),
        photo=data.get("photo"),
        note=data.get("note"),
    )


def _markup(step: str, version: int, data: dict[str, Any]) -> InlineKeyboardMarkup | None:
    """A step's buttons, made for the flow's version (an older message's are stale)."""
    if step == "kind":
        pairs = [(label, versioned(f"fixf:k:{key}", version)) for key, label in texts.KIND_BUTTONS]
        return buttons([[pair] for pair in pairs])
    if step in ("photo", "note"):
        return buttons([[(common_texts.SKIP, versioned("fixf:skip", version))]])
    if step == "review":
        return buttons(
            [
                [
                    (texts.SEND, versioned("fixf:send", version)),
                    (texts.CANCEL, versioned("fixf:cancel", version)),
                ]
            ]
        )
    return None


def _prompt(step: str, data: dict[str, Any]) -> str:
    if step == "review":
        return texts.review(messages.body_lines(checked(_draft(data))))
    return {
        "kind": texts.ASK_KIND,
        "where": texts.ASK_WHERE,
        "photo": texts.ASK_PHOTO,
        "note": texts.ASK_NOTE,
    }[step]


async def goto(update: Update, context: Context, data: dict[str, Any], step: str) -> None:
    """Store the flow at `step` and ask its question (editing the pressed message)."""
    version = await services(context).flows.put(chat_id(update), FIX, step, data)
    await edit_or_reply(update, _prompt(step, data), _markup(step, version, data))


@guarded
async def fix_command(update: Update, context: Context) -> None:
    """/fix: the guided report, starting with what it is (refused at once past the day's
    limit, rather than after the whole report is typed)."""
    await services(context).fixes.reports.check_limit(reporter(update))
    await goto(update, context, {}, "kind")


async def intake_photo(update: Update, context: Context) -> str:
    """The Telegram file id of a photo sent, after the size and type checks (an image sent
    as a file comes back stripped of its metadata)."""
    return await receive_photo(
        update,
        context,
        check=check_photo,
        expected=texts.PHOTO_EXPECTED,
        stripped=texts.FILE_STRIPPED,
    )


async def fix_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message in the /fix flow: what does not fit the step gets the reason and the step
    stays as it was."""
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    skip = text.strip().lower() in SKIP_WORDS
    has_photo = bool(message.photo or message.document)
    if step == "where":
        if message.location is not None:
            data["lat"], data["lon"] = clean_location(
                message.location.latitude, message.location.longitude
            )
            data.pop("place", None)
            await goto(update, context, data, "photo")
        elif text:
            data["place"] = clean_place(text)
            data.pop("lat", None)
            data.pop("lon", None)
            await goto(update, context, data, "photo")
        else:
            raise InvalidInput(texts.WHERE_EXPECTED)
    elif step == "photo":
        if has_photo:
            data["photo"] = await intake_photo(update, context)
            await goto(update, context, data, "note")
        elif skip:
            await goto(update, context, data, "note")
        elif message.location is not None:
            raise InvalidInput(texts.PLACE_ALREADY)
        else:
            raise InvalidInput(texts.PHOTO_EXPECTED)
    elif step == "note":
        if has_photo:
            raise InvalidInput(texts.ONE_PHOTO)
        if message.location is not None:
            raise InvalidInput(texts.PLACE_ALREADY)
        if not text:
            raise InvalidInput(texts.NOTE_EXPECTED)
        if not skip:
            data["note"] = clean_note(text)
        await goto(update, context, data, "review")
    elif has_photo and step == "review":
        raise InvalidInput(texts.PHOTO_NOT_NOW)
    else:  # kind, review: buttons only
        await reply(update, common_texts.USE_BUTTONS)


@guarded
async def fix_button(update: Update, context: Context) -> None:
    """The /fix flow's buttons (fixf:...)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("fixf:")
    pressed = await button_in_flow(update, context, FIX)
    if pressed is None:
        return
    step, data = pressed.flow.step, dict(pressed.flow.data)
    svc = services(context)
    if step == "kind" and action.startswith("k:") and action[2:] in KINDS:
        data["kind"] = action[2:]
        await goto(update, context, data, "where")
    elif step in ("photo", "note") and action == "skip":
        await goto(update, context, data, "note" if step == "photo" else "review")
    elif step == "review" and action == "send":
        filed = await svc.fixes.reports.file(_draft(data), reporter(update), claim=pressed.claim)
        await edit_or_reply(update, texts.filed(filed.reference, filed.emergency))
    elif step == "review" and action == "cancel":
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, texts.CANCELLED)
    else:
        raise Conflict(texts.STEP_EXPIRED)


# /myfixes


def _address(update: Update) -> str:
    return str(chat_id(update))


@guarded
async def myfixes(update: Update, context: Context) -> None:
    """/myfixes: this chat's reports and where they stand, each with Delete."""
    await show_mine(update, context)


async def show_mine(update: Update, context: Context) -> None:
    """The reporter's list (edits the pressed message)."""
    svc = services(context)
    mine = await svc.fixes.reports.mine(TELEGRAM, _address(update))
    if not mine:
        await edit_or_reply(update, texts.NO_FIXES)
        return
    zone = svc.settings.zone
    lines = [
        texts.mine_line(
            r.reference,
            messages.kind_label(r.kind),
            messages.preview(messages.where_text(r)),
            STATUSES.get(r.status, r.status),
            local(r.created_at, zone),
        )
        for r in mine
    ]
    rows = [[(texts.delete_label(r.reference), f"fixm:d:{r.id}")] for r in mine]
    await edit_or_reply(update, texts.mine(lines), buttons(rows))


@guarded
async def mine_button(update: Update, context: Context) -> None:
    """fixm:d:ID asks, fixm:dy:ID deletes, fixm:k:ID keeps; fixm:fg:yes|no is /forget's."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    parts = query.data.split(":")
    action, arg = parts[1], parts[2] if len(parts) > 2 else ""
    if action == "fg":
        if arg == "yes":
            count = await svc.fixes.reports.forget(TELEGRAM, _address(update))
            await edit_or_reply(update, texts.forgotten(count))
        else:
            await edit_or_reply(update, texts.FORGET_KEPT)
        return
    if not arg.isdigit():
        raise Conflict(texts.STEP_EXPIRED)
    report_id = int(arg)
    if action == "d":
        report = await svc.fixes.reports.one_of_mine(TELEGRAM, _address(update), report_id)
        rows = [[(texts.DELETE_YES, f"fixm:dy:{report_id}"), (texts.KEEP, f"fixm:k:{report_id}")]]
        await reply(update, texts.delete_question(report.reference), buttons(rows))
    elif action == "dy":
        reference = await svc.fixes.reports.delete_mine(TELEGRAM, _address(update), report_id)
        await edit_or_reply(update, texts.deleted(reference))
    elif action == "k":
        report = await svc.fixes.reports.one_of_mine(TELEGRAM, _address(update), report_id)
        await edit_or_reply(update, texts.kept(report.reference))
    else:
        raise Conflict(texts.STEP_EXPIRED)


# /forget


async def forget_warning(update: Update, context: Context) -> str | None:
    """For /forget's question: the reports that will go."""
    count = await services(context).fixes.reports.count(TELEGRAM, _address(update))
    return texts.forget_warning(count) if count else None


async def offer_forget(update: Update, context: Context) -> bool:
    """/forget from someone who never registered: offer to delete this chat's reports."""
    count = await services(context).fixes.reports.count(TELEGRAM, _address(update))
    if not count:
        return False
    await reply(
        update,
        texts.forget_confirm(count),
        buttons([[(texts.FORGET_YES, "fixm:fg:yes"), (texts.FORGET_NO, "fixm:fg:no")]]),
    )
    return True
