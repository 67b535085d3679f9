"""The daily limit on tips (TIPS_PER_DAY in any 24 hours from one chat or number), through
the real Application and by text: counted from the tips' own HMAC rate marks, so no tip is
tied to anyone; the refusal says when more can be sent and 911; it is audited once per
window naming nobody; officers are not limited; 0 means no limit."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from core.clock import FrozenClock
from storage.audit.models import AuditEntry
from storage.tips.models import Tip, TipRateMark
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.rows import audit_rows
from tests.support.sms import post, reply_of, text_form

ANN = 881
PHONE = "+12035550188"


async def tip_count(tg: TelegramHarness) -> int:
    """How many tips are stored."""
    async with tg.services.db.transaction() as session:
        return int(await session.scalar(select(func.count(Tip.id))) or 0)


async def refusals(tg: TelegramHarness) -> list[AuditEntry]:
    """The audit's refusals of the daily limit."""
    return [
        r
        for r in await audit_rows(tg)
        if r.action == "tip.file" and r.outcome == "refused" and r.target == "24-hour limit"
    ]


async def test_a_chat_past_the_daily_limit_hears_when_and_is_audited_as_nobody(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    tg.services.settings.tips_per_day = 3
    await tg.register(ANN, "Ann Smith")
    for n in range(3):
        await tg.send(ANN, f"/tip Number {n}: the same van again on Maple")
        assert "Your tip is in" in tg.last(ANN)
        clock.advance(hours=2)  # past the hourly limit's window each time
    await tg.send(ANN, "/tip A fourth one")
    refusal = tg.last(ANN)
    assert "You've sent 3 tips in the last 24 hours" in refusal
    assert "You can send more from Wed Dec 2, 10:00 AM" in refusal and "call 911" in refusal
    await tg.send(ANN, "/tip")  # the guided form refuses before anything is typed
    assert "You've sent 3 tips" in tg.last(ANN)
    assert await tip_count(tg) == 3
    [row] = await refusals(tg)  # twice refused, once audited
    assert row.actor_telegram_id is None and row.actor_label == "an anonymous tipster"
    for entry in await audit_rows(tg):
        text = f"{entry.actor_label} {entry.target} {entry.detail}"
        assert "Ann" not in text and str(ANN) not in text
    async with tg.services.db.transaction() as session:
        keys = set(await session.scalars(select(TipRateMark.key)))
    assert len(keys) == 1 and str(ANN) not in next(iter(keys))

    clock.advance(hours=18)  # Wednesday 10:00: the first tip has left the window
    await tg.send(ANN, "/tip Now it is a day later")
    assert "Your tip is in: T-2026-00004" in tg.last(ANN)


async def test_officers_are_not_limited_and_zero_means_no_limit(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    tg.services.settings.tips_per_day = 1
    for n in range(2):
        await tg.send(OFFICER_ID, f"/tip Officer's own note {n}")
        assert "Your tip is in" in tg.last(OFFICER_ID)
    await tg.send(ANN, "/tip One")
    await tg.send(ANN, "/tip Two")
    assert "You've sent 1 tip in the last 24 hours" in tg.last(ANN)
    tg.services.settings.tips_per_day = 0
    await tg.send(ANN, "/tip Two")
    assert "Your tip is in" in tg.last(ANN) and await tip_count(tg) == 4


@pytest.mark.sms
async def test_by_text_the_number_is_limited_and_the_audit_names_nobody(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio, clock: FrozenClock
) -> None:
    tg.services.settings.tips_per_day = 2

    async def text(body: str) -> str:
        answer = reply_of(await post(sms, twilio, INBOUND_PATH, text_form(body, PHONE)))
        assert answer is not None
        return answer

    assert "T-2026-00001" in await text("TIP dumped mattress on Pine")
    clock.advance(hours=2)
    assert "T-2026-00002" in await text("TIP broken hydrant on Oak")
    refusal = await text("TIP and a third thing on Elm")
    assert "You've sent 2 tips in the last 24 hours" in refusal
    assert "Wed Dec 2, 10:00 AM" in refusal and "call 911" in refusal
    await text("TIP and a fourth")
    assert await tip_count(tg) == 2
    [row] = await refusals(tg)
    assert row.actor_label == "an anonymous tipster"
    for entry in await audit_rows(tg):
        assert "0188" not in f"{entry.actor_label} {entry.target} {entry.detail}"
    clock.advance(hours=22)
    assert "T-2026-00003" in await text("TIP and a third thing on Elm")
