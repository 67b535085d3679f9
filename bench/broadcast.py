"""Broadcast one alert to 2,000 members against the rate-limiting emulator, two ways.

- **engine**: the service's own path. Members in a fresh database, one alert written to the
  outbox as the services write it (`Outbox.enqueue_in` in one transaction), then the real
  `DeliveryWorker.run` with the real `TelegramNotifier` (python-telegram-bot, built like the
  service builds its Application) and `SmsNotifier` (the twilio SDK), until every delivery is
  settled.
- **naive**: python-telegram-bot's `AIORateLimiter` (its overall rate scaled to the emulator's)
  and one `asyncio.gather` over every Telegram send, plus a `gather` over the twilio SDK's
  `create_async` for the SMS members; `naive-retry` is the same with `max_retries=3`.

Each approach runs in a child process of its own (so peak RSS is its own) against a fresh
emulator process (`bench.emulator`). Reported per approach: wall time over the floor the limits
allow (floor = max(Telegram messages / Telegram rate, SMS segments / SMS rate)), messages lost
(expected recipients the emulator never accepted a message for), duplicated (recipients who got
more than one), requests sent while a 429 pause announced to the client was in force, 429s, and
peak RSS.

    .venv/bin/python -m bench.broadcast                 # engine on SQLite, naive, naive-retry
    .venv/bin/python -m bench.broadcast --backend postgresql --approaches engine
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import statistics
import subprocess
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from importlib.util import find_spec
from typing import Any

from bench.common import (
    ALERT,
    BOT_TOKEN,
    LONG_ALERT,
    Stopwatch,
    TransactionTrace,
    bench_settings,
    chat_id,
    cpu_seconds,
    enqueue_alert,
    peak_rss_mib,
    phone,
    seed_members,
    status_counts,
    temp_database,
)
from bench.emulator import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    DEFAULT_FROM,
    REPO_ROOT,
    EmulatorProcess,
)
from core.delivery.outbox import Message

APPROACHES = ("engine", "naive", "naive-retry")
STALL_SECONDS = 20.0  # no delivery settled for this long: the engine is reported as stalled
STOP_GRACE = 15.0  # seconds DeliveryWorker.run gets to return once stop is set
RESULT_PREFIX = "RESULT "


@dataclass(frozen=True)
class Config:
    """One benchmark configuration (shared by the parent and its children)."""

    telegram_members: int = 1600
    sms_members: int = 400
    telegram_limit: float = 300.0  # the emulator's limits
    sms_limit: float = 100.0
    service_telegram_rate: float = 290.0  # TELEGRAM_MAX_PER_SECOND given to the service
    service_sms_rate: float = 97.0  # SMS_SEGMENTS_PER_SECOND
    concurrency: int = 8  # DELIVERY_CONCURRENCY
    backend: str = "sqlite"
    long_sms: bool = False
    latency: float = 0.0
    claim_batch: int | None = None  # override delivery_worker.CLAIM_BATCH (exploration only)
    sqlite_pool_size: int | None = None  # Database(url, pool_size=n, max_overflow=0) on SQLite
    stop_after: float | None = None  # set the worker's stop after this many seconds instead
    trace_db: bool = False  # time every transaction by the function that opened it
    timeout: float = 120.0

    @property
    def message(self) -> Message:
        """The alert sent."""
        return LONG_ALERT if self.long_sms else ALERT


# --- the engine ---------------------------------------------------------------------------------


async def run_engine(config: Config, url: str) -> dict[str, Any]:
    """The service's own path; returns the client-side figures."""
    from telegram.ext import ApplicationBuilder

    from core.delivery import worker as delivery_worker
    from core.services import Services
    from notifiers.sms import SmsNotifier
    from notifiers.telegram import TelegramNotifier
    from storage.engine import Database

    if config.claim_batch:
        delivery_worker.CLAIM_BATCH = config.claim_batch
        delivery_worker.ChannelSender._claim.__defaults__ = (config.claim_batch,)
    async with temp_database(config.backend) as database_url:
        settings = bench_settings(
            database_url=database_url,
            telegram_api_url=url,
            twilio_api_url=url,
            twilio_account_sid=DEFAULT_ACCOUNT_SID,
            twilio_auth_token=DEFAULT_AUTH_TOKEN,
            twilio_from_number=DEFAULT_FROM,
            telegram_max_per_second=config.service_telegram_rate,
            sms_segments_per_second=config.service_sms_rate,
            delivery_concurrency=config.concurrency,
        )
        db = Database(database_url, **pool_options(config.backend, config.sqlite_pool_size))
        services = Services.build(settings, db)
        await seed_members(db, config.telegram_members, config.sms_members)
        trace = TransactionTrace() if config.trace_db else None
        if trace is not None:
            trace.install(db)
        # Built as bot/telegram/app.py builds the service's Application (minus its handlers).
        application = (
            ApplicationBuilder()
            .token(BOT_TOKEN)
            .base_url(f"{settings.telegram_api_url}/bot")
            .base_file_url(f"{settings.telegram_api_url}/file/bot")
            .updater(None)
            .build()
        )
        await application.initialize()
        sms = SmsNotifier(
            DEFAULT_ACCOUNT_SID,
            DEFAULT_AUTH_TOKEN,
            from_number=DEFAULT_FROM,
            api_url=settings.twilio_api_url,
        )
        worker = services.delivery
        worker.add_notifier("telegram", TelegramNotifier(application.bot))
        worker.add_notifier("sms", sms)
        try:
            clock = Stopwatch()
            _, queued = await enqueue_alert(services, config.message)
            enqueued_at = clock()
            stop = asyncio.Event()
            runner = asyncio.create_task(worker.run(stop))
            if config.stop_after is None:
                stalled = await _wait_settled(worker, queued, clock, config.timeout)
            else:  # a shutdown in the middle of the broadcast
                await asyncio.sleep(config.stop_after)
                stalled = ""
            done_at = clock()
            stop.set()
            try:
                await asyncio.wait_for(asyncio.shield(runner), STOP_GRACE)
                stop_seconds = clock() - done_at
            except TimeoutError:
                stalled += (
                    f"; DeliveryWorker.run did not return within {STOP_GRACE:g} s of stop "
                    "(cancelled)"
                )
                stop_seconds = clock() - done_at
                runner.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
            counts = await status_counts(db)
        finally:
            await sms.close()
            await application.shutdown()
            await db.dispose()
    return {
        "queued": queued,
        "wall": done_at,
        "enqueue": enqueued_at,
        "drain": done_at - enqueued_at,
        "statuses": counts,
        "stalled": stalled,
        "stop_seconds": stop_seconds,
        "transactions": trace.summary() if trace is not None else {},
        "rss_mib": peak_rss_mib(),
        "cpu_seconds": cpu_seconds(),
    }


