"""The HTTP face (webhook and health) in process, and log redaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.http import MAX_UPDATE_BYTES, SECRET_HEADER, TELEGRAM_WEBHOOK_PATH, build_http_app
from bot.logs import QUIET_LOGGERS, RedactingFilter, configure_logging
from bot.webhooks import KeyedLocks
from tests.support.harness import TelegramHarness
from tests.support.tips import tips

SECRET = "s3cret-token_value"


def client(tg: TelegramHarness, health: dict[str, Any] | None = None) -> httpx.AsyncClient:
    async def probe() -> dict[str, Any]:
        return health or {"status": "ok"}

    app = build_http_app(probe, application=tg.app, webhook_secret=SECRET)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://cw")


async def test_webhook_rejects_missing_or_wrong_secret(tg: TelegramHarness) -> None:
    update = tg.factory.text(tg.user(700), "/start")
    async with client(tg) as http:
        assert (await http.post(TELEGRAM_WEBHOOK_PATH, json=update)).status_code == 403
        wrong = {SECRET_HEADER: "nope"}
        assert (
            await http.post(TELEGRAM_WEBHOOK_PATH, json=update, headers=wrong)
        ).status_code == 403
    assert tg.api.sent_messages(700) == []


async def test_webhook_handles_the_update_before_answering(tg: TelegramHarness) -> None:
    update = tg.factory.text(tg.user(700), "/start")
    async with client(tg) as http:
        response = await http.post(
            TELEGRAM_WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET}
        )
    assert response.status_code == 200
    assert "call 911" in tg.last(700)  # the reply went out before the 200


async def test_webhook_refuses_garbage(tg: TelegramHarness) -> None:
    async with client(tg) as http:
        response = await http.post(
            TELEGRAM_WEBHOOK_PATH, content=b"{not json", headers={SECRET_HEADER: SECRET}
        )
    assert response.status_code == 400


async def test_health_reports_degraded_with_503(tg: TelegramHarness) -> None:
    async with client(tg, {"status": "degraded", "database": {"ok": False}}) as http:
        response = await http.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == {"ok": False}


@pytest.mark.parametrize(
    "message",
    [
        "sending to +12035550142 failed",
        "call 203-555-0142 now",
        "url https://api.telegram.org/bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq/sendMessage",
        "twilio token abcdef0123456789abcdef0123456789",
    ],
)
def test_log_lines_never_hold_phones_or_secrets(message: str) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (message,), None)
    RedactingFilter(["abcdef0123456789abcdef0123456789"]).filter(record)
    rendered = record.getMessage()
    for secret in ("2035550142", "555-0142", "AAHdqTcv", "abcdef0123456789"):
        assert secret not in rendered


async def test_an_update_delivered_twice_at_once_is_handled_once(tg: TelegramHarness) -> None:
    """Telegram delivers an update again when our answer was late; both deliveries may be in
    flight together. The tip is filed once and both get 200."""
    await tg.register(700, "Ann")
    update = tg.factory.text(tg.user(700), "/tip Someone keeps trying car doors on Pine St")
    headers = {SECRET_HEADER: SECRET}
    async with client(tg) as http:
        first, second = await asyncio.gather(
            http.post(TELEGRAM_WEBHOOK_PATH, json=update, headers=headers),
            http.post(TELEGRAM_WEBHOOK_PATH, json=update, headers=headers),
        )
        third = await http.post(TELEGRAM_WEBHOOK_PATH, json=update, headers=headers)
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 200)
    assert len(await tips(tg)) == 1
    assert sum("Your tip is in" in t for t in tg.texts(700)) == 1


async def test_a_chunked_body_is_refused_once_it_passes_the_limit(tg: TelegramHarness) -> None:
    """No Content-Length to check first: the body is counted as it arrives."""
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        while sent < 10 * MAX_UPDATE_BYTES:
            sent += 65536
            yield b" " * 65536

    async with client(tg) as http:
        response = await http.post(
            TELEGRAM_WEBHOOK_PATH, content=endless(), headers={SECRET_HEADER: SECRET}
        )
    assert response.status_code == 413
    assert sent < 2 * MAX_UPDATE_BYTES  # it stopped reading


async def test_one_chats_updates_run_in_order_and_other_chats_alongside() -> None:
    locks = KeyedLocks()
    events: list[str] = []

    async def work(chat: int, name: str, pause: float) -> None:
        async with locks.hold(chat):
            events.append(f"{name} start")
            await asyncio.sleep(pause)
            events.append(f"{name} end")

    await asyncio.gather(work(1, "a1", 0.05), work(1, "a2", 0), work(2, "b", 0.01))
    assert events.index("a1 end") < events.index("a2 start")  # same chat: in order
    assert events.index("b start") < events.index("a1 end")  # another chat: alongside


def test_the_telegram_library_stays_quiet_below_warning_even_at_debug() -> None:
    """python-telegram-bot's Application logs every update (chat id, name, text) at DEBUG."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    try:
        configure_logging("DEBUG", [])
        names = ("telegram.ext.Application", "telegram.ext.Updater", "telegram.Bot")
        # The twilio SDK's HTTP client logs every request, its URL and headers, at INFO.
        for name in (*names, "twilio.http_client", "twilio.async_http_client"):
            assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
        assert logging.getLogger("core.tips.filing").isEnabledFor(logging.DEBUG)
    finally:
        root.handlers[:], root.level = handlers, level
        for name, old in levels.items():
            logging.getLogger(name).setLevel(old)
