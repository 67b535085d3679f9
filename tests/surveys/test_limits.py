"""The per-person limit on survey requests (SURVEY_REQUESTS_PER_DAY, 3 by default) through
the real Application and by text: /survey refused at once past it with when more can be sent
and 911, nothing stored, the refusal audited once per window, officers not limited."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from core.clock import FrozenClock
from storage.surveys.models import Survey
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.rows import audit_rows
from tests.support.sms import post, reply_of, text_form
from tests.surveys.test_surveys import ask_home

ANN = 891
PHONE = "+12035550191"


async def count(tg: TelegramHarness) -> int:
    """How many survey requests are stored."""
    async with tg.services.db.transaction() as session:
        return int(await session.scalar(select(func.count(Survey.id))) or 0)


async def refused(tg: TelegramHarness) -> int:
    """How many limit refusals the audit holds."""
    return sum(
        r.action == "survey.file" and r.outcome == "refused" and r.target == "24-hour limit"
        for r in await audit_rows(tg)
    )


async def test_three_requests_a_day_then_a_friendly_refusal(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await tg.register(ANN, "Ann Smith")
    for address in ("40 Elm St", "12 Oak St", "3 Pine St"):
        await ask_home(tg, ANN, address)
    assert await count(tg) == 3
    clock.advance(hours=2)
    await tg.send(ANN, "/survey")
    refusal = tg.last(ANN)
    assert "You've sent 3 survey requests in the last 24 hours" in refusal
    assert "Wed Dec 2, 10:00 AM" in refusal and "call 911" in refusal
    await tg.send(ANN, "/survey")
    assert await count(tg) == 3 and await refused(tg) == 1
    for _ in range(4):  # officers are not limited
        await ask_home(tg, OFFICER_ID)
    assert await count(tg) == 7


@pytest.mark.sms
async def test_by_text_too(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio, clock: FrozenClock
) -> None:
    tg.services.settings.survey_requests_per_day = 1

    async def text(body: str) -> str:
        answer = reply_of(await post(sms, twilio, INBOUND_PATH, text_form(body, PHONE)))
        assert answer is not None
        return answer

    assert "received" in await text("SURVEY 40 Elm St, the back door lock is weak")
    refusal = await text("SURVEY 12 Oak St, and the windows")
    assert "You've sent 1 survey request in the last 24 hours" in refusal
    assert "call 911" in refusal and await count(tg) == 1 and await refused(tg) == 1
    clock.advance(hours=24)
    assert "received" in await text("SURVEY 12 Oak St, and the windows")
