"""Scheduler jobs: plain `async def job(services) -> None` functions a test can call directly."""

from __future__ import annotations

import logging

from core.services import Services

log = logging.getLogger(__name__)


async def deliver_due(services: Services) -> None:
    """Send what the outbox holds that is due, until a pass settles nothing more."""
    while await services.delivery.run_once() > 0:
        pass
    services.health["last_delivery_tick"] = services.clock.now().isoformat()
