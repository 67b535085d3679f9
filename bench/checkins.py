"""Daily check-ins at scale: 10,000 people whose check-in is due at the same minute.

The service's own path, against the rate-limiting emulator (`bench.emulator`, its own process):

- People are written in bulk into a fresh database (SQLite or PostgreSQL): each has a Telegram
  chat, every `--sms-every`-th also gets the prompt by text (channels "both"), and each has one
  contact (alternately an accepted Telegram chat and a phone number). Each enrollment's pending
  prompt is written into `calendar_due` exactly as `CheckinService.enroll` keys it
  ("v0|<local slot>", due at the minute M).
- The real scheduler job `scheduler.due_jobs.calendar_tick` (the due runner with the check-in
  handlers registered by `CheckinService`) fires on a 60 s cadence, the first at M + `--phase`;
  the real `DeliveryWorker.run` with the real `TelegramNotifier` (python-telegram-bot) and
  `SmsNotifier` (the twilio SDK) sends everything.

The clock: the service gets `OffsetClock`, the real time plus an offset, so it runs at real
speed (every transaction, send and pause takes its real time) but starts two seconds before M.
The idle stretches of the window are jumped over: once the prompts are out and 90% of the
people have answered (through `CheckinService.ok` and `CheckinService.heard`, as the faces
call them), the offset is moved to two seconds before the reminder tick, then to two seconds
before the tick at the deadline (due + `--window` minutes, 15 by default, the least allowed).
Nothing is measured across a jump.

Reported:

(a) from M until the emulator accepted every prompt (the last prompt's send settled), against
    the floor the emulator's limits allow: max(Telegram prompts / Telegram limit, SMS prompt
    segments / SMS limit); target <= floor x 1.10.
(b) for the 10% who never answer: each round's `escalated_at` (the contact message is queued in
    the same transaction; the runner's clock reading for the chunk that settled it) minus its
    deadline, and when the tick that escalated them had committed (its end); target <= 60 s.
    With `--phase` 0 the tick lands on the deadline; the scheduler's interval trigger can land
    up to 60 s after it, which adds that much (`--phase` measures it).
    Also: when the emulator had accepted every contact message.

    .venv/bin/python -m bench.checkins
    .venv/bin/python -m bench.checkins --backend postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from bench.common import (
    BOT_TOKEN,
    TransactionTrace,
    bench_settings,
    chat_id,
    cpu_seconds,
    peak_rss_mib,
    phone,
    temp_database,
)
from bench.emulator import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, DEFAULT_FROM, EmulatorProcess

ZONE = "America/New_York"
CONTACT_CHAT_BASE = 700_000_000
CONTACT_PHONE_BASE = 5_000  # contact numbers after the people's in the fictional range
LEAD = 2.0  # seconds before a tick the clock is set to
TICK_SECONDS = 60.0


@dataclass(frozen=True)
class Config:
    """One benchmark configuration."""

    people: int = 10_000
    sms_every: int = 10  # every n-th person also gets the prompt by text
    silent_every: int = 10  # every n-th person never answers
    window: int = 15  # window_minutes
    telegram_limit: float = 300.0
    sms_limit: float = 100.0
    service_telegram_rate: float = 290.0
    service_sms_rate: float = 97.0
    # In flight per channel: at 290 msg/s a send must be on its way 20-30 ms (the round trip
    # to the emulator and the lookahead) before the next few, so 8 caps the rate near 230/s.
    concurrency: int = 32
    backend: str = "sqlite"
    phase: float = 0.0  # seconds after a whole minute the ticks fire
    answer_concurrency: int = 4
    trace_db: bool = False
    timeout: float = 600.0
    prompts_only: bool = False  # stop after (a)


class OffsetClock:
    """The real time plus an offset the benchmark moves (the service's clock)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        """Real time, shifted."""
        return datetime.now(UTC) + self.offset

    def set(self, when: datetime) -> None:
        """From now on the clock reads `when` (and runs on at real speed)."""
        self.offset = when - datetime.now(UTC)


def contact_phone(index: int) -> str:
    """The number of the index-th person's contact (when it is a phone)."""
    return phone(CONTACT_PHONE_BASE + index)


async def seed(db: Any, config: Config, minute: datetime) -> None:
    """Enrollments, contacts and each one's pending prompt, in bulk."""
    from core.checkins.rules import DUE_PROMPT, slot_of
    from storage.checkins.models import CheckinContact, CheckinEnrollment
    from storage.due.models import CalendarDue

    zone = ZoneInfo(ZONE)
    local = minute.astimezone(zone)
    slot = slot_of(local.date(), local.time().replace(second=0, microsecond=0), zone)
    assert slot.due_at == minute, (slot, minute)
    created = minute - timedelta(days=1)
    people, contacts, due = [], [], []
    for i in range(config.people):
        both = i % config.sms_every == 0
        people.append(
            {
                "id": i + 1,
                "person_name": f"Resident {i}",
                "address": None,
                "channels": "both" if both else "telegram",
                "telegram_chat": str(chat_id(i)),
                "phone": phone(i) if both else None,
                "times": f"{local:%H:%M}",
                "timezone": ZONE,
                "window_minutes": config.window,
                "days_off": "",
                "scam_digest": True,
                "status": "active",
                "version": 0,
                "created_at": created,
                "updated_at": created,
                "consented_at": created,
            }
        )
        by_phone = i % 2 == 1
        contacts.append(
            {
                "enrollment_id": i + 1,
                "position": 1,
                "name": f"Contact {i}",
                "phone": contact_phone(i) if by_phone else None,
                "telegram_chat": None if by_phone else str(CONTACT_CHAT_BASE + i),
                "phone_opted_out": False,
                "created_at": created,
                "accepted_at": created,
            }
        )
        due.append(
            {
                "kind": DUE_PROMPT,
                "subject_id": i + 1,
                "key": f"v0|{slot.key}",
                "due_at": slot.due_at,
                "status": "pending",
                "attempts": 0,
                "created_at": created,
            }
        )
    async with db.transaction() as session:
        for model, rows in (
            (CheckinEnrollment, people),
            (CheckinContact, contacts),
            (CalendarDue, due),
        ):
            for start in range(0, len(rows), 1000):
                await session.execute(insert(model), rows[start : start + 1000])
    if config.backend == "postgresql":  # explicit ids: move the sequence past them
        from sqlalchemy import text

        async with db.transaction() as session:
            await session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('checkin_enrollments', 'id'), "
                    "(SELECT max(id) FROM checkin_enrollments))"
                )
            )


