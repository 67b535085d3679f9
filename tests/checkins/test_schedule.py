"""Daily check-ins on the frozen clock, every path of the schedule: the spring and autumn
clock changes, downtime across the window, pauses and days off, a change of time zone, two
instances settling the same items, contacts who cannot be reached, an emergency word or a
late answer, and who is on duty. Driven by text through the signed Twilio webhook, or through
CheckinService where a text cannot say it (a zone, days off); every message is counted."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
import pytest

from bot.sandbox.twilio_api import FakeTwilio
from core.checkins import CheckinService, Draft, EnrollmentRecord
from core.permissions import Actor
from core.services import Services
from scheduler import due_jobs
from tests.checkins.test_sms import DANA, RUTH, at, enrolled, text
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received
from tests.support.due import tick, utc
from tests.support.harness import TelegramHarness

pytestmark = pytest.mark.sms

SAM = "+12035550177"
SECOND_OFFICER = 900002
NOT_ANSWERED = "Check-in not answered"


def checkins(tg: TelegramHarness) -> CheckinService:
    """The check-in service of the harness."""
    return tg.services.checkins.service


async def mine(tg: TelegramHarness) -> EnrollmentRecord:
    """Ruth's enrollment."""
    found = await checkins(tg).mine("sms", RUTH)
    assert found is not None
    return found


async def enrolled_with(tg: TelegramHarness, draft: Draft, *contacts: tuple[str, str]) -> int:
    """Ruth signs up with settings a text cannot give; each contact is added by number."""
    service = checkins(tg)
    e = await service.enroll(draft)
    for name, phone in contacts:
        await service.add_contact(e.id, "sms", RUTH, name, phone, invite=False)
    await tg.deliver()
    return e.id


def ruth(**values: object) -> Draft:
    """Ruth Miller's sign-up by text, at 9 AM unless told."""
    fields: dict[str, object] = {
        "person_name": "Ruth Miller",
        "times": ("09:00",),
        "channels": "sms",
        "phone": RUTH,
        "address": "12 Elm Street",
    }
    fields.update(values)
    return Draft(**fields)  # type: ignore[arg-type]


async def moment(tg: TelegramHarness, when: datetime) -> None:
    """Move the clock to a moment and run the minute job."""
    tg.services.clock.set(when)  # type: ignore[attr-defined]
    await tick(tg)


def prompts(twilio: FakeTwilio) -> list[str]:
    """The first prompts Ruth got (not the second ones, not the replies)."""
    return [b for b in twilio.bodies_to(RUTH) if "your daily check-in" in b]


# 1. The clock changes


async def check_day_by_day(
    tg: TelegramHarness,
    sms: httpx.AsyncClient,
    twilio: FakeTwilio,
    expected: list[datetime],
) -> None:
    """Each expected prompt comes at its moment, not a minute before, and once; Ruth
    answers each, so nobody else hears anything."""
    for n, due in enumerate(expected):
        await moment(tg, due - timedelta(minutes=1))
        assert len(prompts(twilio)) == n, f"early or doubled before {due}"
        await moment(tg, due)
        assert len(prompts(twilio)) == n + 1, f"no prompt at {due}"
        answer = await text(sms, twilio, "ok thanks")
        assert answer is not None and "checked in" in answer
        await moment(tg, due + timedelta(minutes=61))
        assert len(prompts(twilio)) == n + 1, f"doubled after {due}"
    assert len(twilio.bodies_to(DANA)) == 1  # only the notice that she is a contact


