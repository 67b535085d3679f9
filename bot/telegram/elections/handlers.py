"""Elections in chat: /election, /nominate, /vote and their buttons."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update

from bot.telegram import texts as common_texts
from bot.telegram.common import (
    Context,
    actor,
    buttons,
    command_args,
    edit_or_reply,
    guarded,
    number,
    reply,
    services,
    user_id,
)
from bot.telegram.elections import texts
from core import timefmt
from core.elections.service import ElectionView
from core.errors import InvalidInput
from core.markup import esc

STATUS_LABELS = {
    "open": "open",
    "closed": "closed",
    "runoff": "tied → runoff",
    "no_winner": "no winner",
}


def _closes(zone: ZoneInfo, view: ElectionView) -> str:
    return timefmt.local(view.election.closes_at, zone)


@guarded
async def election(update: Update, context: Context) -> None:
    """/election [open [CODE] [days] | certify ID | overturn ID [reason]]."""
    svc = services(context)
    who = await actor(update, context)
    args = command_args(context)
    sub = args[0].lower() if args else ""
    zone = svc.settings.zone
    if sub == "open":
        code, days = None, None
        for token in args[1:3]:
            if token.isdigit():
                days = int(token)
            else:
                code = token
        record, group = await svc.elections.open(who, code, days)
        await reply(
            update,
            texts.election_opened(group.name, record.id, timefmt.local(record.closes_at, zone)),
        )
        return
    if sub in ("certify", "overturn"):
        election_id = number(args[1]) if len(args) > 1 else None
        if election_id is None:
            await svc.elections.refuse_review(who)  # residents are refused first
            raise InvalidInput(texts.REVIEW_USAGE)
        note = " ".join(args[2:])
        summary = await svc.elections.review(who, election_id, sub == "certify", note)
        await reply(
            update,
            texts.election_reviewed(
                election_id,
                sub == "certify",
                summary.group.name if summary.group else "?",
                summary.winner or "?",
            ),
        )
        return
    if sub:
        await reply(update, texts.ELECTION_USAGE)
        return
    if who.is_officer:
        await _overview(update, context)
        return
    views = await svc.elections.open_for_member(user_id(update))
    if not views:
        await reply(update, texts.NO_OPEN_ELECTION + "\n\n" + texts.ELECTION_USAGE)
        return
    for view in views:
        names = {c.record.member_id: c.name for c in view.candidates}
        candidates = [
            esc(c.name) + ("" if c.record.status == "accepted" else f" ({c.record.status})")
            for c in view.candidates
            if c.record.status != "declined"
        ]
        await reply(
            update,
            texts.election_status(
                view.group.name,
                timefmt.local(view.election.closes_at, zone),
                candidates,
                names.get(view.my_vote or 0),
            ),
        )


async def _overview(update: Update, context: Context) -> None:
    svc = services(context)
    who = await actor(update, context)
    zone = svc.settings.zone
    lines = []
    for s in await svc.elections.overview(who):
        e = s.election
        group = esc(s.group.name) if s.group else "?"
        when = timefmt.local(e.closed_at or e.closes_at, zone)
        result = f" — winner {esc(s.winner)}" if s.winner else ""
        if s.runner_up:
            result += f", alternate {esc(s.runner_up)}"
        review = f" · {e.review}" if e.review else ""
        lines.append(
            f"#{e.id} <b>{group}</b>{' (runoff)' if e.round > 1 else ''}: "
            f"{STATUS_LABELS.get(e.status, e.status)} {when}{result}{review}"
        )
    await reply(update, texts.election_overview(lines))


# Nominations


@guarded
async def nominate(update: Update, context: Context) -> None:
    """/nominate: pick from buttons; /nominate me; /nominate NAME."""
    svc = services(context)
    who = await actor(update, context)
    views = await svc.elections.open_for_member(user_id(update))
    if not views:
        await reply(update, texts.NO_OPEN_ELECTION)
        return
    args = command_args(context)
    if args:
        if len(views) > 1:
            raise InvalidInput(texts.SEVERAL_ELECTIONS)
        election_id = views[0].election.id
        name = " ".join(args)
        if name.lower() in ("me", "myself") and who.member is not None:
            candidate, group = await svc.elections.nominate(who, election_id, who.member.id)
        else:
            candidate, group = await svc.elections.nominate_by_name(who, election_id, name)
        own = who.member is not None and candidate.record.member_id == who.member.id
        await reply(update, texts.nominated(candidate.name, own, group.name))
        return
    if len(views) > 1:
        rows = [[(v.group.name[:40], f"nom:e:{v.election.id}")] for v in views]
        await reply(update, texts.CHOOSE_ELECTION, buttons(rows))
        return
    await _nominee_choices(update, context, views[0].election.id)


async def _nominee_choices(update: Update, context: Context, election_id: int) -> None:
    svc = services(context)
    who = await actor(update, context)
    group, members = await svc.elections.nominees_to_choose(who, election_id)
    if not members:
        await edit_or_reply(update, texts.NOBODY_TO_NOMINATE)
        return
    me = who.member.id if who.member else None
    choices = [
        (
            (f"Me ({m.display_name})" if m.id == me else m.display_name or "?")[:40],
            f"nom:{election_id}:{m.id}",
        )
        for m in members[:40]
    ]
    choices.sort(key=lambda c: not c[0].startswith("Me ("))
    rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    await edit_or_reply(update, texts.CHOOSE_NOMINEE.format(group=esc(group.name)), buttons(rows))


@guarded
async def nominate_button(update: Update, context: Context) -> None:
    """nom:e:EID (choose the election), nom:EID:MID (nominate), nom:acc|dec:CID (answer)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    who = await actor(update, context)
    if match := re.fullmatch(r"nom:e:(\d+)", query.data):
        await _nominee_choices(update, context, int(match.group(1)))
    elif match := re.fullmatch(r"nom:(\d+):(\d+)", query.data):
        candidate, group = await svc.elections.nominate(
            who, int(match.group(1)), int(match.group(2))
        )
        own = who.member is not None and candidate.record.member_id == who.member.id
        await edit_or_reply(update, texts.nominated(candidate.name, own, group.name))
    elif match := re.fullmatch(r"nom:(acc|dec):(\d+)", query.data):
        accept = match.group(1) == "acc"
        _, group = await svc.elections.respond(who, int(match.group(2)), accept)
        await edit_or_reply(update, texts.nomination_answered(accept, group.name))
    else:
        await edit_or_reply(update, common_texts.USE_BUTTONS)


