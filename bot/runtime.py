"""`crimewatch run`: migrations, then the bot, the scheduler and the HTTP server in one loop.

SIGTERM and SIGINT stop it cleanly: no new updates are fetched, the updates already received
are handled, the scheduler finishes its running job, and the database is closed last.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import uvicorn
from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot.feed import feed_routes
from bot.files import file_routes
from bot.http import TELEGRAM_WEBHOOK_PATH, build_http_app
from bot.sms import STATUS_PATH, sms_routes
from bot.telegram.app import build_application
from bot.telegram.menus import refresh_all_menus
from core.delivery.sms_inbound import SmsInbound
from core.errors import ConfigurationError
from core.services import Services
from core.settings import Settings
from notifiers.sms import SmsNotifier
from notifiers.telegram import TelegramNotifier
from scheduler.runner import build_scheduler, scheduler_state

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the runtime owns SIGTERM and SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def run_service(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    ready: Callable[[Services], Awaitable[None]] | None = None,
) -> None:
    """Run until SIGTERM/SIGINT (or until `stop` is set). `ready` is called with the services
    once the bot is initialized and before any update is handled (the sandbox seeds there)."""
    token = settings.require_bot_token()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    log.info("applying database migrations")
    services = await Services.open(settings)
    application = build_application(services, token, updater=not settings.webhook_mode)
    services.delivery.add_notifier("telegram", TelegramNotifier(application.bot))
    sms = _sms_notifier(settings)
    if sms is not None:
        services.delivery.add_notifier("sms", sms)
    added = await services.officers.seed(settings.officer_telegram_ids)
    if added:
        log.info("officer role granted to %d user(s) from OFFICER_TELEGRAM_IDS", len(added))

    try:
        await application.initialize()
    except InvalidToken:
        await services.close()
        raise ConfigurationError(
            "TELEGRAM_BOT_TOKEN was refused by Telegram: check it with @BotFather (/token)"
        ) from None
    services.health["telegram_bot"] = application.bot.username
    if ready is not None:
        try:
            await ready(services)
        except BaseException:
            await application.shutdown()
            await services.close()
            raise
    scheduler = build_scheduler(services)
    server = _Server(_uvicorn_config(settings, services, application, scheduler))
    server_task: asyncio.Task[None] | None = None
    delivery_stop = asyncio.Event()
    delivery_task: asyncio.Task[None] | None = None
    try:
        await _start_telegram(settings, application, services)
        scheduler.start()
        delivery_task = asyncio.create_task(services.delivery.run(delivery_stop))
        server_task = asyncio.create_task(server.serve())
        log.info("Crime Watch bot @%s is running", application.bot.username)
        await _wait(stop, server_task, delivery_task)
    finally:
        log.info("shutting down")
        server.should_exit = True  # webhook requests in flight finish first
        if server_task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server_task, timeout=10)
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()  # handles every update already received
        if scheduler.running:
            scheduler.shutdown(wait=True)
        delivery_stop.set()  # what is on the wire finishes and is recorded
        if delivery_task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(delivery_task, timeout=30)
        await application.shutdown()
        if sms is not None:
            await sms.close()
        await services.close()
        log.info("stopped")


async def _wait(
    stop: asyncio.Event, server_task: asyncio.Task[None], delivery_task: asyncio.Task[None]
) -> None:
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait(
        {stopper, server_task, delivery_task}, return_when=asyncio.FIRST_COMPLETED
    )
    if delivery_task in done and delivery_task.exception():
        stopper.cancel()
        raise delivery_task.exception()  # type: ignore[misc]
    if server_task in done and server_task.exception():
        stopper.cancel()
        raise ConfigurationError(
            f"the HTTP server stopped: {server_task.exception()} (check HTTP_HOST and HTTP_PORT)"
        )
    if stopper not in done:
        stopper.cancel()


async def _start_telegram(settings: Settings, application: Any, services: Services) -> None:
    try:
        await refresh_all_menus(application.bot, services)
    except TelegramError as error:
        log.warning("could not set the command menus: %s", error.message)
    await application.start()
    if settings.webhook_mode:
        assert settings.webhook_secret is not None
        await application.bot.set_webhook(
            url=f"{settings.public_url}{TELEGRAM_WEBHOOK_PATH}",
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
        services.health["telegram_mode"] = "webhook"
    else:
        await application.bot.delete_webhook()
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        services.health["telegram_mode"] = "polling"


def _sms_notifier(settings: Settings) -> SmsNotifier | None:
    """The SMS channel when Twilio is configured."""
    if not settings.sms_enabled:
        return None
    assert settings.twilio_account_sid is not None and settings.twilio_auth_token is not None
    return SmsNotifier(
        settings.twilio_account_sid,
        settings.twilio_auth_token.get_secret_value(),
        from_number=settings.twilio_from_number,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        status_callback=f"{settings.public_url}{STATUS_PATH}" if settings.public_url else None,
        api_url=settings.twilio_api_url,
    )


def _sms_routes(settings: Settings, services: Services, bot_username: str | None) -> list[Any]:
    """Twilio's webhooks, when SMS is on and a public URL lets us check their signatures."""
    if not (settings.sms_enabled and settings.public_url and settings.twilio_auth_token):
        return []
    inbound = SmsInbound(
        services.db,
        services.clock,
        settings.service_name,
        bot_username,
        keywords=services.sms_keywords,
    )
    return sms_routes(inbound, settings.public_url, settings.twilio_auth_token.get_secret_value())


def _uvicorn_config(
    settings: Settings, services: Services, application: Any, scheduler: Any
) -> uvicorn.Config:
    async def health() -> dict[str, Any]:
        database = await services.db.ping()
        telegram_ok = bool(application.running) and (
            settings.webhook_mode
            or (application.updater is not None and application.updater.running)
        )
        sched = scheduler_state(scheduler)
        outbox: dict[str, Any] = {}
        if database:
            outbox = {"pending": await services.delivery.pending()}
        ok = database and telegram_ok and sched["running"]
        return {
            "status": "ok" if ok else "degraded",
            "database": {
                "ok": database,
                "backend": "sqlite" if services.db.is_sqlite else "postgresql",
            },
            "telegram": {
                "ok": telegram_ok,
                "mode": services.health.get("telegram_mode"),
                "bot": services.health.get("telegram_bot"),
            },
            "scheduler": sched,
            "outbox": outbox,
        }

    app = build_http_app(
        health,
        extra_routes=[
            *_sms_routes(settings, services, application.bot.username),
            # The signed links texts carry (the survey report), only when there is a public URL.
            *(file_routes(services.links) if services.links.enabled else []),
            # The public Atom feed of alerts and safety news, with or without a public URL.
            *feed_routes(services),
        ],
        application=application if settings.webhook_mode else None,
        webhook_secret=settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else None,
    )
    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        lifespan="off",
        log_config=None,
        access_log=False,
    )
