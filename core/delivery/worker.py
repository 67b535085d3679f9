"""The delivery worker: one paced sender per channel draining the outbox.

A sender claims due deliveries with a lease (`claimed`), books each a slot with the channel's
pacer, marks it `sending` just before it goes on the wire, and records the outcome. Outcomes are
classified by the notifier before anything is retried: permanent errors are never retried, a
timeout after the request left is `unknown` (SMS asks Twilio's message list: sent after all,
or certainly not and sent again; Telegram, which cannot be asked, sends once more after the
backoff, flagged "may have arrived twice"), and a 429 pauses the
whole channel until its `retry_after` has passed. At most `concurrency` sends are on the wire
at once, which bounds what a crash can leave uncertain.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.clock import Clock
from core.delivery.outbox import SMS, TELEGRAM, decode_buttons, plan_for
from core.delivery.pacing import Pacer
from notifiers.base import Notifier, OutboundMessage, Outcome, SendResult
from storage.delivery.records import DeliveryJob, Settlement
from storage.delivery.repositories import OutboxRepository
from storage.engine import Database, unavailable
from storage.members.repositories import MemberRepository

log = logging.getLogger(__name__)

# How far before a send its message may have been created at the provider (clock skew).
RECONCILE_MARGIN = timedelta(minutes=2)

MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 300.0
CLAIM_BATCH = 200
LOOKAHEAD = 0.02  # seconds of upcoming slots marked `sending` in one transaction
IDLE_POLL_SECONDS = 1.0
# Outcomes wait up to this long to be recorded many to a transaction. Every transaction takes
# the database's one writer (SQLite's only pooled connection): recording each outcome as it
# came back (about 90 transactions a second per channel at 290 sends a second) left the
# launches waiting their turn and the rate 8% under its pace. They are recorded at once when
# waiting longer would leave more rows `sending` than the concurrency (what a crash may send
# twice stays within DELIVERY_CONCURRENCY).
RECORD_AFTER_SECONDS = 0.05
DATABASE_RETRY_CAP_SECONDS = 5.0  # while the database is away, look again at least this often


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter, capped."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311


@dataclass(frozen=True, slots=True)
class Finished:
    """A send that came back, waiting to be recorded."""

    job: DeliveryJob
    result: SendResult


class ChannelSender:
    """Sends one channel's deliveries at the pace the provider allows."""

    def __init__(
        self,
        *,
        channel: str,
        notifier: Notifier,
        db: Database,
        clock: Clock,
        pacer: Pacer,
        cost: Callable[[DeliveryJob], float],
        concurrency: int,
        lease: timedelta,
        sms_enabled: bool,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.channel = channel
        self.sleep = sleep
        self.notifier = notifier
        self.db = db
        self.clock = clock
        self.pacer = pacer
        self.cost = cost
        self.lease = lease
        self.sms_enabled = sms_enabled
        self._slots = asyncio.Semaphore(concurrency)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._finished: list[Finished] = []
        self._finished_since = 0.0  # monotonic time of the oldest unrecorded outcome
        # Set when the recorder should look again: the first outcome of a batch came back, or
        # enough came back that they must be recorded now (or the sender is stopping).
        self._outcome = asyncio.Event()
        self.concurrency = concurrency
        # One flush at a time: the run loop records before it claims, and must not claim while
        # the recorder is still writing a batch (after an outage longer than the lease, a sent
        # row whose outcome is being written looks free to claim).
        self._flushing = asyncio.Lock()
        self._settled = 0
        self._cursor = 0.0
        self._stop: asyncio.Event | None = None  # set by run(); a batch stops at it too

    def _seconds(self) -> float:
        """Pacing time: the clock's, never behind a slot already waited for (so a frozen test
        clock paces as if time passed while we slept)."""
        self._cursor = max(self._cursor, self.clock.now().timestamp())
        return self._cursor

    # Claiming and dispatching

    async def _claim(self, limit: int = CLAIM_BATCH) -> list[DeliveryJob]:
        now = self.clock.now()
        async with self.db.transaction() as session:
            return await OutboxRepository(session).claim(
                channel=self.channel,
                now=now,
                lease_until=now + self.lease,
                limit=limit,
                skip_locked=not self.db.is_sqlite,
            )

    async def _dispatch(self, jobs: list[DeliveryJob]) -> None:
        """Send every claimed job at its slot; returns when all are on their way (or, after a
        429, when the rest are back in the queue until the pause ends).

        Sends whose slots fall within `LOOKAHEAD` seconds are marked `sending` in one
        transaction and each waits for its own slot, so a transaction per send never limits
        the rate. Each holds a concurrency slot, which bounds what a crash can leave uncertain.
        """
        ready: list[tuple[DeliveryJob, float]] = []
        try:
            await self._dispatch_into(jobs, ready)
        except BaseException:
            # Jobs that got a concurrency slot but never left: give the slots back (the rows
            # stay claimed, and are taken again when their lease ends).
            for _ in ready:
                self._slots.release()
            raise

    async def _dispatch_into(
        self, jobs: list[DeliveryJob], ready: list[tuple[DeliveryJob, float]]
    ) -> None:
        for index, job in enumerate(jobs):
            address = self._address(job)
            if address is None:
                await self._skip(job, f"no address for {self.channel}")
                continue
            cost = self.cost(job)
            if self._stop is not None and self._stop.is_set():
                # Shutting down: what has not gone out goes back to the queue at once, so a
                # restart (or another worker) takes it without waiting for the lease.
                await self._launch(ready)
                await self._release(jobs[index:])
                return
            while True:
                now = self._seconds()
                if self.pacer.paused_until > now:
                    await self._launch(ready)
                    await self._requeue_until_pause_ends(jobs[index:])
                    return
                start = self.pacer.slot(address)
                if start <= now + LOOKAHEAD:
                    break
                if ready:  # put what is ready on its way, then measure the wait afresh
                    await self._launch(ready)
                    continue
                await self.sleep(start - now - LOOKAHEAD)
                self._cursor = max(self._cursor, start - LOOKAHEAD)
            if ready and self._slots.locked():
                # Those hold the slots we would wait for: they must be on their way first.
                await self._launch(ready)
            await self._slots.acquire()
            # Book the slot itself, not the moment we woke, so late wake-ups don't add up;
            # but catch up by at most one slot, so a long stall never turns into a burst.
            now = self._seconds()
            at = max(start, now - cost / self.pacer.rate)
            self.pacer.commit(address, cost, at)
            ready.append((job, at))
        await self._launch(ready)

    async def _release(self, jobs: list[DeliveryJob]) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            await OutboxRepository(session).requeue([j.delivery_id for j in jobs], now, now)

    async def _requeue_until_pause_ends(self, jobs: list[DeliveryJob]) -> None:
        resume = datetime.fromtimestamp(self.pacer.paused_until, UTC)
        now = self.clock.now()
        async with self.db.transaction() as session:
            await OutboxRepository(session).requeue(
                [j.delivery_id for j in jobs], resume, now, "waiting for the provider's rate limit"
            )

    async def _launch(self, jobs: list[tuple[DeliveryJob, float]]) -> None:
        """Mark the jobs `sending` and put each on its way; the list is emptied (the jobs'
        concurrency slots now belong to their send tasks)."""
        if not jobs:
            return
        now = self.clock.now()
        async with self.db.transaction() as session:
            await OutboxRepository(session).mark_sending(
                [j.delivery_id for j, _ in jobs], now, now + self.lease
            )
        for job, at in jobs:
            task = asyncio.create_task(self._send(job, at))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        jobs.clear()

    async def _send(self, job: DeliveryJob, at: float) -> None:
        wait = at - self._seconds()
        if wait > 0:
            await self.sleep(wait)
        paused = self.pacer.paused_until - self._seconds()
        if paused > 0:  # a 429 came back after this send was booked: nothing goes out now
            self._slots.release()
            self._finish(
                Finished(
                    job,
                    SendResult(
                        Outcome.RATE_LIMITED,
                        reason="waiting for the provider's rate limit",
                        retry_after=paused,
                    ),
                )
            )
            return
        message = OutboundMessage(
            address=self._address(job) or "",
            html=job.body_html,
            text=job.body_text,
            urgent=job.urgency == "urgent",
            buttons=decode_buttons(job.buttons),
            attachment=job.attachment,
        )
        started = self.clock.now()
        try:
            result = await self.notifier.send(message)
        except Exception as error:  # a notifier bug must not lose the delivery's outcome
            log.exception("notifier %s raised; outcome unknown", self.channel)
            result = SendResult(Outcome.UNKNOWN, reason=f"internal error: {type(error).__name__}")
        finally:
            self._slots.release()
        if result.outcome is Outcome.UNKNOWN:
            result = await self._reconcile(message, started - RECONCILE_MARGIN, result)
        if result.outcome is Outcome.RATE_LIMITED:
            self.pacer.pause(self.clock.now().timestamp() + (result.retry_after or 1.0))
            log.warning("%s rate limited; pausing %.1f s", self.channel, result.retry_after or 1)
        self._finish(Finished(job, result))

    def _finish(self, item: Finished) -> None:
        first = not self._finished
        if first:
            self._finished_since = time.monotonic()
        self._finished.append(item)
        # (the send calling this is still counted in flight)
        if first or len(self._finished) + len(self._in_flight) - 1 >= self.concurrency:
            self._outcome.set()

    def _record_wait(self) -> float:
        """How long the outcomes that came back may still wait to be recorded together."""
        if not self._finished:
            return 0.0
        if len(self._finished) + len(self._in_flight) >= self.concurrency:
            return 0.0  # more would be `sending` than may be in flight
        return RECORD_AFTER_SECONDS - (time.monotonic() - self._finished_since)

    async def _reconcile(
        self, message: OutboundMessage, since: datetime, result: SendResult
    ) -> SendResult:
        """A send whose answer never came, on a channel that can be asked (SMS: Twilio's
        message list): sent after all, or certainly not (so it goes again); unknown when the
        provider cannot be asked either."""
        find_sent = getattr(self.notifier, "find_sent", None)
        if find_sent is None:
            return result
        try:
            sid = await find_sent(message, since)
        except Exception:
            log.warning("%s: could not check an unanswered send; it stays unknown", self.channel)
            return result
        if sid:
            return SendResult(Outcome.SENT, provider_id=sid, reason="confirmed after no answer")
        return SendResult(Outcome.RETRY, reason=f"{result.reason}; not found at the provider")

    def _address(self, job: DeliveryJob) -> str | None:
        if self.channel == TELEGRAM:
            return None if job.telegram_chat_id is None else str(job.telegram_chat_id)
        return job.phone_e164

    async def _skip(self, job: DeliveryJob, reason: str) -> None:
        async with self.db.transaction() as session:
            await OutboxRepository(session).settle(
                job.delivery_id, "skipped", self.clock.now(), reason=reason
            )
        self._settled += 1

    # Recording outcomes

    async def flush(self) -> int:
        """Record every outcome that came back, in one transaction; returns how many."""
        async with self._flushing:
            return await self._flush()

    async def _flush(self) -> int:
        if not self._finished:
            return 0
        batch, self._finished = self._finished, []
        now = self.clock.now()
        settlements: list[Settlement] = []
        try:
            async with self.db.transaction() as session:
                outbox = OutboxRepository(session)
                members = MemberRepository(session)
                for item in batch:
                    settled = await self._record(item, outbox, members, now)
                    if settled is not None:
                        settlements.append(settled)
                await outbox.settle_many(settlements, now)
        except Exception as error:
            if unavailable(error):
                # Nothing of the batch was recorded (the transaction rolled back): keep every
                # outcome for the next flush, so a sent message is never taken for a lost one.
                self._finished[:0] = batch
                raise
            # A bug in one outcome (a member forgotten mid-send, say) must not stop the
            # channel: record the others one by one; the one that fails is left `sending`
            # and is taken again when its lease ends, flagged "may have arrived twice".
            return await self._flush_one_by_one(batch, now)
        except BaseException:
            self._finished[:0] = batch
            raise
        self._settled += len(settlements)
        return len(settlements)

    async def _flush_one_by_one(self, batch: list[Finished], now: datetime) -> int:
        recorded = 0
        for item in batch:
            try:
                async with self.db.transaction() as session:
                    outbox = OutboxRepository(session)
                    settled = await self._record(item, outbox, MemberRepository(session), now)
                    if settled is not None:
                        await outbox.settle_many([settled], now)
                        recorded += 1
            except Exception as error:
                if unavailable(error):
                    self._finished.append(item)
                    continue
                log.exception("%s: an outcome could not be recorded", self.channel)
        self._settled += recorded
        return recorded

    async def _record(
        self,
        item: Finished,
        outbox: OutboxRepository,
        members: MemberRepository,
        now: object,
    ) -> Settlement | None:
        job, result = item.job, item.result
        when = self.clock.now()
        outcome = result.outcome
        if outcome is Outcome.SENT:
            return Settlement(
                job.delivery_id,
                "sent",
                result.provider_id,
                "resent after an interrupted attempt" if job.uncertain else "",
            )
        if outcome is Outcome.UNKNOWN:
            if self.channel == TELEGRAM and not job.uncertain:
                # The request left and no answer came: it may or may not have arrived. Silence
                # is worse than a double, so it goes once more after the backoff, flagged "may
                # have arrived twice" in /report; a second unknown is final.
                due = when + backoff(job.attempts)
                await outbox.requeue([job.delivery_id], due, when, result.reason, uncertain=True)
                return None
            return Settlement(job.delivery_id, "unknown", None, result.reason)
        if outcome is Outcome.FAILED:
            return Settlement(job.delivery_id, "failed", None, result.reason)
        if outcome is Outcome.UNREACHABLE:
            await self._unreachable(job, result, outbox, members)
            return Settlement(job.delivery_id, "failed", None, result.reason)
        if outcome is Outcome.RATE_LIMITED:
            wait = timedelta(seconds=result.retry_after or 1.0)
            await outbox.requeue([job.delivery_id], when + wait, when, result.reason)
            return None
        # RETRY: transient, or the chat moved.
        if job.attempts >= MAX_ATTEMPTS:
            return Settlement(
                job.delivery_id,
                "failed",
                None,
                f"gave up after {job.attempts} attempts: {result.reason}",
            )
        due = when + backoff(job.attempts)
        if result.new_address and job.member_id is not None:
            await members.update(job.member_id, when, telegram_chat_id=int(result.new_address))
            due = when
        await outbox.requeue([job.delivery_id], due, when, result.reason)
        return None

    async def _unreachable(
        self,
        job: DeliveryJob,
        result: SendResult,
        outbox: OutboxRepository,
        members: MemberRepository,
    ) -> None:
        when = self.clock.now()
        if job.member_id is None:
            return
        if self.channel == TELEGRAM:
            member = await members.update(job.member_id, when, telegram_reachable=False)
            if SMS in plan_for(member, self.sms_enabled).sending:
                await outbox.add_fallback(job.notification_id, job.member_id, SMS, when)
        elif self.channel == SMS and result.address_status and job.phone_e164:
            await members.set_sms_status_by_phone(job.phone_e164, result.address_status, when)

    # Running

    async def run_once(self) -> int:
        """Claim what is due, send it, record every outcome; returns how many were settled."""
        self._settled = 0
        jobs = await self._claim()
        if jobs:
            await self._dispatch(jobs)
            if self._in_flight:
                await asyncio.gather(*list(self._in_flight))
        await self.flush()
        return self._settled

    async def run(self, stop: asyncio.Event, wake: asyncio.Event) -> None:
        """Drain continuously until `stop`; `wake` cuts an idle wait short. The database
        going away (a restart, a dropped connection) pauses the sender, never ends it."""
        self._stop = stop
        recorder = asyncio.create_task(self._record_continuously(stop))
        failures = 0
        try:
            while not stop.is_set():
                try:
                    # Outcomes still unrecorded (the database was away) go in first, so that
                    # what was sent is never claimed again as if it might not have been.
                    await self.flush()
                    jobs = await self._claim()
                    if jobs:
                        await self._dispatch(jobs)
                        failures = 0
                        continue
                    failures = 0
                    idle = await self._idle_seconds()
                except Exception as error:
                    failures += 1
                    await self._wait_out(error, failures, "claiming")
                    continue
                wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), idle)
        finally:
            if self._in_flight:
                await asyncio.gather(*list(self._in_flight), return_exceptions=True)
            stop.set()
            self._outcome.set()
            await recorder
            try:
                await self.flush()
            except Exception as error:
                # What stays unrecorded is still `sending` in the table: after the lease it is
                # taken again, flagged "may have arrived twice".
                await self._wait_out(error, 1, "recording at shutdown", wait=False)

    async def _idle_seconds(self) -> float:
        """How long to wait with nothing due: until the next delivery held for later (check-in
        prompts written ahead of their minute, a scheduled alert) comes due, so it goes out on
        time rather than at the next poll; at most IDLE_POLL_SECONDS."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            due = await OutboxRepository(session).next_due(self.channel, now)
        if due is None:
            return IDLE_POLL_SECONDS
        return min(IDLE_POLL_SECONDS, max((due - now).total_seconds(), 0.0))

    async def _record_continuously(self, stop: asyncio.Event) -> None:
        """Record outcomes as they come back, many to a transaction: it sleeps until the first
        of a batch arrives, then until RECORD_AFTER_SECONDS after it (or until recording
        cannot wait), and never polls."""
        failures = 0
        while not stop.is_set():
            wait = self._record_wait()
            if not self._finished or wait > 0:
                self._outcome.clear()
                timeout = wait if self._finished else None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._outcome.wait(), timeout)
                continue
            try:
                await self.flush()
                failures = 0
            except Exception as error:
                failures += 1
                await self._wait_out(error, failures, "recording outcomes")

    async def _wait_out(
        self, error: Exception, failures: int, doing: str, wait: bool = True
    ) -> None:
        """Log a failed database step (a warning without a traceback when the database is
        away, the whole error when it is a bug) and wait before trying again."""
        delay = min(DATABASE_RETRY_CAP_SECONDS, 0.25 * 2**failures)
        if unavailable(error):
            log.warning(
                "%s: database unavailable while %s (%s); trying again in %.1f s",
                self.channel,
                doing,
                type(error).__name__,
                delay,
            )
        else:
            log.exception("%s: %s failed; trying again in %.1f s", self.channel, doing, delay)
        if wait:
            await asyncio.sleep(delay)


class DeliveryWorker:
    """All channels' senders, built from the configured notifiers."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        notifiers: Mapping[str, Notifier],
        *,
        rates: Mapping[str, float] | None = None,
        costs: Mapping[str, Callable[[DeliveryJob], float]] | None = None,
        per_address: Mapping[str, Callable[[str], float]] | None = None,
        concurrency: int = 8,
        lease: timedelta = timedelta(seconds=60),
        sms_enabled: bool = False,
    ) -> None:
        self.db = db
        self.clock = clock
        self.rates = dict(rates or {})
        self.costs = dict(costs or {})
        self.per_address = dict(per_address or {})
        self.concurrency = concurrency
        self.lease = lease
        self.sms_enabled = sms_enabled
        # How a sender waits for its next slot; tests with a frozen clock skip the real wait.
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self.senders: dict[str, ChannelSender] = {}
        self.wake = asyncio.Event()
        for channel, notifier in notifiers.items():
            self.add_notifier(channel, notifier)

    def add_notifier(self, channel: str, notifier: Notifier) -> None:
        """Register a channel (a notifier built after the services, like Telegram's)."""
        self.senders[channel] = ChannelSender(
            channel=channel,
            notifier=notifier,
            db=self.db,
            clock=self.clock,
            pacer=Pacer(self.rates.get(channel, 25.0), self.per_address.get(channel)),
            cost=self.costs.get(channel, lambda _job: 1.0),
            concurrency=self.concurrency,
            lease=self.lease,
            sms_enabled=self.sms_enabled,
            sleep=self.sleep,
        )

    @property
    def notifiers(self) -> dict[str, Notifier]:
        """The registered channels' notifiers."""
        return {channel: sender.notifier for channel, sender in self.senders.items()}

    async def pending(self) -> int:
        """Deliveries not yet settled (for the health report)."""
        async with self.db.transaction() as session:
            return await OutboxRepository(session).pending_count()

    async def run_once(self) -> int:
        """One pass over every channel; returns how many deliveries were settled."""
        settled = 0
        for sender in self.senders.values():
            settled += await sender.run_once()
        return settled

    async def run(self, stop: asyncio.Event) -> None:
        """Run every channel's sender until `stop` is set."""
        await asyncio.gather(*(s.run(stop, self.wake) for s in self.senders.values()))

    def poke(self) -> None:
        """Something was queued: stop waiting."""
        self.wake.set()
