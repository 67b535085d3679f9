"""/property in Telegram: the register (paged), an item's card, the guided add (skippable
steps, up to three photos, a review with Edit), editing one field, deleting (after a
question), the PDF and CSV exports, the window decal, and what /forget warns of.

The add lives in the chat's stored flow until Save, so /cancel leaves nothing behind; Save
takes the review step in the transaction that stores the item, so it is stored once however
it is pressed. Buttons about a stored item carry its id: core refuses (and audits) an id that
is not the presser's. Free text in these flows is not a message being written: the router
checks it for emergencies first.
"""

from __future__ import annotations

import io
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.telegram import texts as common_texts
from bot.telegram.common import (
    Context,
    button_in_flow,
    buttons,
    chat_id,
    command_args,
    edit_or_reply,
    guarded,
    receive_photo,
    reply,
    services,
    unversioned,
    user_id,
    versioned,
)
from bot.telegram.property import texts
from core.errors import Conflict, InvalidInput
from core.property import messages
from core.property.rules import (
    FIELDS,
    PAGE_SIZE,
    PHOTOS_MAX,
    ItemDraft,
    check_photo,
    checked,
    clean_field,
    clean_notes,
    parse_value,
)

ADD = "property"
EDIT = "propedit"
SKIP_WORDS = frozenset({"skip", "no", "none", "-", "n/a"})
DONE_WORDS = frozenset({"done", "skip", "no", "none", "-", "n/a"})
ORDER = ("item", "make", "model", "serial", "marking", "value", "photos", "notes")


def _words(update: Update) -> tuple[str, bool, bool]:
    """The message's text, whether it is a photo (or image file), and whether it says skip."""
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    return text, bool(message.photo or message.document), text.strip().lower() in SKIP_WORDS


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


# The guided add


def _draft(data: dict[str, Any]) -> ItemDraft:
    return ItemDraft(
        item=str(data.get("item") or ""),
        make=data.get("make"),
        model=data.get("model"),
        serial=data.get("serial"),
        marking=data.get("marking"),
        value_cents=data.get("value"),
        photos=tuple(data.get("photos") or ()),
        notes=data.get("notes"),
    )


def _add_markup(step: str, version: int, data: dict[str, Any]) -> InlineKeyboardMarkup | None:
    """A step's buttons, made for the flow's version (an older message's are stale)."""
    skip = (common_texts.SKIP, versioned("propf:skip", version))
    if step == "marking":
        return buttons(
            [
                [(texts.marked_with(str(data.get("number"))), versioned("propf:mark", version))],
                [skip],
            ]
        )
    if step == "photos":
        rows = [
            [
                (
                    texts.DONE if data.get("photos") else common_texts.SKIP,
                    versioned("propf:skip", version),
                )
            ]
        ]
        if data.get("photos"):
            rows.append([(texts.REMOVE_PHOTOS, versioned("propf:nophotos", version))])
        return buttons(rows)
    if step in ("make", "model", "serial", "value", "notes"):
        return buttons([[skip]])
    if step == "review":
        return buttons(
            [
                [
                    (texts.SAVE, versioned("propf:save", version)),
                    (texts.EDIT, versioned("propf:edit", version)),
                ],
                [(texts.CANCEL, versioned("propf:cancel", version))],
            ]
        )
    if step == "pick":
        rows = [[(label, versioned(f"propf:ed:{name}", version))] for name, label in FIELDS.items()]
        rows.append([(texts.KEEP_AS_IS, versioned("propf:review", version))])
        return buttons(rows)
    return None


def _add_prompt(step: str, data: dict[str, Any]) -> str:
    if step == "review":
        return texts.review(messages.card_lines(checked(_draft(data))))
    if step == "pick":
        return texts.PICK_FIELD
    if step == "marking":
        return texts.ask_marking(str(data.get("number")))
    if step == "photos":
        return texts.ask_photos(len(data.get("photos") or ()), PHOTOS_MAX)
    return texts.ASK[step]


async def goto(update: Update, context: Context, data: dict[str, Any], step: str) -> None:
    """Store the add at `step` and ask its question (editing the pressed message)."""
    version = await services(context).flows.put(chat_id(update), ADD, step, data)
    await edit_or_reply(update, _add_prompt(step, data), _add_markup(step, version, data))


async def next_step(update: Update, context: Context, data: dict[str, Any], step: str) -> None:
    """After answering `step`: the next question, or the review when editing from it."""
    if data.get("editing") or step == ORDER[-1]:
        data.pop("editing", None)
        await goto(update, context, data, "review")
    else:
        await goto(update, context, data, ORDER[ORDER.index(step) + 1])


