"""Local crime data in Telegram: /stats (the facts for the person's own group's area, a type,
or for officers any group or the town, with the weekly chart) and /area (a leader or an
officer sets the group's area with a pin and a radius)."""

from __future__ import annotations

from typing import Any

from telegram import InputFile, Update

from bot.telegram import texts as common_texts
from bot.telegram.common import (
    Context,
    actor,
    button_in_flow,
    buttons,
    chat_id,
    command_args,
    edit_or_reply,
    guarded,
    reply,
    services,
    unversioned,
    versioned,
)
from bot.telegram.crimedata import texts
from core.crimedata import messages
from core.crimedata.areas import circle
from core.crimedata.service import parse_category
from core.errors import Conflict, InvalidInput, NotFound
from core.flows import Claim
from core.permissions import Action

AREA = "area"


@guarded
async def stats_command(update: Update, context: Context) -> None:
    """/stats [CODE|town] [type]."""
    svc = services(context)
    who = await actor(update, context)
    args = command_args(context)
    code: str | None = None
    if args and (args[0].lower() in ("town", "all") or await _is_group(context, args[0])):
        code, args = args[0], args[1:]
    category = parse_category(" ".join(args)) if args else None
    facts, group = await svc.crimedata.facts(who, code=code, category=category)
    if facts is None:
        assert group is not None
        can_set = who.is_officer or (who.leads is not None and who.leads.id == group.id)
        await reply(update, messages.no_area_text(group.name, group.code, can_set))
        return
    await reply(update, messages.facts_text(facts))
    if facts.data_until is not None:
        png = svc.crimedata.chart(facts)
        chat = update.effective_chat
        assert chat is not None
        await chat.send_photo(
            photo=InputFile(png, filename="stats.png"),
            caption=texts.chart_caption(facts.scope, messages.what(facts)),
        )


async def _is_group(context: Context, word: str) -> bool:
    try:
        await services(context).groups.by_code(word)
    except (NotFound, InvalidInput):
        return False
    return True


def _radius_markup(version: int) -> Any:
    return buttons(
        [[(label, versioned(f"area:r:{metres}", version)) for label, metres in texts.RADII]]
    )


@guarded
async def area_command(update: Update, context: Context) -> None:
    """/area [CODE]: set the group's area with a pin and a radius (its leader, or officers)."""
    who = await actor(update, context)
    args = command_args(context)
    svc = services(context)
    if args:
        group = await svc.groups.by_code(args[0])
    elif who.leads is not None:
        group = who.leads
    elif who.is_officer:
        await reply(update, texts.AREA_WHICH)
        return
    else:  # neither a leader nor an officer: refused (and audited) by the check in core
        await svc.access.require(who, Action.SET_AREA, target="area")
        return
    # Refused here, before any question is asked, by the same check `set_area` makes.
    await svc.access.require(who, Action.SET_AREA, group_id=group.id, target=group.code)
    await svc.flows.put(chat_id(update), AREA, "pin", {"code": group.code, "name": group.name})
    await reply(update, texts.ask_pin(group.name))


async def area_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message in the /area flow: the pin, then a radius typed in metres."""
    message = update.effective_message
    assert message is not None
    svc = services(context)
    if step == "pin":
        if message.location is None:
            raise InvalidInput(texts.PIN_EXPECTED)
        lat, lon = message.location.latitude, message.location.longitude
        circle(lat, lon, 500)  # the pin itself is checked now, the radius next
        data.update(lat=lat, lon=lon)
        version = await svc.flows.put(chat_id(update), AREA, "radius", data)
        await reply(update, texts.ask_radius(str(data["name"])), _radius_markup(version))
    elif step == "radius":
        text = (message.text or "").strip().lower().removesuffix("m").strip()
        try:
            metres = float(text.replace(",", ""))
        except ValueError:
            raise InvalidInput(texts.RADIUS_EXPECTED) from None
        await _set(update, context, data, metres)
    else:
        await reply(update, common_texts.USE_BUTTONS)


async def _set(
    update: Update,
    context: Context,
    data: dict[str, Any],
    metres: float,
    claim: Claim | None = None,
) -> None:
    svc = services(context)
    shape = circle(float(data["lat"]), float(data["lon"]), metres)
    who = await actor(update, context)
    change = await svc.crimedata.set_area(who, str(data["code"]), shape, claim=claim)
    if claim is None:
        await svc.flows.clear(chat_id(update))
    await edit_or_reply(update, texts.area_set(change.group.name, change.area_km2, change.placed))


@guarded
async def area_button(update: Update, context: Context) -> None:
    """The radius buttons (area:r:METRES)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("area:")
    pressed = await button_in_flow(update, context, AREA)
    if pressed is None:
        return
    step, data = pressed.flow.step, dict(pressed.flow.data)
    if step != "radius" or not action.startswith("r:"):
        raise Conflict(texts.AREA_CHANGED)
    try:
        metres = float(action[2:])
    except ValueError:
        raise Conflict(texts.AREA_CHANGED) from None
    await _set(update, context, data, metres, pressed.claim)
