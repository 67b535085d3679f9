"""SMS end to end: members' channel choices, fallback from a blocked bot, opt-outs mirrored,
status callbacks, and segment-based estimates — the real SmsNotifier on the fake Twilio."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import STATUS_PATH, sms_routes
from core.clock import FrozenClock
from core.delivery.sms_inbound import SmsInbound
from core.settings import Settings
from tests.conftest import OFFICER_ID
from tests.support.chat import received
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, CAT, DAN, neighborhood
from tests.support.rows import deliveries
from tests.support.sms import add_sms_channel, twilio_settings

BOB_PHONE = "+12035550142"  # every test resident registers with this number by default
PUBLIC_URL = "https://cw.example.org"


@pytest.fixture
def twilio() -> FakeTwilio:
    return FakeTwilio()


@pytest.fixture
def settings(twilio: FakeTwilio) -> Settings:
    """Twilio configured: SMS is on."""
    return twilio_settings(twilio, PUBLIC_URL)


@pytest.fixture
async def sms(tg: TelegramHarness, twilio: FakeTwilio) -> AsyncIterator[FakeTwilio]:
    notifier = add_sms_channel(tg, twilio, PUBLIC_URL)
    yield twilio
    await notifier.close()
    assert twilio.violations == []


async def alert(tg: TelegramHarness, text: str) -> None:
    await tg.send(OFFICER_ID, f"/alert urgent all {text}")
    await tg.press(OFFICER_ID, "alert:send")
    await tg.deliver()


async def test_channel_choice_sms_and_both(tg: TelegramHarness, sms: FakeTwilio) -> None:
    await neighborhood(tg, extra=False)
    await tg.send(BOB, "/settings")
    await tg.press(BOB, "set:ch:sms")
    assert "Channel: <b>SMS</b>" in tg.last(BOB)
    await tg.send(OFFICER_ID, "/alert all Water main break on Elm")
    assert "Telegram 3, SMS 1" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "alert:send")
    await tg.deliver()
    assert not received(tg, BOB, "Water main")
    assert sms.bodies_to(BOB_PHONE) == [
        "Stratford Crime Watch: Water main break on Elm\n- Crime Prevention Unit"
    ]
    message = sms.messages[-1]
    assert message["status_callback"] == f"{PUBLIC_URL}{STATUS_PATH}"
    sid = [r for r in await deliveries(tg) if r.channel == "sms"][-1].provider_id
    assert sid == message["sid"]
    await tg.press(BOB, "set:ch:both")
    await alert(tg, "Second")
    assert received(tg, BOB, "Second") and any("Second" in b for b in sms.bodies_to(BOB_PHONE))


async def test_blocked_bot_falls_back_to_sms_when_allowed(
    tg: TelegramHarness, sms: FakeTwilio
) -> None:
    await neighborhood(tg, extra=False)
    await tg.send(CAT, "/settings")
    await tg.press(CAT, "set:fb:off")  # Cat does not want texts instead
    tg.api.block_user(BOB)
    tg.api.block_user(CAT)
    await alert(tg, "Fallback test")
    assert len([b for b in sms.bodies_to(BOB_PHONE) if "Fallback test" in b]) == 1
    statuses = {(r.member_id, r.channel): r.status for r in await deliveries(tg)}
    bob = await tg.services.members.by_telegram(BOB)
    cat = await tg.services.members.by_telegram(CAT)
    assert bob is not None and cat is not None
    assert statuses[(bob.id, "telegram")] == "failed" and statuses[(bob.id, "sms")] == "sent"
    assert (cat.id, "sms") not in statuses
    # Next time Bob is planned straight onto SMS (his Telegram is known to be blocked).
    await tg.send(OFFICER_ID, "/alert all Next")
    assert "SMS 1" in tg.last(OFFICER_ID) and "member blocked the bot" in tg.last(OFFICER_ID)


async def test_opted_out_number_is_mirrored_and_skipped(
    tg: TelegramHarness, sms: FakeTwilio
) -> None:
    await neighborhood(tg, extra=False)
    await tg.send(BOB, "/settings")
    await tg.press(BOB, "set:ch:sms")
    sms.opt_out(BOB_PHONE)
    await alert(tg, "Opt-out test")
    bob = await tg.services.members.by_telegram(BOB)
    assert bob is not None and bob.sms_status == "opted_out"
    failed = [r for r in await deliveries(tg) if r.channel == "sms"][-1]
    assert failed.status == "failed" and "21610" in failed.reason
    await tg.send(OFFICER_ID, "/alert all again")
    assert "phone number opted out" in tg.last(OFFICER_ID)
    await tg.send(BOB, "/settings")
    await tg.press(BOB, "set:ch:sms")
    answer = tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    assert "START" in answer


async def test_status_callback_marks_delivered_in_the_report(
    tg: TelegramHarness, sms: FakeTwilio
) -> None:
    await neighborhood(tg, extra=False)
    await tg.send(BOB, "/settings")
    await tg.press(BOB, "set:ch:sms")
    await alert(tg, "Callback test")
    sid = sms.messages[-1]["sid"]
    inbound = SmsInbound(tg.services.db, tg.services.clock, "Stratford Crime Watch", None)
    app = Starlette(routes=sms_routes(inbound, PUBLIC_URL, sms.auth_token))
    form = {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": sms.account_sid}
    signature = sms.sign(f"{PUBLIC_URL}{STATUS_PATH}", form)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL) as c:
        bad = await c.post(STATUS_PATH, data=form, headers={"X-Twilio-Signature": "forged"})
        assert bad.status_code == 403
        ok = await c.post(STATUS_PATH, data=form, headers={"X-Twilio-Signature": signature})
        assert ok.status_code == 200
    notification = [r for r in await deliveries(tg) if r.channel == "sms"][-1].notification_id
    await tg.send(OFFICER_ID, f"/report {notification}")
    assert "<b>Text message (SMS)</b>: 1 delivered" in tg.last(OFFICER_ID)


async def test_preview_estimates_sms_time_in_segments(tg: TelegramHarness, sms: FakeTwilio) -> None:
    await neighborhood(tg, extra=False)
    for uid in (ANN, BOB, CAT, DAN):
        await tg.send(uid, "/settings")
        await tg.press(uid, "set:ch:sms")
    tg.services.settings.sms_segments_per_second = 1  # a US long code
    long_text = "Package thefts reported on several streets this week. " * 6  # > 1 segment
    await tg.send(OFFICER_ID, f"/alert all {long_text}")
    preview = tg.last(OFFICER_ID)
    assert "SMS 4" in preview
    # 4 texts of 3 segments each at 1 segment per second.
    assert "about 12 s" in preview


async def test_an_sms_whose_answer_never_came_is_found_in_twilios_list_not_sent_twice(
    tg: TelegramHarness, sms: FakeTwilio
) -> None:
    """Twilio created the message but our request timed out: the worker asks Twilio's message
    list, records it sent with its SID, and sends nothing again."""
    await neighborhood(tg, extra=False)
    await tg.send(BOB, "/settings")
    await tg.press(BOB, "set:ch:sms")
    sms.timeout_next(after_delivery=True)
    await alert(tg, "Boil water notice for Oak Park")
    await tg.deliver()
    bodies = [b for b in sms.bodies_to(BOB_PHONE) if "Boil water" in b]
    assert len(bodies) == 1
    [row] = [d for d in await deliveries(tg) if d.channel == "sms"]
    assert row.status == "sent" and row.provider_id == sms.messages[-1]["sid"]


async def test_a_twilio_429_storm_pauses_sms_and_everyone_is_reached(
    tg: TelegramHarness, sms: FakeTwilio, clock: FrozenClock
) -> None:
    """Twilio answers 20429 (too many requests) with Retry-After: nothing more goes to Twilio
    until it has passed, then every text goes out once."""
    await neighborhood(tg, extra=False)
    for uid in (ANN, BOB, CAT, DAN):
        await tg.send(uid, "/settings")
        await tg.press(uid, "set:ch:sms")
    sms.fail_next(20429, status=429, retry_after=30, times=2)
    await alert(tg, "Storm SMS test")
    requests_in_pause = len(sms.requests)
    clock.advance(seconds=10)
    await tg.deliver()
    assert len(sms.requests) == requests_in_pause  # still inside the announced pause
    clock.advance(seconds=25)
    await tg.deliver()
    clock.advance(seconds=60)
    await tg.deliver()
    assert len([b for b in sms.bodies_to(BOB_PHONE) if "Storm SMS test" in b]) == 4
    statuses = [d.status for d in await deliveries(tg) if d.channel == "sms"]
    assert statuses == ["sent"] * 4