async def start_add(update: Update, context: Context) -> None:
    """The guided add, from its first question (the Operation ID number is issued now)."""
    number = await services(context).property.register.number(user_id(update))
    await goto(update, context, {"number": number, "photos": []}, "item")


async def add_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message in the add: what does not fit the step gets the reason and the step stays
    as it was (with everything answered before)."""
    text, has_photo, skip = _words(update)
    if step == "photos":
        photos = list(data.get("photos") or ())
        if has_photo:
            if len(photos) >= PHOTOS_MAX:
                raise InvalidInput(texts.photos_full(PHOTOS_MAX))
            photos.append(await intake_photo(update, context))
            data["photos"] = photos
            await goto(update, context, data, "photos")
        elif text.strip().lower() in DONE_WORDS:
            await next_step(update, context, data, "photos")
        else:
            raise InvalidInput(texts.PHOTO_EXPECTED)
        return
    if step in ("review", "pick"):
        if has_photo:
            raise InvalidInput(texts.PHOTO_NOT_NOW)
        await reply(update, common_texts.USE_BUTTONS)
        return
    if has_photo:
        raise InvalidInput(texts.PHOTO_NOT_NOW)
    if not text:
        raise InvalidInput(texts.ITEM_EXPECTED if step == "item" else texts.TEXT_EXPECTED)
    if step == "item":
        data["item"] = clean_field("item", text)
    elif step == "value":
        data["value"] = None if skip else parse_value(text)
    elif step == "notes":
        data["notes"] = None if skip else clean_notes(text)
    else:  # make, model, serial, marking
        data[step] = None if skip else clean_field(step, text)
    await next_step(update, context, data, step)


@guarded
async def add_button(update: Update, context: Context) -> None:
    """The add's buttons (propf:...)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("propf:")
    pressed = await button_in_flow(update, context, ADD)
    if pressed is None:
        return
    step, data = pressed.flow.step, dict(pressed.flow.data)
    svc = services(context)
    if action == "skip" and step in ORDER and step != "item":
        if step != "photos":
            data[step] = None
        await next_step(update, context, data, step)
    elif action == "mark" and step == "marking":
        data["marking"] = data.get("number")
        await next_step(update, context, data, step)
    elif action == "nophotos" and step == "photos":
        data["photos"] = []
        await goto(update, context, data, "photos")
    elif action == "save" and step == "review":
        position, item = await svc.property.register.add(
            user_id(update), _draft(data), claim=pressed.claim
        )
        await edit_or_reply(update, texts.saved(position, item.item))
    elif action == "edit" and step == "review":
        await goto(update, context, data, "pick")
    elif action == "review" and step == "pick":
        await goto(update, context, data, "review")
    elif action.startswith("ed:") and step == "pick" and action[3:] in FIELDS:
        data["editing"] = True
        await goto(update, context, data, action[3:])
    elif action == "cancel" and step == "review":
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, texts.ADD_CANCELLED)
    else:
        raise Conflict(texts.STEP_EXPIRED)


# The register


@guarded
async def property_command(update: Update, context: Context) -> None:
    """/property, /property add|list|decal|pdf|csv."""
    args = command_args(context)
    word = args[0].lower() if args else "list"
    if word == "add":
        await start_add(update, context)
    elif word == "list":
        await show_register(update, context, 0)
    elif word == "decal":
        await show_decal(update, context)
    elif word in ("pdf", "csv"):
        await send_export(update, context, word)
    else:
        await reply(update, texts.USAGE)


async def show_register(update: Update, context: Context, page: int) -> None:
    """One page of the register (edits the pressed message)."""
    register = await services(context).property.register.register(user_id(update))
    count = len(register.items)
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    first = page * PAGE_SIZE
    shown = list(enumerate(register.items, start=1))[first : first + PAGE_SIZE]
    lines = [texts.register_line(p, messages.summary(item)) for p, item in shown]
    rows = [
        [(texts.item_button(p, messages.summary(item)), f"prop:v:{item.id}")] for p, item in shown
    ]
    paging = []
    if page > 0:
        paging.append((texts.EARLIER, f"prop:l:{page - 1}"))
    if page < pages - 1:
        paging.append((texts.LATER, f"prop:l:{page + 1}"))
    if paging:
        rows.append(paging)
    rows.append([(texts.ADD, "prop:add"), (texts.DECAL, "prop:decal")])
    if count:
        rows.append(
            [(texts.PDF, "prop:pdf"), (texts.CSV, "prop:csv"), (texts.STOLEN, "stol:start")]
        )
    await edit_or_reply(
        update, texts.register(register.number, count, lines, page, pages), buttons(rows)
    )


