"""kill -9 at many points of one broadcast: 0 lost, doubles only among flagged rows.

`python -m bench.kill9 [--members 2000] [--kills 20] [--seed 7]` seeds the members, queues one
alert, runs `crimewatch run` against the fake Bot API over HTTP, and kills the process (SIGKILL,
no clean-up of any kind) at `--kills` seeded points of the broadcast, restarting it each time.
When the outbox is empty it prints the figures: recipients reached, lost, reached more than
once, and how many of those the database flagged as uncertain (shown in /report as "may have
arrived twice"); every double must be flagged.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.common import BOT_TOKEN, TELEGRAM_CHAT_BASE, bench_settings, enqueue_alert, seed_members
from bot.sandbox.telegram_api import FakeBotAPI
from bot.sandbox.telegram_http import FakeBotAPIServer
from core.clock import SystemClock
from core.services import Services
from storage.delivery.models import Delivery
from storage.engine import Database
from storage.migrate import upgrade
from tests.support.rows import deliveries

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll until `check` returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"gave up waiting for {what}")


async def prepare(url: str, members: int) -> int:
    """Migrate, seed the members and queue one alert to all; the notification id."""
    await upgrade(url)
    database = Database(url)
    try:
        await seed_members(database, members, 0)
        services = Services.build(bench_settings(database_url=url), database, clock=SystemClock())
        notification_id, _ = await enqueue_alert(services)
        return notification_id
    finally:
        await database.dispose()


async def rows(url: str) -> list[Delivery]:
    """The deliveries, read once the service has stopped."""
    database = Database(url)
    try:
        return await deliveries(database)
    finally:
        await database.dispose()


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.kill9`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rate", type=float, default=60.0, help="TELEGRAM_MAX_PER_SECOND")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="crimewatch-kill9-"))
    url = f"sqlite+aiosqlite:///{workdir}/crimewatch.db"
    asyncio.run(prepare(url, args.members))
    rng = random.Random(args.seed)  # noqa: S311 - seeded kill points, not secrets
    points = sorted(rng.sample(range(20, args.members - 20), args.kills))
    port = free_port()
    api = FakeBotAPI()
    started = time.monotonic()
    with FakeBotAPIServer(api) as server:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))},
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_URL": server.url,
            "DATABASE_URL": url,
            "HTTP_PORT": str(port),
            "LOG_LEVEL": "WARNING",
            "TELEGRAM_MAX_PER_SECOND": f"{args.rate:g}",
            "DELIVERY_LEASE_SECONDS": "2",
        }
        log = (workdir / "service.log").open("ab")

        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                env=env,
                cwd=workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

        def sent() -> int:
            return sum(
                1
                for c in server.calls("sendMessage")
                if c.ok and int(c.params["chat_id"]) >= TELEGRAM_CHAT_BASE
            )

        def health() -> dict[str, Any] | None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            except httpx.HTTPError:
                return None
            return answer.json() if answer.status_code == 200 else None

        for point in points:
            process = start()

            def reached_point(target: int = point) -> bool:
                return sent() >= target

            wait_for(reached_point, 120, f"{point} messages out")
            process.kill()  # kill -9: no clean-up of any kind
            process.wait(timeout=10)
        process = start()
        wait_for(lambda: (health() or {}).get("outbox") == {"pending": 0}, 300, "the outbox")
        process.terminate()
        process.wait(timeout=30)
        per_chat = Counter(
            int(c.params["chat_id"])
            for c in server.calls("sendMessage")
            if c.ok and int(c.params["chat_id"]) >= TELEGRAM_CHAT_BASE
        )
    elapsed = time.monotonic() - started
    found = asyncio.run(rows(url))
    member_chat = {r.member_id: TELEGRAM_CHAT_BASE + (r.member_id or 0) - 1 for r in found}
    flagged = {member_chat[r.member_id] for r in found if r.uncertain or r.status == "unknown"}
    expected = {TELEGRAM_CHAT_BASE + i for i in range(args.members)}
    doubled = {chat for chat, n in per_chat.items() if n > 1}
    figures = {
        "members": args.members,
        "kills": args.kills,
        "seed": args.seed,
        "reached": len(set(per_chat) & expected),
        "lost": len(expected - set(per_chat)),
        "reached_twice": len(doubled),
        "flagged": len(flagged),
        "doubled_without_flag": len(doubled - flagged),
        "statuses": dict(Counter(r.status for r in found)),
        "wall_seconds": round(elapsed, 1),
    }
    print(json.dumps(figures))
    if figures["lost"] or figures["doubled_without_flag"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
