"""`crimewatch sandbox`: the real service against a local Bot API and SMS provider, one process.

The sandbox serves Telegram's and Twilio's URLs and the web chat on 127.0.0.1 (never another
interface), and runs the service unchanged, pointed at them (`TELEGRAM_API_URL`,
`TWILIO_API_URL`) with a database of its own (`sandbox.db`), never the one in `.env`. Telegram
updates reach the service by webhook and texts by Twilio's signed webhook, exactly as in
production.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import shutil
import socket
import time
from pathlib import Path

import uvicorn
from pydantic import SecretStr

from bot.runtime import _Server, run_service
from bot.sandbox.bot_api import SandboxBotAPI
from bot.sandbox.people import SEEDED, People
from bot.sandbox.seed import SEED_ACTOR, seed
from bot.sandbox.sms import INBOUND_PATH, SandboxTwilio
from bot.sandbox.web import Hub, Sandbox
from core.delivery.reports import Activity
from core.services import Services
from core.settings import Settings

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
BOT_USERNAME = "crimewatch_sandbox_bot"
SMS_NUMBER = "+13125550100"
TIMEZONE = "America/Chicago"  # the demo's crime data is Chicago's
DATABASE = "sandbox.db"
PEOPLE = "sandbox-people.json"
SCREENS = "sandbox-chats"  # what the chats and phones showed, kept across restarts
OFFICERS = [p.telegram_id for p in SEEDED if p.role == "officer" and p.telegram_id is not None]


def free_port() -> int:
    """A port nobody listens on, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _load(folder: Path, api: SandboxBotAPI, twilio: SandboxTwilio) -> None:
    api.load(folder)
    twilio.load(folder)


def _save(folder: Path, api: SandboxBotAPI, twilio: SandboxTwilio) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    api.save(folder)
    twilio.save(folder)


def _prepare(directory: Path, fresh: bool) -> tuple[Path, People, bool]:
    """The sandbox's database path, its people, and whether this is its first run (--fresh
    deletes what an earlier run left)."""
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / DATABASE
    people_file = directory / PEOPLE
    if fresh:
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm"), people_file):
            path.unlink(missing_ok=True)
        shutil.rmtree(directory / SCREENS, ignore_errors=True)
    first_run = not database.exists()
    people = People.load(people_file)
    if first_run:
        people = People(people_file, [] if fresh else list(SEEDED))
        people.save()
    return database, people, first_run


def sandbox_settings(
    *, url: str, service_port: int, database: Path, api: SandboxBotAPI, twilio: SandboxTwilio
) -> Settings:
    """The service's settings in the sandbox: every one that matters given here, so that
    nothing in `.env` or the environment can point it at the real database or providers."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr(api.token),
        telegram_api_url=url,
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=SecretStr(twilio.auth_token),
        twilio_from_number=twilio.from_number,
        twilio_messaging_service_sid=None,
        twilio_api_url=url,
        database_url=f"sqlite+aiosqlite:///{database}",
        officer_telegram_ids=[
            p.telegram_id for p in SEEDED if p.role == "officer" and p.telegram_id
        ],
        public_url=f"http://{HOST}:{service_port}",
        webhook_secret=SecretStr(secrets.token_urlsafe(32)),
        http_host=HOST,
        http_port=service_port,
        timezone=TIMEZONE,
        service_name="Crime Watch",
        sms_segments_per_second=10.0,
        telegram_max_per_second=25.0,
    )


async def run_sandbox(
    *, port: int, fresh: bool, directory: Path, started: asyncio.Event | None = None
) -> None:
    """Run the sandbox until Ctrl+C (or SIGTERM)."""
    began = time.monotonic()
    database, people, first_run = _prepare(directory, fresh)

    hub = Hub()
    api = SandboxBotAPI(bot_username=BOT_USERNAME, on_change=hub.publish)
    twilio = SandboxTwilio(from_number=SMS_NUMBER, on_change=hub.publish)
    url = f"http://{HOST}:{port}"
    service_port = free_port()
    settings = sandbox_settings(
        url=url, service_port=service_port, database=database, api=api, twilio=twilio
    )
    twilio.webhook_url = f"{settings.public_url}{INBOUND_PATH}"
    screens = directory / SCREENS
    if not first_run:
        await asyncio.to_thread(_load, screens, api, twilio)
    services: list[Services] = []
    announcing: list[asyncio.Task[None]] = []

    async def activity() -> list[Activity]:
        return await services[0].reports.activity(SEED_ACTOR) if services else []

    sandbox = Sandbox(url=url, api=api, twilio=twilio, people=people, hub=hub, activity=activity)
    server = _Server(
        uvicorn.Config(
            sandbox, host=HOST, port=port, lifespan="off", log_config=None, access_log=False
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()  # the port is taken: uvicorn's error
            raise SystemExit(f"crimewatch sandbox: could not listen on {url}")
        await asyncio.sleep(0.02)

    async def ready(opened: Services) -> None:
        services.append(opened)
        if first_run and not fresh:
            for line in await seed(opened, people.people, TIMEZONE):
                log.info("sandbox seed: %s", line)
        announcing.append(asyncio.create_task(announce()))

    async def announce() -> None:
        await api.listening.wait()  # the service is listening once it set its webhook
        print(
            f"\nCrime Watch sandbox: open {url} in your browser "
            f"(started in {time.monotonic() - began:.1f} s; Ctrl+C stops it).\n"
            f"Its data is in {database}; --fresh starts empty. To go live, put your bot's\n"
            "TELEGRAM_BOT_TOKEN in .env (from @BotFather) and run `make run` again.\n",
            flush=True,
        )
        if started is not None:
            started.set()

    stop = asyncio.Event()
    try:
        await run_service(settings, stop=stop, ready=ready)
    finally:
        for task in announcing:
            task.cancel()
        server.should_exit = True
        sandbox.host.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(serving, timeout=5)
        await api.close()
        await twilio.close()
        await asyncio.to_thread(_save, screens, api, twilio)
