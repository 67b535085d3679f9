"""Safety news: the content library, its publishing calendar, and publication.

Each item has a schedule (`weekly:tue`, `monthly:1`, `yearly:12-15`, `once:2026-12-20`) and the
moment of its next publication at `NEWS_TIME` local time. The scheduler publishes what is due to
everyone following the Safety news topic and moves the item to its next date in the same
transaction; after downtime an item is published once, or skipped when more than
`MISSED_AFTER_HOURS` late.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.delivery import Message
from core.due import DueRunner
from core.errors import InvalidInput, NotFound
from core.localtime import WEEKDAYS, local_date, local_moment, parse_clock
from core.markup import esc
from core.news.library import STARTER_ITEMS, TOPICS
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from core.validation import clean_text, one_line
from storage.members.records import MemberRecord
from storage.members.repositories import MemberRepository
from storage.news.records import NewsRecord
from storage.news.repositories import NewsRepository

log = logging.getLogger(__name__)

TITLE_MAX, BODY_MAX = 120, 1000
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SCHEDULE_HELP = (
    "Schedules: weekly tue · monthly 1 (day 1-28) · yearly 12-15 (month-day) · "
    "once 2026-12-20 · off"
)


def parse_schedule(text: str, today: date) -> str:
    """What an officer typed as a stored schedule ('' for off); InvalidInput otherwise."""
    value = re.sub(r"[\s:]+", " ", text.strip().lower())
    if value in ("off", "none", "never", ""):
        return ""
    kind, _, arg = value.partition(" ")
    arg = arg.strip()
    if kind == "weekly" and arg[:3] in WEEKDAYS:
        return f"weekly:{arg[:3]}"
    if kind == "monthly" and arg.isdigit() and 1 <= int(arg) <= 28:
        return f"monthly:{int(arg)}"
    if kind == "yearly":
        match = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})", arg)
        if match:
            month, day = int(match.group(1)), int(match.group(2))
            try:
                date(2025, month, day)  # not a leap year: Feb 29 is refused
            except ValueError:
                raise InvalidInput("That is not a date. " + SCHEDULE_HELP) from None
            return f"yearly:{month:02d}-{day:02d}"
    if kind == "once":
        try:
            when = date.fromisoformat(arg)
        except ValueError:
            raise InvalidInput("Give the date as 2026-12-20. " + SCHEDULE_HELP) from None
        if when < today:
            raise InvalidInput("That date has passed. Please choose a future date.")
        if when > today + timedelta(days=365):
            raise InvalidInput("Schedule at most a year ahead.")
        return f"once:{when.isoformat()}"
    raise InvalidInput("I couldn't read that schedule. " + SCHEDULE_HELP)


def _matches(schedule: str, day: date) -> bool:
    kind, _, arg = schedule.partition(":")
    if kind == "weekly":
        return day.weekday() == WEEKDAYS.index(arg)
    if kind == "monthly":
        return day.day == int(arg)
    if kind == "yearly":
        return f"{day.month:02d}-{day.day:02d}" == arg
    if kind == "once":
        return day.isoformat() == arg
    return False


def next_occurrence(schedule: str, after: datetime, at: time, zone: ZoneInfo) -> datetime | None:
    """The first publication strictly after `after`, at local time `at` (None: no more)."""
    if not schedule:
        return None
    start = local_date(after, zone)
    for offset in range(0, 367):
        day = start + timedelta(days=offset)
        if _matches(schedule, day):
            moment = local_moment(day, at, zone)
            if moment > after:
                return moment
    return None


def describe(schedule: str) -> str:
    """'every Tuesday', 'on the 1st of each month', 'every year on Dec 15', 'once on ...'."""
    kind, _, arg = schedule.partition(":")
    if kind == "weekly":
        return f"every {WEEKDAY_NAMES[WEEKDAYS.index(arg)]}"
    if kind == "monthly":
        day = int(arg)
        suffix = "th" if 10 < day % 100 < 14 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        return f"on the {day}{suffix} of each month"
    if kind == "yearly":
        month, day = (int(p) for p in arg.split("-"))
        return f"every year on {date(2025, month, day):%b} {day}"
    if kind == "once":
        when = date.fromisoformat(arg)
        return f"once on {when:%b} {when.day}, {when.year}"
    return "not scheduled"


def clean_title(value: str) -> str:
    """3-120 characters on one line."""
    title = one_line(value)
    if len(title) < 3:
        raise InvalidInput("Please give the item a title of at least 3 characters.")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"A title can have at most {TITLE_MAX} characters.")
    return title


def clean_body(value: str) -> str:
    """10-1000 characters."""
    body = clean_text(value)
    if len(body) < 10:
        raise InvalidInput("The text is too short; please write a few sentences.")
    if len(body) > BODY_MAX:
        raise InvalidInput(f"The text is {len(body)} characters long; the limit is {BODY_MAX}.")
    return body


def render(item: NewsRecord) -> Message:
    """A news item as published."""
    topic = TOPICS.get(item.topic, item.topic)
    return Message(
        html=f"📰 <b>{esc(item.title)}</b>\n<i>{esc(topic)}</i>\n\n"
        f"{esc(item.body)}\n\n<i>Not an emergency service: call 911 in an "
        "emergency. Turn safety news off in /settings.</i>",
        text=f"{item.title}: {item.body}",
    )


class NewsService(SharedService):
    """The officers' content library and the publishing calendar."""

    def __init__(self, shared: Shared, due: DueRunner) -> None:
        super().__init__(shared)
        self.missed_after = due.missed_after
        due.register_start(self._seed_on_start)
        due.register_tick(self._publish_tick)

    async def _seed_on_start(self) -> None:
        added = await self.seed_library()
        if added:
            log.info("news library: %d starter items added (paused)", added)

    async def _publish_tick(self) -> dict[str, int]:
        return {f"news_{outcome}": n for outcome, n in (await self.publish_due()).items() if n}

    def _next(self, schedule: str, after: datetime) -> datetime | None:
        return next_occurrence(
            schedule, after, parse_clock(self.settings.news_time), self.settings.zone
        )

    def today(self) -> date:
        """The local date."""
        return local_date(self.clock.now(), self.settings.zone)

    async def _require(self, actor: Actor, target: str) -> None:
        await self.access.require(actor, Action.MANAGE_NEWS, target=target)

    async def _get(self, item_id: int) -> NewsRecord:
        async with self.db.transaction() as session:
            item = await NewsRepository(session).get(item_id)
        if item is None:
            raise NotFound(f"There is no news item #{item_id}. Send /news for the list.")
        return item

    # Officers

    async def library(self, actor: Actor) -> list[NewsRecord]:
        """Every item, the next ones first."""
        await self._require(actor, "news list")
        async with self.db.transaction() as session:
            return await NewsRepository(session).all()

    async def get(self, actor: Actor, item_id: int) -> NewsRecord:
        """One item."""
        await self._require(actor, f"news #{item_id}")
        return await self._get(item_id)

    async def add(
        self, actor: Actor, topic: str, title: str, body: str, schedule: str = ""
    ) -> NewsRecord:
        """Add an item (scheduled at once when a schedule is given)."""
        await self._require(actor, "news add")
        if topic not in TOPICS:
            raise InvalidInput("Choose one of the topics: " + ", ".join(TOPICS.values()) + ".")
        title, body = clean_title(title), clean_body(body)
        stored = parse_schedule(schedule, self.today())
        now = self.clock.now()
        async with self.db.transaction() as session:
            item = await NewsRepository(session).add(
                topic=topic,
                title=title,
                body=body,
                schedule=stored,
                paused=False,
                next_at=self._next(stored, now),
                created_by=actor.label[:100],
                created_at=now,
                updated_at=now,
            )
            await self.audit.record_in(
                session, actor, "news.add", target=f"news #{item.id}", detail=title[:200]
            )
        return item

    async def _change(
        self, actor: Actor, item_id: int, action: str, detail: str, **values: object
    ) -> NewsRecord:
        async with self.db.transaction() as session:
            repo = NewsRepository(session)
            if await repo.get(item_id) is None:
                raise NotFound(f"There is no news item #{item_id}. Send /news for the list.")
            item = await repo.update(item_id, self.clock.now(), **values)
            await self.audit.record_in(
                session, actor, action, target=f"news #{item_id}", detail=detail[:200]
            )
        return item

    async def edit(self, actor: Actor, item_id: int, title: str, body: str) -> NewsRecord:
        """Replace an item's title and text."""
        await self._require(actor, f"news #{item_id}")
        await self._get(item_id)
        return await self._change(
            actor,
            item_id,
            "news.edit",
            clean_title(title),
            title=clean_title(title),
            body=clean_body(body),
        )

    async def reschedule(self, actor: Actor, item_id: int, schedule: str) -> NewsRecord:
        """Set an item's schedule ('off' leaves it unscheduled)."""
        await self._require(actor, f"news #{item_id}")
        item = await self._get(item_id)
        stored = parse_schedule(schedule, self.today())
        next_at = None if item.paused else self._next(stored, self.clock.now())
        return await self._change(
            actor, item_id, "news.schedule", stored or "off", schedule=stored, next_at=next_at
        )

    async def set_paused(self, actor: Actor, item_id: int, paused: bool) -> NewsRecord:
        """Pause an item, or resume it from its next date after now."""
        await self._require(actor, f"news #{item_id}")
        item = await self._get(item_id)
        next_at = None if paused else self._next(item.schedule, self.clock.now())
        action = "news.pause" if paused else "news.resume"
        return await self._change(
            actor, item_id, action, item.title, paused=paused, next_at=next_at
        )

    # The library and the scheduler

    async def seed_library(self) -> int:
        """Add the starter items that are missing (paused, with suggested schedules)."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = NewsRepository(session)
            present = await repo.slugs()
            added = 0
            for slug, topic, schedule, title, body in STARTER_ITEMS:
                if slug in present:
                    continue
                await repo.add(
                    slug=slug,
                    topic=topic,
                    title=title,
                    body=body,
                    schedule=schedule,
                    paused=True,
                    next_at=None,
                    created_by="starter library",
                    created_at=now,
                    updated_at=now,
                )
                added += 1
        return added

    async def publish_due(self) -> dict[str, int]:
        """Publish every item whose time has come, once; returns counts by outcome."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            due = await NewsRepository(session).due(now, 50)
        outcome = {"published": 0, "missed": 0}
        for item in due:
            assert item.next_at is not None
            stale = now - item.next_at > self.missed_after
            async with self.db.transaction() as session:
                moved = await NewsRepository(session).advance(
                    item.id, item.next_at, self._next(item.schedule, now), None if stale else now
                )
                if not moved:
                    continue  # another run published it
                if not stale:
                    members = await self._subscribers(session)
                    await self.outbox.enqueue_in(
                        session,
                        kind="news",
                        category="news",
                        message=render(item),
                        recipients=members,
                        author_label="Crime Prevention Unit",
                        audience="subscribers of Safety news",
                    )
            outcome["missed" if stale else "published"] += 1
        return outcome

    async def released_in(self, session: AsyncSession) -> list[NewsRecord]:
        """The items officers have released (not paused), in the caller's transaction: the
        weekly crime figures take their prevention tip from these."""
        return [item for item in await NewsRepository(session).all() if not item.paused]

    async def _subscribers(self, session: AsyncSession) -> list[MemberRecord]:
        return await MemberRepository(session).registered(category="news")
