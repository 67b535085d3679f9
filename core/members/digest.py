"""The officers' daily digest of untouched work: one helper every queue (environment reports,
surveys, talks, victim follow-ups) sends its list through, so "untouched", "once a day" and
"to every officer" mean the same everywhere."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.delivery import Message
from core.due import DueRunner
from core.localtime import latest_daily, parse_clock, working_days_since
from core.members.officers import OfficerService
from core.shared import Shared

T = TypeVar("T")

UNTOUCHED_WORKING_DAYS = 3
DIGEST_MAX = 30  # items in one digest: the rest wait in the queue, oldest first


def untouched(
    items: Sequence[T],
    touched_at: Callable[[T], datetime],
    now: datetime,
    zone: ZoneInfo,
    days: int = UNTOUCHED_WORKING_DAYS,
) -> list[T]:
    """The items last touched at least `days` working days ago, in the order given."""
    return [i for i in items if working_days_since(touched_at(i), now, zone) >= days]


async def send_untouched_digest(
    shared: Shared,
    officers: OfficerService,
    due: DueRunner,
    *,
    kind: str,
    at: str,
    open_items: Callable[[AsyncSession], Awaitable[Sequence[T]]],
    touched_at: Callable[[T], datetime],
    render: Callable[[list[T], datetime], Message],
) -> str | None:
    """At `at` (HH:MM, local) each day: every officer gets `render` of the open items untouched
    for three working days (nothing when there are none), once a day however often it is
    asked (the day is recorded under `kind` with the send). None when already handled."""
    now = shared.clock.now()
    zone = shared.settings.zone
    day, scheduled = latest_daily(now, parse_clock(at), zone)

    async def send(session: AsyncSession) -> None:
        stale = untouched(await open_items(session), touched_at, now, zone)
        if not stale:
            return
        members, direct = await officers.audience_in(session)
        await shared.outbox.enqueue_in(
            session,
            kind=kind,
            message=render(stale[:DIGEST_MAX], now),
            recipients=members,
            direct=direct,
            audience="officers",
        )

    return await due.run_list(kind, day.isoformat(), scheduled, send)
