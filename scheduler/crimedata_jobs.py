"""Local crime data's scheduled work: the officers' morning hotspot alert, a plain
`async def job(services)` a test can call. It sends at most once a day (the day is recorded
with the send), so a cron run and the calendar tick firing together send one message."""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from core.localtime import parse_clock
from core.services import Services
from scheduler.jobs import outlives_outages

log = logging.getLogger(__name__)


@outlives_outages
async def hotspot_alert(services: Services) -> None:
    """At HOTSPOT_ALERT_TIME: officers hear of the cells whose last 7 days rose more than
    chance against the 28 days before (nothing when none did)."""
    outcome = await services.hotspots.send_alert()
    services.health["last_hotspot_alert"] = services.clock.now().isoformat()
    if outcome is not None:
        log.info("hotspots: morning alert %s", outcome)
        services.delivery.poke()


def triggers(services: Services) -> dict[str, Any]:
    """The job's trigger by job id, in the department's time zone."""
    at = parse_clock(services.settings.hotspot_alert_time)
    return {
        "hotspot_alert": CronTrigger(
            hour=at.hour, minute=at.minute, timezone=services.settings.zone
        )
    }


JOBS = {"hotspot_alert": hotspot_alert}
