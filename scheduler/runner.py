"""The APScheduler 3 `AsyncIOScheduler` on the service's event loop.

What is due lives in our own tables; the scheduler only runs recurring jobs that drain it, so it
never holds the only copy of a future event and keeps no job store. Jobs are referenced as
module-level functions with the services passed as an argument, never pickled closures.
"""

from __future__ import annotations

from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.services import Services
from scheduler import crimedata_jobs, due_jobs, fix_jobs, jobs, talk_jobs, tip_jobs, victim_jobs

DELIVERY_INTERVAL_SECONDS = 1
# A late run (event loop busy, laptop asleep) still runs instead of being dropped after 1 s.
MISFIRE_GRACE_SECONDS = 3600


def build_scheduler(services: Services) -> AsyncIOScheduler:
    """A scheduler in the department's time zone with the recurring jobs added."""
    defaults: dict[str, Any] = {
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": MISFIRE_GRACE_SECONDS,
    }
    scheduler = AsyncIOScheduler(timezone=services.settings.zone, job_defaults=defaults)
    scheduler.add_job(
        jobs.wake_delivery,
        "interval",
        seconds=DELIVERY_INTERVAL_SECONDS,
        args=[services],
        id="wake_delivery",
        replace_existing=True,
    )
    scheduler.add_job(
        tip_jobs.tip_digest,
        "interval",
        minutes=services.settings.tip_digest_minutes,
        args=[services],
        id="tip_digest",
        replace_existing=True,
    )
    due_jobs.add_jobs(scheduler, services)
    for feature in (fix_jobs, talk_jobs, victim_jobs, crimedata_jobs):
        for job_id, trigger in feature.triggers(services).items():
            scheduler.add_job(
                feature.JOBS[job_id], trigger, args=[services], id=job_id, replace_existing=True
            )
    return scheduler


def scheduler_state(scheduler: AsyncIOScheduler | None) -> dict[str, Any]:
    """What /healthz says about the scheduler."""
    if scheduler is None:
        return {"running": False, "jobs": 0}
    return {
        "running": bool(scheduler.running),
        "jobs": len(scheduler.get_jobs()),
    }
