"""Environment reports by text: FIX through the signed Twilio webhook, the status changes
texted back through the real SmsNotifier on the fake Twilio."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from storage.cpted.models import FixReport
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.sms import post, reply_of, text_form

PHONE = "+12035550166"

pytestmark = pytest.mark.sms


async def text(http: httpx.AsyncClient, twilio: FakeTwilio, body: str) -> str:
    """Text the service number; returns the reply."""
    answer = reply_of(await post(http, twilio, INBOUND_PATH, text_form(body, PHONE)))
    assert answer is not None
    return answer


async def test_fix_by_text_is_filed_and_its_reporter_texted_each_status(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    assert "text FIX, what it is and where" in await text(sms, twilio, "FIX")
    too_long = await text(sms, twilio, "FIX " + "streetlight out " * 40)
    assert "the limit is 500" in too_long
    reply = await text(sms, twilio, "fix Streetlight out at 40 Elm St, whole block dark")
    assert reply.startswith("Stratford Crime Watch: report F-2026-00001 received.")
    assert "Not for emergencies: call 911." in reply
    async with tg.services.db.transaction() as session:
        [report] = list(await session.scalars(select(FixReport)))
    assert (report.kind, report.channel, report.reporter_address) == ("light", "sms", PHONE)
    assert report.note == "Streetlight out at 40 Elm St, whole block dark"
    await tg.send(OFFICER_ID, "/fixes")
    assert "Streetlight out at 40 Elm St" in tg.last(OFFICER_ID)
    assert PHONE not in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "fix:v:1")
    await tg.press(OFFICER_ID, "fix:s:1:public_works")
    await tg.deliver()
    [told] = twilio.bodies_to(PHONE)
    assert told.startswith("Stratford Crime Watch: Your report F-2026-00001")
    assert "sent to public works" in told
    urgent = await text(sms, twilio, "FIX someone is breaking in to the vacant house on Oak St")
    assert urgent.startswith("If this is an emergency, call 911 now. To tell the police now")
    assert "F-2026-00002" in urgent