def pool_options(backend: str, sqlite_pool_size: int | None) -> dict[str, int]:
    """Engine options for `Database`: a fixed pool size on SQLite when asked (exploration)."""
    if backend != "sqlite" or not sqlite_pool_size:
        return {}
    return {"pool_size": sqlite_pool_size, "max_overflow": 0}


async def _wait_settled(worker: Any, queued: int, clock: Stopwatch, limit: float) -> str:
    """Wait until `queued` deliveries are settled; '' or a description of a stall."""
    last, last_change = -1, clock()
    while True:
        # ChannelSender counts what it settles (it never resets the count in `run`).
        settled = sum(sender._settled for sender in worker.senders.values())
        if settled >= queued:
            return ""
        now = clock()
        if settled != last:
            last, last_change = settled, now
        elif now - last_change > STALL_SECONDS or now > limit:
            return _describe_stall(worker, settled, queued)
        await asyncio.sleep(0.005)


def _describe_stall(worker: Any, settled: int, queued: int) -> str:
    parts = [f"{settled}/{queued} settled"]
    for name, sender in worker.senders.items():
        parts.append(
            f"{name}: free slots {sender._slots._value}, in flight {len(sender._in_flight)}, "
            f"outcomes waiting {len(sender._finished)}, settled {sender._settled}"
        )
    return "; ".join(parts)


# --- the naive approach -------------------------------------------------------------------------


