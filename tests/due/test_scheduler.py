"""The calendar's scheduler: module-level jobs in TIMEZONE, daylight saving in New York, a
restart after downtime (overdue items sent once, stale ones missed), concurrent ticks, and a
failing handler. No sleeping: the clock is frozen and moved by hand."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.clock import FrozenClock
from core.due.runner import BATCH, DONE, SETTLE_CHUNK, DueContext
from core.services import Services
from notifiers.telegram import TelegramNotifier
from scheduler import due_jobs
from scheduler.runner import MISFIRE_GRACE_SECONDS, build_scheduler
from storage.due.models import CalendarDue
from storage.due.repositories import DueRepository
from storage.engine import Database
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received, documents, ics_lines, received
from tests.support.due import tick, utc
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, CAT, neighborhood

NEW_YORK = ZoneInfo("America/New_York")


async def schedule_meeting(
    tg: TelegramHarness, uid: int, when: str, title: str, code: str = ""
) -> None:
    await tg.send(uid, f"/meeting {code}".strip())
    await tg.send(uid, title)
    await tg.send(uid, when)
    await tg.send(uid, "Community room")
    await tg.press(uid, "mtg:skip")
    await tg.press(uid, "mtg:create")
    await tg.deliver()


async def due_rows(db: Database) -> dict[tuple[str, int, str], str]:
    async with db.transaction() as session:
        rows = await session.scalars(select(CalendarDue))
        return {(r.kind, r.subject_id, r.key): r.status for r in rows}


async def test_jobs_are_module_level_functions_in_the_departments_zone(services: Services) -> None:
    scheduler = build_scheduler(services)
    scheduler.start(paused=True)  # jobs get their defaults; nothing runs
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert {
        "calendar_start",
        "calendar_tick",
        "patrol_list",
        "weekly_meetings",
        "publish_news",
    } <= set(jobs)
    for job_id in (
        "calendar_start",
        "calendar_tick",
        "patrol_list",
        "weekly_meetings",
        "publish_news",
    ):
        job = jobs[job_id]
        assert (
            job.func.__module__ == "scheduler.due_jobs" and "<locals>" not in job.func.__qualname__
        )
        assert job.args == (services,)
        assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS
    assert str(jobs["patrol_list"].trigger.timezone) == "America/New_York"


def test_cron_triggers_keep_local_time_across_daylight_saving(services: Services) -> None:
    triggers = due_jobs.triggers(services)
    patrol = triggers["patrol_list"]
    # Spring forward (Sunday Mar 14, 2027): 07:00 is 12:00 UTC before, 11:00 UTC after.
    before = patrol.get_next_fire_time(None, datetime(2027, 3, 12, 8, 0, tzinfo=NEW_YORK))
    after = patrol.get_next_fire_time(None, datetime(2027, 3, 13, 8, 0, tzinfo=NEW_YORK))
    assert before.astimezone(NEW_YORK).hour == 7 and before == utc(2027, 3, 13, 12, 0)
    assert after.astimezone(NEW_YORK).hour == 7 and after == utc(2027, 3, 14, 11, 0)
    # Fall back (Sunday Nov 7, 2027): 11:00 UTC before, 12:00 UTC after.
    fall = patrol.get_next_fire_time(None, datetime(2027, 11, 6, 8, 0, tzinfo=NEW_YORK))
    assert fall == utc(2027, 11, 7, 12, 0)
    weekly = triggers["weekly_meetings"].get_next_fire_time(
        None, datetime(2027, 3, 9, 9, 0, tzinfo=NEW_YORK)
    )
    assert weekly == utc(2027, 3, 15, 12, 0)  # Monday 08:00 EDT


async def test_a_dst_change_in_new_york(tg: TelegramHarness, clock: FrozenClock) -> None:
    clock.set(utc(2027, 3, 10, 15, 0))  # Wed Mar 10, 2027, 10:00 EST
    tg.services.settings.meeting_reminders = "1d,24h"
    await neighborhood(tg, extra=False)
    await schedule_meeting(tg, ANN, "3/14 12pm", "Spring meeting")  # Sun, after the change
    lines = ics_lines(documents(tg, BOB)[-1])
    assert "DTSTART:20270314T160000Z" in lines  # 12:00 EDT
    # "24h" is 24 elapsed hours: Sat 11:00 EST (16:00 UTC); "1d" is the day before at the same
    # wall-clock time: Sat 12:00 EST (17:00 UTC).
    for due, label in ((utc(2027, 3, 13, 16, 0), "24h"), (utc(2027, 3, 13, 17, 0), "1d")):
        clock.set(due - timedelta(minutes=1))
        await tick(tg)
        assert not received(tg, BOB, "Reminder"), label
        clock.set(due)
        await tick(tg)
        assert count_received(tg, BOB, "Reminder: <b>Oak Park</b> meeting") == 1, label
        assert received(tg, BOB, "Sun Mar 14, 12:00 PM")
        tg.api.clear()
    # The patrol list stays at 07:00 local: 12:00 UTC on Saturday, 11:00 UTC on Sunday.
    # (Saturday's went with the ticks above.)
    assert (await due_rows(tg.services.db))[("patrol_list", 0, "2027-03-13")] == "done"
    clock.set(utc(2027, 3, 14, 10, 59))
    await tick(tg)
    assert not received(tg, OFFICER_ID, "Vacation watch — Sun Mar 14")
    clock.set(utc(2027, 3, 14, 11, 0))
    await tick(tg)
    assert count_received(tg, OFFICER_ID, "Vacation watch — Sun Mar 14") == 1


async def test_a_restart_after_downtime_sends_overdue_items_once_and_skips_stale_ones(
    tg: TelegramHarness, clock: FrozenClock, settings: object
) -> None:
    await neighborhood(tg, extra=False)
    # Meeting A: Thu Dec 3, 7:00 PM (reminders Wed 7 PM and Thu 6 PM). Meeting B (Elm): Wed
    # Dec 2, 12:00 PM (reminders Tue 12 PM and Wed 11 AM).
    await schedule_meeting(tg, ANN, "12/3 7pm", "Meeting A")
    await schedule_meeting(tg, OFFICER_ID, "12/2 12pm", "Meeting B", code="ELM")
    tg.api.clear()
    # The service stops now (Tue 10:00) and comes back Thu Dec 3, 02:00 UTC (Wed 9 PM local):
    # A's 24h reminder is 2 hours late; B's reminders are 33 and 10 hours late, but B has
    # already taken place; Wednesday's patrol list (07:00) is 14 hours late.
    clock.set(utc(2026, 12, 3, 2, 0))
    restarted = Services.build(tg.services.settings, Database(tg.services.db.url), clock=clock)
    restarted.delivery.add_notifier("telegram", TelegramNotifier(tg.app.bot, part_interval=0))
    try:
        await due_jobs.calendar_start(restarted)
        await due_jobs.calendar_start(restarted)  # a second start, or a tick racing it
        await due_jobs.calendar_tick(restarted)
        await due_jobs.patrol_list(restarted)
        while await restarted.delivery.run_once():
            pass
        assert count_received(tg, BOB, "Reminder: <b>Oak Park</b> meeting") == 1
        assert not received(tg, CAT, "Reminder")
        assert not received(tg, OFFICER_ID, "Vacation watch —")
        rows = await due_rows(restarted.db)
        assert rows[("meeting_reminder", 1, "24h#0")] == "done"
        assert rows[("meeting_reminder", 1, "1h#0")] == "pending"
        assert rows[("meeting_reminder", 2, "24h#0")] == "missed"
        assert rows[("meeting_reminder", 2, "1h#0")] == "missed"
        assert rows[("patrol_list", 0, "2026-12-02")] == "missed"
        # Thursday 07:00: that day's list goes, once.
        clock.set(utc(2026, 12, 3, 12, 0))
        await due_jobs.calendar_tick(restarted)
        await due_jobs.patrol_list(restarted)
        while await restarted.delivery.run_once():
            pass
        assert count_received(tg, OFFICER_ID, "Vacation watch — Thu Dec 3") == 1
    finally:
        await restarted.close()


async def test_concurrent_ticks_settle_each_item_once(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg, extra=False)
    await schedule_meeting(tg, ANN, "12/8 7pm", "Concurrent")
    tg.api.clear()
    clock.set(utc(2026, 12, 8, 0, 0))
    await asyncio.gather(*(due_jobs.calendar_tick(tg.services) for _ in range(3)))
    await tg.deliver()
    assert count_received(tg, BOB, "Reminder: <b>Oak Park</b> meeting") == 1
    assert count_received(tg, OFFICER_ID, "Vacation watch —") == 1


async def test_a_failing_handler_is_retried_then_given_up(
    services: Services, clock: FrozenClock
) -> None:
    runner = services.due
    calls: list[int] = []

    async def flaky(ctx: DueContext) -> str:
        calls.append(ctx.item.subject_id)
        if ctx.item.subject_id == 1:
            raise RuntimeError("boom")
        return DONE

    runner.register("test_kind", flaky)
    async with services.db.transaction() as session:
        await runner.schedule_in(session, "test_kind", 1, "k", clock.now())
        await runner.schedule_in(session, "test_kind", 2, "k", clock.now())
        assert not await runner.schedule_in(session, "test_kind", 2, "k", clock.now())
    for _ in range(6):
        await runner.run()
    rows = await due_rows(services.db)
    assert rows[("test_kind", 1, "k")] == "failed" and rows[("test_kind", 2, "k")] == "done"
    assert calls.count(1) == 5 and calls.count(2) == 1
    async with services.db.transaction() as session:
        assert await DueRepository(session).count("pending") == 0


async def test_one_run_settles_more_than_a_batch_and_a_failing_item_once(
    services: Services, clock: FrozenClock
) -> None:
    # 10,000 check-ins due at one minute must not take BATCH a minute: one run reads batch
    # after batch, settling each item once, and an item that fails is not read again in it.
    runner = services.due
    seen: list[int] = []

    async def handler(ctx: DueContext) -> str:
        seen.append(ctx.item.subject_id)
        if ctx.item.subject_id == 7:
            raise RuntimeError("boom")
        return DONE

    runner.register("test_many", handler)
    total = 2 * BATCH + SETTLE_CHUNK + 3
    async with services.db.transaction() as session:
        for subject in range(total):
            await runner.schedule_in(session, "test_many", subject, "k", clock.now())
    counts = await runner.run()
    assert counts == {"done": total - 1}
    assert sorted(seen) == list(range(total))
    rows = await due_rows(services.db)
    assert rows[("test_many", 7, "k")] == "pending"
    assert sum(1 for (kind, _s, _k), v in rows.items() if kind == "test_many" and v == "done") == (
        total - 1
    )
    assert await runner.run() == {}  # only the failed item is left, and it fails again
    assert seen.count(7) == 2 and len(seen) == total + 1
