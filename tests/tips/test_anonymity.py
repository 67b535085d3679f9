"""Anonymous means anonymous: a registered resident files anonymous tips every way there is,
officers work them, and then nothing sent to officers, no log line, and no tip or audit row
holds her Telegram id, chat id, phone number or name."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from sqlalchemy import select

from bot.logs import QUIET_LOGGERS
from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from core.clock import FrozenClock
from storage.audit.models import AuditEntry
from storage.delivery.models import Notification
from storage.tips.models import Tip, TipEvent, TipPhoto, TipRateMark
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.sms import post, reply_of, text_form
from tests.support.tips import digest, relayed_message, relays, telegram_reply, tips

ZELDA = 777123456
NAME = "Zelda Quimby"
PHONE = "+12035550177"
NEEDLES = ("777123456", "Zelda", "Quimby", "2035550177", "555-0177")
OFFICER_KINDS = ("tip_urgent", "tip_digest", "tip_answer", "tip_details")


pytestmark = pytest.mark.sms


def leaks(text: str) -> list[str]:
    """Which of Zelda's identifiers a text contains."""
    return [needle for needle in NEEDLES if needle in text]


async def test_nothing_officer_facing_logged_or_stored_names_an_anonymous_tipster(
    tg: TelegramHarness,
    sms: httpx.AsyncClient,
    twilio: FakeTwilio,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name in QUIET_LOGGERS:  # as `crimewatch run` configures logging, even at DEBUG
        caplog.set_level(logging.WARNING, logger=name)
    caplog.set_level(logging.DEBUG)
    await tg.register(ZELDA, NAME, phone=PHONE)
    # Guided, with a photo and a map pin.
    await tg.send(ZELDA, "/tip")
    await tg.send(ZELDA, "A man keeps photographing the houses on Walnut St")
    await tg.press(ZELDA, "tipf:now")
    await tg.location(ZELDA, 41.2, -73.1)
    await tg.process(tg.factory.photo(tg.user(ZELDA), file_id="ZPHOTO"))
    await tg.press(ZELDA, "tipf:done")
    await tg.press(ZELDA, "tipf:cat:suspicious")
    await tg.send(ZELDA, "He walks up driveways and looks in the garages")
    await tg.press(ZELDA, "tipf:anon")
    await tg.press(ZELDA, "tipf:send")
    # In one line, then details; an emergency; and by text from her registered number.
    await tg.send(ZELDA, "/tip Bins set on fire behind the library, happening now")
    await tg.press(ZELDA, f"tipf:more:{(await relays(tg))[-1].token}")
    await tg.send(ZELDA, "just now")
    await tg.send(ZELDA, "Library back lot")
    await tg.press(ZELDA, "tipf:skip")
    await tg.press(ZELDA, "tipf:cat:vandalism")
    await tg.press(ZELDA, "tipf:anon")
    assert reply_of(
        await post(sms, twilio, INBOUND_PATH, text_form("TIP Dealing at the bus stop", PHONE))
    )
    await tg.deliver()
    await digest(tg, clock)
    # Officers work every tip: list, view, claim, ask; she answers both ways.
    for tip in await tips(tg):
        await tg.send(OFFICER_ID, "/tips")
        await tg.send(OFFICER_ID, f"/tip T-2026-{tip.seq:05d}")
        await tg.press(OFFICER_ID, f"tip:c:{tip.id}")
        await tg.press(OFFICER_ID, f"tip:r:{tip.id}")
        await tg.send(OFFICER_ID, f"Question {tip.seq}: can you tell us more?")
    await tg.deliver()
    message = await relayed_message(tg, ZELDA, "Question 1")
    await telegram_reply(tg, ZELDA, "He drives a blue hatchback", message)
    reply_of(await post(sms, twilio, INBOUND_PATH, text_form("Every day at 4 pm", PHONE)))
    await tg.deliver()
    for tip in await tips(tg):
        await tg.send(OFFICER_ID, f"/tip T-2026-{tip.seq:05d}")
        await tg.press(OFFICER_ID, f"tip:x:{tip.id}")
        await tg.press(OFFICER_ID, f"tip:o:{tip.id}:referred")
    await tg.deliver()
    await digest(tg, clock)

    everything = await tips(tg)
    assert len(everything) == 3 and all(t.anonymous for t in everything)
    assert {t.channel for t in everything} == {"telegram", "sms"}
    assert len(await relays(tg)) == 3  # the only link, used for the relay above
    assert any("blue hatchback" in t for t in tg.api.texts(OFFICER_ID))  # the relay worked
    assert any("Question 1" in t for t in tg.api.texts(ZELDA))

    # 1. Everything the bot sent to the officer.
    officer_calls = [c for c in tg.api.calls if str(c.params.get("chat_id")) == str(OFFICER_ID)]
    assert officer_calls
    for call in officer_calls:
        assert leaks(json.dumps(call.params, ensure_ascii=False)) == [], call.method
    # 2. Every log line, ours and the libraries'.
    assert any(r.name == "scheduler.tip_jobs" for r in caplog.records)  # ours were captured
    for record in caplog.records:
        line = record.getMessage() + (record.exc_text or "")
        if record.name.startswith(("aiosqlite", "asyncpg", "sqlalchemy")):
            continue  # database drivers' DEBUG lines echo statements, never run in production
        assert leaks(line) == [], (record.name, line)
    # 3. The tip, timeline, photo, rate-limit and audit rows, and what officers were sent.
    async with tg.services.db.transaction() as session:
        rows: list[object] = []
        for model in (Tip, TipEvent, TipPhoto, TipRateMark, AuditEntry):
            rows += list(await session.scalars(select(model)))
        officer_notes = list(
            await session.scalars(select(Notification).where(Notification.kind.in_(OFFICER_KINDS)))
        )
    assert officer_notes
    rows += officer_notes
    member = await tg.services.members.by_telegram(ZELDA)
    assert member is not None
    for row in rows:
        values = {c.key: getattr(row, c.key) for c in row.__table__.columns}  # type: ignore[attr-defined]
        assert leaks(json.dumps(values, default=str, ensure_ascii=False)) == [], values
        assert member.id not in (values.get("tipster_member_id"), values.get("author_member_id"))
    audit = [r for r in rows if isinstance(r, AuditEntry)]
    assert {r.action for r in audit} >= {"tip.view", "tip.claim", "tip.reply", "tip.close"}
    assert all(r.actor_telegram_id in (None, OFFICER_ID) for r in audit)
