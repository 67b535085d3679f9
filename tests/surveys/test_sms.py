"""Security surveys by text: SURVEY through the signed Twilio webhook, the officer's proposal
answered with SURVEY YES / NO, the reminder and the cancellation texted; and a Telegram
requester who gets texts is sent the report's one line by SMS (the PDF in the chat, a link
to it in the text)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from core.clock import FrozenClock
from storage.surveys.models import Survey
from tests.conftest import OFFICER_ID
from tests.support.chat import documents
from tests.support.harness import TelegramHarness
from tests.support.sms import post, reply_of, text_form

PHONE = "+12035550177"
ANN = 871

pytestmark = pytest.mark.sms


async def text(http: httpx.AsyncClient, twilio: FakeTwilio, body: str) -> str:
    """Text the service number; returns the reply."""
    answer = reply_of(await post(http, twilio, INBOUND_PATH, text_form(body, PHONE)))
    assert answer is not None
    return answer


async def test_survey_by_text_proposal_answered_by_text(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio, clock: FrozenClock
) -> None:
    assert "text SURVEY, the address and what worries you" in await text(sms, twilio, "SURVEY")
    assert "no proposed visit" in await text(sms, twilio, "SURVEY YES")
    too_long = await text(sms, twilio, "SURVEY 40 Elm St, " + "worried " * 200)
    assert "the limit is 1000" in too_long
    reply = await text(sms, twilio, "survey 40 Elm St, the back door lock is weak")
    assert reply.startswith("Stratford Crime Watch: survey request S-2026-00001 received.")
    assert "Not for emergencies: call 911." in reply
    async with tg.services.db.transaction() as session:
        [survey] = list(await session.scalars(select(Survey)))
    assert (survey.channel, survey.requester_address, survey.kind) == ("sms", PHONE, "residential")
    assert (survey.address, survey.concern) == ("40 Elm St", "the back door lock is weak")
    await tg.send(OFFICER_ID, "/surveys")
    assert "40 Elm St" in tg.last(OFFICER_ID) and PHONE not in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "sv:v:1")
    await tg.press(OFFICER_ID, "sv:p:1")
    assert "none given (asked by text)" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "12/8 10am")
    await tg.deliver()
    [proposal] = twilio.bodies_to(PHONE)
    assert "proposes to visit on Tue Dec 8, 10:00 AM" in proposal
    assert "Reply SURVEY YES to accept or SURVEY NO" in proposal
    booked = await text(sms, twilio, "Survey yes, thank you")
    assert "the visit for S-2026-00001 is booked" in booked
    assert "no proposed visit" in await text(sms, twilio, "SURVEY YES")  # answered already
    async with tg.services.db.transaction() as session:
        [survey] = list(await session.scalars(select(Survey)))  # no request made of the yes
    assert survey.status == "scheduled"
    await tg.deliver()
    assert any("the visit is booked for Tue Dec 8" in b for b in twilio.bodies_to(PHONE))
    clock.advance(days=6)
    await tg.services.due.tick()
    await tg.deliver()
    assert "Reminder: security survey S-2026-00001 is tomorrow" in twilio.bodies_to(PHONE)[-1]
    cancelled = await text(sms, twilio, "SURVEY CANCEL")
    assert "S-2026-00001 is cancelled" in cancelled
    assert "no open survey request" in await text(sms, twilio, "SURVEY CANCEL")
    await tg.deliver()
    assert any("cancelled by you" in b for b in twilio.bodies_to(PHONE))


async def test_a_requester_who_gets_texts_has_the_report_in_one_line(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio, clock: FrozenClock
) -> None:
    await tg.register(ANN, "Ann Smith", phone="(203) 555-0178")
    await tg.send(ANN, "/settings")
    await tg.press(ANN, "set:ch:both")
    await tg.send(ANN, "/survey")
    await tg.press(ANN, "svq:k:boat")
    for answer in ("Stratford Marina", "B-14", "Sea Breeze", "Outboard thefts", "12/8", "12/9"):
        await tg.send(ANN, answer)
    await tg.press(ANN, "svq:done")
    await tg.press(ANN, "svq:send")
    await tg.send(OFFICER_ID, "/surveys S-2026-00001")
    await tg.press(OFFICER_ID, "sv:p:1")
    await tg.send(OFFICER_ID, "12/8 10am")
    await tg.deliver()
    await tg.press(ANN, "svr:a:1:1")
    clock.advance(days=8)
    await tg.send(OFFICER_ID, "/surveys S-2026-00001")
    await tg.press(OFFICER_ID, "sv:f:1")
    assert "<b>Engine and outboard locks</b> (1 of 4)" in tg.last(OFFICER_ID)
    for priority in ("high", "ok", "low", "ok"):
        await tg.press(OFFICER_ID, f"svf:p:{priority}")
        await tg.press(OFFICER_ID, "svf:skip")
    await tg.press(OFFICER_ID, "svf:send")
    await tg.deliver()
    assert any((d.files["document"].file_name or "").endswith(".pdf") for d in documents(tg, ANN))
    summary = twilio.bodies_to("+12035550178")[-1]
    assert summary.startswith("Stratford Crime Watch: Security survey S-2026-00001 is done")
    assert "2 recommendations. Most urgent: Engine and outboard locks." in summary
    # PUBLIC_URL is set in the SMS tests: the line links the PDF (see test_report_link.py).
    assert (
        "The report (PDF, opens for 7 days): https://cw.stratford.example/hooks/files/survey.1."
        in summary
    )
