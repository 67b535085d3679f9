"""Partner groups in chat (officers): /newpartner (who it is for, then its name) and
/partners (the list with invitation codes, and a new code after a question)."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.telegram.common import (
    Context,
    actor,
    button_in_flow,
    buttons,
    chat_id,
    edit_or_reply,
    expired,
    guarded,
    reply,
    services,
)
from bot.telegram.partners import texts as partner_texts
from core.partners import SECTORS, sector_label

NEWPARTNER = "newpartner"
JOIN_LINK = "join-"  # the groups feature's deep link opens invitation codes too


def _link(context: Context, invite: str) -> str:
    return f"https://t.me/{context.bot.username}?start={JOIN_LINK}{invite}"


def _sector_buttons() -> Any:
    keys = list(SECTORS)
    return buttons([[(SECTORS[k], f"prt:s:{k}") for k in keys[i : i + 2]] for i in (0, 2, 4)])


@guarded
async def newpartner(update: Update, context: Context) -> None:
    """/newpartner: who the group is for (buttons)."""
    svc = services(context)
    await svc.partners.all(await actor(update, context))  # officers only (refusal audited)
    await svc.flows.put(chat_id(update), NEWPARTNER, "sector")
    await reply(update, partner_texts.ASK_SECTOR, _sector_buttons())


@guarded
async def sector_button(update: Update, context: Context) -> None:
    """A sector chosen: ask for the name."""
    pressed = await button_in_flow(update, context, NEWPARTNER)
    if pressed is None:
        return
    key = pressed.data.removeprefix("prt:s:")
    if pressed.flow.step != "sector" or key not in SECTORS:
        await expired(update)
    svc = services(context)
    await svc.partners.all(await actor(update, context))
    await svc.flows.put(chat_id(update), NEWPARTNER, "name", {"sector": key})
    await edit_or_reply(update, f"{partner_texts.ASK_SECTOR}\n→ {SECTORS[key]}")
    await reply(update, partner_texts.ask_name(SECTORS[key]))


async def newpartner_step(
    update: Update, context: Context, step: str, data: dict[str, Any]
) -> None:
    """A typed answer in /newpartner: the name (a press is needed for the sector)."""
    svc = services(context)
    message = update.effective_message
    if step != "name":
        await reply(update, partner_texts.PRESS_A_SECTOR, _sector_buttons())
        return
    if message is None or not message.text:
        await reply(update, partner_texts.ask_name(sector_label(data.get("sector"))))
        return
    group = await svc.partners.create(
        await actor(update, context), str(data.get("sector")), message.text
    )
    await svc.flows.clear(chat_id(update))
    assert group.invite_code is not None
    await reply(
        update,
        partner_texts.created(
            group.name, group.code, group.invite_code, _link(context, group.invite_code)
        ),
    )


@guarded
async def partners(update: Update, context: Context) -> None:
    """/partners: every partner group with its invitation code and a button to replace it."""
    views = await services(context).partners.all(await actor(update, context))
    entries = [
        partner_texts.entry(
            v.group.name, v.group.code, v.sector, v.active_members, v.group.invite_code or "—"
        )
        for v in views
    ]
    rows = [
        [(f"{partner_texts.NEW_INVITE}: {v.group.code}", f"prt:i:{v.group.code}")] for v in views
    ]
    await reply(update, partner_texts.listing(entries), buttons(rows) if rows else None)


@guarded
async def invite_button(update: Update, context: Context) -> None:
    """Replace an invitation code: ask first (prt:i:CODE), then do it (prt:iy:CODE)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    who = await actor(update, context)
    kind, _, rest = query.data.removeprefix("prt:").partition(":")
    code, _, replacing = rest.partition(":")
    views = {v.group.code: v for v in await svc.partners.all(who)}
    view = views.get(code)
    if view is None:
        await expired(update)
    if kind == "i":
        await reply(
            update,
            partner_texts.ask_new_invite(view.group.name),
            buttons(
                [
                    [
                        (
                            partner_texts.YES_REPLACE,
                            f"prt:iy:{code}:{view.group.invite_code or ''}",
                        ),
                        (partner_texts.KEEP, f"prt:ik:{code}"),
                    ]
                ]
            ),
        )
    elif kind == "ik":
        await edit_or_reply(update, partner_texts.KEPT)
    elif kind == "iy":
        group = await svc.partners.new_invite(who, code, replacing)
        assert group.invite_code is not None
        await edit_or_reply(
            update,
            partner_texts.invitation(
                group.name, group.invite_code, _link(context, group.invite_code)
            ),
        )
    else:
        await expired(update)
