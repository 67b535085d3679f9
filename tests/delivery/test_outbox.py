"""The outbox and the delivery worker on both back ends, with a recording fake channel."""

from __future__ import annotations

import asyncio
import copy
import itertools
import random
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import FrozenClock
from core.delivery import worker
from core.delivery.outbox import Message
from core.services import Services
from notifiers.base import OutboundMessage, Outcome, SendResult
from storage.delivery.repositories import OutboxRepository
from storage.members.records import MemberRecord
from tests.support.members import register
from tests.support.rows import deliveries


@dataclass
class RecordingNotifier:
    """A channel that records sends and answers from a script (default: sent)."""

    channel: str = "telegram"
    script: list[SendResult] = field(default_factory=list)
    sent: list[OutboundMessage] = field(default_factory=list)

    async def send(self, message: OutboundMessage) -> SendResult:
        self.sent.append(message)
        if self.script:
            return self.script.pop(0)
        return SendResult(Outcome.SENT, provider_id=str(len(self.sent)))


async def members(services: Services, n: int) -> list[MemberRecord]:
    found = []
    for uid in range(100, 100 + n):
        await register(services, uid, f"M{uid}")
        member = await services.members.by_telegram(uid)
        assert member is not None
        found.append(member)
    return found


async def enqueue(services: Services, recipients: list[MemberRecord]) -> int:
    async with services.db.transaction() as session:
        return await services.outbox.enqueue_in(
            session, kind="test", message=Message("<b>hi</b>", "hi"), recipients=recipients
        )


async def statuses(services: Services) -> dict[int | None, str]:
    """Each recipient's delivery status."""
    return {d.member_id: d.status for d in await deliveries(services)}


async def test_each_recipient_gets_one_delivery_and_is_sent_once(services: Services) -> None:
    people = await members(services, 5)
    channel = RecordingNotifier()
    services.delivery.add_notifier("telegram", channel)
    notification = await enqueue(services, people + people[:2])  # duplicates collapse
    assert await services.delivery.run_once() == 5
    assert await services.delivery.run_once() == 0
    assert sorted(m.address for m in channel.sent) == sorted(
        str(p.telegram_chat_id) for p in people
    )
    async with services.db.transaction() as session:
        counts = await OutboxRepository(session).counts(notification)
    assert counts == {("telegram", "sent"): 5}


async def test_paused_and_unreachable_members_are_skipped_with_reason(services: Services) -> None:
    people = await members(services, 2)
    await services.members.set_paused(people[0].telegram_user_id or 0, True)
    paused = await services.members.by_telegram(people[0].telegram_user_id or 0)
    assert paused is not None
    await enqueue(services, [paused, people[1]])
    services.delivery.add_notifier("telegram", RecordingNotifier())
    await services.delivery.run_once()
    assert await statuses(services) == {paused.id: "skipped", people[1].id: "sent"}


async def test_outcomes_are_classified_not_blindly_retried(
    services: Services, clock: FrozenClock
) -> None:
    people = await members(services, 4)
    channel = RecordingNotifier(
        script=[
            SendResult(Outcome.UNREACHABLE, reason="Forbidden: bot was blocked by the user"),
            SendResult(Outcome.UNKNOWN, reason="TimedOut"),
            SendResult(Outcome.FAILED, reason="BadRequest: can't parse entities"),
            SendResult(Outcome.RETRY, reason="NetworkError: Bad Gateway"),
        ]
    )
    services.delivery.add_notifier("telegram", channel)
    await enqueue(services, people)
    await services.delivery.run_once()
    result = await statuses(services)
    # The unknown one (no answer after the request left) waits too: it goes once more.
    assert [result[p.id] for p in people] == ["failed", "queued", "failed", "queued"]
    blocked = await services.members.by_telegram(people[0].telegram_user_id or 0)
    assert blocked is not None and not blocked.telegram_reachable
    # The transient and the unknown wait for their backoff, then go out; nothing else is resent.
    assert await services.delivery.run_once() == 0
    clock.advance(seconds=10)
    await services.delivery.run_once()
    result = await statuses(services)
    assert (result[people[1].id], result[people[3].id]) == ("sent", "sent")
    assert len(channel.sent) == 6
    flagged = [d.member_id for d in await deliveries(services) if d.uncertain]
    assert flagged == [people[1].id]  # /report: may have arrived twice


