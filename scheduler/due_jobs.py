"""The jobs that settle what is due: plain module-level `async def job(services) -> None`.

What is due lives in our tables (core.due); these jobs only drain it. `calendar_tick` runs
every minute (and `calendar_start` once when the scheduler starts, which catches up after
downtime; the job ids keep their first names, which the health page shows); the cron jobs
fire the daily patrol list, the weekly meeting list and news publication on the dot, in
TIMEZONE, so they keep their local time across daylight saving changes. Every step is
idempotent: a tick and a cron job firing together send each thing once.
"""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.localtime import WEEKDAYS, parse_clock, parse_weekly
from core.services import Services
from scheduler.jobs import outlives_outages

log = logging.getLogger(__name__)

TICK_SECONDS = 60


def _done(services: Services, name: str, counts: dict[str, int] | str | None) -> None:
    services.health[f"calendar_{name}"] = services.clock.now().isoformat()
    if counts:
        log.info("calendar %s: %s", name, counts)
        services.delivery.poke()


@outlives_outages
async def calendar_tick(services: Services) -> None:
    """Everything due now: reminders, closings, checklists, expiries, news, late lists."""
    _done(services, "tick", await services.due.tick())


@outlives_outages
async def calendar_start(services: Services) -> None:
    """Once at start: seed the news library and send what came due while we were down (once;
    what is too late is marked missed)."""
    _done(services, "start", await services.due.on_start())


@outlives_outages
async def patrol_list(services: Services) -> None:
    """The officers' vacation-watch list at PATROL_LIST_TIME."""
    _done(services, "patrol_list", await services.vacation.send_patrol_list())


@outlives_outages
async def weekly_meetings(services: Services) -> None:
    """The officers' list of upcoming meetings at WEEKLY_MEETINGS_TIME."""
    _done(services, "weekly_meetings", await services.meetings.send_weekly_list())


@outlives_outages
async def publish_news(services: Services) -> None:
    """Safety news due at NEWS_TIME."""
    counts = await services.news.publish_due()
    _done(services, "news", {k: v for k, v in counts.items() if v})


def triggers(services: Services) -> dict[str, Any]:
    """The due-item jobs' triggers by job id, in the department's time zone."""
    settings = services.settings
    zone = settings.zone
    patrol = parse_clock(settings.patrol_list_time)
    weekday, weekly = parse_weekly(settings.weekly_meetings_time)
    news = parse_clock(settings.news_time)
    return {
        "calendar_tick": IntervalTrigger(seconds=TICK_SECONDS, timezone=zone),
        "patrol_list": CronTrigger(hour=patrol.hour, minute=patrol.minute, timezone=zone),
        "weekly_meetings": CronTrigger(
            day_of_week=WEEKDAYS[weekday], hour=weekly.hour, minute=weekly.minute, timezone=zone
        ),
        "publish_news": CronTrigger(hour=news.hour, minute=news.minute, timezone=zone),
    }


JOBS = {
    "calendar_tick": calendar_tick,
    "patrol_list": patrol_list,
    "weekly_meetings": weekly_meetings,
    "publish_news": publish_news,
}


def add_jobs(scheduler: BaseScheduler, services: Services) -> None:
    """Add the due-item jobs (references to module-level functions, never closures)."""
    scheduler.add_job(
        calendar_start, "date", args=[services], id="calendar_start", replace_existing=True
    )
    for job_id, trigger in triggers(services).items():
        scheduler.add_job(JOBS[job_id], trigger, args=[services], id=job_id, replace_existing=True)
