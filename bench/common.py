"""What the benchmarks share: throwaway databases, members, the alert, and measuring."""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import Any

# python-telegram-bot 22 warns on every 429 unless RetryAfter.retry_after is a timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "true")


import asyncpg
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.delivery.outbox import SMS, TELEGRAM, Message
from core.services import Services
from core.settings import Settings, load_settings
from storage.delivery.models import Delivery
from storage.engine import Database
from storage.members.models import Member
from storage.members.repositories import DEFAULT_CATEGORIES, to_record
from storage.migrate import upgrade

BOT_TOKEN = "123456:BENCH-token-that-is-long-enough-for-the-check"  # noqa: S105 - fake
PG_SERVER = os.environ.get("CRIMEWATCH_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
TELEGRAM_CHAT_BASE = 500_000_000
PHONE_BASE = 2_035_550_000  # +1 203 555 xxxx: the fictional range

# One segment of GSM-7 once the service name is put in front (checked by `alert_segments`).
ALERT = Message(
    html=(
        "🔔 <b>Police alert</b>\n\nCallers posing as the water company ask for payment in gift "
        "cards. Hang up and call 203-555-0100."
    ),
    text="Callers posing as the water company ask for payment in gift cards. Hang up.",
)
# A longer alert: two GSM-7 segments on SMS.
LONG_ALERT = Message(
    html=(
        "🔔 <b>Police alert</b>\n\nCallers posing as the water company ask residents for payment "
        "in gift cards and threaten to cut the water off the same day. The water company never "
        "asks for gift cards. Hang up and call 203-555-0100."
    ),
    text=(
        "Callers posing as the water company ask residents for payment in gift cards and "
        "threaten to cut the water off the same day. The water company never asks for gift "
        "cards. Hang up."
    ),
)


def bench_settings(**overrides: Any) -> Settings:
    """Settings for a benchmark: nothing read from `.env`, the given values over the defaults."""
    values: dict[str, Any] = {
        "_env_file": None,
        "telegram_bot_token": BOT_TOKEN,
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


@asynccontextmanager
async def temp_database(backend: str) -> AsyncIterator[str]:
    """A migrated, empty database (a SQLite file or a PostgreSQL database), removed after."""
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="crimewatch-bench-")
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        try:
            await upgrade(url)
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    if backend != "postgresql":
        raise ValueError(f"unknown backend {backend!r}")
    name = f"crimewatch_bench_{uuid.uuid4().hex[:10]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    try:
        await upgrade(url)
        yield url
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_SERVER)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def chat_id(index: int) -> int:
    """The Telegram chat id of the index-th Telegram member."""
    return TELEGRAM_CHAT_BASE + index


def phone(index: int) -> str:
    """The E.164 number of the index-th SMS member."""
    return f"+1{PHONE_BASE + index}"


async def seed_members(db: Database, telegram: int, sms: int) -> None:
    """Registered members: `telegram` on Telegram only, then `sms` on SMS only (no quiet
    hours, so that the alert is due at once whatever the time of day)."""
    now = datetime.now(UTC)
    common = {
        "consented_at": now,
        "registered_at": now,
        "created_at": now,
        "updated_at": now,
        "language": "en",
        "messages_paused": False,
        "telegram_reachable": True,
        "sms_fallback": False,
        "sms_status": "ok",
        "quiet_start": 0,
        "quiet_end": 0,
        "categories": ",".join(DEFAULT_CATEGORIES),
    }
    rows = [
        {
            **common,
            "telegram_user_id": chat_id(i),
            "telegram_chat_id": chat_id(i),
            "display_name": f"Resident {i}",
            "channels": TELEGRAM,
        }
        for i in range(telegram)
    ] + [
        {
            **common,
            "telegram_user_id": None,
            "telegram_chat_id": None,
            "display_name": f"Texter {i}",
            "phone_e164": phone(i),
            "phone_verified_at": now,  # texts go only to confirmed numbers
            "channels": SMS,
        }
        for i in range(sms)
    ]
    async with db.transaction() as session:
        for start in range(0, len(rows), 1000):
            await session.execute(insert(Member), rows[start : start + 1000])


async def enqueue_alert(services: Services, message: Message = ALERT) -> tuple[int, int]:
    """One alert to every member, written as the services write it; (notification id, how
    many deliveries are queued)."""
    async with services.db.transaction() as session:
        members = [to_record(m) for m in await session.scalars(select(Member).order_by(Member.id))]
        notification_id = await services.outbox.enqueue_in(
            session,
            kind="alert",
            message=message,
            recipients=members,
            category="scam",
            author_label="Crime Prevention Officer (benchmark)",
            audience="everyone",
        )
        queued = await session.scalar(
            select(func.count(Delivery.id)).where(
                Delivery.notification_id == notification_id, Delivery.status == "queued"
            )
        )
    return notification_id, int(queued or 0)


async def status_counts(db: Database) -> dict[str, int]:
    """Deliveries by status."""
    async with db.transaction() as session:
        rows = await session.execute(
            select(Delivery.status, func.count(Delivery.id)).group_by(Delivery.status)
        )
        return {status: int(n) for status, n in rows.all()}


def peak_rss_mib() -> float:
    """The peak resident set size of this process, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User plus system CPU time of this process (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Stopwatch:
    """Monotonic seconds since it was made."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def __call__(self) -> float:
        return time.perf_counter() - self.start


class TransactionTrace:
    """Times every `transaction()` of one `Database` (waiting for the connection and the lock
    included), grouped by the function that opened it."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)

    def install(self, db: Database) -> None:
        """Wrap `db.transaction` on this instance only."""
        inner = db.transaction

        @asynccontextmanager
        async def timed(caller: str) -> AsyncIterator[AsyncSession]:
            start = time.perf_counter()
            async with inner() as session:
                yield session
            self.samples[caller].append(time.perf_counter() - start)

        def transaction() -> AbstractAsyncContextManager[AsyncSession]:
            return timed(sys._getframe(1).f_code.co_name)

        db.transaction = transaction  # type: ignore[method-assign,assignment]

    def summary(self) -> dict[str, dict[str, float]]:
        """Per opener: count, mean, median, p99 and max in milliseconds."""
        result = {}
        for caller, values in sorted(self.samples.items(), key=lambda kv: -len(kv[1])):
            ordered = sorted(values)
            result[caller] = {
                "n": len(ordered),
                "mean_ms": 1000 * statistics.fmean(ordered),
                "p50_ms": 1000 * ordered[len(ordered) // 2],
                "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
                "max_ms": 1000 * ordered[-1],
            }
        return result
