"""Shared fixtures: a migrated database on SQLite and PostgreSQL, a frozen clock, the services,
and the real python-telegram-bot Application talking to a fake Bot API at the HTTP level.

PostgreSQL tests use a database of their own on the local server (created at the start of the
session, dropped at the end); set CRIMEWATCH_SKIP_POSTGRES=1 to run on SQLite only.
"""

from __future__ import annotations

import asyncio
import os

# python-telegram-bot 22 warns on every 429 unless RetryAfter.retry_after is a timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "true")
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from telegram import Bot

from bot.sandbox.telegram_api import FakeBotAPI
from bot.sandbox.twilio_api import FakeTwilio
from bot.telegram.app import build_application
from core.clock import FrozenClock
from core.permissions import Actor
from core.services import Services
from core.settings import Settings, load_settings
from notifiers.telegram import TelegramNotifier
from storage.engine import Database
from storage.migrate import upgrade
from storage.schema import Base
from tests.support.harness import TelegramHarness

PG_SERVER = os.environ.get("CRIMEWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
SKIP_PG = os.environ.get("CRIMEWATCH_SKIP_POSTGRES") == "1"
BACKENDS = ["sqlite"] if SKIP_PG else ["sqlite", "postgresql"]
BOT_TOKEN = "123456:TEST-token-that-is-long-enough-for-the-check"
OFFICER_ID = 900001
# The seeded officer has chosen the name shown for them (tests of the question use another).
OFFICER_NAME = "Sgt. Kowalski"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    if SKIP_PG:
        pytest.skip("CRIMEWATCH_SKIP_POSTGRES=1")
    name = f"crimewatch_test_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_SERVER)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    try:
        asyncio.run(upgrade(url))
        yield url
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database on each back end."""
    if request.param == "sqlite":
        path = tmp_path / "crimewatch.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """The Database, emptied before the test on PostgreSQL (SQLite files are fresh copies)."""
    db = Database(database_url)
    if not db.is_sqlite:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with db.transaction() as session:
            await session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield db
    await db.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    """Tuesday 2026-12-01, 10:00 in New York."""
    return FrozenClock(datetime(2026, 12, 1, 15, 0, tzinfo=UTC))


def make_settings(**overrides: Any) -> Settings:
    """Settings for tests: no .env, nothing from the environment that matters."""
    values: dict[str, Any] = {
        "_env_file": None,
        "telegram_bot_token": BOT_TOKEN,
        "telegram_api_url": "https://api.telegram.org",
        "database_url": "sqlite+aiosqlite:///./unused.db",
        "timezone": "America/New_York",
        "officer_telegram_ids": [],
        "service_name": "Stratford Crime Watch",
        "public_url": None,
        "webhook_secret": None,
        "twilio_account_sid": None,
        "twilio_auth_token": None,
        "twilio_from_number": None,
        "twilio_messaging_service_sid": None,
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture
def twilio() -> FakeTwilio:
    """The fake Twilio REST API."""
    return FakeTwilio()


@pytest.fixture
def settings(request: pytest.FixtureRequest) -> Settings:
    """Test settings; with Twilio configured (SMS on) for tests marked `sms`."""
    if request.node.get_closest_marker("sms"):
        from tests.support.sms import PUBLIC_URL, twilio_settings

        return twilio_settings(request.getfixturevalue("twilio"), PUBLIC_URL)
    return make_settings()


@pytest.fixture
async def sms(tg: TelegramHarness, twilio: FakeTwilio) -> AsyncIterator[httpx.AsyncClient]:
    """For tests marked `sms`: the real SmsNotifier on the fake Twilio for texts out, and a
    client for Twilio's signed webhooks in; the fake must have refused no request."""
    from tests.support.sms import PUBLIC_URL, sms_both_ways

    async with sms_both_ways(tg, twilio, PUBLIC_URL) as http:
        yield http
    assert twilio.violations == [], f"invalid Twilio requests: {twilio.violations}"


@pytest.fixture
async def services(settings: Settings, database: Database, clock: FrozenClock) -> Services:
    """The services on the test database and clock, with one officer."""
    svc = Services.build(settings, database, clock=clock)

    async def skip_the_wait(_seconds: float) -> None:
        """Pacing still books slots on the frozen clock; only the real wait is skipped (the
        sends already on their way still get their turn)."""
        for _ in range(20):
            await asyncio.sleep(0)

    svc.delivery.sleep = skip_the_wait
    await svc.officers.seed([OFFICER_ID])
    await svc.officers.set_name(Actor.system("tests"), OFFICER_NAME, OFFICER_ID)
    return svc


@pytest.fixture
def api(clock: FrozenClock) -> FakeBotAPI:
    """The fake Bot API server."""
    return FakeBotAPI(bot_id=123456, bot_username="crimewatch_test_bot", clock=clock)


@pytest.fixture
async def tg(services: Services, api: FakeBotAPI) -> AsyncIterator[TelegramHarness]:
    """The real Application on the fake Bot API; fails the test on any invalid Bot API call."""
    app = build_application(
        services,
        api.token,
        request=api.request(),
        get_updates_request=api.request(),
        updater=False,
    )
    services.delivery.add_notifier("telegram", TelegramNotifier(app.bot))
    await app.initialize()
    try:
        yield TelegramHarness(app, api, services)
    finally:
        await app.shutdown()
    assert api.violations == [], f"invalid Bot API calls: {api.violations}"


@pytest.fixture
async def bot_and_api() -> AsyncIterator[tuple[Bot, FakeBotAPI]]:
    """A python-telegram-bot `Bot` on the fake Bot API, which must see no invalid call."""
    api = FakeBotAPI()
    bot = api.bot()
    await bot.initialize()
    yield bot, api
    await bot.shutdown()
    assert api.violations == []