def settled(worker: Any) -> int:
    """Deliveries the worker has settled so far (it never resets the count)."""
    return sum(sender._settled for sender in worker.senders.values())


async def wait_settled(worker: Any, target: int, deadline: float) -> bool:
    """Until the worker has settled `target` deliveries in all (False at the deadline)."""
    while settled(worker) < target:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


class Ticker:
    """The scheduler's minute job on the service's clock: `calendar_tick` at every whole
    minute + phase; a tick that runs long makes the ones it overlaps skip (APScheduler's
    max_instances=1 and coalescing)."""

    def __init__(self, services: Any, clock: OffsetClock, phase: float) -> None:
        self.services = services
        self.clock = clock
        self.phase = phase
        self.ticks: list[tuple[datetime, float, dict[str, int]]] = []  # start, seconds, counts
        self.task: asyncio.Task[None] | None = None
        self.counts: dict[str, int] = {}
        # calendar_tick logs the runner's counts; keep them too.
        original = services.due.tick

        async def counted() -> dict[str, int]:
            result: dict[str, int] = await original()
            self.counts = dict(result)
            return result

        services.due.tick = counted

    def start(self) -> None:
        """Start ticking."""
        self.task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        """Stop (after the tick in progress)."""
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None

    async def _loop(self) -> None:
        from scheduler import due_jobs

        while True:
            now = self.clock.now()
            base = now.replace(second=0, microsecond=0) + timedelta(seconds=self.phase)
            fire = base if base >= now else base + timedelta(seconds=TICK_SECONDS)
            await asyncio.sleep((fire - now).total_seconds())
            started = self.clock.now()
            t0 = time.perf_counter()
            self.counts = {}
            await asyncio.shield(due_jobs.calendar_tick(self.services))
            self.ticks.append((started, time.perf_counter() - t0, self.counts))