async def test_spring_forward_sends_the_missing_time_once_and_keeps_nine_oclock(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    tg.services.clock.set(utc(2027, 3, 11, 12, 0))  # type: ignore[attr-defined]
    await enrolled_with(tg, ruth(times=("02:30", "09:00")), ("Dana Ruiz", DANA))
    # New York leaves EST (UTC-5) for EDT (UTC-4) at 2:00 AM on Sun Mar 14 2027: that day
    # 02:30 does not exist and comes at 03:30 EDT (07:30 UTC), the moment after the gap.
    expected = [
        utc(2027, 3, 11, 14, 0),  # Thu 9:00 EST
        utc(2027, 3, 12, 7, 30),  # Fri 2:30 EST
        utc(2027, 3, 12, 14, 0),
        utc(2027, 3, 13, 7, 30),  # Sat 2:30 EST
        utc(2027, 3, 13, 14, 0),
        utc(2027, 3, 14, 7, 30),  # Sun 3:30 EDT: the 2:30 that day
        utc(2027, 3, 14, 13, 0),  # Sun 9:00 EDT
        utc(2027, 3, 15, 6, 30),  # Mon 2:30 EDT
        utc(2027, 3, 15, 13, 0),
        utc(2027, 3, 16, 6, 30),
        utc(2027, 3, 16, 13, 0),
    ]
    await check_day_by_day(tg, sms, twilio, expected)
    await moment(tg, utc(2027, 3, 17, 6, 29))
    assert len(prompts(twilio)) == len(expected)


async def test_fall_back_sends_the_repeated_time_the_first_time_only(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    tg.services.clock.set(utc(2027, 11, 5, 12, 0))  # type: ignore[attr-defined]
    await enrolled_with(tg, ruth(times=("01:30", "09:00")), ("Dana Ruiz", DANA))
    # New York goes back from EDT to EST at 2:00 AM on Sun Nov 7 2027: 01:30 happens at
    # 05:30 UTC (EDT) and again at 06:30 UTC (EST); only the first is a check-in.
    expected = [
        utc(2027, 11, 5, 13, 0),  # Fri 9:00 EDT
        utc(2027, 11, 6, 5, 30),  # Sat 1:30 EDT
        utc(2027, 11, 6, 13, 0),
        utc(2027, 11, 7, 5, 30),  # Sun 1:30 EDT, the first one
        utc(2027, 11, 7, 14, 0),  # Sun 9:00 EST
        utc(2027, 11, 8, 6, 30),  # Mon 1:30 EST
        utc(2027, 11, 8, 14, 0),
    ]
    await check_day_by_day(tg, sms, twilio, expected)
    # The second 01:30 of Nov 7 (06:30 UTC) was passed through inside the loop (05:30 + 61
    # minutes); no prompt came then: the counts above would have seen it.
    await moment(tg, utc(2027, 11, 9, 6, 29))
    assert len(prompts(twilio)) == len(expected)


# 2. Downtime across the window


async def test_down_until_inside_the_window_sends_the_prompt_late_and_escalates_on_time(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 13, 50)  # 8:50, then nothing runs until 9:40
    await at(tg, 2026, 12, 2, 14, 40)
    assert len(twilio.bodies_to(RUTH)) == 1
    assert "Good morning, Ruth" in twilio.bodies_to(RUTH)[0]
    await at(tg, 2026, 12, 2, 14, 59)
    assert len(twilio.bodies_to(RUTH)) == 1  # half the window had passed: no second prompt
    assert len(twilio.bodies_to(DANA)) == 1
    await at(tg, 2026, 12, 2, 15, 0)
    assert len(twilio.bodies_to(DANA)) == 2
    missed = twilio.bodies_to(DANA)[-1]
    assert "Ruth Miller did not answer the 9:00 AM on Wed Dec 2 check-in" in missed
    assert "service was down" not in missed


async def test_down_past_the_window_escalates_saying_the_service_was_down(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 13, 50)
    await at(tg, 2026, 12, 2, 15, 30)  # back at 10:30
    assert twilio.bodies_to(RUTH) == []  # too late to ask her
    assert len(twilio.bodies_to(DANA)) == 2
    missed = twilio.bodies_to(DANA)[-1]
    assert "The service was down; we could not reach Ruth Miller at 9:00 AM" in missed
    await at(tg, 2026, 12, 2, 15, 59)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    await at(tg, 2026, 12, 2, 16, 0)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1
    assert "The service was down; we could not reach Ruth Miller" in tg.last(OFFICER_ID)
    await at(tg, 2026, 12, 3, 13, 59)
    assert twilio.bodies_to(RUTH) == []
    await at(tg, 2026, 12, 3, 14, 0)  # the next day's comes as usual
    assert len(prompts(twilio)) == 1
    assert len(twilio.bodies_to(DANA)) == 2


async def test_down_for_three_days_only_the_latest_check_in_counts(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 13, 50)
    await at(tg, 2026, 12, 4, 15, 30)  # back on Fri Dec 4 at 10:30
    assert twilio.bodies_to(RUTH) == []
    assert len(twilio.bodies_to(DANA)) == 2  # one escalation, not three
    missed = twilio.bodies_to(DANA)[-1]
    assert "could not reach Ruth Miller at 9:00 AM on Fri Dec 4" in missed
    e = await mine(tg)
    log = await checkins(tg).history(e.id, "sms", RUTH)
    assert "Not sent: the service was down — 2026-12-02 09:00" in log
    assert "Not sent: the service was down — 2026-12-03 09:00" in log
    assert log.count("Not sent: the service was down") == 3  # Dec 2, 3 and 4, once each
    await at(tg, 2026, 12, 4, 16, 0)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1
    await at(tg, 2026, 12, 5, 14, 0)
    assert len(prompts(twilio)) == 1
    assert "Sat Dec 5" not in twilio.bodies_to(DANA)[-1]
    assert len(twilio.bodies_to(DANA)) == 2
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1


# 3. Pauses and days off


async def test_away_until_the_14th_then_back_that_day(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    answer = await text(sms, twilio, "CHECKIN AWAY the 14th")
    assert answer is not None and "no check-ins through 2026-12-13" in answer, answer
    for day in range(2, 14):
        await at(tg, 2026, 12, day, 14, 0)
        await at(tg, 2026, 12, day, 15, 30)
    assert prompts(twilio) == []
    assert len(twilio.bodies_to(DANA)) == 1
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    await at(tg, 2026, 12, 14, 13, 59)
    assert prompts(twilio) == []
    await at(tg, 2026, 12, 14, 14, 0)
    assert len(prompts(twilio)) == 1


async def test_checkin_back_resumes_sooner(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await text(sms, twilio, "CHECKIN AWAY the 14th")
    for day in range(2, 5):
        await at(tg, 2026, 12, day, 14, 0)
    assert prompts(twilio) == []
    await at(tg, 2026, 12, 5, 13, 0)  # Sat Dec 5, 8:00
    answer = await text(sms, twilio, "CHECKIN BACK")
    assert answer is not None and "on again" in answer, answer
    await at(tg, 2026, 12, 5, 14, 0)
    assert len(prompts(twilio)) == 1
    await text(sms, twilio, "ok")
    await at(tg, 2026, 12, 6, 14, 0)
    assert len(prompts(twilio)) == 2
    assert len(twilio.bodies_to(DANA)) == 1


async def test_no_check_ins_on_days_off(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled_with(tg, ruth(days_off=(6,)), ("Dana Ruiz", DANA))
    counts = {}
    for day in range(2, 15):  # Wed Dec 2 to Mon Dec 14; Dec 6 and 13 are Sundays
        before = len(prompts(twilio))
        await at(tg, 2026, 12, day, 14, 0)
        counts[day] = len(prompts(twilio)) - before
        await text(sms, twilio, "ok")
        await at(tg, 2026, 12, day, 15, 30)
    assert counts == {d: 0 if d in (6, 13) else 1 for d in range(2, 15)}
    assert len(twilio.bodies_to(DANA)) == 1


async def test_days_off_changed_to_sundays_by_change(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    e = await mine(tg)
    await checkins(tg).change(e.id, "sms", RUTH, days_off="sun")
    for day in range(5, 8):  # Sat, Sun, Mon
        await at(tg, 2026, 12, day, 14, 0)
        await text(sms, twilio, "ok")
    assert len(prompts(twilio)) == 2
    assert all("Sun" not in p for p in prompts(twilio))


# 4. A change of time zone


async def test_zone_change_before_the_days_check_in_moves_it_to_nine_pacific(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 13, 0)  # 8:00 in New York
    e = await mine(tg)
    changed = await checkins(tg).change(e.id, "sms", RUTH, timezone="Pacific")
    assert changed.timezone == "America/Los_Angeles"
    await at(tg, 2026, 12, 2, 14, 0)  # 9:00 Eastern: no longer her time
    await at(tg, 2026, 12, 2, 16, 59)
    assert prompts(twilio) == []
    await at(tg, 2026, 12, 2, 17, 0)  # 9:00 Pacific
    assert len(prompts(twilio)) == 1
    await text(sms, twilio, "ok")
    await at(tg, 2026, 12, 3, 14, 0)
    assert len(prompts(twilio)) == 1
    await at(tg, 2026, 12, 3, 17, 0)
    assert len(prompts(twilio)) == 2
    assert len(twilio.bodies_to(DANA)) == 1


async def test_zone_change_after_the_days_check_in_does_not_repeat_it(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    assert len(prompts(twilio)) == 1
    await text(sms, twilio, "ok")
    await at(tg, 2026, 12, 2, 15, 0)
    e = await mine(tg)
    await checkins(tg).change(e.id, "sms", RUTH, timezone="Pacific")
    # 9:00 Pacific on Dec 2 is still ahead, but Dec 2 9:00 was her check-in already.
    await at(tg, 2026, 12, 2, 17, 0)
    await at(tg, 2026, 12, 2, 18, 30)
    assert len(prompts(twilio)) == 1
    await at(tg, 2026, 12, 3, 16, 59)
    assert len(prompts(twilio)) == 1
    await at(tg, 2026, 12, 3, 17, 0)
    assert len(prompts(twilio)) == 2
    assert len(twilio.bodies_to(DANA)) == 1
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0


async def test_zone_change_while_the_check_in_is_open_keeps_one_round(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    e = await mine(tg)
    await checkins(tg).change(e.id, "sms", RUTH, timezone="Pacific")
    await at(tg, 2026, 12, 2, 15, 0)  # the open one still escalates at its own end
    assert len(twilio.bodies_to(DANA)) == 2
    await at(tg, 2026, 12, 2, 17, 0)  # 9:00 Pacific on Dec 2: that slot was done
    assert len(prompts(twilio)) == 1
    await at(tg, 2026, 12, 3, 17, 0)
    assert len(prompts(twilio)) == 2


# 5. Two instances


async def test_two_instances_settle_each_step_once(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    first = tg.services
    # A second process on the same database: its own services, handlers and outbox.
    second = Services.build(first.settings, first.db, clock=first.clock)

    async def both(*parts: int) -> None:
        first.clock.set(utc(*parts))  # type: ignore[attr-defined]
        await asyncio.gather(first.due.tick(), second.due.tick())
        await tg.deliver()

    await both(2026, 12, 2, 14, 0)
    assert len(twilio.bodies_to(RUTH)) == 1
    await both(2026, 12, 2, 14, 30)
    assert len(twilio.bodies_to(RUTH)) == 2
    await both(2026, 12, 2, 15, 0)
    assert len(twilio.bodies_to(DANA)) == 2
    await both(2026, 12, 2, 15, 1)
    await both(2026, 12, 2, 15, 30)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1
    await both(2026, 12, 3, 14, 0)
    assert len(prompts(twilio)) == 2
    assert len(twilio.bodies_to(DANA)) == 2
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1


# 6. Contacts who cannot be reached


async def test_only_contact_opted_out_tells_the_officer_at_the_end_of_the_window(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    assert await text(sms, twilio, "STOP", phone=DANA) is None
    twilio.opt_out(DANA)
    await tg.deliver()
    [told_ruth] = twilio.bodies_to(RUTH)
    assert "Dana Ruiz's number texted STOP" in told_ruth
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 14, 59)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    await at(tg, 2026, 12, 2, 15, 0)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1
    assert "None of their contacts can be reached" in tg.last(OFFICER_ID)
    await at(tg, 2026, 12, 2, 15, 1)
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1
    assert len(twilio.bodies_to(DANA)) == 1
    assert len(twilio.bodies_to(RUTH)) == 3  # that notice, the prompt and the second prompt


async def test_contact_whose_text_fails_tells_the_officer_within_minutes(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    twilio.fail_next(21211, to=DANA)  # Dana's number turns out invalid
    await at(tg, 2026, 12, 2, 15, 0)
    assert len(twilio.bodies_to(DANA)) == 1  # the escalation was refused
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    for minute in range(1, 4):
        await at(tg, 2026, 12, 2, 15, minute)
        if count_received(tg, OFFICER_ID, NOT_ANSWERED):
            break
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1
    assert "could not be delivered" in tg.last(OFFICER_ID)
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1


async def test_second_contact_gets_it_when_the_first_cannot_and_the_officer_waits(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    answer = await text(sms, twilio, "CONTACT Sam Lee (203) 555-0177")
    assert answer is not None and "Sam Lee is now a contact" in answer
    await text(sms, twilio, "STOP", phone=DANA)
    twilio.opt_out(DANA)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 15, 0)
    assert len(twilio.bodies_to(SAM)) == 2
    assert "Ruth Miller did not answer" in twilio.bodies_to(SAM)[-1]
    assert len(twilio.bodies_to(DANA)) == 1
    for minute in (1, 2, 5, 29):
        await at(tg, 2026, 12, 2, 15, minute)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1
    assert "No contact said they had it within 30 minutes" in tg.last(OFFICER_ID)


async def test_first_contacts_text_fails_the_second_gets_it_and_the_officer_waits(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await text(sms, twilio, "CONTACT Sam Lee (203) 555-0177")
    await at(tg, 2026, 12, 2, 14, 0)
    twilio.fail_next(21211, to=DANA)
    await at(tg, 2026, 12, 2, 15, 0)
    assert len(twilio.bodies_to(SAM)) == 2
    for minute in (1, 2, 5, 29):
        await at(tg, 2026, 12, 2, 15, minute)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1


# 7. A call for help, and an answer after the contacts were asked


async def test_emergency_words_in_a_reply_tell_everyone_at_once_and_nothing_later(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 14, 10)
    answer = await text(sms, twilio, "I fell and can't get up")
    assert answer is not None and "call 911" in answer, answer
    await tg.deliver()
    assert len(twilio.bodies_to(DANA)) == 2
    assert "Ruth Miller asked for help" in twilio.bodies_to(DANA)[-1]
    assert "I fell and can't get up" in twilio.bodies_to(DANA)[-1]
    assert count_received(tg, OFFICER_ID, "asked for help") == 1
    for minute in (30, 60, 61, 90, 120):
        await at(tg, 2026, 12, 2, 14 + minute // 60, minute % 60)
    assert len(twilio.bodies_to(RUTH)) == 1  # no second prompt either
    assert len(twilio.bodies_to(DANA)) == 2
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    assert count_received(tg, OFFICER_ID, "asked for help") == 1


async def test_im_ok_pressed_after_the_contacts_were_asked_tells_them_she_answered(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 15, 0)
    [row] = await checkins(tg).overview(await tg.services.access.actor(OFFICER_ID))
    round_ = row.latest
    assert round_ is not None and round_.status == "escalated"
    heard = await checkins(tg).ok(round_.id, "sms", RUTH)
    assert heard.late and heard.changed
    again = await checkins(tg).ok(round_.id, "sms", RUTH)
    assert not again.changed
    await tg.deliver()
    assert len(twilio.bodies_to(DANA)) == 3
    assert (
        "Ruth Miller has answered the 9:00 AM on Wed Dec 2 check-in" in twilio.bodies_to(DANA)[-1]
    )
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    assert count_received(tg, OFFICER_ID, "has answered") == 0  # the officer was never told
    assert len(twilio.bodies_to(DANA)) == 3


async def test_any_reply_after_the_contacts_were_asked_tells_them_she_answered(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await text(sms, twilio, "CONTACT Sam Lee (203) 555-0177")
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 15, 0)
    await at(tg, 2026, 12, 2, 15, 10)
    answer = await text(sms, twilio, "sorry, was at the shops")
    assert answer is not None
    await tg.deliver()
    for phone in (DANA, SAM):
        assert len(twilio.bodies_to(phone)) == 3
        assert "has answered" in twilio.bodies_to(phone)[-1]
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0


# 8. Who is on duty


async def second_officer(tg: TelegramHarness) -> Actor:
    """A second officer, as the officers' service adds one."""
    await tg.services.officers.add(Actor.system("tests"), SECOND_OFFICER)
    return await tg.services.access.actor(SECOND_OFFICER)


async def test_escalations_go_only_to_the_officer_on_duty(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    officer = await second_officer(tg)
    await checkins(tg).set_duty(officer, True)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 15, 0)
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, SECOND_OFFICER, NOT_ANSWERED) == 1
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0


async def test_nobody_on_duty_tells_every_officer(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    officer = await second_officer(tg)
    await checkins(tg).set_duty(officer, True)
    await checkins(tg).set_duty(officer, False)
    assert await checkins(tg).duty(officer) is None
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 15, 0)
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, SECOND_OFFICER, NOT_ANSWERED) == 1
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1


async def test_a_call_for_help_goes_to_the_officer_on_duty_only(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    officer = await second_officer(tg)
    await checkins(tg).set_duty(officer, True)
    await text(sms, twilio, "HELP")
    await tg.deliver()
    assert count_received(tg, SECOND_OFFICER, "asked for help") == 1
    assert count_received(tg, OFFICER_ID, "asked for help") == 0


# More of the paths around them


async def test_down_after_the_prompt_until_past_the_window_escalates_once_back(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    assert len(twilio.bodies_to(RUTH)) == 1
    await at(tg, 2026, 12, 2, 17, 0)  # down from 9:01 until noon
    assert len(twilio.bodies_to(DANA)) == 2
    assert (
        "Ruth Miller did not answer the 9:00 AM on Wed Dec 2 check-in"
        in (twilio.bodies_to(DANA)[-1])
    )
    await at(tg, 2026, 12, 2, 17, 29)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    await at(tg, 2026, 12, 2, 17, 30)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1
    # The "we haven't heard from you" of 9:30 is not sent at noon, after her contacts were.
    assert len(twilio.bodies_to(RUTH)) == 1


async def test_a_keyword_from_the_person_during_the_check_in_answers_it(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    answer = await text(sms, twilio, "CHECKIN AWAY the 14th")
    assert answer is not None and "Paused" in answer
    await at(tg, 2026, 12, 2, 15, 0)
    await at(tg, 2026, 12, 2, 15, 30)
    assert len(twilio.bodies_to(DANA)) == 1  # she wrote to us: nobody is asked about her
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0


async def test_an_answer_at_the_moment_the_window_ends_is_never_lost(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    tg.services.clock.set(utc(2026, 12, 2, 15, 0))  # type: ignore[attr-defined]
    await asyncio.gather(text(sms, twilio, "ok"), tg.services.due.tick())
    await tg.deliver()
    told = twilio.bodies_to(DANA)[1:]
    # Either she answered first (nobody asked), or the contacts were asked and then told.
    assert told == [] or (
        len(told) == 2 and "did not answer" in told[0] and "has answered" in told[1]
    ), told
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    assert len(twilio.bodies_to(DANA)) == 1 + len(told)


async def test_stop_after_the_contacts_were_asked_ends_the_escalation(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 14, 30)
    await at(tg, 2026, 12, 2, 15, 0)
    assert len(twilio.bodies_to(DANA)) == 2
    assert await text(sms, twilio, "STOP") is None
    twilio.opt_out(RUTH)
    await tg.deliver()
    assert "including the daily check-ins" in twilio.bodies_to(DANA)[-1]
    await at(tg, 2026, 12, 2, 15, 30)
    await at(tg, 2026, 12, 3, 14, 0)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    assert len(twilio.bodies_to(DANA)) == 3
    assert len(twilio.bodies_to(RUTH)) == 2  # the prompt and the second prompt


async def test_only_contact_on_telegram_has_blocked_the_bot_so_the_officer_is_told(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await text(sms, twilio, "CHECKIN 9am Ruth Miller")
    service = checkins(tg)
    e = await mine(tg)
    _contact, token = await service.add_contact(e.id, "sms", RUTH, "Lee Park", None, invite=True)
    assert token is not None
    await service.accept_contact(token, "700001")
    tg.api.block_user(700001)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 15, 0)
    assert count_received(tg, 700001, "did not answer") == 0
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 0
    for minute in range(1, 4):
        await at(tg, 2026, 12, 2, 15, minute)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1
    assert "could not be delivered" in tg.last(OFFICER_ID)
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, OFFICER_ID, NOT_ANSWERED) == 1


async def test_a_restart_inside_the_window_sends_the_prompt_once(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 13, 50)
    tg.services.clock.set(utc(2026, 12, 2, 14, 20))  # type: ignore[attr-defined]
    await due_jobs.calendar_start(tg.services)  # the scheduler's catch-up on start
    await tick(tg)  # and its first minute tick right after
    assert len(twilio.bodies_to(RUTH)) == 1
    await at(tg, 2026, 12, 2, 14, 30)
    assert len(twilio.bodies_to(RUTH)) == 2  # the second prompt still at half the wait
    await text(sms, twilio, "ok")
    await at(tg, 2026, 12, 2, 15, 30)
    assert len(twilio.bodies_to(DANA)) == 1
