"""Settling what is due, once each, and the daily and weekly lists, once per period.

Each due item is settled in one transaction that also queues its messages: the conditional
`pending -> done` update means two runs (a tick overlapping a restart's catch-up, or two
processes) never both act on it, and a crash before the commit leaves it pending for the next
run. An item more than `MISSED_AFTER_HOURS` late is `missed`: its state changes still happen
(a watch still expires) but stale messages are not sent. An item whose handler fails is tried
again on the next tick, and given up after a few attempts.

A run settles everything that was due when it started, however much that is (10,000
check-ins due at the same minute are settled by one tick, not 200 a minute): it reads the due
items `BATCH` at a time and settles them `SETTLE_CHUNK` to a transaction, each item in a
savepoint of its own, so one commit (one fsync on SQLite) carries many items while a failing
handler still rolls back only its own item. A chunk whose transaction fails as a whole is
settled again item by item, each in its own transaction, as before.

A kind registered with a `lead` is settled that much before it is due (its handler sees
`DueContext.early`): the 10,000 check-in prompts of one minute are written, with their
deliveries held until the minute, during the minute before, so that at the minute itself the
delivery worker has the database to itself and sends at the provider's full rate.
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
BATCH = 200  # due items read per query
# Items settled per transaction: enough that the commit is paid once for many, few enough
# that the delivery worker's transactions (SQLite has one writer) wait only a moment.
SETTLE_CHUNK = 50

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

    @property
    def early(self) -> bool:
        """Settled ahead of its time (a kind with a lead): what it sends must wait for it."""
        return self.now < self.item.due_at


# A handler settles one item inside the context's transaction and says how: done, missed or
# cancelled (its subject went away).
Handler = Callable[[DueContext], Awaitable[str]]
# A batch handler settles many items of its kind at once, in one savepoint, with set-based
# statements (10,000 check-in prompts due at one minute); it returns a status per context, in
# order. The kind keeps its one-item handler: a batch that fails is settled again item by item.
BatchHandler = Callable[[list[DueContext]], Awaitable[list[str]]]
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
        self.batch_handlers: dict[str, BatchHandler] = {}
        self.tick_steps: list[TickStep] = []
        self.start_steps: list[StartStep] = []
        self.leads: dict[str, timedelta] = {}

    def register(self, kind: str, handler: Handler) -> None:
        """Let a service settle its own kind of item."""
        self.handlers[kind] = handler

    def register_batch(
        self,
        kind: str,
        handler: Handler,
        batch: BatchHandler,
        *,
        lead: timedelta | None = None,
    ) -> None:
        """Let a service settle its own kind of item, many at a time when many are due (the
        one-item handler settles what a failed batch held, one by one). With `lead`, items
        are settled up to that long before they are due (the handler must hold back what it
        sends until then)."""
        self.handlers[kind] = handler
        self.batch_handlers[kind] = batch
        if lead:
            self.leads[kind] = lead

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

    async def schedule_many_in(
        self, session: AsyncSession, items: list[tuple[str, int, str, datetime]]
    ) -> None:
        """Add items (kind, subject, key, due time) in the caller's transaction, in one
        statement (those already there are left as they are)."""
        await DueRepository(session).schedule_many(items, self.clock.now())

    async def cancel_in(self, session: AsyncSession, kinds: Iterable[str], subject_id: int) -> int:
        """Cancel a subject's pending items of these kinds in the caller's transaction."""
        return await DueRepository(session).cancel(kinds, subject_id, self.clock.now())

    async def drop_in(
        self, session: AsyncSession, kinds: Iterable[str], subject_ids: list[int]
    ) -> int:
        """Delete the items of these kinds for subjects that are deleted before they began,
        in the caller's transaction (a new subject may take the same id and its items the
        same keys)."""
        return await DueRepository(session).delete(kinds, subject_ids)

    async def run(self) -> dict[str, int]:
        """Settle every item due when the run starts (in batches until none is left);
        returns how many ended in each state."""
        start = self.clock.now()
        outcome: dict[str, int] = {}
        after: tuple[datetime, int] | None = None
        while True:
            # Items due by the start only, read after the last one seen: the run ends even
            # when handlers keep scheduling items, and an item that failed is not read again.
            async with self.db.transaction() as session:
                items = await DueRepository(session).due(
                    start,
                    BATCH,
                    after=after,
                    early={kind: start + lead for kind, lead in self.leads.items()},
                )
            for first in range(0, len(items), SETTLE_CHUNK):
                chunk = items[first : first + SETTLE_CHUNK]
                for status in await self._settle_chunk(chunk, self.clock.now()):
                    if status is not None:
                        outcome[status] = outcome.get(status, 0) + 1
            if len(items) < BATCH:
                return outcome
            after = (items[-1].due_at, items[-1].id)

    async def _settle_chunk(self, items: list[DueRecord], now: datetime) -> list[str | None]:
        """Settle these items in one transaction: the items of a kind with a batch handler
        together in one savepoint, every other item in a savepoint of its own."""
        statuses: list[str | None] = []
        contexts: list[DueContext] = []
        try:
            async with self.db.transaction() as session:
                repo = DueRepository(session)
                alone: list[DueRecord] = []
                for kind, group in _by_kind(items, self.batch_handlers):
                    settled = await self._settle_batch_in(session, repo, kind, group, now)
                    if settled is None:
                        alone += group
                    else:
                        statuses += [status for status, _context in settled]
                        contexts += [context for _status, context in settled]
                alone += [item for item in items if item.kind not in self.batch_handlers]
                for item in alone:
                    try:
                        async with session.begin_nested():
                            status, context = await self._settle_in(session, repo, item, now)
                    except Exception:
                        log.exception(
                            "due item %s #%d failed; it will be tried again", item.kind, item.id
                        )
                        await repo.failed(item.id, MAX_ATTEMPTS, now)
                        status, context = None, None
                    statuses.append(status)
                    if context is not None:
                        contexts.append(context)
        except Exception:
            # The transaction itself failed (a lost connection, a refused commit): nothing of
            # the chunk was kept, so each item is tried alone, in its own transaction.
            log.exception("a chunk of %d due items failed; settling them one by one", len(items))
            return [await self._settle(item, self.clock.now()) for item in items]
        for context in contexts:
            await self._after_commit(context)
        return statuses

    async def _settle_batch_in(
        self,
        session: AsyncSession,
        repo: DueRepository,
        kind: str,
        items: list[DueRecord],
        now: datetime,
    ) -> list[tuple[str, DueContext]] | None:
        """Take and settle items of one kind with its batch handler, in one savepoint; None
        when the batch failed (nothing of it was kept, and each item is settled alone)."""
        try:
            async with session.begin_nested():
                taken = await repo.take_many([item.id for item in items], DONE, now)
                contexts = [
                    DueContext(session, item, now, self.is_stale(item.due_at, now))
                    for item in items
                    if item.id in taken
                ]
                statuses = await self.batch_handlers[kind](contexts) if contexts else []
                if len(statuses) != len(contexts):
                    raise RuntimeError(f"the {kind} batch handler lost track of its items")
                for context, status in zip(contexts, statuses, strict=True):
                    if status != DONE:
                        await repo.set_status(context.item.id, status)
        except Exception:
            log.exception(
                "a batch of %d due items %s failed; settling them one by one", len(items), kind
            )
            return None
        return list(zip(statuses, contexts, strict=True))

    async def _settle_in(
        self, session: AsyncSession, repo: DueRepository, item: DueRecord, now: datetime
    ) -> tuple[str | None, DueContext | None]:
        """Take and settle one item in the caller's transaction; (None, None) when another
        run settled it first."""
        if not await repo.take(item.id, DONE, now):
            return None, None  # settled by another run
        context = DueContext(session, item, now, self.is_stale(item.due_at, now))
        handler = self.handlers.get(item.kind)
        if handler is None:
            log.error("no handler for due items of kind %s", item.kind)
            status = CANCELLED
        else:
            status = await handler(context)
        if status != DONE:
            await repo.set_status(item.id, status)
        return status, context

    async def _settle(self, item: DueRecord, now: datetime) -> str | None:
        """Settle one item in a transaction of its own."""
        try:
            async with self.db.transaction() as session:
                status, context = await self._settle_in(session, DueRepository(session), item, now)
        except Exception:
            # Kind and id only: the subject may be someone's vacation.
            log.exception("due item %s #%d failed; it will be tried again", item.kind, item.id)
            async with self.db.transaction() as session:
                await DueRepository(session).failed(item.id, MAX_ATTEMPTS, self.clock.now())
            return None
        if context is not None:
            await self._after_commit(context)
        return status

    async def _after_commit(self, context: DueContext) -> None:
        for action in context.after_commit:
            try:
                await action()
            except Exception:
                item = context.item
                log.exception("after-commit action of due item %s #%d failed", item.kind, item.id)

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


def _by_kind(
    items: list[DueRecord], kinds: dict[str, BatchHandler]
) -> list[tuple[str, list[DueRecord]]]:
    """The items of each kind that has a batch handler, in the order first seen."""
    groups: dict[str, list[DueRecord]] = {}
    for item in items:
        if item.kind in kinds:
            groups.setdefault(item.kind, []).append(item)
    return list(groups.items())
