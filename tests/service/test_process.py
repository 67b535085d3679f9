"""`crimewatch run` as a real process against the fake Bot API over HTTP: start-up, health,
polling, clean shutdown on SIGTERM, and a kill -9 in the middle of a broadcast."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections import Counter
from pathlib import Path

from bot.sandbox.telegram_api import FakeBotAPI, UpdateFactory
from bot.sandbox.telegram_http import FakeBotAPIServer
from tests.support.postgres_server import private_postgres
from tests.support.process import (
    OFFICER,
    TOKEN,
    Service,
    prepare,
    reached,
    read_deliveries,
    send_alert,
    service_env,
    texts_to,
    wait_for,
)


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


def test_kill_9_mid_broadcast_loses_nothing_and_doubles_only_unknowns(
    tmp_path: Path, fake_telegram: tuple[FakeBotAPI, FakeBotAPIServer]
) -> None:
    api, server = fake_telegram
    members = 300
    env = service_env(tmp_path, server, TELEGRAM_MAX_PER_SECOND="60", DELIVERY_LEASE_SECONDS="2")
    asyncio.run(prepare(env["DATABASE_URL"], members))
    service = Service(env, tmp_path / "service.log")
    service.start()
    try:
        wait_for(service.health, 30, "the service to be healthy")
        send_alert(api, server, "Crash test: lock up")

        def delivered() -> int:
            return sum(reached(server, "Crash test").values())

        wait_for(lambda: delivered() >= 100, 30, "a third of the broadcast")
    finally:
        assert service.process is not None
        service.process.kill()  # kill -9: no clean-up of any kind
        service.process.wait(timeout=10)
    sent_before_restart = delivered()
    assert sent_before_restart < members, "the broadcast finished before the kill"

    service.start()
    try:
        wait_for(
            lambda: len(reached(server, "Crash test")) >= members,
            60,
            "every recipient after the restart",
        )
        wait_for(
            lambda: (service.health() or {}).get("outbox") == {"pending": 0},
            30,
            "the outbox to drain",
        )
    finally:
        assert service.stop() == 0

    per_chat = reached(server, "Crash test")
    assert set(per_chat) == set(range(10_000, 10_000 + members))  # nothing lost
    doubled = {chat for chat, n in per_chat.items() if n > 1}
    rows = asyncio.run(read_deliveries(env["DATABASE_URL"]))
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
    asyncio.run(prepare(env["DATABASE_URL"], members))
    service = Service(env, tmp_path / "service.log")
    service.start()
    try:
        wait_for(service.health, 30, "the service to be healthy")
        send_alert(api, server, "Lock test: stay in")

        wait_for(
            lambda: sum(reached(server, "Lock test").values()) >= 40, 30, "the broadcast under way"
        )
        path = env["DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
        lock = sqlite3.connect(path, timeout=5)
        try:
            lock.execute("BEGIN EXCLUSIVE")
            time.sleep(5)
        finally:
            lock.rollback()
            lock.close()
        wait_for(
            lambda: len(reached(server, "Lock test")) >= members,
            60,
            "every recipient after the lock",
        )
        wait_for(lambda: (service.health() or {}).get("outbox") == {"pending": 0}, 30, "the outbox")
    finally:
        assert service.stop() == 0
    per_chat = reached(server, "Lock test")
    assert set(per_chat) == set(range(10_000, 10_000 + members))
    assert max(per_chat.values()) == 1
    log = (tmp_path / "service.log").read_text()
    assert "Traceback" not in log


def test_postgresql_restarted_mid_broadcast_loses_nothing(
    tmp_path: Path, fake_telegram: tuple[FakeBotAPI, FakeBotAPIServer]
) -> None:
    """The PostgreSQL server is stopped (every connection closed) mid-broadcast and started
    again ten seconds later: the service rides it out, every member is reached, and anyone
    reached twice is among the sends flagged "may have arrived twice"."""
    api, server = fake_telegram
    members = 200
    with private_postgres() as postgres:
        env = service_env(
            tmp_path,
            server,
            DATABASE_URL=postgres.url,
            TELEGRAM_MAX_PER_SECOND="40",
            DELIVERY_LEASE_SECONDS="3",
        )
        asyncio.run(prepare(postgres.url, members))
        service = Service(env, tmp_path / "service.log")
        service.start()
        try:
            wait_for(service.health, 30, "the service to be healthy")
            send_alert(api, server, "Restart test: porch lights on")

            wait_for(
                lambda: sum(reached(server, "Restart test").values()) >= 40,
                30,
                "the broadcast under way",
            )
            postgres.stop("fast")
            down_at = sum(reached(server, "Restart test").values())
            time.sleep(10)
            postgres.start()
            wait_for(
                lambda: len(reached(server, "Restart test")) >= members,
                90,
                "every recipient after the restart",
            )
            wait_for(
                lambda: (service.health() or {}).get("outbox") == {"pending": 0}, 60, "the outbox"
            )
        finally:
            assert service.stop() == 0
        rows = asyncio.run(read_deliveries(postgres.url))
    per_chat = reached(server, "Restart test")
    assert down_at < members, "the broadcast finished before the database went away"
    assert set(per_chat) == set(range(10_000, 10_000 + members))  # nothing lost
    alert_rows = [r for r in rows if r.member_id is not None and r.channel == "telegram"]
    assert all(r.status == "sent" for r in alert_rows), Counter(r.status for r in alert_rows)
    flagged = {10_000 + r.member_id - 1 for r in alert_rows if r.uncertain and r.member_id}
    doubled = {chat for chat, n in per_chat.items() if n > 1}
    assert doubled <= flagged, f"doubled without being flagged: {doubled - flagged}"
    log = (tmp_path / "service.log").read_text()
    assert "Traceback" not in log, log[-3000:]
    print(
        json.dumps({"sent_before_stop": down_at, "doubled": len(doubled), "flagged": len(flagged)})
    )
