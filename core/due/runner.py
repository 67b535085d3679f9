"""Settling what is due, once each, and the daily and weekly lists, once per period.

Each due item is settled in one transaction that also queues its messages: the conditional
`pending -> done` update means two runs (a tick overlapping a restart's catch-up, or two
processes) never both act on it, and a crash before the commit leaves it pending for the next
run. An item more than `MISSED_AFTER_HOURS` late is `missed`: its state changes still happen
(a watch still expires) but stale messages are not sent. An item whose handler fails is tried
again on the next tick, and given up after a few attempts.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from storage.due.records import DueRecord
from storage.due.repositories import DueRepository
from storage.engine import Database

log = logging.getLogger(__name__)

DONE = "done"
MISSED = "missed"
CANCELLED = "cancelled"
MAX_ATTEMPTS = 5
BATCH = 200

AfterCommit = Callable[[], Awaitable[None]]


@dataclass
class DueContext:
    """What a handler gets: the transaction, the item, whether it is too late to be useful,
    and a list of things to do once the transaction has committed (menu refreshes)."""

    session: AsyncSession
    item: DueRecord
    now: datetime
    stale: bool
    after_commit: list[AfterCommit] = field(default_factory=list)


# A handler settles one item inside the context's transaction and says how: done, missed or
# cancelled (its subject went away).
Handler = Callable[[DueContext], Awaitable[str]]
ListSender = Callable[[AsyncSession], Awaitable[None]]
# A periodic step a feature adds to every tick (publishing news, the daily patrol list): it
# returns counts by outcome for the log and the health page.
TickStep = Callable[[], Awaitable[dict[str, int]]]
StartStep = Callable[[], Awaitable[None]]


class DueRunner:
    """Runs the handlers of due items, and records the daily and weekly lists."""

    def __init__(self, db: Database, clock: Clock, missed_after: timedelta) -> None:
        self.db = db
        self.clock = clock
        self.missed_after = missed_after
        self.handlers: dict[str, Handler] = {}
        self.tick_steps: list[TickStep] = []
        self.start_steps: list[StartStep] = []

    def register(self, kind: str, handler: Handler) -> None:
        """Let a service settle its own kind of item."""
        self.handlers[kind] = handler

    def register_tick(self, step: TickStep) -> None:
        """Let a service run a periodic step on every tick, after the due items."""
        self.tick_steps.append(step)

    def register_start(self, step: StartStep) -> None:
        """Let a service prepare something once on start, before the first tick."""
        self.start_steps.append(step)

    async def tick(self) -> dict[str, int]:
        """Settle everything due now, then run every feature's periodic step; returns counts
        for the log and the health page. Each step is idempotent, so a tick that overlaps a
        cron run or a restart never sends anything twice."""
        counts = dict(await self.run())
        for step in self.tick_steps:
            for name, n in (await step()).items():
                counts[name] = counts.get(name, 0) + n
        return counts

    async def on_start(self) -> dict[str, int]:
        """After a start (perhaps after downtime): the features' start steps, then catch up."""
        for step in self.start_steps:
            await step()
        return await self.tick()

    def is_stale(self, due_at: datetime, now: datetime) -> bool:
        """Whether something due at `due_at` is too late to be sent at `now`."""
        return now - due_at > self.missed_after

    async def schedule_in(
        self,
        session: AsyncSession,
        kind: str,
        subject_id: int,
        key: str,
        due_at: datetime,
    ) -> bool:
        """Add an item in the caller's transaction; False when it was already scheduled."""
        return await DueRepository(session).schedule(
            kind, subject_id, key, due_at, self.clock.now()
        )

    async def cancel_in(self, session: AsyncSession, kinds: Iterable[str], subject_id: int) -> int:
        """Cancel a subject's pending items of these kinds in the caller's transaction."""
        return await DueRepository(session).cancel(kinds, subject_id, self.clock.now())

    async def run(self) -> dict[str, int]:
        """Settle every item due now; returns how many ended in each state."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            items = await DueRepository(session).due(now, BATCH)
        outcome: dict[str, int] = {}
        for item in items:
            status = await self._settle(item, now)
            if status is not None:
                outcome[status] = outcome.get(status, 0) + 1
        return outcome

    async def _settle(self, item: DueRecord, now: datetime) -> str | None:
        handler = self.handlers.get(item.kind)
        try:
            async with self.db.transaction() as session:
                repo = DueRepository(session)
                if not await repo.take(item.id, DONE, now):
                    return None  # settled by another run
                context = DueContext(session, item, now, self.is_stale(item.due_at, now))
                if handler is None:
                    log.error("no handler for due items of kind %s", item.kind)
                    status = CANCELLED
                else:
                    status = await handler(context)
                if status != DONE:
                    await repo.set_status(item.id, status)
        except Exception:
            # Kind and id only: the subject may be someone's vacation.
            log.exception("due item %s #%d failed; it will be tried again", item.kind, item.id)
            async with self.db.transaction() as session:
                await DueRepository(session).failed(item.id, MAX_ATTEMPTS, self.clock.now())
            return None
        for action in context.after_commit:
            try:
                await action()
            except Exception:
                log.exception("after-commit action of due item %s #%d failed", item.kind, item.id)
        return status

    async def run_list(
        self, kind: str, key: str, scheduled_at: datetime, send: ListSender
    ) -> str | None:
        """Send a periodic list once for its period (`key`, e.g. the date), recording it in the
        same transaction; `missed` without sending when it is too late. None when it had
        already been handled."""
        now = self.clock.now()
        if scheduled_at > now:
            return None
        status = MISSED if self.is_stale(scheduled_at, now) else DONE
        try:
            async with self.db.transaction() as session:
                if not await DueRepository(session).record(kind, key, scheduled_at, status, now):
                    return None
                if status == DONE:
                    await send(session)
        except IntegrityError:
            return None  # another process recorded this period first
        return status
