"""`crimewatch run` as a real process against the fake Bot API over HTTP: start-up, health,
polling, clean shutdown on SIGTERM, and a kill -9 in the middle of a broadcast."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.clock import SystemClock
from core.services import Services
from storage.delivery.models import Delivery
from storage.engine import Database
from storage.migrate import upgrade
from tests.conftest import make_settings
from tests.fakes.telegram_api import FakeBotAPI, UpdateFactory
from tests.fakes.telegram_http import FakeBotAPIServer
from tests.support.rows import deliveries

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:" + "A" * 35
OFFICER = 900001


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Service:
    """The service as a subprocess with its own environment."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            env={**base, "PYTHONPATH": str(ROOT), **self.env},
            cwd=self.log.parent,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def health(self) -> dict[str, Any] | None:
        try:
            response = httpx.get(f"http://127.0.0.1:{self.env['HTTP_PORT']}/healthz", timeout=1)
        except httpx.HTTPError:
            return None
        return response.json() if response.status_code == 200 else None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)


@pytest.fixture
def fake_telegram() -> Iterator[tuple[FakeBotAPI, FakeBotAPIServer]]:
    api = FakeBotAPI()
    with FakeBotAPIServer(api) as server:
        yield api, server
    assert api.violations == [], api.violations


def service_env(tmp_path: Path, server: FakeBotAPIServer, **extra: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": server.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/crimewatch.db",
        "OFFICER_TELEGRAM_IDS": str(OFFICER),
        "HTTP_PORT": str(free_port()),
        "LOG_LEVEL": "INFO",
        **extra,
    }


def texts_to(server: FakeBotAPIServer, chat_id: int) -> list[str]:
    return [
        c.params["text"]
        for c in server.calls("sendMessage")
        if c.ok and c.params.get("chat_id") == chat_id
    ]


def test_runs_polls_reports_health_and_stops_cleanly(
    tmp_path: Path, fake_telegram: tuple[FakeBotAPI, FakeBotAPIServer]
) -> None:
    api, server = fake_telegram
    service = Service(service_env(tmp_path, server), tmp_path / "service.log")
    service.start()
    try:
        health = wait_for(service.health, 30, "the service to be healthy")
        assert health["status"] == "ok"
        assert health["database"]["ok"] and health["telegram"]["mode"] == "polling"
        assert health["scheduler"]["running"]
        # What was due at start (the morning's patrol list, after 07:00) goes out; then the
        # outbox is empty.
        wait_for(lambda: (service.health() or {}).get("outbox") == {"pending": 0}, 30, "the outbox")
        factory = server.call(lambda: UpdateFactory(api=api))
        user = UpdateFactory.user(4242, first_name="Ann")
        server.push_update(server.call(factory.text, user, "/start"))
        wait_for(lambda: texts_to(server, 4242), 20, "the reply to /start")
        assert "call 911" in texts_to(server, 4242)[0]
        menus = server.calls("setMyCommands")
        assert any(c.params.get("scope", {}).get("chat_id") == OFFICER for c in menus)
    finally:
        code = service.stop()
    log = (tmp_path / "service.log").read_text()
    assert code == 0, log
    assert "stopped" in log and "Traceback" not in log
    assert TOKEN not in log and "A" * 35 not in log


def send_alert(api: FakeBotAPI, server: FakeBotAPIServer, text: str) -> None:
    """The officer's /alert to everyone and the press of Send on its preview, as Telegram
    would deliver them to the running service."""
    factory = server.call(lambda: UpdateFactory(api=api))
    officer = UpdateFactory.user(OFFICER, first_name="Officer")
    server.push_update(server.call(factory.text, officer, f"/alert all {text}"))
    wait_for(lambda: any("Preview" in t for t in texts_to(server, OFFICER)), 20, "preview")
    preview = next(
        c
        for c in server.calls("sendMessage")
        if c.params.get("chat_id") == OFFICER and "Preview" in c.params["text"]
    )
    server.push_update(
        server.call(factory.callback, officer, "alert:send", preview.result["message_id"])
    )


async def _prepare(url: str, members: int) -> None:
    await upgrade(url)
    db = Database(url)
    services = Services.build(make_settings(database_url=url), db, clock=SystemClock())
    for uid in range(10_000, 10_000 + members):
        await services.members.consent(uid, uid)
        await services.members.set_name(uid, f"Resident {uid}")
        await services.members.set_shared_phone(uid, f"+1203555{uid % 10_000:04d}")
        await services.members.set_address(uid, f"{uid} Main St")
        await services.members.set_paused(uid, False)
    # Nobody is in quiet hours for this test: the broadcast goes out at once.
    async with db.transaction() as session:
        from sqlalchemy import update

        from storage.members.models import Member

        await session.execute(update(Member).values(quiet_start=0, quiet_end=0))
    await db.dispose()


