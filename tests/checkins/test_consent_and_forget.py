"""Consent, the weekly scam warnings and /forget for daily check-ins: a sign-up by someone
else reaches the person's phone only as a question, starts only on their YES (NO ends it);
enrolled people get the week's scam alerts once, unless they turn them off; /forget deletes
the person's check-ins and their place as a contact."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from bot.sandbox.twilio_api import FakeTwilio
from storage.checkins.models import CheckinContact, CheckinEnrollment, CheckinEvent
from tests.checkins.test_sms import RUTH, at, enrolled, text
from tests.checkins.test_telegram import sign_up
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received
from tests.support.harness import TelegramHarness

SIGNER = 700010


async def rows(tg: TelegramHarness, model: type) -> int:
    """How many rows a check-in table holds."""
    async with tg.services.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def sign_up_by_text(tg: TelegramHarness) -> None:
    """A neighbor signs Ruth up by her phone number."""
    await tg.register(SIGNER, "Dana Ruiz")
    await tg.send(SIGNER, "/checkin")
    await tg.press(SIGNER, "chkf:who:other")
    await tg.send(SIGNER, "Ruth Miller")
    await tg.press(SIGNER, "chkf:how:sms")
    await tg.send(SIGNER, "(203) 555-0181")
    await tg.send(SIGNER, "9am")
    await tg.press(SIGNER, "chkf:addr:skip")
    await tg.press(SIGNER, "chkf:start")
    assert "We have texted Ruth Miller" in tg.last(SIGNER)
    await tg.deliver()


@pytest.mark.sms
async def test_only_the_persons_yes_starts_check_ins(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await sign_up_by_text(tg)
    [asked] = twilio.bodies_to(RUTH)
    assert "Dana Ruiz asked us to check on you every day at 9:00 AM" in asked
    assert "Reply YES to start, or NO" in asked
    await at(tg, 2026, 12, 2, 14, 0)
    assert len(twilio.bodies_to(RUTH)) == 1  # nothing but the question before YES
    answer = await text(sms, twilio, "CHECKIN")
    assert answer is not None and "reply YES to start" in answer
    assert await text(sms, twilio, "YES") is None  # Twilio answers its own opt-in keyword
    await tg.deliver()
    assert count_received(tg, SIGNER, "Ruth Miller agreed") == 1
    assert await text(sms, twilio, "YES") is None
    await tg.deliver()
    assert count_received(tg, SIGNER, "Ruth Miller agreed") == 1
    await at(tg, 2026, 12, 3, 14, 0)
    assert "Good morning, Ruth" in twilio.bodies_to(RUTH)[-1]


@pytest.mark.sms
async def test_no_ends_a_sign_up_by_someone_else(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await sign_up_by_text(tg)
    answer = await text(sms, twilio, "NO")
    assert answer is not None and "you won't get daily check-ins" in answer
    await tg.deliver()
    assert count_received(tg, SIGNER, "said no to daily check-ins") == 1
    await at(tg, 2026, 12, 3, 14, 0)
    assert len(twilio.bodies_to(RUTH)) == 1


@pytest.mark.sms
async def test_weekly_scam_warnings_once_and_off(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await tg.send(OFFICER_ID, "/scam Callers pretending to be the sheriff ask for gift cards")
    await tg.press(OFFICER_ID, "alert:send")
    await tg.deliver()
    await at(tg, 2026, 12, 7, 14, 59)  # Monday 9:59 AM: not yet
    assert not any("scam warnings" in b for b in twilio.bodies_to(RUTH))
    await at(tg, 2026, 12, 7, 15, 0)
    await at(tg, 2026, 12, 7, 15, 1)
    digests = [b for b in twilio.bodies_to(RUTH) if "scam warnings" in b]
    assert len(digests) == 1 and "gift cards" in digests[0] and "SCAMS OFF" in digests[0]
    answer = await text(sms, twilio, "SCAMS OFF")
    assert answer is not None and "Weekly scam warnings are off" in answer
    await tg.send(OFFICER_ID, "/scam Fake utility shut-off calls")
    await tg.press(OFFICER_ID, "alert:send")
    await tg.deliver()
    await at(tg, 2026, 12, 14, 15, 0)
    assert len([b for b in twilio.bodies_to(RUTH) if "scam warnings" in b]) == 1


async def test_forget_deletes_check_ins_and_contact_places(tg: TelegramHarness) -> None:
    await sign_up(tg)
    await tg.register(SIGNER, "Dana Ruiz")
    await tg.send(700001, "/checkin")
    await tg.press(700001, "chkm:c:1")
    await tg.send(700001, "Dana Ruiz")
    await tg.press(700001, "chkc:how:link")
    payload = tg.last(700001).split("start=")[1].split()[0]
    await tg.send(SIGNER, f"/start {payload}")
    await tg.press(SIGNER, f"chk:cy:{payload.removeprefix('checkinc-')}")
    assert await rows(tg, CheckinContact) == 1

    await tg.send(SIGNER, "/forget")
    await tg.press(SIGNER, "forget:yes")
    assert await rows(tg, CheckinContact) == 0  # no longer anyone's contact
    assert await rows(tg, CheckinEnrollment) == 1

    await tg.send(700001, "/forget")
    assert "daily check-ins" in tg.last(700001)
    await tg.press(700001, "forget:yes")
    assert await rows(tg, CheckinEnrollment) == 0
    assert await rows(tg, CheckinEvent) == 0
    await at(tg, 2026, 12, 2, 14, 0)
    assert count_received(tg, 700001, "Good morning") == 0
