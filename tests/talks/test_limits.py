"""The per-person limit on talk requests (TALK_REQUESTS_PER_DAY, 3 by default) through the
real Application and by text: /talk refused at once past it with when more can be sent and
911, nothing stored, the refusal audited once per window; 0 means no limit."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from core.clock import FrozenClock
from storage.talks.models import TalkRequest
from tests.support.harness import TelegramHarness
from tests.support.rows import audit_rows
from tests.support.sms import post, reply_of, text_form
from tests.talks.test_talks import ask

ANN = 892
PHONE = "+12035550192"


async def count(tg: TelegramHarness) -> int:
    """How many talk requests are stored."""
    async with tg.services.db.transaction() as session:
        return int(await session.scalar(select(func.count(TalkRequest.id))) or 0)


async def refused(tg: TelegramHarness) -> int:
    """How many limit refusals the audit holds."""
    return sum(
        r.action == "talk.file" and r.outcome == "refused" and r.target == "24-hour limit"
        for r in await audit_rows(tg)
    )


async def test_three_requests_a_day_then_a_friendly_refusal(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    for _ in range(3):
        await ask(tg, ANN)
        await tg.press(ANN, "talkf:send")
    assert await count(tg) == 3
    await tg.send(ANN, "/talk")
    refusal = tg.last(ANN)
    assert "You've sent 3 talk requests in the last 24 hours" in refusal
    assert "Wed Dec 2, 10:00 AM" in refusal and "call 911" in refusal
    await tg.send(ANN, "/talk")
    assert await count(tg) == 3 and await refused(tg) == 1
    tg.services.settings.talk_requests_per_day = 0
    await ask(tg, ANN)
    await tg.press(ANN, "talkf:send")
    assert await count(tg) == 4


@pytest.mark.sms
async def test_by_text_too(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio, clock: FrozenClock
) -> None:
    tg.services.settings.talk_requests_per_day = 1

    async def text(body: str) -> str:
        answer = reply_of(await post(sms, twilio, INBOUND_PATH, text_form(body, PHONE)))
        assert answer is not None
        return answer

    assert "received" in await text("TALK Scams for our church seniors, 40 people, Dec 15")
    refusal = await text("TALK Burglary for the block, 20 people, Dec 16")
    assert "You've sent 1 talk request in the last 24 hours" in refusal
    assert "call 911" in refusal and await count(tg) == 1 and await refused(tg) == 1
    clock.advance(hours=24)
    assert "received" in await text("TALK Burglary for the block, 20 people, Dec 16")