async def _deliveries(url: str) -> list[Delivery]:
    """The deliveries in the service's database, read after it stopped."""
    db = Database(url)
    try:
        return await deliveries(db)
    finally:
        await db.dispose()


def test_kill_9_mid_broadcast_loses_nothing_and_doubles_only_unknowns(
    tmp_path: Path, fake_telegram: tuple[FakeBotAPI, FakeBotAPIServer]
) -> None:
    api, server = fake_telegram
    members = 300
    env = service_env(tmp_path, server, TELEGRAM_MAX_PER_SECOND="60", DELIVERY_LEASE_SECONDS="2")
    asyncio.run(_prepare(env["DATABASE_URL"], members))
    service = Service(env, tmp_path / "service.log")
    service.start()
    try:
        wait_for(service.health, 30, "the service to be healthy")
        send_alert(api, server, "Crash test: lock up")

        def delivered() -> int:
            return sum(
                1
                for c in server.calls("sendMessage")
                if c.ok and "Crash test" in c.params["text"] and c.params["chat_id"] != OFFICER
            )

        wait_for(lambda: delivered() >= 100, 30, "a third of the broadcast")
    finally:
        assert service.process is not None
        service.process.kill()  # kill -9: no clean-up of any kind
        service.process.wait(timeout=10)
    sent_before_restart = delivered()
    assert sent_before_restart < members, "the broadcast finished before the kill"

    service.start()
    try:

        def reached() -> int:
            return len(
                {
                    c.params["chat_id"]
                    for c in server.calls("sendMessage")
                    if c.ok and "Crash test" in c.params["text"] and c.params["chat_id"] != OFFICER
                }
            )

        wait_for(lambda: reached() >= members, 60, "every recipient after the restart")
        wait_for(
            lambda: (service.health() or {}).get("outbox") == {"pending": 0},
            30,
            "the outbox to drain",
        )
    finally:
        assert service.stop() == 0

    per_chat = Counter(
        c.params["chat_id"]
        for c in server.calls("sendMessage")
        if c.ok and "Crash test" in c.params["text"] and c.params["chat_id"] != OFFICER
    )
    assert set(per_chat) == set(range(10_000, 10_000 + members))  # nothing lost
    doubled = {chat for chat, n in per_chat.items() if n > 1}
    rows = asyncio.run(_deliveries(env["DATABASE_URL"]))
    alert_rows = [r for r in rows if r.member_id is not None and r.channel == "telegram"]
    by_member = {r.member_id: r for r in alert_rows}
    flagged = {
        10_000 + member_id - 1
        for member_id, row in by_member.items()
        if row.uncertain or row.status == "unknown"
    }
    assert doubled <= flagged, f"doubled without being marked unknown: {doubled - flagged}"
    assert len(flagged) <= 8 + 1  # bounded by DELIVERY_CONCURRENCY (in flight at the kill)
    assert all(r.status == "sent" for r in alert_rows), Counter(r.status for r in alert_rows)
    print(
        json.dumps(
            {
                "sent_before_kill": sent_before_restart,
                "doubled": len(doubled),
                "flagged": len(flagged),
            }
        )
    )


def test_the_database_locked_mid_broadcast_loses_nothing(
    tmp_path: Path, fake_telegram: tuple[FakeBotAPI, FakeBotAPIServer]
) -> None:
    """Another process holds the SQLite file (an exclusive lock, as a backup tool might) for
    five seconds mid-broadcast: the service waits it out and every member is reached once."""
    api, server = fake_telegram
    members = 200
    env = service_env(tmp_path, server, TELEGRAM_MAX_PER_SECOND="60")
    asyncio.run(_prepare(env["DATABASE_URL"], members))
    service = Service(env, tmp_path / "service.log")
    service.start()
    try:
        wait_for(service.health, 30, "the service to be healthy")
        send_alert(api, server, "Lock test: stay in")

        def reached() -> Counter[int]:
            return Counter(
                c.params["chat_id"]
                for c in server.calls("sendMessage")
                if c.ok and "Lock test" in c.params["text"] and c.params["chat_id"] != OFFICER
            )

        wait_for(lambda: sum(reached().values()) >= 40, 30, "the broadcast under way")
        path = env["DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
        lock = sqlite3.connect(path, timeout=5)
        try:
            lock.execute("BEGIN EXCLUSIVE")
            time.sleep(5)
        finally:
            lock.rollback()
            lock.close()
        wait_for(lambda: len(reached()) >= members, 60, "every recipient after the lock")
        wait_for(lambda: (service.health() or {}).get("outbox") == {"pending": 0}, 30, "the outbox")
    finally:
        assert service.stop() == 0
    per_chat = reached()
    assert set(per_chat) == set(range(10_000, 10_000 + members))
    assert max(per_chat.values()) == 1
    log = (tmp_path / "service.log").read_text()
    assert "Traceback" not in log
