"""Scheduler jobs: plain `async def job(services) -> None` functions a test can call directly."""

from __future__ import annotations

import logging

from core.services import Services

log = logging.getLogger(__name__)


async def wake_delivery(services: Services) -> None:
    """Nudge the delivery senders: scheduled and backed-off deliveries become due with time,
    not with an event, so the clock has to look."""
    services.delivery.poke()
    services.health["last_delivery_tick"] = services.clock.now().isoformat()
