"""The service's HTTP face: health, and the Telegram webhook when PUBLIC_URL is set.

The webhook answers 200 only after the update has been handled (its writes committed), so an
update Telegram considers delivered is never lost; a request without the right secret-token
header gets 403 and changes nothing. Telegram delivers up to `max_connections` updates at once
and delivers one again when an answer was late: each update_id is handled once, and one chat's
updates one after another (different chats side by side).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.webhooks import BodyTooLarge, KeyedLocks, Once, read_body

log = logging.getLogger(__name__)

TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_UPDATE_BYTES = 1_000_000

HealthProbe = Callable[[], Awaitable[dict[str, Any]]]


def build_http_app(
    health: HealthProbe,
    *,
    application: Any | None = None,
    webhook_secret: str | None = None,
    extra_routes: Sequence[Route] = (),
) -> Starlette:
    """The Starlette app; the webhook route exists only when a secret is given; other faces
    (the Twilio webhooks) add their routes."""

    async def healthz(_: Request) -> JSONResponse:
        report = await health()
        return JSONResponse(report, status_code=200 if report.get("status") == "ok" else 503)

    updates: Once[None] = Once()
    chats = KeyedLocks()

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not webhook_secret or not hmac.compare_digest(given.encode(), webhook_secret.encode()):
            log.warning("telegram webhook: refused a request without the right secret token")
            return Response(status_code=403)
        try:
            body = await read_body(request, MAX_UPDATE_BYTES)
        except BodyTooLarge:
            return Response(status_code=413)
        try:
            data = json.loads(body)
            update = Update.de_json(data, application.bot)  # type: ignore[union-attr]
        except (ValueError, TypeError, KeyError, AttributeError):
            return Response(status_code=400)
        if update is None:
            return Response(status_code=400)
        chat = update.effective_chat or update.effective_user
        key = chat.id if chat is not None else None

        async def handle() -> None:
            async with chats.hold(key):
                await application.process_update(update)  # type: ignore[union-attr]

        await updates.run(update.update_id, handle)
        return Response(status_code=200)

    routes = [Route("/healthz", healthz, methods=["GET"])]
    if application is not None and webhook_secret:
        routes.append(Route(TELEGRAM_WEBHOOK_PATH, telegram_webhook, methods=["POST"]))
    routes.extend(extra_routes)
    return Starlette(routes=routes)
