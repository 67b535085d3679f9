"""Hotspots for officers as a service: /hotspots (the map, the list and a CSV of a period
against the one before), and the morning alert of cells that rose in the last week.

Only officers see hotspots; a refusal is audited. The alert goes through the outbox to every
officer at HOTSPOT_ALERT_TIME, once a day however often it is asked (the day is recorded with
the send), and only when a cell rose more than chance; a cell already in an alert in the past
week does not bring another one by itself, so a cluster is told once, not every morning while
it stays in the 7 days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.crimedata import hotspot_messages as messages
from core.crimedata.hotspot_report import (
    DEFAULT_DAYS,
    HotspotCell,
    HotspotReport,
    build,
    check_days,
    csv_bytes,
    parse_request,
    periods,
)
from core.crimedata.taxonomy import CATEGORIES
from core.delivery import Message
from core.due import DONE, DueRunner
from core.errors import InvalidInput
from core.localtime import latest_daily, local_date, parse_clock
from core.members import OfficerService
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from storage.crimedata.repositories import IncidentRepository
from storage.due.repositories import DueRepository

ALERT = "hotspot_alert"  # the daily run, recorded once per day
ALERTED_CELL = "hotspot_cell"  # a cell named in an alert, recorded per day
ALERT_DAYS = 7
ALERT_BASELINE_PERIODS = 4  # the 28 days before the 7
ALERT_SHOWN = 5
REMEMBER_DAYS = 7  # a cell named in an alert is not news again for this long
MAP_CELLS = 300  # circles on the map: the significant cells and the busiest of the rest


class Hotspots(SharedService):
    """Hotspot reports and the morning alert, for officers."""

    def __init__(self, shared: Shared, officers: OfficerService, due: DueRunner) -> None:
        super().__init__(shared)
        self.officers = officers
        self.due = due
        due.register_tick(self._tick)

    async def require(self, actor: Actor) -> None:
        """PermissionDenied (audited) unless the actor is an officer."""
        await self.access.require(actor, Action.VIEW_HOTSPOTS, target="hotspots")

    def today(self) -> date:
        """The local date."""
        return local_date(self.clock.now(), self.settings.zone)

    async def report(
        self, actor: Actor, *, category: str | None = None, days: int = DEFAULT_DAYS
    ) -> HotspotReport:
        """The last `days` days (of one type, or all) against the `days` before."""
        await self.require(actor)
        check_days(days)
        if category is not None and category not in CATEGORIES:
            raise InvalidInput(f"'{category[:40]}' is not a type I count.")
        async with self.db.transaction() as session:
            return await self._report_in(
                session, category=category, days=days, baseline_periods=1, today=self.today()
            )

    async def report_for(self, actor: Actor, words: Sequence[str]) -> HotspotReport:
        """The report for '/hotspots [type] [days]' as typed (checked before it is read)."""
        await self.require(actor)
        category, days = parse_request(words)
        return await self.report(actor, category=category, days=days)

    async def _report_in(
        self,
        session: AsyncSession,
        *,
        category: str | None,
        days: int,
        baseline_periods: int,
        today: date,
    ) -> HotspotReport:
        repo = IncidentRepository(session)
        latest = await repo.latest_day()
        data_until = date.fromordinal(latest) if latest else None
        first, last, baseline_first = periods(today, data_until, days, baseline_periods)
        current = await repo.points(first.toordinal(), last.toordinal(), category)
        previous = await repo.points(baseline_first.toordinal(), first.toordinal() - 1, category)
        return build(
            current,
            previous,
            category=category,
            days=days,
            today=today,
            data_until=data_until,
            cell_m=self.settings.hotspot_cell_meters,
            town=self.settings.town_box,
            baseline_periods=baseline_periods,
        )

    def chart(self, report: HotspotReport) -> bytes:
        """The map of the report's cells (PNG)."""
        from core.crimedata.charts import hotspot_chart

        cells = [
            (c.center[0], c.center[1], c.spot.count, c.streets[0] if c.streets else "", True)
            for c in report.significant
        ]
        rest = [c for c in report.cells if not c.spot.significant]
        cells += [
            (c.center[0], c.center[1], c.spot.count, c.streets[0] if c.streets else "", False)
            for c in rest[: max(0, MAP_CELLS - len(cells))]
        ]
        return hotspot_chart(cells, messages.chart_title(report))

    def csv(self, report: HotspotReport) -> bytes:
        """Every cell of the report as a CSV file."""
        return csv_bytes(report)

    async def _tick(self) -> dict[str, int]:
        """On every calendar tick: the morning alert, if due (once a day)."""
        outcome = await self.send_alert()
        return {f"hotspot_alert_{outcome}": 1} if outcome is not None else {}

    async def send_alert(self) -> str | None:
        """At HOTSPOT_ALERT_TIME: every officer hears of the cells whose last 7 days rose more
        than chance against the 28 before, when one of them is news; nothing otherwise. At
        most once a day; None when today's was already handled."""
        zone = self.settings.zone
        day, scheduled = latest_daily(
            self.clock.now(), parse_clock(self.settings.hotspot_alert_time), zone
        )

        async def send(session: AsyncSession) -> None:
            report = await self._report_in(
                session,
                category=None,
                days=ALERT_DAYS,
                baseline_periods=ALERT_BASELINE_PERIODS,
                today=day,
            )
            rising = report.significant[:ALERT_SHOWN]
            if not rising:
                return
            repo = DueRepository(session)
            seen = {
                i
                for i, cell in enumerate(rising)
                if await _named_in(repo, report.cell_m, cell, day)
            }
            if len(seen) == len(rising):
                return  # every one of them was told this week already
            now = self.clock.now()
            for cell in rising:
                await repo.record(
                    ALERTED_CELL, _cell_key(report.cell_m, cell, day), scheduled, DONE, now
                )
            html, text = messages.alert(rising, seen, report)
            members, direct = await self.officers.audience_in(session)
            await self.outbox.enqueue_in(
                session,
                kind=ALERT,
                message=Message(html=html, text=text),
                recipients=members,
                direct=direct,
                audience="officers",
            )

        return await self.due.run_list(ALERT, day.isoformat(), scheduled, send)


async def _named_in(repo: DueRepository, cell_m: int, cell: HotspotCell, day: date) -> bool:
    """Whether the cell was in an alert in the week before `day` (REMEMBER_DAYS)."""
    for back in range(1, REMEMBER_DAYS):
        key = _cell_key(cell_m, cell, day - timedelta(days=back))
        if await repo.get(ALERTED_CELL, 0, key) is not None:
            return True
    return False


def _cell_key(cell_m: int, cell: HotspotCell, day: date) -> str:
    """'250:18613:-29091:2026-12-01' (the cell size keeps keys apart when it changes)."""
    row, col = cell.spot.cell
    return f"{cell_m}:{row}:{col}:{day.isoformat()}"
