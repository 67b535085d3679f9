"""Watch groups in chat: /join, /leave, /pending, /members, /groups, /newgroup, /setleader."""

from __future__ import annotations

import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.telegram import texts
from bot.telegram.common import (
    Context,
    actor,
    button_in_flow,
    buttons,
    chat_id,
    command_args,
    edit_or_reply,
    expired,
    guarded,
    reply,
    services,
    user_id,
)
from bot.telegram.groups import texts as group_texts
from bot.telegram.menus import refresh_menu
from core import timefmt, validation
from core.errors import InvalidInput, NotFound, NotRegistered
from core.markup import esc
from core.members import JoinOutcome
from core.permissions import Action

NEWGROUP = "newgroup"
JOIN_LINK = "join-"  # https://t.me/<bot>?start=join-OAKPARK
BUTTONS_PER_ROW = 2


def _rows(pairs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    return [pairs[i : i + BUTTONS_PER_ROW] for i in range(0, len(pairs), BUTTONS_PER_ROW)]


async def join_and_reply(update: Update, context: Context, code: str) -> None:
    """Join by code and say what happened (used by /join, buttons and deep links). Someone
    not registered yet gets a button that registers them and then joins, so the code is not
    lost."""
    svc = services(context)
    try:
        group, outcome = await svc.groups.join(user_id(update), code)
    except NotRegistered:
        wanted = code.strip().upper()
        found = await svc.groups.joinable(wanted)
        if found is None:
            raise NotFound(group_texts.no_such_group(wanted)) from None
        # A partner group is joined by its invitation code, which the link must keep.
        joining = found.invite_code if found.is_partner and found.invite_code else found.code
        link = f"https://t.me/{context.bot.username}?start={JOIN_LINK}{joining}"
        await edit_or_reply(
            update,
            group_texts.register_to_join(found.name),
            InlineKeyboardMarkup([[InlineKeyboardButton(group_texts.REGISTER_AND_JOIN, url=link)]]),
        )
        return
    if outcome is JoinOutcome.PENDING:
        await edit_or_reply(update, group_texts.join_pending(group.name))
    elif outcome is JoinOutcome.PENDING_OFFICERS:
        await edit_or_reply(update, group_texts.join_pending(group.name, to_officers=True))
    else:
        await edit_or_reply(update, group_texts.joined(group.name, group.bylaws))


@guarded
async def join(update: Update, context: Context) -> None:
    """/join CODE, or /join alone to choose from buttons."""
    args = command_args(context)
    if args:
        await join_and_reply(update, context, args[0])
        return
    summaries = await services(context).groups.summaries()
    if not summaries:
        await reply(update, group_texts.NO_GROUPS_YET)
        return
    mine = {g.id for g, _ in await services(context).groups.my_groups(user_id(update))}
    choices = [
        (group_texts.join_choice(s.group.name, s.active_members), f"join:{s.group.code}")
        for s in summaries
        if s.group.id not in mine
    ]
    if not choices:
        await reply(update, "You are already in every group.")
        return
    await reply(update, group_texts.CHOOSE_GROUP_TO_JOIN, buttons(_rows(choices)))


@guarded
async def join_button(update: Update, context: Context) -> None:
    """A group chosen from /join's buttons."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await join_and_reply(update, context, query.data.removeprefix("join:"))


@guarded
async def leave(update: Update, context: Context) -> None:
    """/leave CODE, or choose from buttons; either way asks first."""
    args = command_args(context)
    if args:
        group, membership = await services(context).groups.membership_in(user_id(update), args[0])
        await _ask_to_leave(update, context, group.code, group.name, membership.status)
        return
    mine = await services(context).groups.my_groups(user_id(update))
    if not mine:
        await reply(update, group_texts.IN_NO_GROUP)
        return
    choices = [(g.name, f"leave:{g.code}") for g, _ in mine]
    await reply(update, group_texts.CHOOSE_GROUP_TO_LEAVE, buttons(_rows(choices)))


async def _ask_to_leave(
    update: Update, context: Context, code: str, name: str, status: str
) -> None:
    who = await actor(update, context)
    leads = who.leads is not None and who.leads.code == code
    await edit_or_reply(
        update,
        group_texts.leave_question(name, pending=status == "pending", leads=leads),
        buttons(
            [
                [
                    (group_texts.LEAVE_YES, f"leave:yes:{code}"),
                    (group_texts.LEAVE_NO, "leave:no"),
                ]
            ]
        ),
    )


@guarded
async def leave_button(update: Update, context: Context) -> None:
    """leave:CODE asks; leave:yes:CODE leaves; leave:no stays."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    action = query.data.removeprefix("leave:")
    if action == "no":
        await edit_or_reply(update, group_texts.STAYED)
        return
    if action.startswith("yes:"):
        group = await svc.groups.leave(user_id(update), action.removeprefix("yes:"))
        await _after_leaving(update, context, group.leader_member_id)
        await edit_or_reply(update, group_texts.left(group.name))
        return
    group, membership = await svc.groups.membership_in(user_id(update), action)
    await _ask_to_leave(update, context, group.code, group.name, membership.status)


async def _after_leaving(update: Update, context: Context, leader_member_id: int | None) -> None:
    member = await services(context).members.by_telegram(user_id(update))
    if member is not None and leader_member_id == member.id:
        await refresh_menu(context.bot, services(context), user_id(update))


async def _pending_view(update: Update, context: Context, code: str | None) -> None:
    who = await actor(update, context)
    if code is None and who.leads is None and who.is_officer:
        await _waiting_groups(update, context)
        return
    group, pending = await services(context).groups.pending(who, code)
    zone = services(context).settings.zone
    entries = [
        f"{m.display_name} (asked {timefmt.local(ms.requested_at, zone)})" for m, ms in pending
    ]
    rows = [
        [
            (f"✅ {m.display_name}"[:40], f"review:{ms.id}:a"),
            (f"❌ {m.display_name}"[:40], f"review:{ms.id}:r"),
        ]
        for m, ms in pending[:20]
    ]
    await edit_or_reply(
        update, group_texts.pending_list(group.name, entries), buttons(rows) if rows else None
    )


async def _waiting_groups(update: Update, context: Context) -> None:
    """`/pending` alone, for an officer: every group with requests waiting, as buttons."""
    who = await actor(update, context)
    waiting = await services(context).groups.waiting_groups(who)
    entries = [
        (s.group.name, s.group.code, s.waiting, s.group.leader_member_id is not None)
        for s in waiting
    ]
    choices = [
        (group_texts.waiting_choice(s.group.name, s.waiting), f"pendingof:{s.group.code}")
        for s in waiting[:40]
    ]
    await edit_or_reply(
        update, group_texts.waiting_groups(entries), buttons(_rows(choices)) if choices else None
    )


@guarded
async def pending_of_button(update: Update, context: Context) -> None:
    """A group chosen from `/pending`'s buttons."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await _pending_view(update, context, query.data.removeprefix("pendingof:"))


@guarded
async def pending(update: Update, context: Context) -> None:
    """/pending [CODE]: requests to join, with approve and reject buttons."""
    args = command_args(context)
    await _pending_view(update, context, args[0] if args else None)


@guarded
async def review_button(update: Update, context: Context) -> None:
    """Approve or reject one request, then show the refreshed list."""
    query = update.callback_query
    assert query is not None and query.data is not None
    match = re.fullmatch(r"review:(\d+):([ar])", query.data)
    if match is None:
        await expired(update)
        return
    approve = match.group(2) == "a"
    who = await actor(update, context)
    group, member = await services(context).groups.decide(who, int(match.group(1)), approve)
    await reply(update, group_texts.decided(member.display_name or "", approve, group.name))
    await _pending_view(update, context, group.code)


@guarded
async def members(update: Update, context: Context) -> None:
    """/members [CODE]: a group's roster, names only."""
    args = command_args(context)
    who = await actor(update, context)
    group, roster = await services(context).groups.roster(who, args[0] if args else None)
    entries = []
    for member, _ in roster:
        name = esc(member.display_name or "")
        tags = []
        if member.id == group.leader_member_id:
            tags.append("leader")
        if who.is_officer:
            tags.append(f"#{member.id}")
        entries.append(f"{name} ({', '.join(tags)})" if tags else name)
    await reply(update, group_texts.roster(group.name, entries))


@guarded
async def groups(update: Update, context: Context) -> None:
    """/groups (officers): every group with counts, codes and leaders."""
    who = await actor(update, context)
    await services(context).access.require(who, Action.CREATE_GROUP, target="group list")
    lines = [
        f"• <b>{esc(s.group.name)}</b> ({esc(s.group.code)}) — "
        f"{s.active_members} member{'s' if s.active_members != 1 else ''}, leader: "
        f"{esc(s.leader_name or 'none')}"
        + (", approval required" if s.group.approval_required else "")
        + (f", {s.waiting} waiting to join" if s.waiting else "")
        for s in await services(context).groups.summaries()
    ]
    await reply(update, group_texts.group_list(lines))


# /newgroup: name -> code -> area -> approval -> bylaws


@guarded
async def newgroup(update: Update, context: Context) -> None:
    """/newgroup (officers): start the group creation flow."""
    who = await actor(update, context)
    await services(context).access.require(who, Action.CREATE_GROUP, target="new group")
    await services(context).flows.put(chat_id(update), NEWGROUP, "name")
    await reply(update, group_texts.NEWGROUP_ASK_NAME)


async def newgroup_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A typed answer in the /newgroup flow."""
    svc = services(context)
    text = update.effective_message.text if update.effective_message else None
    if step in ("approval",):
        await reply(
            update,
            "Please tap one of the buttons. " + group_texts.NEWGROUP_ASK_APPROVAL,
            _approval_buttons(),
        )
        return
    if not text:
        await reply(update, "Please type your answer, or /cancel.")
        return
    if step == "name":
        name = validation.group_name(text)
        suggestion = validation.suggest_code(name)
        await svc.flows.put(chat_id(update), NEWGROUP, "code", {"name": name, "code": suggestion})
        await reply(
            update,
            group_texts.newgroup_ask_code(suggestion),
            buttons([[(suggestion, "newgroup:code")]]),
        )
    elif step == "code":
        code = validation.group_code(text)
        await _newgroup_to_area(update, context, {**data, "code": code})
    elif step == "area":
        area = validation.area(text)
        await svc.flows.put(chat_id(update), NEWGROUP, "approval", {**data, "area": area})
        await reply(update, group_texts.NEWGROUP_ASK_APPROVAL, _approval_buttons())
    elif step == "bylaws":
        await _create_group(update, context, {**data, "bylaws": validation.bylaws(text)})


def _approval_buttons() -> InlineKeyboardMarkup:
    return buttons(
        [
            [
                (group_texts.APPROVAL_YES, "newgroup:approval:y"),
                (group_texts.APPROVAL_NO, "newgroup:approval:n"),
            ]
        ]
    )


async def _newgroup_to_area(update: Update, context: Context, data: dict[str, Any]) -> None:
    await services(context).flows.put(chat_id(update), NEWGROUP, "area", data)
    await reply(update, f"Code: <b>{esc(data['code'])}</b>. " + group_texts.NEWGROUP_ASK_AREA)


@guarded
async def newgroup_button(update: Update, context: Context) -> None:
    """Buttons of the /newgroup flow."""
    pressed = await button_in_flow(update, context, NEWGROUP)
    if pressed is None:
        return
    button, flow = pressed.data, pressed.flow
    svc = services(context)
    data = dict(flow.data)
    if button == "newgroup:code" and flow.step == "code":
        await edit_or_reply(update, group_texts.newgroup_ask_code(str(data["code"])))
        await _newgroup_to_area(update, context, data)
    elif button.startswith("newgroup:approval:") and flow.step == "approval":
        data["approval"] = button.endswith(":y")
        await svc.flows.put(chat_id(update), NEWGROUP, "bylaws", data)
        choice = group_texts.APPROVAL_YES if data["approval"] else group_texts.APPROVAL_NO
        await edit_or_reply(update, f"{group_texts.NEWGROUP_ASK_APPROVAL}\n→ {choice}")
        await reply(
            update, group_texts.NEWGROUP_ASK_BYLAWS, buttons([[(texts.SKIP, "newgroup:skip")]])
        )
    elif button == "newgroup:skip" and flow.step == "bylaws":
        await edit_or_reply(update, group_texts.NEWGROUP_ASK_BYLAWS + "\n→ " + texts.SKIP)
        await _create_group(update, context, {**data, "bylaws": None})
    else:
        await expired(update)


async def _create_group(update: Update, context: Context, data: dict[str, Any]) -> None:
    svc = services(context)
    who = await actor(update, context)
    group = await svc.groups.create(
        who,
        name=str(data["name"]),
        code=str(data["code"]),
        area=str(data["area"]),
        bylaws=data.get("bylaws"),
        approval_required=bool(data.get("approval")),
    )
    await svc.flows.clear(chat_id(update))
    link = f"https://t.me/{context.bot.username}?start=join-{group.code}"
    await reply(
        update,
        group_texts.group_created(group.name, group.code, link, approval=group.approval_required),
    )


# /setleader


@guarded
async def setleader(update: Update, context: Context) -> None:
    """/setleader [CODE [MEMBER_NUMBER|none]] (officers)."""
    svc = services(context)
    who = await actor(update, context)
    await svc.access.require(who, Action.SET_LEADER, target="set leader")
    args = command_args(context)
    if len(args) >= 2:
        member_ref = args[1].lstrip("#").lower()
        if member_ref in ("none", "remove"):
            await _apply_leader(update, context, args[0], None)
        elif member_ref.isdigit():
            await _apply_leader(update, context, args[0], int(member_ref))
        else:
            raise InvalidInput(group_texts.SETLEADER_USAGE)
    elif len(args) == 1:
        await _leader_choices(update, context, args[0])
    else:
        summaries = await svc.groups.summaries()
        if not summaries:
            await reply(update, group_texts.group_list([]))
            return
        choices = [(s.group.name, f"setleader:{s.group.code}") for s in summaries]
        await reply(update, group_texts.CHOOSE_GROUP_FOR_LEADER, buttons(_rows(choices)))


async def _leader_choices(update: Update, context: Context, code: str) -> None:
    who = await actor(update, context)
    group, active, waiting = await services(context).groups.leader_candidates(who, code)
    people = [(m, False) for m in active if m.id != group.leader_member_id]
    people += [(m, True) for m in waiting]
    choices = [
        (
            group_texts.leader_choice(m.display_name or f"#{m.id}", waiting=is_waiting),
            f"setleader:{group.code}:{m.id}",
        )
        for m, is_waiting in people[:40]
    ]
    rows = _rows(choices)
    if group.leader_member_id is not None:
        rows.append([(group_texts.REMOVE_LEADER, f"setleader:{group.code}:none")])
    if not rows:
        await edit_or_reply(update, group_texts.no_leader_candidates(group.name))
        return
    await edit_or_reply(
        update,
        group_texts.choose_leader(group.name, waiting=bool(waiting)),
        buttons(rows),
    )


@guarded
async def setleader_button(update: Update, context: Context) -> None:
    """Buttons of /setleader: a group, then a member."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    if len(parts) == 2:
        await _leader_choices(update, context, parts[1])
    elif len(parts) == 3 and (parts[2] == "none" or parts[2].isdigit()):
        await _apply_leader(
            update, context, parts[1], None if parts[2] == "none" else int(parts[2])
        )
    else:
        await expired(update)


async def _apply_leader(update: Update, context: Context, code: str, member_id: int | None) -> None:
    svc = services(context)
    who = await actor(update, context)
    change = await svc.groups.set_leader(who, code, member_id)
    for person in (change.new_leader, change.previous_leader):
        if person is not None and person.telegram_user_id is not None:
            await refresh_menu(context.bot, svc, person.telegram_user_id)
    name = change.new_leader.display_name if change.new_leader else None
    await edit_or_reply(update, group_texts.leader_set(change.group.name, name))
