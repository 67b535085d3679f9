"""The delivery engine's own ceiling: deliveries per second through the outbox, limits off.

N deliveries (one alert to N members: 80 % Telegram, 20 % SMS by default) are written to the
outbox as the services write them, then drained by the real `DeliveryWorker` with a notifier per
channel that answers SENT at once and pacing rates of 1e6/s, so that everything measured is the
engine: claim, book a slot, mark `sending`, send, record the outcome. Deliveries/s = N over the
time from the worker's start to the last outcome recorded. Run on SQLite and PostgreSQL (a
database of its own on the local server, dropped afterwards).

    .venv/bin/python -m bench.ceiling                    # SQLite and PostgreSQL, N=20,000
    .venv/bin/python -m bench.ceiling --backends sqlite --concurrency 8,64,256 --profile
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
from datetime import timedelta
from itertools import count
from typing import Any

from bench.broadcast import STALL_SECONDS, _describe_stall, pool_options
from bench.common import (
    ALERT,
    Stopwatch,
    bench_settings,
    cpu_seconds,
    enqueue_alert,
    seed_members,
    status_counts,
    temp_database,
)
from bench.emulator import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, DEFAULT_FROM
from core.clock import SystemClock
from core.delivery.outbox import SMS, TELEGRAM
from core.delivery.pacing import telegram_chat_interval
from core.delivery.worker import DeliveryWorker
from core.services import Services, sms_cost
from notifiers.base import OutboundMessage, Outcome, SendResult
from storage.engine import Database

RATE_OFF = 1e6  # per second: pacing that never waits


class InstantNotifier:
    """A channel that accepts every message at once (no I/O)."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self._ids = count(1)

    async def send(self, message: OutboundMessage) -> SendResult:
        """SENT, with a provider id."""
        return SendResult(Outcome.SENT, provider_id=f"{self.channel}-{next(self._ids)}")


async def measure(
    backend: str,
    total: int,
    sms_share: float,
    concurrency: int,
    limit: float,
    sqlite_pool_size: int | None = None,
    profiler: cProfile.Profile | None = None,
) -> dict[str, Any]:
    """Drain `total` deliveries once; the figures."""
    sms = round(total * sms_share)
    async with temp_database(backend) as url:
        settings = bench_settings(
            database_url=url,
            twilio_account_sid=DEFAULT_ACCOUNT_SID,
            twilio_auth_token=DEFAULT_AUTH_TOKEN,
            twilio_from_number=DEFAULT_FROM,
        )
        db = Database(url, **pool_options(backend, sqlite_pool_size))
        try:
            services = Services.build(settings, db)
            await seed_members(db, total - sms, sms)
            clock = Stopwatch()
            _, queued = await enqueue_alert(services, ALERT)
            enqueue = clock()
            worker = DeliveryWorker(
                db,
                SystemClock(),
                {TELEGRAM: InstantNotifier(TELEGRAM), SMS: InstantNotifier(SMS)},
                rates={TELEGRAM: RATE_OFF, SMS: RATE_OFF},
                costs={SMS: sms_cost},
                per_address={TELEGRAM: telegram_chat_interval},
                concurrency=concurrency,
                lease=timedelta(seconds=60),
                sms_enabled=True,
            )
            cpu_before = cpu_seconds()
            clock = Stopwatch()
            stop = asyncio.Event()
            if profiler:
                profiler.enable()
            runner = asyncio.create_task(worker.run(stop))
            stalled = await _wait(worker, queued, clock, limit)
            drain = clock()
            if profiler:
                profiler.disable()
            cpu = cpu_seconds() - cpu_before
            stop.set()
            try:
                await asyncio.wait_for(asyncio.shield(runner), 15)
            except TimeoutError:
                stalled += "; DeliveryWorker.run did not return within 15 s of stop (cancelled)"
                runner.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
            counts = await status_counts(db)
        finally:
            await db.dispose()
    settled = counts.get("sent", 0)
    return {
        "backend": backend,
        "deliveries": queued,
        "concurrency": concurrency,
        "enqueue_seconds": enqueue,
        "enqueue_per_second": queued / enqueue,
        "drain_seconds": drain,
        "per_second": settled / drain if drain else 0.0,
        "cpu_seconds": cpu,
        "statuses": counts,
        "stalled": stalled,
    }