async def run(config: Config, url: str) -> dict[str, Any]:
    """Everything in this process (the emulator runs in its own); returns the figures."""
    from telegram.ext import ApplicationBuilder

    from core.services import Services
    from notifiers.sms import SmsNotifier
    from notifiers.telegram import TelegramNotifier
    from storage.checkins.models import CheckinRound
    from storage.delivery.models import Delivery
    from storage.engine import Database

    clock = OffsetClock()
    # The minute M: far enough ahead to seed the database on the real clock's time.
    minute = (datetime.now(UTC) + timedelta(minutes=2)).replace(second=0, microsecond=0)
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
        db = Database(database_url)
        services = Services.build(settings, db, clock=clock)
        t_seed = time.perf_counter()
        await seed(db, config, minute)
        seed_seconds = time.perf_counter() - t_seed
        trace = TransactionTrace() if config.trace_db else None
        if trace is not None:
            trace.install(db)
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
        stop = asyncio.Event()
        runner = asyncio.create_task(worker.run(stop))
        ticker = Ticker(services, clock, config.phase)
        limit = time.monotonic() + config.timeout
        result: dict[str, Any] = {"seed_seconds": seed_seconds}
        try:
            # (a) the prompts
            n_sms = len(range(0, config.people, config.sms_every))
            prompts = config.people + n_sms
            # The tick in the minute before M writes the prompts ahead (PROMPT_LEAD), held in
            # the outbox until M; once it has committed, the idle rest of that minute is
            # jumped over.
            clock.set(minute - timedelta(seconds=TICK_SECONDS - config.phase + LEAD))
            ticker.start()
            while not ticker.ticks:
                if time.monotonic() > limit:
                    raise TimeoutError("the tick before the minute did not end")
                await asyncio.sleep(0.05)
            await ticker.stop()
            if settled(worker):
                raise RuntimeError("a prompt went out before its minute")
            clock.set(minute - timedelta(seconds=LEAD))
            ticker.start()
            samples: list[tuple[float, int, int]] = []

            async def sample() -> None:
                while True:
                    samples.append(
                        (
                            (clock.now() - minute).total_seconds(),
                            worker.senders["telegram"]._settled,
                            worker.senders["sms"]._settled,
                        )
                    )
                    await asyncio.sleep(1.0)

            sampler = asyncio.create_task(sample())
            ok = await wait_settled(worker, prompts, limit)
            sampler.cancel()
            result["samples"] = samples
            result["prompts_done_after_minute"] = (clock.now() - minute).total_seconds()
            result["prompts_all_settled"] = ok
            result["prompt_ticks"] = [
                ((s - minute).total_seconds(), d, c) for s, d, c in ticker.ticks
            ]
            await ticker.stop()
            if config.prompts_only:
                result["transactions"] = trace.summary() if trace is not None else {}
                return result

            # the answers: 90%, half by the button, half by any message
            async with db.transaction() as session:
                rounds = {
                    e: r
                    for e, r in (
                        await session.execute(select(CheckinRound.enrollment_id, CheckinRound.id))
                    ).all()
                }
            answering = [i for i in range(config.people) if i % config.silent_every != 0]
            queue: asyncio.Queue[int] = asyncio.Queue()
            for i in answering:
                queue.put_nowait(i)

            checkins = services.checkins.service

            async def answer() -> None:
                while not queue.empty():
                    i = queue.get_nowait()
                    if i % 2:
                        await checkins.ok(rounds[i + 1], "telegram", str(chat_id(i)))
                    elif i % config.sms_every == 0:
                        await checkins.heard("sms", phone(i), "ok")
                    else:
                        await checkins.heard("telegram", str(chat_id(i)), "I'm fine")

            t_answer = time.perf_counter()
            await asyncio.gather(*(answer() for _ in range(config.answer_concurrency)))
            result["answer_seconds"] = time.perf_counter() - t_answer
            result["answered"] = len(answering)

            # the reminders of the silent (halfway: the tick after due + window / 2)
            silent = config.people - len(answering)
            silent_sms = sum(
                1 for i in range(0, config.people, config.silent_every) if i % config.sms_every == 0
            )
            halfway = minute + timedelta(minutes=config.window / 2)
            remind_tick = halfway.replace(second=0, microsecond=0) + timedelta(minutes=1)
            if halfway == halfway.replace(second=0, microsecond=0):
                remind_tick = halfway
            clock.set(remind_tick - timedelta(seconds=LEAD - config.phase))
            before = len(ticker.ticks)
            ticker.start()
            ok = await wait_settled(worker, prompts + silent + silent_sms, limit)
            result["reminders_settled"] = ok
            result["remind_ticks"] = [
                ((s - minute).total_seconds(), d, c) for s, d, c in ticker.ticks[before:]
            ]
            await ticker.stop()

            # (b) the escalations at the deadline
            deadline = minute + timedelta(minutes=config.window)
            clock.set(deadline - timedelta(seconds=LEAD - config.phase))
            before = len(ticker.ticks)
            ticker.start()
            ok = await wait_settled(worker, prompts + 2 * silent + silent_sms, limit)
            result["contacts_done_after_deadline"] = (clock.now() - deadline).total_seconds()
            result["contacts_all_settled"] = ok
            await ticker.stop()
            escalation_ticks = ticker.ticks[before:]
            result["escalation_ticks"] = [
                ((s - deadline).total_seconds(), d, c) for s, d, c in escalation_ticks
            ]
            async with db.transaction() as session:
                rows = (
                    await session.execute(
                        select(CheckinRound.status, CheckinRound.escalated_at, CheckinRound.due_at)
                    )
                ).all()
                deliveries = dict(
                    (
                        await session.execute(
                            select(Delivery.status, func.count(Delivery.id)).group_by(
                                Delivery.status
                            )
                        )
                    ).all()
                )
            lags = [
                (escalated_at - (due_at + timedelta(minutes=config.window))).total_seconds()
                for _status, escalated_at, due_at in rows
                if escalated_at is not None
            ]
            # Every escalation is committed by the end of the tick that settled it.
            ends = [
                (s + timedelta(seconds=d) - deadline).total_seconds()
                for s, d, c in escalation_ticks
                if c.get("done")
            ]
            result["statuses"] = _count(r[0] for r in rows)
            result["deliveries"] = {k: int(v) for k, v in deliveries.items()}
            result["escalated"] = len(lags)
            result["silent"] = silent
            result["escalation_lag_max"] = max(lags) if lags else None
            result["escalation_lag_min"] = min(lags) if lags else None
            result["escalation_committed_by"] = max(ends) if ends else None
        finally:
            await ticker.stop()
            stop.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(runner, 15)
            await sms.close()
            await application.shutdown()
            await db.dispose()
    result["transactions"] = trace.summary() if trace is not None else {}
    result["rss_mib"] = peak_rss_mib()
    result["cpu_seconds"] = cpu_seconds()
    return result


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts


def measure(config: Config) -> dict[str, Any]:
    """One run against a fresh emulator; the client's and the emulator's figures."""
    from notifiers.sms_segments import segments

    load = os.getloadavg()[0]
    with EmulatorProcess(telegram_rate=config.telegram_limit, sms_rate=config.sms_limit) as emu:
        client = asyncio.run(run(config, emu.url))
        stats = emu.stats()
    telegram, sms = stats["telegram"], stats["sms"]
    people_chats = {str(chat_id(i)) for i in range(config.people)}
    texted = {phone(i) for i in range(0, config.people, config.sms_every)}
    prompt_segments = sum(segments(texts[0]) for n, texts in sms["received"].items() if n in texted)
    floor = max(config.people / config.telegram_limit, prompt_segments / config.sms_limit)
    silent = {i for i in range(config.people) if i % config.silent_every == 0}
    # Per chat: the prompt, and for the silent the reminder too.
    wrong = sum(
        1
        for i in range(config.people)
        if len(telegram["received"].get(str(chat_id(i)), ())) != (2 if i in silent else 1)
    )
    contacts_reached = sum(
        1
        for i in silent
        if (contact_phone(i) if i % 2 else str(CONTACT_CHAT_BASE + i))
        in {**telegram["received"], **sms["received"]}
    )
    return {
        "config": asdict(config),
        "load_before": load,
        "floor": floor,
        "prompt_sms_segments": prompt_segments,
        "prompts_ratio": client["prompts_done_after_minute"] / floor,
        "people_chats_wrong_count": wrong,
        "people_reached": sum(1 for c in people_chats if c in telegram["received"]),
        "contacts_reached": contacts_reached,
        "during_pause": telegram["during_pause"] + sms["during_pause"],
        "rate_limited": telegram["rate_limited"] + sms["rate_limited"],
        "rate_limited_by_channel": {
            "telegram": telegram["rate_limited"],
            "sms": sms["rate_limited"],
            "telegram_reasons": telegram.get("reasons_429", {}),
            "sms_reasons": sms.get("reasons_429", {}),
        },
        "invalid": telegram["invalid"] + sms["invalid"],
        "client": client,
    }


