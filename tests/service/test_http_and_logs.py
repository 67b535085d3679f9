"""The HTTP face (webhook and health) in process, and log redaction."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from bot.http import SECRET_HEADER, TELEGRAM_WEBHOOK_PATH, build_http_app
from bot.logs import RedactingFilter
from tests.support.harness import TelegramHarness

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