async def _wait(worker: DeliveryWorker, queued: int, clock: Stopwatch, limit: float) -> str:
    """Until every delivery is settled: '' or a description of why it stopped moving."""
    last, last_change = -1, clock()
    while True:
        settled = sum(sender._settled for sender in worker.senders.values())
        if settled >= queued:
            return ""
        now = clock()
        if settled != last:
            last, last_change = settled, now
        elif now - last_change > min(STALL_SECONDS, 10.0) or now > limit:
            return _describe_stall(worker, settled, queued)
        await asyncio.sleep(0.002)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--backends", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    add("-n", "--deliveries", type=int, default=20_000)
    add("--sms-share", type=float, default=0.2, help="the share of SMS deliveries")
    add("--concurrency", default="8,64", help="DELIVERY_CONCURRENCY values, comma-separated")
    add("--claim-batch", type=int, default=None, help="override delivery_worker.CLAIM_BATCH")
    add("--sqlite-pool-size", type=int, default=None, help="pool_size on SQLite (experiment)")
    add("--repeat", type=int, default=1)
    add("--timeout", type=float, default=300.0, help="seconds per run before giving up")
    add("--profile", action="store_true", help="cProfile each drain (main thread); print the top")
    add("--json", dest="json_out", default=None, help="also write every figure to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.ceiling`."""
    args = parse_args(argv)
    from core.delivery import worker as delivery_worker

    if args.claim_batch:
        delivery_worker.CLAIM_BATCH = args.claim_batch
        delivery_worker.ChannelSender._claim.__defaults__ = (args.claim_batch,)
    rows = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            for _ in range(args.repeat):
                profiler = cProfile.Profile() if args.profile else None
                load = os.getloadavg()[0]
                row = asyncio.run(
                    measure(
                        backend,
                        args.deliveries,
                        args.sms_share,
                        concurrency,
                        args.timeout,
                        args.sqlite_pool_size,
                        profiler,
                    )
                )
                row["load_before"] = load
                if profiler:
                    row["profile"] = _top(profiler)
                rows.append(row)
                print(
                    f"  {backend} concurrency {concurrency}: {row['per_second']:,.0f}/s"
                    + (" STALLED" if row["stalled"] else ""),
                    file=sys.stderr,
                )
    print(
        f"\nEngine ceiling: {args.deliveries:,} deliveries ({args.sms_share:.0%} SMS), instant "
        f"notifiers, rates {RATE_OFF:g}/s"
        + (f", CLAIM_BATCH={args.claim_batch}" if args.claim_batch else "")
        + (f" [SQLite pool_size={args.sqlite_pool_size}]" if args.sqlite_pool_size else "")
    )
    header = (
        f"{'backend':<11} {'concurrency':>11} {'deliveries/s':>12} {'drain s':>8} {'CPU s':>6} "
        f"{'enqueue/s':>10} {'load':>5}  outcome"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        outcome = f"STALLED: {row['stalled']}" if row["stalled"] else str(row["statuses"])
        print(
            f"{row['backend']:<11} {row['concurrency']:>11} {row['per_second']:>12,.0f} "
            f"{row['drain_seconds']:>8.2f} {row['cpu_seconds']:>6.2f} "
            f"{row['enqueue_per_second']:>10,.0f} {row['load_before']:>5.2f}  {outcome}"
        )
    if args.repeat > 1:
        print("\nmedian over repeats:")
        for key in dict.fromkeys((row["backend"], row["concurrency"]) for row in rows):
            rates = sorted(r["per_second"] for r in rows if (r["backend"], r["concurrency"]) == key)
            print(
                f"{key[0]:<11} {key[1]:>11} {statistics.median(rates):>12,.0f}  "
                f"(min {rates[0]:,.0f}, max {rates[-1]:,.0f})"
            )
    for row in rows:
        if row.get("profile"):
            print(f"\n--- profile: {row['backend']}, concurrency {row['concurrency']} ---")
            print(row["profile"])
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as out:
            json.dump({"args": vars(args), "rows": rows}, out, indent=2)


def _top(profiler: cProfile.Profile, lines: int = 30) -> str:
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("cumulative").print_stats(lines)
    return buffer.getvalue()


if __name__ == "__main__":
    main()
