"""Check-ins written ahead of their minute (`PROMPT_LEAD`): the tick in the minute or two
before writes the day's check-in and holds its prompt in the outbox until the minute. Nothing
of it shows before then, and whatever happens in between (a reply, a pause, a new time, STOP,
/forget, the service going down) leaves things as if it had been written at the minute."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.sandbox.twilio_api import FakeTwilio
from core.checkins import CheckinService
from core.checkins.rules import DUE_PROMPT, PROMPT_LEAD
from core.clock import FrozenClock
from core.due.runner import DONE, DueContext, DueRunner
from core.services import Services
from storage.checkins.models import CheckinRound
from storage.delivery.models import Delivery, Notification
from storage.due.models import CalendarDue
from storage.engine import Database
from tests.checkins.test_schedule import mine, prompts
from tests.checkins.test_sms import DANA, RUTH, at, enrolled, text
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received
from tests.support.due import utc
from tests.support.harness import TelegramHarness

pytestmark = pytest.mark.sms

NINE = utc(2026, 12, 2, 14, 0)  # Ruth's 9:00 AM check-in, New York


def checkins(tg: TelegramHarness) -> CheckinService:
    """The check-in service of the harness."""
    return tg.services.checkins.service


async def rounds(tg: TelegramHarness) -> list[tuple[str, str]]:
    """Every check-in in the table: (slot, status)."""
    async with tg.services.db.transaction() as session:
        rows = await session.scalars(select(CheckinRound).order_by(CheckinRound.id))
        return [(r.slot, r.status) for r in rows]


async def prompt_deliveries(tg: TelegramHarness) -> list[tuple[str, str]]:
    """Every check-in prompt's deliveries: (status, reason)."""
    async with tg.services.db.transaction() as session:
        rows = await session.execute(
            select(Delivery.status, Delivery.reason)
            .join(Notification, Notification.id == Delivery.notification_id)
            .where(Notification.kind == "checkin_prompt")
        )
        return [(status, reason) for status, reason in rows.all()]


async def written_ahead(tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio) -> None:
    """Ruth signs up for 9 AM; the tick at 8:59 writes her check-in and holds its prompt."""
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 13, 59)
    assert await rounds(tg) == [("2026-12-02 09:00", "waiting")]
    assert await prompt_deliveries(tg) == [("queued", "")]
    assert twilio.bodies_to(RUTH) == []


