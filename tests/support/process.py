"""The service as a real process: start it with its own environment, wait for it, drive it
through the fake Bot API server, and read its database after it stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bot.sandbox.telegram_api import FakeBotAPI, UpdateFactory
from bot.sandbox.telegram_http import FakeBotAPIServer
from core.clock import SystemClock
from core.services import Services
from storage.delivery.models import Delivery
from storage.engine import Database
from storage.migrate import upgrade
from tests.conftest import make_settings
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


async def prepare(url: str, members: int) -> None:
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


async def read_deliveries(url: str) -> list[Delivery]:
    """The deliveries in the service's database, read after it stopped."""
    db = Database(url)
    try:
        return await deliveries(db)
    finally:
        await db.dispose()


def reached(server: FakeBotAPIServer, marker: str) -> Counter[int]:
    """How many times each resident's chat was sent the message containing `marker`."""
    return Counter(
        c.params["chat_id"]
        for c in server.calls("sendMessage")
        if c.ok and marker in c.params["text"] and c.params["chat_id"] != OFFICER
    )