async def test_an_unknown_telegram_send_goes_once_more_then_is_final(
    services: Services, clock: FrozenClock
) -> None:
    [person] = await members(services, 1)
    channel = RecordingNotifier(
        script=[SendResult(Outcome.UNKNOWN, reason="TimedOut")] * 2,
    )
    services.delivery.add_notifier("telegram", channel)
    await enqueue(services, [person])
    await services.delivery.run_once()
    clock.advance(minutes=5)
    await services.delivery.run_once()
    clock.advance(minutes=5)
    await services.delivery.run_once()
    assert (await statuses(services))[person.id] == "unknown"
    assert len(channel.sent) == 2


async def test_rate_limit_pauses_the_channel(services: Services, clock: FrozenClock) -> None:
    people = await members(services, 3)
    channel = RecordingNotifier(
        script=[
            SendResult(Outcome.SENT, "1"),
            SendResult(Outcome.RATE_LIMITED, reason="429", retry_after=30),
        ]
    )
    services.delivery.add_notifier("telegram", channel)
    await enqueue(services, people)
    await services.delivery.run_once()
    assert len(channel.sent) == 2
    clock.advance(seconds=29)
    await services.delivery.run_once()
    assert len(channel.sent) == 2  # nothing before retry_after elapsed
    clock.advance(seconds=2)
    await services.delivery.run_once()
    assert sorted((await statuses(services)).values()) == ["sent", "sent", "sent"]
    assert len(channel.sent) == 4


async def test_expired_lease_is_reclaimed(services: Services, clock: FrozenClock) -> None:
    people = await members(services, 1)
    await enqueue(services, people)
    async with services.db.transaction() as session:
        jobs = await OutboxRepository(session).claim(
            channel="telegram",
            now=clock.now(),
            lease_until=clock.now() + timedelta(seconds=60),
            limit=10,
            skip_locked=not services.db.is_sqlite,
        )
    assert len(jobs) == 1  # a worker claimed it, then died
    channel = RecordingNotifier()
    services.delivery.add_notifier("telegram", channel)
    await services.delivery.run_once()
    assert channel.sent == []
    clock.advance(seconds=61)
    await services.delivery.run_once()
    assert len(channel.sent) == 1 and (await statuses(services))[people[0].id] == "sent"


async def test_concurrent_claims_never_overlap(services: Services, clock: FrozenClock) -> None:
    people = await members(services, 30)
    await enqueue(services, people)

    async def claim() -> list[int]:
        async with services.db.transaction() as session:
            jobs = await OutboxRepository(session).claim(
                channel="telegram",
                now=clock.now(),
                lease_until=clock.now() + timedelta(seconds=60),
                limit=7,
                skip_locked=not services.db.is_sqlite,
            )
        return [j.delivery_id for j in jobs]

    batches = await asyncio.gather(*(claim() for _ in range(6)))
    claimed = [i for batch in batches for i in batch]
    assert len(claimed) == len(set(claimed)) == 30


async def test_more_due_than_concurrency_at_full_speed_never_deadlocks(
    services: Services,
) -> None:
    people = await members(services, 12)
    await enqueue(services, people)
    services.delivery.concurrency = 2
    services.delivery.rates["telegram"] = 1_000_000  # limits off: no waits between sends
    channel = RecordingNotifier()
    services.delivery.add_notifier("telegram", channel)
    assert await asyncio.wait_for(services.delivery.run_once(), timeout=10) == 12
    assert len(channel.sent) == 12


async def test_stopping_returns_an_unsent_batch_to_the_queue(services: Services) -> None:
    people = await members(services, 5)
    await enqueue(services, people)
    stop = asyncio.Event()
    stop.set()  # already shutting down when the batch is dispatched
    sender_channel = RecordingNotifier()
    services.delivery.add_notifier("telegram", sender_channel)
    sender = services.delivery.senders["telegram"]
    sender._stop = stop
    assert await sender.run_once() == 0
    assert sender_channel.sent == []
    assert set((await statuses(services)).values()) == {"queued"}


@dataclass
class ReconcilingNotifier(RecordingNotifier):
    """A channel whose provider can be asked what it created (as Twilio's message list)."""

    created: list[str] = field(default_factory=list)
    asked: int = 0

    async def find_sent(self, message: OutboundMessage, since: datetime) -> str | None:
        self.asked += 1
        return self.created[0] if self.created else None