def report(row: dict[str, Any]) -> None:
    """The figures, readable."""
    c, cfg = row["client"], row["config"]
    print(
        f"\n{cfg['people']:,} people due at one minute ({cfg['backend']}), every "
        f"{cfg['sms_every']}th also by text; emulator {cfg['telegram_limit']:g} msg/s Telegram, "
        f"{cfg['sms_limit']:g} segments/s SMS; service {cfg['service_telegram_rate']:g} / "
        f"{cfg['service_sms_rate']:g}; load before {row['load_before']:.2f}"
    )
    print(f"  seed (bulk insert): {c['seed_seconds']:.2f} s")
    print(
        f"  (a) prompts: all accepted {c['prompts_done_after_minute']:.3f} s after the minute; "
        f"floor {row['floor']:.3f} s; ratio {row['prompts_ratio']:.3f} (target <= 1.10); "
        f"settled: {c['prompts_all_settled']}"
    )
    for at, seconds, counts in c["prompt_ticks"]:
        print(f"      tick at M{at:+.2f} s took {seconds:.2f} s: {counts}")
    if cfg["prompts_only"]:
        for at, tg, sm in c["samples"]:
            print(f"      M{at:+.1f}: telegram {tg}, sms {sm}")
        print(
            f"  429s {row['rate_limited']} ({row['rate_limited_by_channel']}); "
            f"sent during a pause {row['during_pause']}"
        )
        _print_transactions(c)
        return
    print(
        f"  answers: {c['answered']:,} in {c['answer_seconds']:.2f} s "
        f"({c['answered'] / c['answer_seconds']:.0f}/s, {cfg['answer_concurrency']} at a time)"
    )
    for at, seconds, counts in c["remind_ticks"]:
        print(f"      reminder tick at M{at:+.2f} s took {seconds:.2f} s: {counts}")
    print(
        f"  (b) escalations: {c['escalated']:,} of {c['silent']:,} silent; escalated_at - "
        f"deadline {c['escalation_lag_min']:.3f} .. {c['escalation_lag_max']:.3f} s "
        f"(target <= 60); all committed by deadline + {c['escalation_committed_by']:.3f} s"
    )
    for at, seconds, counts in c["escalation_ticks"]:
        print(f"      tick at deadline{at:+.2f} s took {seconds:.2f} s: {counts}")
    print(
        f"      every contact message accepted {c['contacts_done_after_deadline']:.3f} s after "
        f"the deadline; contacts reached {row['contacts_reached']:,}"
    )
    print(
        f"  people reached {row['people_reached']:,}; chats with the wrong number of messages "
        f"{row['people_chats_wrong_count']}; 429s {row['rate_limited']}; sent during a pause "
        f"{row['during_pause']}; invalid {row['invalid']}"
    )
    print(f"  rounds {c['statuses']}; deliveries {c['deliveries']}")
    print(f"  RSS {c['rss_mib']:.1f} MiB, CPU {c['cpu_seconds']:.1f} s")
    _print_transactions(c)


def _print_transactions(c: dict[str, Any]) -> None:
    for caller, t in list(c["transactions"].items())[:8]:
        print(
            f"      {caller}: n={t['n']} mean {t['mean_ms']:.2f} ms p50 {t['p50_ms']:.2f} "
            f"p99 {t['p99_ms']:.2f} max {t['max_ms']:.1f}"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The options (defaults: `Config`)."""
    d = Config()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--people", type=int, default=d.people)
    add("--sms-every", type=int, default=d.sms_every, help="every n-th person also by text")
    add("--silent-every", type=int, default=d.silent_every, help="every n-th never answers")
    add("--window", type=int, default=d.window, help="window_minutes (15-240)")
    add("--telegram-limit", type=float, default=d.telegram_limit)
    add("--sms-limit", type=float, default=d.sms_limit)
    add("--service-telegram-rate", type=float, default=d.service_telegram_rate)
    add("--service-sms-rate", type=float, default=d.service_sms_rate)
    add("--concurrency", type=int, default=d.concurrency)
    add("--backend", choices=("sqlite", "postgresql"), default=d.backend)
    add("--phase", type=float, default=d.phase, help="seconds after the minute ticks fire")
    add("--answer-concurrency", type=int, default=d.answer_concurrency)
    add("--trace-db", action="store_true", help="time every transaction by its opener")
    add("--prompts-only", action="store_true", help="stop after (a), the prompts")
    add("--timeout", type=float, default=d.timeout)
    add("--json", dest="json_out", default=None, help="also write every figure to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.checkins`."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    logging.basicConfig(level=logging.WARNING, format="  [%(name)s] %(message)s")
    args = parse_args(argv)
    config = Config(
        people=args.people,
        sms_every=args.sms_every,
        silent_every=args.silent_every,
        window=args.window,
        telegram_limit=args.telegram_limit,
        sms_limit=args.sms_limit,
        service_telegram_rate=args.service_telegram_rate,
        service_sms_rate=args.service_sms_rate,
        concurrency=args.concurrency,
        backend=args.backend,
        phase=args.phase,
        answer_concurrency=args.answer_concurrency,
        trace_db=args.trace_db,
        timeout=args.timeout,
        prompts_only=args.prompts_only,
    )
    row = measure(config)
    report(row)
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as out:
            json.dump(row, out, indent=2, default=str)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
