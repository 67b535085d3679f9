"""Victim assistance's scheduled work: a plain `async def job(services)` a test can call. It
sends at most once a day (the day is recorded with the send), so a cron run and the calendar
tick firing together send one list."""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from core.localtime import parse_clock
from core.services import Services
from scheduler.jobs import outlives_outages

log = logging.getLogger(__name__)


@outlives_outages
async def victim_digest(services: Services) -> None:
    """At VICTIM_DIGEST_TIME: officers get the open follow-ups untouched for three working
    days (case number, crime type, age and owner only)."""
    outcome = await services.victims.followups.send_digest()
    services.health["last_victim_digest"] = services.clock.now().isoformat()
    if outcome is not None:
        log.info("victim follow-ups: digest %s", outcome)
        services.delivery.poke()


def triggers(services: Services) -> dict[str, Any]:
    """The job's trigger by job id, in the department's time zone."""
    at = parse_clock(services.settings.victim_digest_time)
    return {
        "victim_digest": CronTrigger(
            hour=at.hour, minute=at.minute, timezone=services.settings.zone
        )
    }


JOBS = {"victim_digest": victim_digest}
