"""The watch group's calendar: elections, meetings, vacation watch and news, and the tick that
settles what is due.

`Calendar.tick` is what the scheduler runs every minute and once on start: due items
(reminders, closings, checklists, expiries), news publications, and the daily patrol list and
weekly meeting list when their time has passed and they have not gone out yet. Each step is
idempotent, so a tick that overlaps a cron run or a restart never sends anything twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from core.access import AccessService
from core.audit import AuditService
from core.calendar_due import DueRunner
from core.clock import Clock
from core.delivery.outbox import Outbox
from core.elections import ElectionService
from core.groups import GroupService
from core.meetings import MeetingService
from core.news import NewsService
from core.officers import OfficerService
from core.settings import Settings
from core.shared import Shared
from core.vacation import VacationService
from storage.engine import Database

log = logging.getLogger(__name__)


@dataclass
class Calendar:
    """The calendar's services, sharing one due-item runner."""

    due: DueRunner
    elections: ElectionService
    meetings: MeetingService
    vacation: VacationService
    news: NewsService

    @classmethod
    def build(
        cls,
        settings: Settings,
        db: Database,
        clock: Clock,
        audit: AuditService,
        access: AccessService,
        outbox: Outbox,
        groups: GroupService,
        officers: OfficerService,
    ) -> Calendar:
        """Wire the calendar's services onto the ones the rest of the service uses."""
        missed_after = timedelta(hours=settings.missed_after_hours)
        due = DueRunner(db, clock, missed_after)
        common = Shared(db, clock, settings, audit, access, outbox)
        return cls(
            due=due,
            elections=ElectionService(common, groups, officers, due),
            meetings=MeetingService(common, groups, officers, due),
            vacation=VacationService(common, officers, due),
            news=NewsService(common, missed_after),
        )

    async def tick(self) -> dict[str, int]:
        """Settle everything due now; returns counts for the log and the health page."""
        counts: dict[str, int] = {}
        for status, n in (await self.due.run()).items():
            counts[status] = counts.get(status, 0) + n
        for outcome, n in (await self.news.publish_due()).items():
            if n:
                counts[f"news_{outcome}"] = n
        for name, run in (
            ("patrol_list", self.vacation.send_patrol_list),
            ("weekly_meetings", self.meetings.send_weekly_list),
        ):
            listed = await run()
            if listed is not None:
                counts[f"{name}_{listed}"] = 1
        return counts

    async def on_start(self) -> dict[str, int]:
        """After a start (perhaps after downtime): seed the news library, then catch up."""
        added = await self.news.seed_library()
        if added:
            log.info("news library: %d starter items added (paused)", added)
        return await self.tick()
