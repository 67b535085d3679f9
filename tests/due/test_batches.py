"""Settling many due items of one kind at once (a batch handler), and writing many
notifications in one go: the ids come back in order, a batch that fails is settled again item
by item so one bad item costs only itself, and items another run took are left alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import FrozenClock
from core.delivery import Message, Queued
from core.due.runner import CANCELLED, DONE, DueContext, DueRunner
from core.services import Services
from storage.delivery.models import Delivery, Notification
from storage.due.models import CalendarDue
from storage.due.repositories import DueRepository
from storage.engine import Database

KIND = "test_batch"


async def statuses(db: Database) -> dict[int, str]:
    async with db.transaction() as session:
        rows = await session.scalars(select(CalendarDue).where(CalendarDue.kind == KIND))
        return {r.subject_id: r.status for r in rows}


async def schedule(runner: DueRunner, db: Database, subjects: range, clock: FrozenClock) -> None:
    async with db.transaction() as session:
        await runner.schedule_many_in(
            session, [(KIND, s, "k", clock.now() - timedelta(minutes=1)) for s in subjects]
        )
        # Scheduling again adds nothing twice.
        await runner.schedule_many_in(session, [(KIND, s, "k", clock.now()) for s in subjects])


async def test_a_batch_settles_all_its_items_in_one_call(
    services: Services, database: Database, clock: FrozenClock
) -> None:
    runner = DueRunner(database, clock, timedelta(hours=6))
    calls: list[list[int]] = []
    singles: list[int] = []

    async def one(context: DueContext) -> str:
        singles.append(context.item.subject_id)
        return DONE

    async def many(contexts: list[DueContext]) -> list[str]:
        calls.append([c.item.subject_id for c in contexts])
        # Odd subjects went away: cancelled, recorded as such.
        return [CANCELLED if c.item.subject_id % 2 else DONE for c in contexts]

    runner.register_batch(KIND, one, many)
    await schedule(runner, database, range(1, 121), clock)
    outcome = await runner.run()
    assert outcome == {DONE: 60, CANCELLED: 60}
    assert singles == []
    assert sum(len(c) for c in calls) == 120 and len(calls) < 120  # chunks, not items
    assert sorted(s for c in calls for s in c) == list(range(1, 121))
    final = await statuses(database)
    assert {s: final[s] for s in (1, 2)} == {1: "cancelled", 2: "done"}
    assert await runner.run() == {}  # nothing is settled twice


async def test_a_failing_batch_is_settled_item_by_item(
    services: Services, database: Database, clock: FrozenClock
) -> None:
    runner = DueRunner(database, clock, timedelta(hours=6))
    singles: list[int] = []

    async def one(context: DueContext) -> str:
        if context.item.subject_id == 7:
            raise RuntimeError("a bad item")
        singles.append(context.item.subject_id)
        return DONE

    async def many(contexts: list[DueContext]) -> list[str]:
        for c in contexts:  # writes that must not survive the failed batch
            await DueRepository(c.session).set_status(c.item.id, "missed")
        raise RuntimeError("the batch breaks on item 7")

    runner.register_batch(KIND, one, many)
    await schedule(runner, database, range(1, 11), clock)
    assert await runner.run() == {DONE: 9}
    assert sorted(singles) == [s for s in range(1, 11) if s != 7]
    final = await statuses(database)
    assert final[7] == "pending"  # tried again on the next tick
    assert {final[s] for s in final if s != 7} == {"done"}
    async with database.transaction() as session:
        row = await session.scalar(select(CalendarDue).where(CalendarDue.subject_id == 7))
        assert row is not None and row.attempts == 1


async def test_items_another_run_took_are_not_given_to_the_batch(
    services: Services, database: Database, clock: FrozenClock
) -> None:
    runner = DueRunner(database, clock, timedelta(hours=6))
    seen: list[int] = []

    async def one(context: DueContext) -> str:
        return DONE

    async def many(contexts: list[DueContext]) -> list[str]:
        seen.extend(c.item.subject_id for c in contexts)
        return [DONE] * len(contexts)

    runner.register_batch(KIND, one, many)
    await schedule(runner, database, range(1, 6), clock)
    async with database.transaction() as session:
        repo = DueRepository(session)
        items = await repo.due(clock.now(), 10)
        taken = await repo.take_many(
            [i.id for i in items if i.subject_id in (2, 4)], DONE, clock.now()
        )
        assert len(taken) == 2
        assert (
            await repo.take_many([i.id for i in items if i.subject_id == 2], DONE, clock.now())
            == set()
        )
    await runner.run()
    assert sorted(seen) == [1, 3, 5]


async def test_many_notifications_keep_their_order(services: Services, database: Database) -> None:
    queued = [
        Queued(
            kind="test",
            message=Message(f"<b>{i}</b>", str(i)),
            direct=[("telegram", str(1000 + i))] + ([("sms", f"+1555010{i:04d}")] if i % 3 else []),
            urgency="urgent",
            subject=f"s:{i}",
        )
        for i in range(250)
    ]
    async with database.transaction() as session:
        first = await services.outbox.enqueue_many_in(session, queued[:1])
        ids = await services.outbox.enqueue_many_in(session, queued[1:])
    ids = first + ids
    assert len(set(ids)) == 250
    async with database.transaction() as session:
        notes = {n.id: n for n in await session.scalars(select(Notification))}
        deliveries = list(await session.scalars(select(Delivery)))
    for i, notification_id in enumerate(ids):
        assert notes[notification_id].subject == f"s:{i}"
        assert notes[notification_id].body_html == f"<b>{i}</b>"
    by_note: dict[int, set[tuple[str, str | None]]] = {}
    for d in deliveries:
        by_note.setdefault(d.notification_id, set()).add((d.channel, d.address))
    for i, notification_id in enumerate(ids):
        expected = {("telegram", str(1000 + i))}
        if i % 3:
            expected.add(("sms", f"+1555010{i:04d}"))
        assert by_note[notification_id] == expected
    async with database.transaction() as session:
        assert await services.outbox.enqueue_many_in(session, []) == []
