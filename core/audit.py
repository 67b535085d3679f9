"""The audit log: every privileged action and every refusal, with who, what, when and outcome."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core import timefmt
from core.clock import Clock
from core.names import Names
from core.permissions import Actor
from storage.audit.records import AuditRecord
from storage.audit.repositories import AuditRepository
from storage.engine import Database

REFUSAL_WINDOW = timedelta(minutes=10)

# How lines name times when they are written (isoformat()), read back.
_MEMBER = re.compile(r"(?:forgotten )?\bmember #(\d+)")
_MOMENT = re.compile(
    r"(?<![\w-])(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?"
    r"(?![\w-])"
)


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One line of the log as an officer reads it: people by their current names (or as
    forgotten), times in the department's zone and style."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    outcome: str
    detail: str


def _local_moments(text: str, zone: ZoneInfo) -> str:
    """ISO dates and times written into a line, in the local style."""

    def local(match: re.Match[str]) -> str:
        try:
            if match.group(2) is None:
                return timefmt.local_date(
                    datetime.combine(date.fromisoformat(match.group(1)), datetime.min.time(), zone),
                    zone,
                )
            moment = datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))
        except ValueError:
            return match.group(0)
        return timefmt.local(moment if moment.tzinfo else moment.replace(tzinfo=UTC), zone)

    return _MOMENT.sub(local, text)


async def _members_named(text: str, names: Names) -> str:
    """Every 'member #5' in a line, as the member is now."""
    out, last = [], 0
    for match in _MEMBER.finditer(text):
        out += [text[last : match.start()], await names.member_ref(int(match.group(1)))]
        last = match.end()
    return "".join([*out, text[last:]])


async def _actor_named(label: str, names: Names) -> str:
    """The stored actor label with today's name (names.actor), or a system label as written."""
    named = await names.actor(label)
    return named if named is not None else await _members_named(label, names)


class AuditService:
    """Writes and reads the audit log."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def record_in(
        self,
        session: AsyncSession,
        actor: Actor,
        action: str,
        *,
        target: str = "",
        outcome: str = "ok",
        detail: str = "",
    ) -> None:
        """Write a line inside the caller's transaction (it lands only if the action does).
        A refusal repeated by the same user (the same action on the same target) within
        REFUSAL_WINDOW is written once: a script pressing a button a thousand times cannot
        flood the log, and the first refusal is on record. An actor without a Telegram id
        (someone texting) is told apart by its label, which never holds a number."""
        repo = AuditRepository(session)
        now = self.clock.now()
        if outcome == "refused":
            since = now - REFUSAL_WINDOW
            if actor.telegram_user_id is not None:
                repeated = await repo.refusals_since(
                    actor.telegram_user_id, action, target[:200], since
                )
            else:
                repeated = await repo.refusals_of_label_since(
                    actor.label[:100], action, target[:200], since
                )
            if repeated:
                return
        await repo.append(
            at=now,
            actor_telegram_id=actor.telegram_user_id,
            actor_label=actor.label,
            action=action,
            target=target,
            outcome=outcome,
            detail=detail,
        )

    async def record(
        self,
        actor: Actor,
        action: str,
        *,
        target: str = "",
        outcome: str = "ok",
        detail: str = "",
    ) -> None:
        """Write a line in its own transaction (refusals, which roll the action back)."""
        async with self.db.transaction() as session:
            await self.record_in(
                session, actor, action, target=target, outcome=outcome, detail=detail
            )

    async def read(
        self,
        zone: ZoneInfo,
        limit: int = 20,
        *,
        outcome: str | None = None,
        before_id: int | None = None,
    ) -> list[AuditLine]:
        """The newest lines as people read them (the caller checks the reader's permission):
        names resolved now, so a forgotten member's old name never comes back."""
        async with self.db.transaction() as session:
            records = await AuditRepository(session).recent(
                limit, outcome=outcome, before_id=before_id
            )
            names = Names(session)
            return [
                AuditLine(
                    r.id,
                    r.at,
                    await _actor_named(r.actor_label, names),
                    r.action,
                    _local_moments(await _members_named(r.target, names), zone),
                    r.outcome,
                    _local_moments(await _members_named(r.detail, names), zone),
                )
                for r in records
            ]

    async def recent(
        self, limit: int = 20, *, outcome: str | None = None, before_id: int | None = None
    ) -> list[AuditRecord]:
        """The newest lines (the caller checks the reader's permission)."""
        async with self.db.transaction() as session:
            return await AuditRepository(session).recent(
                limit, outcome=outcome, before_id=before_id
            )
