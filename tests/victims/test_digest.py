"""Victim follow-ups in the officers' daily digest, on a frozen clock through the real
Application: an open follow-up nobody acted on for three working days is listed once a day
with its case number, crime type, age and owner (nothing of the person); an answer from the
person counts as a touch, a scheduled check-in does not, and a closed follow-up is never
listed."""

from __future__ import annotations

from core.clock import FrozenClock
from scheduler.victim_jobs import victim_digest
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received, sent_to
from tests.support.due import tick
from tests.support.harness import TelegramHarness
from tests.victims.test_followups import open_for

ANN = 861
HEAD = "untouched for 3 working days"


def last_digest(tg: TelegramHarness) -> str:
    """The newest victim digest the officer got."""
    return [t for t in sent_to(tg, OFFICER_ID) if "victim follow-up" in t and HEAD in t][-1]


async def test_untouched_follow_ups_are_in_the_daily_digest_once_a_day(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    # Tuesday 10:00: V-1 for Ann, who agrees; V-2 and V-3 by invite links nobody opens.
    await tg.register(ANN, "Ann Smith", phone="(203) 555-0177")
    await open_for(tg, "member", str(ANN))
    await tg.press(ANN, "vicp:y:1")
    await open_for(tg, "invite", case="26-004513")
    await open_for(tg, "invite", case="26-004514")
    # The officer closes V-3 at once.
    await tg.send(OFFICER_ID, "/victims")
    await tg.press(OFFICER_ID, "vic:v:3")
    await tg.press(OFFICER_ID, "vic:x:3")
    await tg.press(OFFICER_ID, "vic:xy:3")

    clock.advance(days=1)  # Wednesday: Ann answers
    await tg.press(ANN, "vicp:a:1")
    await tg.send(ANN, "Still shaken, but ok.")
    await tg.deliver()

    clock.advance(days=1)  # Thursday: two working days, nothing yet
    await victim_digest(tg.services)
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, HEAD) == 0

    clock.advance(days=1)  # Friday 10:00: V-2 untouched since Tuesday
    await victim_digest(tg.services)
    await victim_digest(tg.services)  # asked again the same day: sent once
    await tick(tg)  # and the calendar tick does not send it again either
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, HEAD) == 1
    digest = last_digest(tg)
    assert "1 victim follow-up untouched for 3 working days" in digest
    assert "V-00002</b> case 26-004513 — Burglary; 3 days old" in digest
    assert "V-00001" not in digest  # Ann answered on Wednesday
    assert "V-00003" not in digest  # closed
    for private in ("Ann", "0177", "invite"):
        assert private not in digest

    # Thursday's 2-day check-in went out, but it is nobody's touch: on Monday V-1 (last
    # touched by Ann's answer on Wednesday) is listed too. Saturday and Sunday send nothing.
    assert count_received(tg, ANN, "Checking in") == 1
    clock.advance(days=3)  # Monday
    await victim_digest(tg.services)
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, HEAD) == 2
    digest = last_digest(tg)
    assert "2 victim follow-ups untouched" in digest
    assert "V-00001</b> case 26-004512" in digest and "V-00003" not in digest

    # The officer replies to Ann: V-1 is touched, and Tuesday's digest lists V-2 only.
    await tg.press(OFFICER_ID, "vic:r:1")
    await tg.send(OFFICER_ID, "I'll call you this afternoon.")
    clock.advance(days=1)  # Tuesday
    await victim_digest(tg.services)
    await tg.deliver()
    digest = last_digest(tg)
    assert "1 victim follow-up untouched" in digest and "V-00001" not in digest


async def test_the_digest_job_runs_at_its_local_time(tg: TelegramHarness) -> None:
    from scheduler.runner import build_scheduler

    scheduler = build_scheduler(tg.services)
    scheduler.start(paused=True)
    try:
        job = {job.id: job for job in scheduler.get_jobs()}["victim_digest"]
    finally:
        scheduler.shutdown(wait=False)
    assert job.func.__module__ == "scheduler.victim_jobs" and job.args == (tg.services,)
    assert "hour='7', minute='45'" in str(job.trigger)
