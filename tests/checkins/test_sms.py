"""Daily check-ins by text, through the signed Twilio webhook and the real SmsNotifier on the
fake Twilio, on the frozen clock: CHECKIN signs up, CONTACT adds a contact, the prompt comes
at the time, any reply answers it, silence brings the second prompt, then the contacts, then
the officer; GOT from a contact stops the officer being asked; HELP is a call for help; STOP
stops everything and the contacts are told."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received
from tests.support.due import tick, utc
from tests.support.harness import TelegramHarness
from tests.support.sms import post, reply_of, text_form

RUTH = "+12035550181"
DANA = "+12035550142"

pytestmark = pytest.mark.sms


async def text(
    http: httpx.AsyncClient, twilio: FakeTwilio, body: str, phone: str = RUTH
) -> str | None:
    """Text the service number; returns the reply (None when Twilio answers)."""
    return reply_of(await post(http, twilio, INBOUND_PATH, text_form(body, phone)))


async def at(tg: TelegramHarness, *parts: int) -> None:
    """Move the clock to a UTC moment and run the minute job."""
    tg.services.clock.set(utc(*parts))  # type: ignore[attr-defined]
    await tick(tg)


async def enrolled(tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio) -> None:
    """Ruth signs up for 9 AM by text and names Dana."""
    answer = await text(sms, twilio, "CHECKIN 9am Ruth Miller")
    assert answer is not None and "every day at 9:00 AM" in answer, answer
    answer = await text(sms, twilio, "CONTACT Dana Ruiz (203) 555-0142")
    assert answer is not None and "Dana Ruiz is now a contact" in answer, answer
    await tg.deliver()
    [told] = twilio.bodies_to(DANA)
    assert "Ruth Miller named you as a contact" in told


async def test_reply_in_time_answers_and_nobody_is_told(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 13, 59)
    assert twilio.bodies_to(RUTH) == []
    await at(tg, 2026, 12, 2, 14, 0)  # 9:00 AM in New York
    [prompt] = twilio.bodies_to(RUTH)
    assert "Good morning, Ruth" in prompt and "reply OK" in prompt
    answer = await text(sms, twilio, "ok thanks")
    assert answer is not None and "you're checked in for today" in answer
    await at(tg, 2026, 12, 2, 16, 0)
    assert len(twilio.bodies_to(RUTH)) == 1
    assert len(twilio.bodies_to(DANA)) == 1  # only the notice that she is a contact
    assert count_received(tg, OFFICER_ID, "check-in") == 0


async def test_silence_then_contact_takes_it_and_the_officer_is_not_told(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 14, 30)  # half the window: the second prompt
    assert len(twilio.bodies_to(RUTH)) == 2
    assert "we haven't heard from you" in twilio.bodies_to(RUTH)[-1]
    await at(tg, 2026, 12, 2, 15, 0)  # the window ends: Dana is asked
    missed = twilio.bodies_to(DANA)[-1]
    assert "Ruth Miller did not answer the 9:00 AM on Wed Dec 2 check-in" in missed
    assert "Reply GOT" in missed
    answer = await text(sms, twilio, "GOT", phone=DANA)
    assert answer is not None and "checking on Ruth" in answer
    again = await text(sms, twilio, "got it", phone=DANA)
    assert again is not None and "already checking" in again
    await at(tg, 2026, 12, 2, 15, 31)
    assert count_received(tg, OFFICER_ID, "Check-in not answered") == 0


async def test_nobody_takes_it_and_the_officer_is_told_then_a_late_answer(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 15, 0)
    await at(tg, 2026, 12, 2, 15, 29)
    assert count_received(tg, OFFICER_ID, "Check-in not answered") == 0
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, OFFICER_ID, "Check-in not answered") == 1
    assert "Ruth Miller did not answer" in tg.last(OFFICER_ID)
    await text(sms, twilio, "sorry I was in the garden")
    await tg.deliver()
    assert "has answered" in twilio.bodies_to(DANA)[-1]
    assert "has answered" in tg.last(OFFICER_ID)


async def test_bare_help_is_a_call_for_help(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    answer = await text(sms, twilio, "HELP")
    assert answer is not None and "Reply STOP" in answer  # the HELP text still goes out
    await tg.deliver()
    assert "asked for help" in twilio.bodies_to(DANA)[-1]
    assert count_received(tg, OFFICER_ID, "asked for help") == 1


async def test_stop_stops_the_check_ins_and_tells_the_contacts(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    assert await text(sms, twilio, "STOP") is None
    await tg.deliver()
    assert "including the daily check-ins" in twilio.bodies_to(DANA)[-1]
    await at(tg, 2026, 12, 2, 14, 0)
    assert twilio.bodies_to(RUTH) == []


async def test_telegram_person_adds_text_messages_and_gets_both(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    from tests.checkins.test_telegram import RUTH as RUTH_TG
    from tests.checkins.test_telegram import sign_up

    await sign_up(tg)  # her Telegram account, registered with +12035550181
    await tg.send(RUTH_TG, "/checkin")
    await tg.press(RUTH_TG, "chkm:ch:1")
    await tg.press(RUTH_TG, "chkm:ch:1:both")
    assert "By Telegram and text" in tg.last(RUTH_TG)
    await at(tg, 2026, 12, 2, 14, 0)
    assert "Good morning, Ruth" in tg.last(RUTH_TG)
    assert "Good morning, Ruth" in twilio.bodies_to(RUTH)[-1]
    answer = await text(sms, twilio, "OK")  # either channel answers it
    assert answer is not None and "checked in" in answer
    await tg.press(RUTH_TG, "chk:ok:1")
    assert count_received(tg, RUTH_TG, "you're checked in") == 0