async def run_naive(config: Config, url: str, max_retries: int) -> dict[str, Any]:
    """AIORateLimiter plus one gather over every send; returns the client-side figures."""
    from telegram.constants import ParseMode
    from telegram.ext import AIORateLimiter, ApplicationBuilder
    from twilio.http.async_http_client import AsyncTwilioHttpClient
    from twilio.rest import Client

    from core.delivery.outbox import sms_rendering

    application = (
        ApplicationBuilder()
        .token(BOT_TOKEN)
        .base_url(f"{url}/bot")
        .rate_limiter(
            AIORateLimiter(overall_max_rate=config.telegram_limit, max_retries=max_retries)
        )
        .updater(None)
        .build()
    )
    await application.initialize()
    http = AsyncTwilioHttpClient()
    twilio = Client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, http_client=http)
    twilio.edge = None
    twilio.region = None
    twilio.api.base_url = url
    body = sms_rendering("Stratford Crime Watch", config.message.text)

    async def telegram(index: int) -> None:
        await application.bot.send_message(
            chat_id=chat_id(index), text=config.message.html, parse_mode=ParseMode.HTML
        )

    async def text(index: int) -> None:
        await twilio.messages.create_async(to=phone(index), from_=DEFAULT_FROM, body=body)

    try:
        clock = Stopwatch()
        results = await asyncio.gather(
            *(telegram(i) for i in range(config.telegram_members)),
            *(text(i) for i in range(config.sms_members)),
            return_exceptions=True,
        )
        wall = clock()
    finally:
        await http.close()
        await application.shutdown()
    errors = Counter(type(r).__name__ for r in results if isinstance(r, BaseException))
    return {
        "queued": len(results),
        "wall": wall,
        "enqueue": 0.0,
        "drain": wall,
        "errors": dict(errors),
        "stalled": "",
        "rss_mib": peak_rss_mib(),
        "cpu_seconds": cpu_seconds(),
    }


# --- the parent: one emulator and one child per approach ----------------------------------------


def expected(config: Config) -> tuple[set[str], set[str], str]:
    """The Telegram chats and phone numbers that should get the alert, and the SMS body."""
    from core.delivery.outbox import sms_rendering

    chats = {str(chat_id(i)) for i in range(config.telegram_members)}
    phones = {phone(i) for i in range(config.sms_members)}
    return chats, phones, sms_rendering("Stratford Crime Watch", config.message.text)


def floor_seconds(config: Config) -> tuple[float, int]:
    """The least time the emulator's limits allow, and the SMS segments per message."""
    from notifiers.sms_segments import segments

    _, _, body = expected(config)
    per_sms = segments(body)
    return (
        max(
            config.telegram_members / config.telegram_limit,
            config.sms_members * per_sms / config.sms_limit,
        ),
        per_sms,
    )


