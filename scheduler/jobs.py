"""Scheduler jobs: plain `async def job(services) -> None` functions a test can call directly."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from core.errors import database_unavailable
from core.services import Services

log = logging.getLogger(__name__)

Job = Callable[[Services], Awaitable[None]]


def outlives_outages(job: Job) -> Job:
    """A job that finds the database away logs one warning instead of a traceback; what it
    would have done is still due in the tables, so its next run does it."""

    @functools.wraps(job)
    async def run(services: Services) -> None:
        try:
            await job(services)
        except Exception as error:
            if not database_unavailable(error):
                raise
            log.warning(
                "%s: database unavailable (%s); the next run catches up",
                job.__name__,
                type(error).__name__,
            )

    return run


async def wake_delivery(services: Services) -> None:
    """Nudge the delivery senders: scheduled and backed-off deliveries become due with time,
    not with an event, so the clock has to look."""
    services.delivery.poke()
    services.health["last_delivery_tick"] = services.clock.now().isoformat()