async def show_decal(update: Update, context: Context) -> None:
    """The window decal with the member's Operation ID number."""
    svc = services(context)
    number = await svc.property.register.number(user_id(update))
    await reply(update, messages.decal(number, svc.settings.service_name))


async def send_export(update: Update, context: Context, kind: str) -> None:
    """The register as a PDF or CSV document in this chat."""
    register = services(context).property.register
    uid = user_id(update)
    if kind == "pdf":
        filename, content = await register.export_pdf(uid)
    else:
        filename, content = await register.export_csv(uid)
    mine = await register.register(uid)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        document=io.BytesIO(content),
        filename=filename,
        caption=texts.export_caption(kind.upper(), len(mine.items), mine.number),
    )


def _card_markup(item_id: int, photos: int, position: int) -> InlineKeyboardMarkup:
    """An item's buttons; Back opens the register's page the item is on."""
    page = (position - 1) // PAGE_SIZE
    rows = [
        [(texts.EDIT, f"prop:e:{item_id}"), (f"{texts.PHOTOS} ({photos})", f"prop:ph:{item_id}")],
        [(texts.DELETE, f"prop:d:{item_id}"), (texts.BACK, f"prop:l:{page}")],
    ]
    return buttons(rows)


async def show_card(update: Update, context: Context, item_id: int, *, new: bool = False) -> None:
    """An item's card with its buttons (a new message with `new`)."""
    position, item = await services(context).property.register.item(user_id(update), item_id)
    text = texts.card(position, messages.card_lines(item))
    markup = _card_markup(item.id, len(item.photos), position)
    if new:
        await reply(update, text, markup)
    else:
        await edit_or_reply(update, text, markup)


def _edit_markup(item_id: int) -> InlineKeyboardMarkup:
    rows = [[(label, f"prop:ef:{item_id}:{name}")] for name, label in FIELDS.items()]
    rows.append([(texts.BACK, "prop:l:0")])
    return buttons(rows)


