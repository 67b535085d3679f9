"""Tips by text message end to end: TIP through the signed Twilio webhook, officers' questions
relayed by SMS through the real SmsNotifier on the fake Twilio, answers threaded back."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from core.clock import FrozenClock
from notifiers.sms_segments import segments
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.rows import deliveries
from tests.support.sms import post, reply_of, text_form
from tests.support.tips import digest, events, officer_asks, relays, tips

PHONE = "+12035550177"
OTHER = "+12035550188"
ANN = 821


pytestmark = pytest.mark.sms


async def text(http: httpx.AsyncClient, twilio: FakeTwilio, body: str, sender: str = PHONE) -> str:
    """Text the service number; returns the reply."""
    answer = reply_of(await post(http, twilio, INBOUND_PATH, text_form(body, sender)))
    assert answer is not None
    return answer


async def test_tip_by_text_relay_and_answers(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    reply = await text(sms, twilio, "TIP Silver SUV casing houses on Elm, plate starts 4RT")
    assert reply.startswith("Stratford Crime Watch: tip T-2026-00001 received (anonymously)")
    assert "reply to answer" in reply and "911" in reply
    [tip] = await tips(tg)
    assert tip.channel == "sms" and tip.anonymous and tip.tipster_member_id is None
    assert tip.text == "Silver SUV casing houses on Elm, plate starts 4RT"
    [relay] = await relays(tg)
    assert (relay.channel, relay.address) == ("sms", PHONE)
    await officer_asks(tg, tip.id, "Which block of Elm?")
    [question] = twilio.bodies_to(PHONE)
    assert question.startswith("Stratford Crime Watch: About your tip T-2026-00001: Which block")
    assert "Reply to this text to answer" in question
    reply = await text(sms, twilio, "The 300 block, near the church")
    assert reply == "Stratford Crime Watch: your message was added to tip T-2026-00001. Thank you."
    await tg.deliver()
    assert "The 300 block, near the church" in tg.api.last_text(OFFICER_ID)
    kinds = [e.kind for e in await events(tg, tip.id)]
    assert kinds == ["filed", "officer_message", "tipster_message"]
    # HELP and STOP keep their meaning for a tipster too, as whole messages.
    assert "Reply STOP to opt out" in await text(sms, twilio, "HELP")
    assert len(await events(tg, tip.id)) == 3
    # A sentence that starts with a keyword is the tipster's words: threaded to the tip, and
    # an emergency in it makes the tip urgent and tells officers at once.
    reply = await text(sms, twilio, "Help! he's back with a knife")
    assert "T-2026-00001" in reply and "911" in reply
    reply = await text(sms, twilio, "Stop sign at Oak is down again, he drove through it")
    assert "T-2026-00001" in reply
    timeline = await events(tg, tip.id)
    assert [e.kind for e in timeline][-2:] == ["tipster_message", "tipster_message"]
    assert (await tips(tg))[0].urgent
    await tg.deliver()
    assert any("knife" in t for t in tg.api.texts(OFFICER_ID))


async def test_texts_thread_under_the_named_or_newest_open_tip(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await text(sms, twilio, "TIP first: dumped mattress on Pine")
    await text(sms, twilio, "TIP second: broken hydrant on Oak")
    first, second = await tips(tg)
    assert "tip T-2026-00002" in await text(sms, twilio, "It is leaking a lot now")
    assert "tip T-2026-00001" in await text(sms, twilio, "About T-2026-00001: it's gone")
    assert [e.kind for e in await events(tg, first.id)][-1] == "tipster_message"
    await tg.send(OFFICER_ID, "/tip T-2026-00002")
    await tg.press(OFFICER_ID, f"tip:x:{second.id}")
    await tg.press(OFFICER_ID, f"tip:o:{second.id}:resolved")
    await tg.send(OFFICER_ID, "/tip T-2026-00001")
    await tg.press(OFFICER_ID, f"tip:s:{first.id}")
    await tg.press(OFFICER_ID, f"tip:sy:{first.id}")
    await tg.deliver()
    assert "Your tip T-2026-00002 is closed: Resolved. Thank you." in twilio.bodies_to(PHONE)[0]
    # No open tip left: a text is not an answer, the usual reply comes instead.
    assert "text TIP and what you saw" in await text(sms, twilio, "hello?")
    assert "text TIP and what you saw" in await text(sms, twilio, "hello?", sender=OTHER)


async def test_sms_emergency_empty_and_too_many(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    reply = await text(sms, twilio, "tip someone is breaking into my neighbor's house right now")
    assert reply.startswith("If this is an emergency, call 911 now. Stratford Crime Watch:")
    assert "Officers have been alerted" in reply
    await tg.deliver()
    assert "URGENT tip T-2026-00001" in tg.api.last_text(OFFICER_ID)
    assert "to send a tip, text TIP and what you saw" in await text(sms, twilio, "TIP")
    assert "to send a tip" in await text(sms, twilio, "tip   ")
    tg.services.settings.tips_per_hour = 2
    await text(sms, twilio, "TIP second")
    reply = await text(sms, twilio, "TIP third")
    assert "You've sent 2 in the last hour" in reply and reply.count("911") == 1
    assert len(await tips(tg)) == 2
    assert "received" in await text(sms, twilio, "TIP from another number", sender=OTHER)


async def test_a_member_may_choose_named_tips_by_text(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    await tg.register(ANN, "Ann Lee", phone=PHONE)
    assert "(anonymously)" in await text(sms, twilio, "TIP anonymous by default")
    await tg.send(ANN, "/mytips")
    assert "sent <b>anonymously</b>" in tg.last(ANN)
    await tg.press(ANN, "tip:sms:on")
    assert "sent <b>with your name</b>" in tg.last(ANN)
    assert "(with your name)" in await text(sms, twilio, "TIP named this time")
    first, second = await tips(tg)
    member = await tg.services.members.by_telegram(ANN)
    assert member is not None
    assert (first.anonymous, first.tipster_name) == (True, None)
    assert (second.anonymous, second.tipster_name, second.tipster_member_id) == (
        False,
        "Ann Lee",
        member.id,
    )
    # SMS tips are linked to the number, not to the Telegram chat.
    assert "T-2026-00002" not in tg.last(ANN)


async def test_sms_relay_addresses_are_scrubbed_after_delivery(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio, clock: FrozenClock
) -> None:
    await text(sms, twilio, "TIP loose dog pack near the school")
    [tip] = await tips(tg)
    await officer_asks(tg, tip.id, "What time do they come?")
    assert any(d.address == PHONE for d in await deliveries(tg))
    await digest(tg, clock)
    assert not any(d.address == PHONE for d in await deliveries(tg))


async def test_a_text_twilio_sends_again_files_one_tip(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    """Twilio retries a webhook whose answer was late or failed, with the same MessageSid: the
    retry gets the same reply and files nothing more."""
    form = text_form("TIP Truck dumping tires behind the school", sid="SM" + "a" * 32)
    first, again = await asyncio.gather(
        post(sms, twilio, INBOUND_PATH, form), post(sms, twilio, INBOUND_PATH, form)
    )
    later = await post(sms, twilio, INBOUND_PATH, form)
    assert reply_of(first) == reply_of(again) == reply_of(later)
    assert len(await tips(tg)) == 1


async def test_a_text_that_is_no_keyword_hears_of_every_service_by_text(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    reply = await text(sms, twilio, "what is this number?")
    for offer in ("text TIP and what you saw", "FIX and a place", "SURVEY and your address"):
        assert offer in reply, reply
    assert "TALK for a safety talk" in reply and "or CHECKIN and a time" in reply
    assert "911" in reply and "STOP" in reply
    assert "coming soon" not in reply and "CALL" not in reply  # follow-ups' words are private
    assert segments(reply) <= 2
