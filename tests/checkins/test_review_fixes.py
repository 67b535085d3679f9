"""What a review of daily check-ins found, each as a test: "Yes" by text answers the check-in
(though Twilio takes it as an opt-in); INFO is no call for help; a call for help is sent once
however often it is pressed; a call for help typed in the middle of a setting still counts;
names are escaped in replies; an officer taken off the role is no longer on duty; the one who
signed someone up cannot confirm for them; /forget removes what was sent about the person."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bot.sandbox.twilio_api import FakeTwilio
from core.permissions import Actor
from storage.delivery.models import Notification
from tests.checkins.test_sms import DANA, at, enrolled, text
from tests.checkins.test_telegram import RUTH as RUTH_TG
from tests.checkins.test_telegram import link_in, sign_up
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received
from tests.support.harness import TelegramHarness

SECOND_OFFICER = 900002


@pytest.mark.sms
async def test_yes_by_text_answers_the_check_in(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await at(tg, 2026, 12, 2, 14, 0)
    assert await text(sms, twilio, "Yes") is None  # Twilio answers its opt-in keyword
    await at(tg, 2026, 12, 2, 15, 0)
    assert not any("did not answer" in b for b in twilio.bodies_to(DANA))


@pytest.mark.sms
async def test_info_is_no_call_for_help_and_help_alerts_once(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await enrolled(tg, sms, twilio)
    await text(sms, twilio, "INFO")
    await tg.deliver()
    assert not any("asked for help" in b for b in twilio.bodies_to(DANA))
    await text(sms, twilio, "HELP")
    await text(sms, twilio, "HELP")
    await tg.deliver()
    assert len([b for b in twilio.bodies_to(DANA) if "asked for help" in b]) == 1
    assert count_received(tg, OFFICER_ID, "asked for help") == 1


async def test_help_typed_while_changing_a_setting_still_counts(tg: TelegramHarness) -> None:
    await sign_up(tg)
    await at(tg, 2026, 12, 2, 14, 0)
    await tg.send(RUTH_TG, "/checkin")
    await tg.press(RUTH_TG, "chkm:t:1")  # the time question waits for an answer
    await tg.send(RUTH_TG, "I fell in the kitchen, I need help")
    assert "call 911 now" in tg.last(RUTH_TG)
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, "asked for help") == 1
    await tg.press_at_once(RUTH_TG, "chk:help:1")
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, "asked for help") == 1


async def test_names_are_escaped_in_replies(tg: TelegramHarness) -> None:
    await sign_up(tg, name="Ruth <Mills> & Co")
    await at(tg, 2026, 12, 2, 14, 0)
    await tg.press(RUTH_TG, "chk:ok:1")
    assert "Ruth" in tg.last(RUTH_TG) and "checked in" in tg.last(RUTH_TG)


async def test_an_officer_taken_off_the_role_is_off_duty(tg: TelegramHarness) -> None:
    system = Actor.system("tests")
    await tg.services.officers.add(system, SECOND_OFFICER)
    await sign_up(tg)
    await tg.send(SECOND_OFFICER, "/duty")
    await tg.press(SECOND_OFFICER, "chko:duty:on")
    await tg.services.officers.remove(system, SECOND_OFFICER)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 15, 0)
    assert count_received(tg, SECOND_OFFICER, "Check-in not answered") == 0
    assert count_received(tg, OFFICER_ID, "Check-in not answered") == 1


async def test_the_signer_cannot_confirm_for_the_person(tg: TelegramHarness) -> None:
    signer = 700020
    await tg.register(signer, "Dana Ruiz")
    await tg.send(signer, "/checkin")
    await tg.press(signer, "chkf:who:other")
    await tg.send(signer, "Ruth Miller")
    await tg.press(signer, "chkf:how:link")
    await tg.send(signer, "9am")
    await tg.press(signer, "chkf:addr:skip")
    await tg.press(signer, "chkf:start")
    payload = link_in(tg.last(signer), "checkin-")
    await tg.send(signer, f"/start {payload}")
    await tg.press(signer, f"chk:iy:{payload.removeprefix('checkin-')}")
    await at(tg, 2026, 12, 2, 14, 0)
    assert count_received(tg, signer, "Good morning") == 0
    assert (
        await tg.services.checkins.service.invitation(payload.removeprefix("checkin-"))
    ).status == "awaiting"


async def test_forget_removes_what_was_sent_about_the_person(tg: TelegramHarness) -> None:
    await sign_up(tg)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 15, 0)  # the officer gets her name and address
    await tg.send(RUTH_TG, "/forget")
    await tg.press(RUTH_TG, "forget:yes")
    async with tg.services.db.transaction() as session:
        bodies = list(await session.scalars(select(Notification.body_text)))
    assert not any("12 Elm St" in b or "Ruth Miller" in b for b in bodies), bodies
