"""The delivery worker: claims due deliveries, sends them through the channels, records outcomes.

Outcomes are classified by the notifier before anything is retried: permanent errors are never
retried, a timeout after the request left is recorded as `unknown` rather than resent, and a 429
pauses the whole channel until its `retry_after` has passed.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from datetime import datetime, timedelta

from core.clock import Clock
from notifiers.base import Notifier, OutboundMessage, Outcome, SendResult
from storage.engine import Database
from storage.records import DeliveryJob
from storage.repositories import MemberRepository, OutboxRepository

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 300.0


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter, capped."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311


class DeliveryWorker:
    """Drains the outbox through the configured notifiers."""

    def __init__(self, db: Database, clock: Clock, notifiers: Mapping[str, Notifier]) -> None:
        self.db = db
        self.clock = clock
        self.notifiers = dict(notifiers)
        self.paused_until: dict[str, datetime] = {}

    async def pending(self) -> int:
        """Deliveries not yet settled (for the health report)."""
        async with self.db.transaction() as session:
            return await OutboxRepository(session).pending_count()

    async def run_once(self, batch: int = 50) -> int:
        """Send what is due on every channel; returns how many deliveries were settled."""
        settled = 0
        for channel, notifier in self.notifiers.items():
            settled += await self._drain_channel(channel, notifier, batch)
        return settled

    async def _drain_channel(self, channel: str, notifier: Notifier, batch: int) -> int:
        now = self.clock.now()
        if self.paused_until.get(channel, now) > now:
            return 0
        async with self.db.transaction() as session:
            jobs = await OutboxRepository(session).claim(
                channel=channel,
                now=now,
                lease_until=now + LEASE,
                limit=batch,
                skip_locked=not self.db.is_sqlite,
            )
        settled = 0
        for index, job in enumerate(jobs):
            result = await self._send(notifier, job)
            if result is None:
                settled += 1
                continue
            if result.outcome is Outcome.RATE_LIMITED:
                resume = self.clock.now() + timedelta(seconds=result.retry_after or 1)
                self.paused_until[channel] = resume
                await self._requeue(jobs[index:], resume, result.reason)
                log.warning("%s rate limited; paused for %.0f s", channel, result.retry_after)
                break
            settled += await self._record(job, result)
        return settled

    async def _send(self, notifier: Notifier, job: DeliveryJob) -> SendResult | None:
        address = job.telegram_chat_id if job.channel == "telegram" else job.phone_e164
        if address is None:
            await self._settle(job, "skipped", reason="no address for this channel")
            return None
        return await notifier.send(
            OutboundMessage(
                address=str(address),
                html=job.body_html,
                text=job.body_text,
                urgent=job.urgency == "urgent",
            )
        )

    async def _record(self, job: DeliveryJob, result: SendResult) -> int:
        outcome = result.outcome
        if outcome is Outcome.SENT:
            await self._settle(job, "sent", provider_id=result.provider_id)
            return 1
        if outcome is Outcome.UNKNOWN:
            await self._settle(job, "unknown", reason=result.reason)
            return 1
        if outcome is Outcome.UNREACHABLE:
            await self._settle(job, "failed", reason=result.reason, unreachable=True)
            return 1
        if outcome is Outcome.RETRY and job.attempts < MAX_ATTEMPTS:
            if result.new_address and job.member_id is not None:
                await self._move_chat(job.member_id, int(result.new_address))
                when = self.clock.now()
            else:
                when = self.clock.now() + backoff(job.attempts)
            await self._requeue([job], when, result.reason)
            return 0
        await self._settle(job, "failed", reason=result.reason)
        return 1

    async def _settle(
        self,
        job: DeliveryJob,
        status: str,
        *,
        provider_id: str | None = None,
        reason: str = "",
        unreachable: bool = False,
    ) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            await OutboxRepository(session).settle(
                job.delivery_id, status, now, provider_id=provider_id, reason=reason
            )
            if unreachable and job.member_id is not None and job.channel == "telegram":
                await MemberRepository(session).update(job.member_id, now, telegram_reachable=False)

    async def _requeue(self, jobs: list[DeliveryJob], when: datetime, reason: str) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = OutboxRepository(session)
            for job in jobs:
                await repo.retry_later(job.delivery_id, when, now, reason)

    async def _move_chat(self, member_id: int, chat_id: int) -> None:
        async with self.db.transaction() as session:
            await MemberRepository(session).update(
                member_id, self.clock.now(), telegram_chat_id=chat_id
            )
