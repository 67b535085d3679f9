"""Officers' own views: /audit."""

from __future__ import annotations

from telegram import Update

from bot.telegram.audit import texts as audit_texts
from bot.telegram.common import Context, actor, command_args, guarded, reply, services
from core import timefmt
from core.markup import esc
from core.permissions import Action

AUDIT_PAGE = 20


@guarded
async def audit(update: Update, context: Context) -> None:
    """/audit [refused]: the newest lines of the audit log."""
    svc = services(context)
    who = await actor(update, context)
    await svc.access.require(who, Action.VIEW_AUDIT, target="audit log")
    only_refused = bool(command_args(context)) and command_args(context)[0].lower().startswith(
        "ref"
    )
    await svc.audit.record(who, Action.VIEW_AUDIT.value, target="audit log")
    zone = svc.settings.zone
    records = await svc.audit.read(zone, AUDIT_PAGE, outcome="refused" if only_refused else None)
    lines = [
        f"{timefmt.local(r.at, zone)} · {esc(r.actor)} · <b>{esc(r.action)}</b>"
        + (f" · {esc(r.target)}" if r.target else "")
        + f" · {esc(r.outcome)}"
        + (f" · {esc(r.detail[:120])}" if r.detail else "")
        for r in records
    ]
    await reply(update, audit_texts.audit_lines(lines, only_refused))
