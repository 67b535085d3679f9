"""Victim assistance by text, through the signed Twilio webhook and the real SmsNotifier on the
fake Twilio: consent first (YES, which Twilio also takes as an opt-in), the resources and
check-ins texted, CALL and NOMORE (asked first), answers reaching the officer and the
officer's reply texted back; a number that opted out gets nothing and the officer is told."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received
from tests.support.due import tick
from tests.support.harness import TelegramHarness
from tests.support.sms import post, reply_of, text_form
from tests.victims.test_followups import followups

PHONE = "+12035550181"

pytestmark = pytest.mark.sms


async def text(
    http: httpx.AsyncClient, twilio: FakeTwilio, body: str, phone: str = PHONE
) -> str | None:
    """Text the service number; returns the reply (None when Twilio answers, as for YES)."""
    return reply_of(await post(http, twilio, INBOUND_PATH, text_form(body, phone)))


async def open_by_phone(tg: TelegramHarness, phone: str, case: str = "26-004600") -> None:
    """/victim for a theft, by phone number, opened."""
    await tg.send(OFFICER_ID, "/victim")
    await tg.press(OFFICER_ID, "vicf:t:theft")
    await tg.send(OFFICER_ID, case)
    await tg.press(OFFICER_ID, "vicf:h:phone")
    await tg.send(OFFICER_ID, phone)
    await tg.press(OFFICER_ID, "vicf:open")
    await tg.deliver()


async def test_consent_first_then_resources_check_ins_call_and_nomore(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await tg.send(OFFICER_ID, "/victim")
    await tg.press(OFFICER_ID, "vicf:t:theft")
    await tg.send(OFFICER_ID, "26-004600")
    await tg.press(OFFICER_ID, "vicf:h:phone")
    await tg.send(OFFICER_ID, "555-01")
    assert "doesn't look like a phone number" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "(203) 555-0181")
    assert "a text to …0181, who must reply YES first" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "vicf:open")
    await tg.deliver()
    [asked] = twilio.bodies_to(PHONE)
    assert asked.startswith("Stratford Crime Watch: ") and "Reply YES to agree" in asked
    assert "case 26-004600" in asked
    assert PHONE not in tg.last(OFFICER_ID)

    # Nothing but the question before YES.
    answer = await text(sms, twilio, "who is this?")
    assert answer is not None and "reply YES" in answer
    assert await text(sms, twilio, "CALL") is not None
    await tg.deliver()
    assert len(twilio.bodies_to(PHONE)) == 1
    assert count_received(tg, OFFICER_ID, "asks you to call") == 0

    assert await text(sms, twilio, "YES") is None  # Twilio answers its own opt-in keyword
    await tg.deliver()
    resources = twilio.bodies_to(PHONE)[-1]
    assert "Help after a crime" in resources and "CALL to be called back" in resources
    assert count_received(tg, OFFICER_ID, "they agreed") == 1
    assert await text(sms, twilio, "YES") is None  # again: nothing new
    await tg.deliver()
    assert len(twilio.bodies_to(PHONE)) == 2

    tg.services.clock.advance(days=2)  # type: ignore[attr-defined]
    await tick(tg)
    checkin = twilio.bodies_to(PHONE)[-1]
    assert "Checking in (case 26-004600)" in checkin and "NOMORE to stop" in checkin

    first = await text(sms, twilio, "call")
    again = await text(sms, twilio, "CALL")
    assert (
        first is not None and "asked Sgt. Kowalski to call you back" in first
    )  # the officer by name
    assert again is not None and "already knows" in again
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, "asks you to call them back") == 1
    assert PHONE in tg.last(OFFICER_ID)

    long = await text(sms, twilio, "word " * 300)
    assert long is not None and "the limit is 1000" in long
    sent = await text(sms, twilio, "The new lock is in, thanks. Any news on my bike?")
    assert sent is not None and "sent to Sgt. Kowalski" in sent
    await tg.deliver()
    assert "Any news on my bike?" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "vic:r:1")
    await tg.send(OFFICER_ID, "Not yet; the property room will call you.")
    await tg.deliver()
    assert "Not yet; the property room will call you." in twilio.bodies_to(PHONE)[-1]

    question = await text(sms, twilio, "NOMORE")
    assert question is not None and "Reply NOMORE YES" in question
    [row] = await followups(tg)
    assert row.status == "active"  # asked first
    done = await text(sms, twilio, "nomore yes")
    assert done is not None and "no more check-ins" in done
    texted = len(twilio.bodies_to(PHONE))
    tg.services.clock.advance(days=40)  # type: ignore[attr-defined]
    await tick(tg)
    assert len(twilio.bodies_to(PHONE)) == texted
    [row] = await followups(tg)
    assert (row.status, row.checkins_sent) == ("stopped", 1)


async def test_no_declines_and_stop_opts_out_and_blocks_a_new_follow_up(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await open_by_phone(tg, PHONE)
    declined = await text(sms, twilio, "No thanks")
    assert declined is not None and "won't text you about this again" in declined
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, "they declined") == 1
    assert len(twilio.bodies_to(PHONE)) == 1  # only the question

    await open_by_phone(tg, PHONE, case="26-004601")
    assert await text(sms, twilio, "STOP") is None
    twilio.opt_out(PHONE)
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, "opted out of our texts (STOP)") == 1
    [_first, second] = await followups(tg)
    assert second.status == "opted_out"

    # A third follow-up for the number is refused before anything is sent.
    await tg.send(OFFICER_ID, "/victim")
    await tg.press(OFFICER_ID, "vicf:t:theft")
    await tg.send(OFFICER_ID, "26-004602")
    await tg.press(OFFICER_ID, "vicf:h:phone")
    await tg.send(OFFICER_ID, PHONE)
    assert "has opted out of our texts (STOP)" in tg.last(OFFICER_ID)
    assert len(await followups(tg)) == 2
    # A member whose number opted out is refused the same way.
    await tg.register(871, "Max Doe", phone="(203) 555-0182")
    assert await text(sms, twilio, "STOP", "+12035550182") is None
    await tg.send(OFFICER_ID, "+1 203 555 0182")
    assert "…0182 has opted out" in tg.last(OFFICER_ID)


async def test_texts_from_numbers_without_a_follow_up_are_left_alone(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    assert "there is no follow-up" in (await text(sms, twilio, "NOMORE") or "")
    usage = await text(sms, twilio, "CALL")
    assert usage is not None and "text TIP" in usage  # the usual answer, not ours
    fix = await text(sms, twilio, "FIX streetlight out at 40 Elm St")
    assert fix is not None and "F-2026-00001" in fix
