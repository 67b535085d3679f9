"""Per-person limits on what residents ask for (environment reports, surveys, talks, tips):
at most N of a kind in any rolling 24 hours, counted from the person's own stored requests,
so a script cannot fill an officer's queue. Officers are not limited; 0 means no limit.

Each feature counts its own requests (by member, chat or number) and asks `next_allowed`; a
refusal carries a friendly text with the time they can send more and the way to 911."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core import timefmt
from core.audit import AuditService
from core.errors import Conflict
from core.permissions import Actor
from storage.members.repositories import OfficerRepository

WINDOW = timedelta(hours=24)
LIMIT_TARGET = "24-hour limit"  # a refusal's audit target: one line per person per window


class LimitReached(Conflict):
    """One more request of a kind than the person may send in 24 hours."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


def next_allowed(filed: Iterable[datetime], limit: int, now: datetime) -> datetime | None:
    """When the person may send the next one, given when they sent theirs; None when they may
    now (or `limit` is 0: no limit)."""
    if limit <= 0:
        return None
    recent = sorted(t for t in filed if t > now - WINDOW)
    if len(recent) < limit:
        return None
    return recent[len(recent) - limit] + WINDOW


def reached(what: str, limit: int, until: datetime, zone: ZoneInfo) -> LimitReached:
    """The refusal (`what` singular, e.g. "tip"): how many in 24 hours, when they can send
    more, and 911 for emergencies (short enough for a button's alert)."""
    plural = "s" if limit != 1 else ""
    return LimitReached(
        f"Thanks! You've sent {limit} {what}{plural} in the last 24 hours, the most we take "
        f"from one person. You can send more from {timefmt.local(until, zone)}. "
        "For an emergency, call 911 now.",
        until,
    )


async def within_limit_in(
    session: AsyncSession,
    *,
    what: str,
    limit: int,
    telegram_user_id: int | None,
    filed_since: Callable[[datetime], Awaitable[Sequence[datetime]]],
    now: datetime,
    zone: ZoneInfo,
) -> None:
    """Raise LimitReached when the person has filed `limit` of `what` in the last 24 hours
    (`filed_since(moment)` gives when theirs were filed); officers and `limit` 0 pass."""
    if limit <= 0 or await is_officer_in(session, telegram_user_id):
        return
    until = next_allowed(await filed_since(now - WINDOW), limit, now)
    if until is not None:
        raise reached(what, limit, until, zone)


async def record_refusal(
    audit: AuditService,
    action: str,
    telegram_user_id: int | None,
    member_id: int | None,
    *,
    anonymous: bool = False,
) -> None:
    """Audit a request refused by its limit, in its own transaction (the refused one rolled
    back); the audit's refusal window writes it once per person per window."""
    actor = refused_actor(telegram_user_id, member_id, anonymous=anonymous)
    await audit.record(actor, action, target=LIMIT_TARGET, outcome="refused")


async def is_officer_in(session: AsyncSession, telegram_user_id: int | None) -> bool:
    """Whether the person filing holds the officer role (officers are not limited)."""
    if telegram_user_id is None:
        return False
    return await OfficerRepository(session).is_officer(telegram_user_id)


def refused_actor(
    telegram_user_id: int | None, member_id: int | None, *, anonymous: bool = False
) -> Actor:
    """Who the audit names for a refused request: the Telegram user or the member by id, a
    number that never registered as no one in particular, an anonymous tipster as nobody."""
    if anonymous:
        return Actor.system("an anonymous tipster")
    if telegram_user_id is not None:
        return Actor(telegram_user_id, None, False, None)
    if member_id is not None:
        return Actor.system(f"member #{member_id} (by text)")
    return Actor.system("an unregistered number (by text)")