def measure(config: Config, approach: str) -> dict[str, Any]:
    """Run one approach in a child process against a fresh emulator; every figure."""
    load = os.getloadavg()[0]
    with EmulatorProcess(
        telegram_rate=config.telegram_limit,
        sms_rate=config.sms_limit,
        latency=config.latency,
    ) as emulator:
        child = subprocess.run(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "bench.broadcast",
                "--child",
                approach,
                "--emulator-url",
                emulator.url,
                "--config",
                json.dumps(asdict(config)),
            ],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
            timeout=config.timeout + 120,
        )
        stats = emulator.stats()
    lines = [line for line in child.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if child.returncode != 0 or not lines:
        raise RuntimeError(f"{approach} failed (exit {child.returncode}): {child.stdout[-2000:]}")
    client = json.loads(lines[-1].removeprefix(RESULT_PREFIX))
    chats, phones, body = expected(config)
    telegram, sms = stats["telegram"], stats["sms"]
    received = {**telegram["received"], **sms["received"]}
    wanted = chats | phones
    floor, per_sms = floor_seconds(config)
    wrong_text = sum(
        1 for chat, texts in telegram["received"].items() for t in texts if t != config.message.html
    ) + sum(1 for number, texts in sms["received"].items() for t in texts if t != body)
    return {
        "approach": approach,
        "backend": config.backend if approach == "engine" else "-",
        "floor": floor,
        "segments_per_sms": per_sms,
        "wall": client["wall"],
        "ratio": client["wall"] / floor,
        "drain_ratio": client["drain"] / floor,
        "lost": sum(1 for r in wanted if r not in received),
        "duplicated": sum(1 for r in wanted if len(received.get(r, ())) > 1),
        "extra_copies": sum(max(len(received.get(r, ())) - 1, 0) for r in wanted),
        "unexpected": sum(1 for r in received if r not in wanted),
        "wrong_text": wrong_text,
        "during_pause": telegram["during_pause"] + sms["during_pause"],
        "rate_limited": telegram["rate_limited"] + sms["rate_limited"],
        "invalid": telegram["invalid"] + sms["invalid"],
        "violations": telegram["violations"] + sms["violations"],
        "telegram": {k: v for k, v in telegram.items() if k != "received"},
        "sms": {k: v for k, v in sms.items() if k != "received"},
        "emulator_cpu": stats["cpu_seconds"],
        "load_before": load,
        "client": client,
    }


def print_table(config: Config, rows: list[dict[str, Any]]) -> None:
    """The figures side by side."""
    floor, per_sms = floor_seconds(config)
    print(
        f"\n{config.telegram_members} Telegram + {config.sms_members} SMS members; emulator limits "
        f"{config.telegram_limit:g} msg/s Telegram (1/s per chat), {config.sms_limit:g} segments/s "
        f"SMS; SMS of {per_sms} segment(s); floor {floor:.3f} s"
    )
    print(
        f"engine: TELEGRAM_MAX_PER_SECOND={config.service_telegram_rate:g} "
        f"SMS_SEGMENTS_PER_SECOND={config.service_sms_rate:g} "
        f"DELIVERY_CONCURRENCY={config.concurrency}"
        + (f" CLAIM_BATCH={config.claim_batch}" if config.claim_batch else "")
        + (f" [SQLite pool_size={config.sqlite_pool_size}]" if config.sqlite_pool_size else "")
        + (f"; emulator latency {config.latency * 1000:g} ms" if config.latency else "")
    )
    header = (
        f"{'approach':<12} {'db':<10} {'wall s':>7} {'wall/floor':>10} {'drain/floor':>11} "
        f"{'lost':>5} {'dup':>4} {'in pause':>8} {'429s':>5} {'RSS MiB':>8} {'CPU s':>6}"
    )
    print(f"load average before printing: {os.getloadavg()[0]:.2f} (2 cores)")
    print(header)
    print("-" * len(header))
    for row in rows:
        client = row["client"]
        print(
            f"{row['approach']:<12} {row['backend']:<10} {row['wall']:>7.3f} "
            f"{row['ratio']:>10.3f} {row['drain_ratio']:>11.3f} {row['lost']:>5} "
            f"{row['duplicated']:>4} {row['during_pause']:>8} {row['rate_limited']:>5} "
            f"{client['rss_mib']:>8.1f} {client['cpu_seconds']:>6.2f}"
        )
    if len(rows) > len({row["approach"] for row in rows}):
        print("\nmedian (worst) over repeats:")
        for approach in dict.fromkeys(row["approach"] for row in rows):
            same = [row for row in rows if row["approach"] == approach]
            ratios = sorted(row["ratio"] for row in same)
            print(
                f"{approach:<12} runs {len(same)}: wall/floor median "
                f"{statistics.median(ratios):.3f} "
                f"(best {ratios[0]:.3f}, worst {ratios[-1]:.3f}); lost max "
                f"{max(r['lost'] for r in same)}, dup max {max(r['duplicated'] for r in same)}, "
                f"in pause max {max(r['during_pause'] for r in same)}, 429s max "
                f"{max(r['rate_limited'] for r in same)}, RSS max "
                f"{max(r['client']['rss_mib'] for r in same):.1f} MiB"
            )
    for row in rows:
        client = row["client"]
        notes = []
        for channel in ("telegram", "sms"):
            data = row[channel]
            notes.append(
                f"{channel}: accepted {data['accepted']}, 429s {data['rate_limited']} "
                f"{data['reasons_429'] or ''}, first request to last accepted "
                f"{data['first_request_to_last_accepted']:.3f} s"
            )
        if client.get("statuses"):
            notes.append(f"outbox: {client['statuses']}, enqueue {client['enqueue']:.3f} s")
        if client.get("errors"):
            notes.append(f"exceptions: {client['errors']}")
        if config.stop_after is not None and "stop_seconds" in client:
            notes.append(
                f"stop set after {config.stop_after:g} s; DeliveryWorker.run returned "
                f"{client['stop_seconds']:.2f} s later (lost counts what was not sent by then)"
            )
        for opener, t in client.get("transactions", {}).items():
            notes.append(
                f"transactions from {opener}: {t['n']}, mean {t['mean_ms']:.1f} ms, median "
                f"{t['p50_ms']:.1f}, p99 {t['p99_ms']:.1f}, max {t['max_ms']:.1f}"
            )
        if client.get("stalled"):
            notes.append(f"STALLED: {client['stalled']}")
        if row["unexpected"] or row["wrong_text"] or row["invalid"]:
            notes.append(
                f"unexpected recipients {row['unexpected']}, wrong texts {row['wrong_text']}, "
                f"invalid requests {row['invalid']} {row['violations'][:3]}"
            )
        notes.append(
            f"emulator CPU {row['emulator_cpu']:.2f} s; load average before the run "
            f"{row['load_before']:.2f}"
        )
        print(f"\n{row['approach']} ({row['backend']}):\n  " + "\n  ".join(notes))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    defaults = Config()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--approaches", default=",".join(APPROACHES), help=f"comma-separated: {APPROACHES}")
    add("--backend", default=defaults.backend, choices=("sqlite", "postgresql"))
    add("--telegram-members", type=int, default=defaults.telegram_members)
    add("--sms-members", type=int, default=defaults.sms_members)
    add("--telegram-limit", type=float, default=defaults.telegram_limit, help="emulator msg/s")
    add("--sms-limit", type=float, default=defaults.sms_limit, help="emulator segments/s")
    add("--service-telegram-rate", type=float, default=defaults.service_telegram_rate)
    add("--service-sms-rate", type=float, default=defaults.service_sms_rate)
    add("--concurrency", type=int, default=defaults.concurrency)
    add("--long-sms", action="store_true", help="a two-segment SMS alert")
    add("--latency", type=float, default=0.0, help="seconds the emulator adds to each answer")
    add("--claim-batch", type=int, default=None, help="override delivery_worker.CLAIM_BATCH")
    add(
        "--sqlite-pool-size",
        type=int,
        default=None,
        help="experiment: Database(url, pool_size=N, max_overflow=0) on SQLite",
    )
    add(
        "--stop-after",
        type=float,
        default=None,
        help="engine: set the worker's stop after S seconds and time how long it takes to stop",
    )
    add("--trace-db", action="store_true", help="engine: time every database transaction")
    add("--timeout", type=float, default=defaults.timeout)
    add("--repeat", type=int, default=1, help="run each approach this many times")
    add("--json", dest="json_out", default=None, help="also write every figure to this file")
    add("--child", default=None, help=argparse.SUPPRESS)
    add("--emulator-url", default=None, help=argparse.SUPPRESS)
    add("--config", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def child_main(approach: str, url: str, config: Config) -> None:
    """In the child process: run one approach and print its figures as one JSON line."""
    logging.basicConfig(level=logging.WARNING, format="  [%(name)s] %(message)s")
    # One line with a traceback per refused send: the emulator counts them anyway.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    if approach == "engine":
        result = asyncio.run(run_engine(config, url))
    else:
        result = asyncio.run(run_naive(config, url, 3 if approach == "naive-retry" else 0))
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.broadcast`."""
    args = parse_args(argv)
    if args.child:
        child_main(args.child, args.emulator_url, Config(**json.loads(args.config)))
        return
    config = Config(
        telegram_members=args.telegram_members,
        sms_members=args.sms_members,
        telegram_limit=args.telegram_limit,
        sms_limit=args.sms_limit,
        service_telegram_rate=args.service_telegram_rate,
        service_sms_rate=args.service_sms_rate,
        concurrency=args.concurrency,
        backend=args.backend,
        long_sms=args.long_sms,
        latency=args.latency,
        claim_batch=args.claim_batch,
        sqlite_pool_size=args.sqlite_pool_size,
        stop_after=args.stop_after,
        trace_db=args.trace_db,
        timeout=args.timeout,
    )
    approaches = [a.strip() for a in args.approaches.split(",") if a.strip()]
    for approach in approaches:
        if approach not in APPROACHES:
            raise SystemExit(f"unknown approach {approach!r} (one of {APPROACHES})")
    if any(a.startswith("naive") for a in approaches) and find_spec("aiolimiter") is None:
        print(
            "skipping the naive approach: AIORateLimiter needs aiolimiter "
            '(.venv/bin/pip install "aiolimiter>=1.1,<1.3")',
            file=sys.stderr,
        )
        approaches = [a for a in approaches if not a.startswith("naive")]
    rows = []
    for approach in approaches:
        for _ in range(args.repeat):
            rows.append(measure(config, approach))
            print(f"  {approach}: wall/floor {rows[-1]['ratio']:.3f}", file=sys.stderr)
    print_table(config, rows)
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as out:
            json.dump({"config": asdict(config), "rows": rows}, out, indent=2)


if __name__ == "__main__":
    main()