async def test_the_prompt_is_written_ahead_and_goes_out_at_its_minute(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await written_ahead(tg, sms, twilio)
    e = await mine(tg)
    assert await checkins(tg).latest(e.id) is None  # nothing has begun for her
    history = await checkins(tg).history(e.id, "sms", RUTH)
    assert "prompt" not in history.lower()
    rows = await checkins(tg).overview(await tg.services.access.actor(OFFICER_ID))
    assert [row.latest for row in rows] == [None]  # the officers' list shows nothing waiting
    tg.services.clock.set(NINE - timedelta(seconds=1))  # type: ignore[attr-defined]
    await tg.deliver()
    assert twilio.bodies_to(RUTH) == []  # held until the minute, not a second before
    await at(tg, 2026, 12, 2, 14, 0)
    [prompt] = twilio.bodies_to(RUTH)
    assert "Good morning, Ruth" in prompt
    latest = await checkins(tg).latest(e.id)
    assert latest is not None and latest.prompted_at == NINE  # logged at 9:00, not 8:59
    answer = await text(sms, twilio, "ok")
    assert answer is not None and "you're checked in for today" in answer
    await at(tg, 2026, 12, 2, 16, 0)
    assert len(twilio.bodies_to(RUTH)) == 1
    assert len(twilio.bodies_to(DANA)) == 1  # only the notice that she is a contact


async def test_a_reply_before_the_minute_does_not_answer_the_check_in_not_yet_sent(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await written_ahead(tg, sms, twilio)
    await text(sms, twilio, "ok")  # at 8:59: there is no check-in open to answer
    assert await rounds(tg) == [("2026-12-02 09:00", "waiting")]
    await at(tg, 2026, 12, 2, 14, 0)
    assert len(prompts(twilio)) == 1
    answer = await text(sms, twilio, "ok")
    assert answer is not None and "you're checked in for today" in answer
    assert await rounds(tg) == [("2026-12-02 09:00", "answered")]


async def test_a_new_time_set_before_the_minute_takes_the_written_check_in_back(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await written_ahead(tg, sms, twilio)
    e = await mine(tg)
    await checkins(tg).change(e.id, "sms", RUTH, times="9:30")
    assert await rounds(tg) == []  # its slot is free again
    assert await prompt_deliveries(tg) == []  # and its prompt is gone
    await at(tg, 2026, 12, 2, 14, 0)
    assert prompts(twilio) == []
    await at(tg, 2026, 12, 2, 14, 30)
    assert len(prompts(twilio)) == 1
    await at(tg, 2026, 12, 2, 15, 30)  # the 9:30 check-in's window ends: Dana is asked once
    assert len(twilio.bodies_to(DANA)) == 2
    assert "9:30 AM" in twilio.bodies_to(DANA)[-1]


async def test_changing_back_to_the_same_time_before_the_minute_prompts_once(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await written_ahead(tg, sms, twilio)
    e = await mine(tg)
    await checkins(tg).change(e.id, "sms", RUTH, times="9:30")
    await checkins(tg).change(e.id, "sms", RUTH, times="9:00")
    await at(tg, 2026, 12, 2, 13, 59, 30)
    await at(tg, 2026, 12, 2, 14, 0)
    assert len(prompts(twilio)) == 1
    assert await rounds(tg) == [("2026-12-02 09:00", "waiting")]


async def test_a_pause_set_before_the_minute_sends_nothing_and_tells_nobody(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await written_ahead(tg, sms, twilio)
    e = await mine(tg)
    await checkins(tg).change(e.id, "sms", RUTH, back="Dec 4")
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 16, 0)
    assert twilio.bodies_to(RUTH) == []
    assert len(twilio.bodies_to(DANA)) == 1
    assert count_received(tg, OFFICER_ID, "Check-in not answered") == 0
    await at(tg, 2026, 12, 4, 14, 0)  # back on the 4th
    assert len(prompts(twilio)) == 1


async def test_stop_before_the_minute_sends_no_prompt(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await written_ahead(tg, sms, twilio)
    assert await text(sms, twilio, "STOP") is None
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 16, 0)
    assert twilio.bodies_to(RUTH) == []
    assert "including the daily check-ins" in twilio.bodies_to(DANA)[-1]
    assert not any("did not answer" in body for body in twilio.bodies_to(DANA))
    assert count_received(tg, OFFICER_ID, "Check-in not answered") == 0


async def test_forget_before_the_minute_sends_no_prompt(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await written_ahead(tg, sms, twilio)
    assert await checkins(tg).forget("sms", RUTH) == 1
    assert await rounds(tg) == []
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 16, 0)
    assert twilio.bodies_to(RUTH) == []
    assert len(twilio.bodies_to(DANA)) == 1


async def test_down_from_before_the_minute_to_past_the_window_says_the_service_was_down(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await written_ahead(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 15, 30)  # nothing ran from 8:59 to 10:30
    assert twilio.bodies_to(RUTH) == []  # the held prompt is not sent this late
    assert await prompt_deliveries(tg) == [("skipped", "too late: the check-in's time is over")]
    missed = twilio.bodies_to(DANA)[-1]
    assert "The service was down; we could not reach Ruth Miller at 9:00 AM" in missed
    await at(tg, 2026, 12, 2, 16, 0)
    assert "The service was down" in tg.last(OFFICER_ID)


async def test_down_from_before_the_minute_past_halfway_sends_one_prompt_not_two(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await written_ahead(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 40)  # back at 9:40: the second prompt was due at 9:30
    assert len(twilio.bodies_to(RUTH)) == 1
    assert "Good morning, Ruth" in twilio.bodies_to(RUTH)[0]
    answer = await text(sms, twilio, "fine")
    assert answer is not None and "you're checked in for today" in answer
    await at(tg, 2026, 12, 2, 16, 0)
    assert len(twilio.bodies_to(DANA)) == 1


# The runner's lead


async def test_only_kinds_with_a_lead_are_settled_early(
    services: Services, database: Database, clock: FrozenClock
) -> None:
    runner = DueRunner(database, clock, timedelta(hours=6))
    seen: list[tuple[str, int, bool]] = []

    async def one(context: DueContext) -> str:
        seen.append((context.item.kind, context.item.subject_id, context.early))
        return DONE

    async def many(contexts: list[DueContext]) -> list[str]:
        return [await one(c) for c in contexts]

    runner.register_batch("ahead", one, many, lead=timedelta(minutes=2))
    runner.register("on_time", one)
    now = clock.now()
    async with database.transaction() as session:
        await runner.schedule_many_in(
            session,
            [
                ("ahead", 1, "k", now + timedelta(seconds=90)),  # within the lead
                ("ahead", 2, "k", now + timedelta(minutes=3)),  # beyond it
                ("on_time", 3, "k", now + timedelta(seconds=30)),  # no lead: waits
                ("on_time", 4, "k", now),
            ],
        )
    await runner.run()
    assert sorted(seen) == [("ahead", 1, True), ("on_time", 4, False)]
    clock.set(now + timedelta(minutes=1))
    await runner.run()
    assert sorted(seen) == [
        ("ahead", 1, True),
        ("ahead", 2, True),
        ("on_time", 3, False),
        ("on_time", 4, False),
    ]
    async with database.transaction() as session:
        pending = await session.scalars(select(CalendarDue).where(CalendarDue.status == "pending"))
        assert list(pending) == []


def test_the_prompt_lead_is_more_than_the_tick_so_every_prompt_is_written_ahead() -> None:
    from scheduler.due_jobs import TICK_SECONDS

    assert timedelta(seconds=2 * TICK_SECONDS) <= PROMPT_LEAD
    assert DUE_PROMPT == "checkin_prompt"
