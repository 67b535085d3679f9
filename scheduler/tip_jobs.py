"""The tips feature's scheduled work: a plain `async def job(services)` a test can call."""

from __future__ import annotations

import logging

from core.services import Services
from scheduler.jobs import outlives_outages

log = logging.getLogger(__name__)


@outlives_outages
async def tip_digest(services: Services) -> None:
    """Every TIP_DIGEST_MINUTES: one message to officers listing new tips (none when there
    are none); the addresses of delivered relays scrubbed from the outbox; rate-limit marks
    older than an hour forgotten."""
    listed = await services.tips.triage.digest()
    scrubbed = await services.tips.triage.scrub_relay_addresses()
    await services.tips.filing.prune_rate_marks()
    if listed or scrubbed:
        log.info("tips: %d in the digest, %d relay notifications scrubbed", listed, scrubbed)
    services.health["last_tip_digest"] = services.clock.now().isoformat()
