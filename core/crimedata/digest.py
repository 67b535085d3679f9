"""The weekly crime figures: each watch group with an area sends its members who follow the
"crime_stats" topic the last seven days' counts by type, the trend against the four weeks
before, and one prevention tip.

It runs on every tick and sends once per ISO week (`DueRunner.run_list`, recorded in the same
transaction as the messages), at CRIME_DIGEST_TIME; the messages go through the outbox at
normal urgency, so quiet hours hold them. The week is the seven local days before the digest's
day. A group with no incidents that week gets nothing: for a small area a week without a
single incident in the export cannot be told from an export that has not caught up, and a
weekly message that says nothing teaches people to skip the ones that do. For the same reason
nothing at all is sent when the newest imported day is older than the week.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.crimedata import digest_messages
from core.crimedata.stats import top_categories
from core.crimedata.tips import TipItem, TipSource, pick_tip, shorten
from core.crimedata.trends import compare
from core.delivery import Message
from core.due import DueRunner
from core.localtime import latest_weekly, parse_weekly
from core.shared import Shared, SharedService
from storage.crimedata.repositories import AreaRepository, IncidentRepository
from storage.members.records import GroupRecord
from storage.members.repositories import GroupRepository, MemberRepository

TOPIC = "crime_stats"
KIND = "crime_digest"
WEEK_DAYS = 7
BEFORE_DAYS = 28


def week_key(day: date) -> str:
    """The ISO week of the digest's day, its key in the calendar: '2026-W49'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class WeeklyDigest(SharedService):
    """Sends each group's weekly figures once a week."""

    def __init__(self, shared: Shared, due: DueRunner, tips: TipSource | None = None) -> None:
        super().__init__(shared)
        self.due = due
        self.tips = tips

    async def tick(self) -> dict[str, int]:
        """On every calendar tick: the weekly figures, if due (once a week)."""
        status = await self.send_due()
        return {f"{KIND}_{status}": 1} if status is not None else {}

    async def send_due(self) -> str | None:
        """Send this week's figures if their time has come and they were not sent yet:
        'done', 'missed' (too late after downtime: recorded, not sent), or None."""
        zone = self.settings.zone
        weekday, at = parse_weekly(self.settings.crime_digest_time)
        day, scheduled = latest_weekly(self.clock.now(), weekday, at, zone)

        async def send(session: AsyncSession) -> None:
            await self.send_in(session, day)

        return await self.due.run_list(KIND, week_key(day), scheduled, send)

    async def send_in(self, session: AsyncSession, day: date) -> int:
        """Queue the figures of the week before `day` for every group with an area, in the
        caller's transaction; returns how many groups had something to say."""
        incidents = IncidentRepository(session)
        latest = await incidents.latest_day()
        last = day - timedelta(days=1)
        first = day - timedelta(days=WEEK_DAYS)
        if latest is None or latest < first.toordinal():
            return 0  # nothing imported for this week yet: no figures to give
        before_first = first - timedelta(days=BEFORE_DAYS)
        before_last = first - timedelta(days=1)
        groups = GroupRepository(session)
        members = MemberRepository(session)
        tips: list[TipItem] | None = None
        sent = 0
        for area in await AreaRepository(session).all():
            group = await groups.get(area.group_id)
            if group is None or group.is_partner:
                continue
            counts = await incidents.by_category(
                first.toordinal(), last.toordinal(), group_id=group.id
            )
            if not sum(counts.values()):
                continue
            recipients = await members.registered(group_ids=[group.id], category=TOPIC)
            if not recipients:
                continue
            before = await incidents.by_category(
                before_first.toordinal(), before_last.toordinal(), group_id=group.id
            )
            if tips is None:
                tips = list(await self.tips(session)) if self.tips is not None else []
            message = self._message(group, first, last, counts, before, latest, tips, day)
            await self.outbox.enqueue_in(
                session,
                kind=KIND,
                message=message,
                recipients=recipients,
                urgency="normal",
                category=TOPIC,
                author_label="Crime Prevention Unit",
                group_id=group.id,
                audience=f"{group.name}: {digest_messages.TOPIC_LABEL}"[:200],
            )
            sent += 1
        return sent

    def _message(
        self,
        group: GroupRecord,
        first: date,
        last: date,
        counts: dict[str, int],
        before: dict[str, int],
        latest: int,
        tips: list[TipItem],
        day: date,
    ) -> Message:
        total, before_total = sum(counts.values()), sum(before.values())
        # The four weeks before as one week's worth: compare() weighs periods of equal length.
        trend = compare(total, round(before_total / 4))
        [(top, _n)] = top_categories(counts, 1)
        item = pick_tip(tips, top, day.isocalendar()[1])
        return digest_messages.weekly_figures(
            group=group.name,
            first=first,
            last=last,
            counts=counts,
            trend=trend,
            previous_total=before_total,
            data_until=date.fromordinal(latest),
            tip=(item.title, shorten(item.body)) if item is not None else None,
            tip_for=top if item is not None and top != "other" else None,
        )
