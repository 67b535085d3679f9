"""The environment reports' scheduled work: plain `async def job(services)` functions a test
can call. Each sends at most once for its day or week (the period is recorded with the send),
so a cron run and the calendar tick firing together send one list."""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from core.localtime import WEEKDAYS, parse_clock, parse_weekly
from core.services import Services
from scheduler.jobs import outlives_outages

log = logging.getLogger(__name__)


def _done(services: Services, name: str, outcome: str | None) -> None:
    services.health[f"last_{name}"] = services.clock.now().isoformat()
    if outcome is not None:
        log.info("environment reports: %s %s", name, outcome)
        services.delivery.poke()


@outlives_outages
async def fix_digest(services: Services) -> None:
    """At FIX_DIGEST_TIME: officers get the open reports untouched for three working days."""
    _done(services, "fix_digest", await services.fixes.queue.send_digest())


@outlives_outages
async def fix_weekly_summary(services: Services) -> None:
    """At FIX_SUMMARY_TIME: officers get the week's summary of environment reports."""
    _done(services, "fix_summary", await services.fixes.queue.send_weekly_summary())


def triggers(services: Services) -> dict[str, Any]:
    """The jobs' triggers by job id, in the department's time zone."""
    settings = services.settings
    zone = settings.zone
    digest = parse_clock(settings.fix_digest_time)
    weekday, weekly = parse_weekly(settings.fix_summary_time)
    return {
        "fix_digest": CronTrigger(hour=digest.hour, minute=digest.minute, timezone=zone),
        "fix_weekly_summary": CronTrigger(
            day_of_week=WEEKDAYS[weekday], hour=weekly.hour, minute=weekly.minute, timezone=zone
        ),
    }


JOBS = {"fix_digest": fix_digest, "fix_weekly_summary": fix_weekly_summary}