@guarded
async def register_button(update: Update, context: Context) -> None:
    """prop:l:PAGE, prop:v:ID (card), prop:ph:ID (photos), prop:e:ID (edit menu),
    prop:ef:ID:FIELD (edit one), prop:d|dy|k:ID (delete), prop:pr|pry:ID (remove photos),
    prop:add, prop:decal, prop:pdf, prop:csv."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    register = svc.property.register
    uid = user_id(update)
    parts = query.data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    arg = parts[2] if len(parts) > 2 else ""
    if action == "add":
        await start_add(update, context)
        return
    if action == "decal":
        await show_decal(update, context)
        return
    if action in ("pdf", "csv"):
        await send_export(update, context, action)
        return
    if not arg.isdigit() or len(arg) > 9:
        raise Conflict(texts.STEP_EXPIRED)
    number = int(arg)
    if action == "l":
        await show_register(update, context, number)
    elif action == "v":
        await show_card(update, context, number)
    elif action == "ph":
        position, item = await register.item(uid, number)
        if not item.photos:
            raise Conflict(texts.NO_PHOTOS)
        chat = update.effective_chat
        assert chat is not None
        for index, file_id in enumerate(item.photos, start=1):
            await chat.send_photo(file_id, caption=texts.photo_caption(position, index, item.item))
    elif action == "e":
        position, item = await register.item(uid, number)
        await reply(update, texts.pick_edit(position, item.item), _edit_markup(item.id))
    elif action == "ef" and len(parts) == 4 and parts[3] in FIELDS:
        await start_edit(update, context, number, parts[3])
    elif action == "d":
        position, item = await register.item(uid, number)
        rows = [[(texts.DELETE_YES, f"prop:dy:{item.id}"), (texts.KEEP, f"prop:k:{item.id}")]]
        await reply(update, texts.delete_question(position, item.item, item.stolen), buttons(rows))
    elif action == "dy":
        name = await register.delete(uid, number)
        await edit_or_reply(update, texts.deleted(name))
    elif action == "k":
        _position, item = await register.item(uid, number)
        await edit_or_reply(update, texts.kept(item.item))
    elif action == "pr":
        _position, item = await register.item(uid, number)
        if not item.photos:
            raise Conflict(texts.NO_PHOTOS)
        rows = [[(texts.REMOVE_YES, f"prop:pry:{item.id}"), (texts.KEEP_THEM, f"prop:k:{item.id}")]]
        await edit_or_reply(
            update, texts.remove_photos_question(item.item, len(item.photos)), buttons(rows)
        )
    elif action == "pry":
        removed = await register.remove_photos(uid, number)
        flow = await svc.flows.get(chat_id(update))
        if flow is not None and flow.flow == EDIT:  # the photos' edit, if open, is over
            await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, texts.photos_removed(removed))
    else:
        raise Conflict(texts.STEP_EXPIRED)


# Editing one field of a stored item


def _edit_field_markup(
    version: int, item_id: int, field: str, number: str
) -> InlineKeyboardMarkup | None:
    if field == "photos":
        return buttons(
            [
                [(texts.DONE, versioned("propx:done", version))],
                [(texts.REMOVE_PHOTOS, f"prop:pr:{item_id}")],
            ]
        )
    rows = []
    if field == "marking":
        rows.append([(texts.marked_with(number), versioned("propx:mark", version))])
    if field != "item":
        rows.append([(texts.CLEAR, versioned("propx:clear", version))])
    return buttons(rows) if rows else None


async def start_edit(update: Update, context: Context, item_id: int, field: str) -> None:
    """Ask for one field of a stored item anew."""
    register = services(context).property.register
    _position, item = await register.item(user_id(update), item_id)
    number = await register.number(user_id(update))
    data = {"item": item.id, "number": number}
    version = await services(context).flows.put(chat_id(update), EDIT, field, data)
    if field == "photos":
        text = texts.ask_edit_photos(len(item.photos), PHOTOS_MAX)
    else:
        text = texts.ask_edit(FIELDS[field], messages.values(item)[field])
    await reply(update, text, _edit_field_markup(version, item.id, field, number))


async def _save_edit(
    update: Update, context: Context, item_id: int, field: str, text: str | None
) -> None:
    svc = services(context)
    await svc.property.register.update(user_id(update), item_id, field, text)
    await svc.flows.clear(chat_id(update))
    await reply(update, texts.changed(FIELDS[field]))
    await show_card(update, context, item_id, new=True)


async def edit_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message while one field of a stored item is being changed."""
    item_id = int(str(data["item"]))
    text, has_photo, _skip = _words(update)
    svc = services(context)
    if step == "photos":
        if has_photo:
            # The limit is checked before a file is downloaded: a fourth photo costs nothing.
            _position, item = await svc.property.register.item(user_id(update), item_id)
            if len(item.photos) >= PHOTOS_MAX:
                raise InvalidInput(texts.photos_full(PHOTOS_MAX))
            count = await svc.property.register.add_photo(
                user_id(update), item_id, await intake_photo(update, context)
            )
            version = await svc.flows.put(chat_id(update), EDIT, "photos", data)
            await reply(
                update,
                texts.photo_added(count, PHOTOS_MAX),
                _edit_field_markup(version, item_id, "photos", ""),
            )
        elif text.strip().lower() in DONE_WORDS:
            await svc.flows.clear(chat_id(update))
            await show_card(update, context, item_id, new=True)
        else:
            raise InvalidInput(texts.PHOTO_EXPECTED)
        return
    if has_photo:
        raise InvalidInput(texts.PHOTO_NOT_NOW)
    if not text:
        raise InvalidInput(texts.TEXT_EXPECTED)
    await _save_edit(update, context, item_id, step, text)


@guarded
async def edit_button(update: Update, context: Context) -> None:
    """The edit's buttons (propx:...)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("propx:")
    pressed = await button_in_flow(update, context, EDIT)
    if pressed is None:
        return
    step, data = pressed.flow.step, dict(pressed.flow.data)
    item_id = int(str(data["item"]))
    svc = services(context)
    if action == "done" and step == "photos":
        await svc.flows.clear(chat_id(update))
        await edit_or_reply(update, texts.changed(FIELDS["photos"]))
        await show_card(update, context, item_id, new=True)
    elif action == "clear" and step not in ("item", "photos"):
        await _save_edit(update, context, item_id, step, None)
    elif action == "mark" and step == "marking":
        await _save_edit(update, context, item_id, step, str(data.get("number")))
    else:
        raise Conflict(texts.STEP_EXPIRED)


# /forget


async def forget_warning(update: Update, context: Context) -> str | None:
    """For /forget's question: the register that will go."""
    count = await services(context).property.register.count(user_id(update))
    return texts.forget_warning(count) if count else None