async def test_an_unanswered_send_the_provider_never_created_goes_again(
    services: Services, clock: FrozenClock
) -> None:
    """The provider's list shows no such message: it certainly did not go, so it is sent
    again (no double is possible, so it is not flagged)."""
    [person] = await members(services, 1)
    channel = ReconcilingNotifier(
        script=[SendResult(Outcome.UNKNOWN, reason="TimeoutError: no answer from Twilio in time")]
    )
    services.delivery.add_notifier("telegram", channel)
    await enqueue(services, [person])
    await services.delivery.run_once()
    assert channel.asked == 1 and (await statuses(services))[person.id] == "queued"
    clock.advance(minutes=5)
    await services.delivery.run_once()
    [row] = await deliveries(services)
    assert (row.status, row.uncertain, len(channel.sent)) == ("sent", False, 2)


async def test_the_database_dropping_out_mid_run_pauses_the_sender_and_loses_nothing(
    services: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Transactions fail at random as a dropped connection would (claiming, marking sends,
    recording outcomes): the running sender waits each out, keeps the outcomes it could not
    record, gives back the concurrency slots of sends that never left, and reaches everyone;
    a send taken again after its lease is flagged "may have arrived twice"."""
    people = await members(services, 20)
    await enqueue(services, people)
    services.delivery.concurrency = 2
    services.delivery.rates["telegram"] = 1_000_000
    channel = RecordingNotifier()
    services.delivery.add_notifier("telegram", channel)
    sender = services.delivery.senders["telegram"]
    real = services.db.transaction
    calls = itertools.count()
    chance = random.Random(3)
    failed = 0

    @asynccontextmanager
    async def flaky() -> AsyncIterator[AsyncSession]:
        nonlocal failed
        if next(calls) < 40 and chance.random() < 0.4:  # an outage of forty transactions
            failed += 1
            raise ConnectionResetError("connection reset by peer")
        async with real() as session:
            yield session

    # Only the sender's connection is flaky; the test reads the table through the real one.
    monkeypatch.setattr(sender, "db", copy.copy(services.db))
    monkeypatch.setattr(sender.db, "transaction", flaky)
    monkeypatch.setattr(worker, "DATABASE_RETRY_CAP_SECONDS", 0.001)
    stop, wake = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(sender.run(stop, wake))

    async def all_sent() -> None:
        while set((await statuses(services)).values()) != {"sent"}:
            if failed and not sender._in_flight and not sender._finished:
                # Claims that never left come back when their lease ends.
                clock.advance(seconds=61)
            wake.set()
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(all_sent(), timeout=30)
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)
    assert failed >= 10
    reached = Counter(m.address for m in channel.sent)
    assert set(reached) == {str(p.telegram_chat_id) for p in people}  # nobody missed
    flagged = {str(d.member_id + 99) for d in await deliveries(services) if d.uncertain}
    doubled = {address for address, n in reached.items() if n > 1}
    assert doubled <= flagged, f"sent twice without the flag: {doubled - flagged}"


async def test_claiming_waits_for_outcomes_being_recorded(
    services: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recorder is writing a sent message's outcome when the run loop asks to record and
    claim (the database was away longer than the lease, so the row looks free): the loop's
    flush waits for the recorder's, and the claim does not take the sent row again."""
    [person] = await members(services, 1)
    await enqueue(services, [person])
    services.delivery.rates["telegram"] = 1_000_000
    channel = RecordingNotifier()
    services.delivery.add_notifier("telegram", channel)
    sender = services.delivery.senders["telegram"]
    await sender._dispatch(await sender._claim())
    await asyncio.gather(*list(sender._in_flight))
    assert len(sender._finished) == 1  # sent, outcome not recorded yet
    clock.advance(seconds=120)  # past the lease
    real = services.db.transaction
    writing = asyncio.Event()

    @asynccontextmanager
    async def slow() -> AsyncIterator[AsyncSession]:
        writing.set()
        await asyncio.sleep(0.2)  # the recorder's transaction, slow after the outage
        async with real() as session:
            yield session

    monkeypatch.setattr(sender, "db", copy.copy(services.db))
    monkeypatch.setattr(sender.db, "transaction", slow)
    recorder = asyncio.create_task(sender.flush())
    await writing.wait()
    monkeypatch.setattr(sender.db, "transaction", real)
    await sender.flush()  # the run loop's turn: it must wait for the recorder's
    again = await sender._claim()
    await recorder
    assert again == []
    assert (await statuses(services))[person.id] == "sent" and len(channel.sent) == 1


async def test_an_outcome_that_cannot_be_recorded_does_not_stop_the_channel(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug recording one outcome (not the database being away) is logged; the other
    outcomes are recorded and the channel goes on."""
    people = await members(services, 4)
    await enqueue(services, people)
    channel = RecordingNotifier()
    services.delivery.add_notifier("telegram", channel)
    sender = services.delivery.senders["telegram"]
    real = sender._record
    broken = people[1].id

    async def record(item: Any, *args: Any) -> Any:
        if item.job.member_id == broken:
            raise LookupError(broken)
        return await real(item, *args)

    monkeypatch.setattr(sender, "_record", record)
    await sender.run_once()
    after = await statuses(services)
    assert [after[p.id] for p in people] == ["sent", "sending", "sent", "sent"]
    await enqueue(services, people[:1])
    await sender.run_once()  # the channel still sends
    assert len(channel.sent) == 5


async def test_an_idle_sender_wakes_when_a_held_delivery_comes_due(
    services: Services, clock: FrozenClock
) -> None:
    """A message held for later (a check-in prompt written ahead of its minute) goes out at
    its moment, not up to a poll later: the idle wait ends when it comes due."""
    [person] = await members(services, 1)
    services.delivery.add_notifier("telegram", RecordingNotifier())
    sender = services.delivery.senders["telegram"]
    assert await sender._idle_seconds() == worker.IDLE_POLL_SECONDS  # nothing held
    async with services.db.transaction() as session:
        await services.outbox.enqueue_in(
            session,
            kind="test",
            message=Message("later", "later"),
            recipients=[person],
            send_at=clock.now() + timedelta(milliseconds=300),
        )
    assert await sender._idle_seconds() == pytest.approx(0.3)
    assert await sender.run_once() == 0  # not before its moment
    clock.advance(milliseconds=300)
    assert await sender.run_once() == 1
    assert await sender._idle_seconds() == worker.IDLE_POLL_SECONDS
    async with services.db.transaction() as session:
        await services.outbox.enqueue_in(
            session,
            kind="test",
            message=Message("much later", "much later"),
            recipients=[person],
            send_at=clock.now() + timedelta(minutes=5),
        )
    assert await sender._idle_seconds() == worker.IDLE_POLL_SECONDS  # polls meanwhile


async def test_outcomes_wait_to_be_recorded_together_but_never_past_the_concurrency(
    services: Services,
) -> None:
    """Outcomes are recorded many to a transaction (a short wait), but never so late that
    more rows are `sending` than DELIVERY_CONCURRENCY, which bounds what a crash may double."""
    [person] = await members(services, 1)
    services.delivery.concurrency = 4
    services.delivery.add_notifier("telegram", RecordingNotifier())
    sender = services.delivery.senders["telegram"]
    assert sender._record_wait() == 0.0  # nothing came back
    await enqueue(services, [person])
    [job] = await sender._claim()
    came_back = worker.Finished(job, SendResult(Outcome.SENT, provider_id="1"))
    sender._finish(came_back)
    assert 0 < sender._record_wait() <= worker.RECORD_AFTER_SECONDS  # waits for company
    sender._finished_since -= worker.RECORD_AFTER_SECONDS
    assert sender._record_wait() <= 0  # waited long enough
    sender._finished_since += worker.RECORD_AFTER_SECONDS
    for _ in range(3):
        sender._finish(came_back)
    assert sender._record_wait() == 0.0  # four `sending` rows: the concurrency is reached
    sender._finished = sender._finished[:1]
    blocker = asyncio.Event()
    waiting = [asyncio.create_task(blocker.wait()) for _ in range(3)]
    sender._in_flight.update(waiting)  # three sends still on the wire
    assert sender._record_wait() == 0.0
    blocker.set()
    await asyncio.gather(*waiting)
    sender._in_flight.clear()
    async with services.db.transaction() as session:
        now = services.clock.now()
        await OutboxRepository(session).mark_sending([job.delivery_id], now, now)
    assert await sender.flush() == 1
    assert (await statuses(services))[person.id] == "sent"
