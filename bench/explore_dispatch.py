"""An experiment, not the engine: a `ChannelSender._dispatch` with the fixes the benchmark
suggests, applied by monkeypatching (`--proposed-dispatch`) so the figures can be compared.

What differs from `core.delivery.ChannelSender._dispatch` (see bench/RESULTS.md for why):

1. No deadlock: jobs in `ready` hold a concurrency slot but are not on the wire yet, so they
   are launched before the dispatcher waits for a slot that only a launched send can free.
2. No drift: a send is booked at its slot (`Pacer.commit(address, cost, start)` with the booked
   start, not the time the loop woke up), and the wait for the slot is measured after the
   `mark_sending` transaction, so neither that transaction nor a late wake-up delays every
   later send. The pacer never books a start before `now`, so this never bursts.
3. Fewer transactions: sends whose slots fall within `LOOKAHEAD` seconds are marked `sending`
   together and each task waits for its own slot; `LOOKAHEAD` is small and the number marked is
   bounded by the free concurrency slots, so what a crash can leave uncertain stays bounded by
   `DELIVERY_CONCURRENCY`.

Delete this file once the engine has its own answer; it exists to measure one.
"""

from __future__ import annotations

import asyncio

from core.delivery.worker import ChannelSender, Finished
from notifiers.base import Outcome, SendResult
from storage.delivery.records import DeliveryJob
from storage.delivery.repositories import OutboxRepository

LOOKAHEAD = 0.02  # seconds of upcoming slots marked `sending` in one transaction


async def proposed_dispatch(self: ChannelSender, jobs: list[DeliveryJob]) -> None:
    """Send every claimed job at its booked slot (see the module docstring)."""
    ready: list[tuple[DeliveryJob, float]] = []
    for index, job in enumerate(jobs):
        address = self._address(job)
        if address is None:
            await self._skip(job, f"no address for {self.channel}")
            continue
        now = self._seconds()
        if self.pacer.paused_until > now:
            await _launch_at(self, ready)
            await self._requeue_until_pause_ends(jobs[index:])
            return
        start = self.pacer.earliest(address, now)
        if ready and (start > now + LOOKAHEAD or self._slots.locked()):
            await _launch_at(self, ready)  # before any wait: they hold slots
            ready = []
        await self._slots.acquire()  # only launched sends hold slots when this blocks
        wait = start - self._seconds() - LOOKAHEAD  # measured after the transaction
        if wait > 0:
            await asyncio.sleep(wait)
        now = self._seconds()
        if self.pacer.paused_until > now:  # a 429 came back while we waited
            self._slots.release()
            await _launch_at(self, ready)
            await self._requeue_until_pause_ends(jobs[index:])
            return
        start = self.pacer.earliest(address, now)  # the booked slot, or now if we are late
        self.pacer.commit(address, self.cost(job), start)
        ready.append((job, start))
    await _launch_at(self, ready)


async def _launch_at(self: ChannelSender, jobs: list[tuple[DeliveryJob, float]]) -> None:
    """Mark the jobs `sending` in one transaction, then send each at its own slot."""
    if not jobs:
        return
    now = self.clock.now()
    async with self.db.transaction() as session:
        await OutboxRepository(session).mark_sending(
            [j.delivery_id for j, _ in jobs], now, now + self.lease
        )
    for job, start in jobs:
        task = asyncio.create_task(_send_at(self, job, start))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)


async def _send_at(self: ChannelSender, job: DeliveryJob, start: float) -> None:
    wait = start - self.clock.now().timestamp()
    if wait > 0:
        await asyncio.sleep(wait)
    if self.pacer.paused_until > self.clock.now().timestamp():
        # A 429 arrived after this slot was booked: it goes back to the queue instead.
        self._slots.release()
        result = SendResult(
            Outcome.RATE_LIMITED,
            reason="paused before sending",
            retry_after=self.pacer.paused_until - self.clock.now().timestamp(),
        )
        self._finished.append(Finished(job, result))
        return
    await self._send(job)


def apply() -> None:
    """Replace `ChannelSender._dispatch` in this process (benchmarks only)."""
    ChannelSender._dispatch = proposed_dispatch  # type: ignore[method-assign]
