"""The per-person limit on environment reports (FIX_REQUESTS_PER_DAY in any 24 hours):
through the real Application and by text, a friendly refusal that says when more can be sent
and 911 for emergencies, nothing stored past the limit, the refusal audited once per window,
officers not limited, and 0 meaning no limit."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from core.clock import FrozenClock
from core.cpted.rules import FixDraft, Reporter
from storage.cpted.models import FixReport
from tests.conftest import OFFICER_ID
from tests.cpted.test_fixes import file_by_address
from tests.support.harness import TelegramHarness
from tests.support.rows import audit_rows
from tests.support.sms import post, reply_of, text_form

ANN = 871
PHONE = "+12035550166"


async def count(tg: TelegramHarness) -> int:
    """How many reports are stored."""
    async with tg.services.db.transaction() as session:
        return len(list(await session.scalars(select(FixReport))))


async def limit_refusals(tg: TelegramHarness) -> list[str]:
    """The audit's refusals of the limit, by actor label."""
    return [
        r.actor_label
        for r in await audit_rows(tg)
        if r.action == "fix.file" and r.outcome == "refused" and r.target == "24-hour limit"
    ]


async def test_a_resident_past_the_limit_hears_when_they_can_send_more(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    tg.services.settings.fix_requests_per_day = 2
    await tg.register(ANN, "Ann Smith")
    await file_by_address(tg, ANN)
    clock.advance(hours=3)  # Tuesday 1 PM
    await file_by_address(tg, ANN, place="12 Oak St")
    assert await count(tg) == 2
    clock.advance(hours=1)
    await tg.send(ANN, "/fix")  # refused at once, before anything is typed
    refusal = tg.last(ANN)
    assert "You've sent 2 environment reports in the last 24 hours" in refusal
    assert "You can send more from Wed Dec 2, 10:00 AM" in refusal
    assert "call 911" in refusal
    await tg.send(ANN, "/fix")  # again, within the audit's window
    assert "You've sent 2" in tg.last(ANN) and await count(tg) == 2
    assert len(await limit_refusals(tg)) == 1
    [label] = await limit_refusals(tg)
    assert "Ann" not in label and f"tg {ANN}" in label

    clock.advance(hours=20)  # Wednesday 10:00: the first has left the window
    await file_by_address(tg, ANN, place="3 Pine St")
    assert "Your report is in" in tg.last(ANN) and await count(tg) == 3
    await tg.send(ANN, "/fix")
    assert "You can send more from Wed Dec 2, 1:00 PM" in tg.last(ANN)
    assert await count(tg) == 3


async def test_a_report_typed_before_the_limit_was_reached_is_refused_at_send(
    tg: TelegramHarness,
) -> None:
    tg.services.settings.fix_requests_per_day = 1
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/fix")  # started while still allowed...
    await tg.press(ANN, "fixf:k:graffiti")
    await tg.send(ANN, "40 Elm St")
    await tg.press(ANN, "fixf:skip")
    await tg.press(ANN, "fixf:skip")
    # ...and meanwhile the same person files one by another way (a second device).
    await tg.services.fixes.reports.file(
        FixDraft(kind="light", place="1 Oak St"), Reporter.telegram(ANN, ANN)
    )
    assert await count(tg) == 1
    await tg.press(ANN, "fixf:send")
    alert = tg.api.calls_to("answerCallbackQuery")[-1].params
    assert alert["show_alert"] and "You've sent 1 environment report in" in alert["text"]
    assert "call 911" in alert["text"] and await count(tg) == 1


async def test_officers_are_not_limited_and_zero_means_no_limit(
    tg: TelegramHarness,
) -> None:
    tg.services.settings.fix_requests_per_day = 1
    for place in ("1 Elm St", "2 Elm St", "3 Elm St"):
        await file_by_address(tg, OFFICER_ID, place=place)
    assert await count(tg) == 3
    await tg.register(ANN, "Ann Smith")
    await file_by_address(tg, ANN)
    await tg.send(ANN, "/fix")
    assert await count(tg) == 4 and "in the last 24 hours" in tg.last(ANN)
    tg.services.settings.fix_requests_per_day = 0
    await file_by_address(tg, ANN)
    assert await count(tg) == 5


@pytest.mark.sms
async def test_by_text_the_limit_counts_the_number_and_audits_no_number(
    tg: TelegramHarness, sms: httpx.AsyncClient, twilio: FakeTwilio, clock: FrozenClock
) -> None:
    tg.services.settings.fix_requests_per_day = 2

    async def text(body: str) -> str:
        answer = reply_of(await post(sms, twilio, INBOUND_PATH, text_form(body, PHONE)))
        assert answer is not None
        return answer

    assert "received" in await text("FIX streetlight out at 40 Elm St")
    assert "received" in await text("FIX graffiti on the wall at 12 Oak St")
    refusal = await text("FIX another light out at 3 Pine St")
    assert refusal.startswith("Stratford Crime Watch:")
    assert "You've sent 2 environment reports in the last 24 hours" in refusal
    assert "Wed Dec 2, 10:00 AM" in refusal and "call 911" in refusal
    await text("FIX and another at 4 Pine St")
    assert await count(tg) == 2
    labels = await limit_refusals(tg)
    assert labels == ["an unregistered number (by text)"]
    for entry in await audit_rows(tg):
        assert "0166" not in f"{entry.actor_label} {entry.target} {entry.detail}"
    clock.advance(hours=24)
    assert "received" in await text("FIX another light out at 3 Pine St")