# Voting


def _ballot_markup(view: ElectionView) -> InlineKeyboardMarkup | None:
    rows = [
        [((c.name + (" ✓" if c.record.member_id == view.my_vote else ""))[:40],
          f"vote:{view.election.id}:{c.record.member_id}")]
        for c in view.candidates
        if c.record.status == "accepted"
    ]  # fmt: skip
    return buttons(rows) if rows else None


@guarded
async def vote(update: Update, context: Context) -> None:
    """/vote: a ballot per open election in the member's groups."""
    svc = services(context)
    views = await svc.elections.open_for_member(user_id(update))
    if not views:
        await reply(update, texts.NO_OPEN_ELECTION)
        return
    zone = svc.settings.zone
    for view in views:
        markup = _ballot_markup(view)
        names = {c.record.member_id: c.name for c in view.candidates}
        text = texts.ballot(view.group.name, _closes(zone, view), names.get(view.my_vote or 0))
        await reply(update, text if markup else f"{text}\n\n{texts.NO_CANDIDATES_YET}", markup)


@guarded
async def vote_button(update: Update, context: Context) -> None:
    """vote:EID:MID — cast or change a vote, then show the ballot with the choice marked."""
    query = update.callback_query
    assert query is not None and query.data is not None
    match = re.fullmatch(r"vote:(\d+):(\d+)", query.data)
    if match is None:
        await edit_or_reply(update, common_texts.USE_BUTTONS)
        return
    svc = services(context)
    who = await actor(update, context)
    election_id = int(match.group(1))
    result = await svc.elections.vote(who, election_id, int(match.group(2)))
    views = [
        v
        for v in await svc.elections.open_for_member(user_id(update))
        if v.election.id == election_id
    ]
    zone = svc.settings.zone
    closes = _closes(zone, views[0]) if views else ""
    await edit_or_reply(
        update,
        texts.voted(result.candidate, result.previous, closes),
        _ballot_markup(views[0]) if views else None,
    )
