"""Talks by text: TALK through the signed Twilio webhook (a short text version, no buttons),
each step texted back through the real SmsNotifier on the fake Twilio, and a suggested
topic answered with TALK YES or TALK NO."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from storage.talks.models import TalkRequest
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.sms import post, reply_of, text_form

PHONE = "+12035550177"

pytestmark = pytest.mark.sms


async def text(http: httpx.AsyncClient, twilio: FakeTwilio, body: str) -> str:
    """Text the service number; returns the reply."""
    answer = reply_of(await post(http, twilio, INBOUND_PATH, text_form(body, PHONE)))
    assert answer is not None
    return answer


async def test_talk_by_text_is_filed_and_each_step_texted(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    assert "text TALK, the topic, who it is for" in await text(sms, twilio, "TALK")
    assert "the limit is 500" in await text(sms, twilio, "TALK " + "scams " * 100)
    reply = await text(sms, twilio, "talk Scams for our church seniors, 40 people, Dec 15")
    assert reply.startswith("Stratford Crime Watch: talk request P-2026-00001 received.")
    async with tg.services.db.transaction() as session:
        [request] = list(await session.scalars(select(TalkRequest)))
    assert (request.topic, request.channel, request.requester_address) == ("scams", "sms", PHONE)
    assert request.note == "Scams for our church seniors, 40 people, Dec 15"
    await tg.send(OFFICER_ID, "/talks")
    assert "P-2026-00001" in tg.last(OFFICER_ID) and PHONE not in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "talk:v:1")
    assert "Scams for our church seniors" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "talk:s:1")
    await tg.press(OFFICER_ID, "talk:st:1:elderly")
    await tg.deliver()
    [suggested] = twilio.bodies_to(PHONE)
    assert "officers suggest Protection for elderly and disabled people" in suggested
    assert "TALK YES P-2026-00001" in suggested
    assert "keeps its topic" in await text(sms, twilio, "TALK NO P-2026-00001")
    assert "waits for no answer now" in await text(sms, twilio, "TALK YES P-2026-00001")
    assert "no longer there" in await text(sms, twilio, "TALK YES P-2026-00009")
    # Accepted: a texted request has no place, so the officer gives one.
    await tg.press(OFFICER_ID, "talk:a:1")
    await tg.send(OFFICER_ID, "12/15 7pm")
    assert "Where will it be?" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "St Mark's Church hall")
    await tg.press(OFFICER_ID, "talk:o:public")
    await tg.deliver()
    told = twilio.bodies_to(PHONE)[-1]
    assert told.startswith("Stratford Crime Watch: Your request P-2026-00001 (Frauds, cons")
    assert "Tue Dec 15, 7:00 PM at St Mark's Church hall, open to the public" in told
    urgent = await text(sms, twilio, "TALK someone is breaking in next door")
    assert urgent.startswith("If this is an emergency, call 911 now.") and "P-2026-00002" in urgent
