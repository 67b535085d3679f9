"""Safety news end to end: the seeded library, officers adding, editing, scheduling and pausing
items, publication to the Safety news topic, and what happens to a publication that is late."""

from __future__ import annotations

from sqlalchemy import select

from core.clock import FrozenClock
from core.news.library import STARTER_ITEMS
from scheduler import due_jobs
from storage.news.models import NewsItem
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received, received
from tests.support.due import tick, utc
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, CAT, DAN, neighborhood
from tests.support.rows import audit_actions

# The clock starts Tue Dec 1 2026, 10:00 in New York; NEWS_TIME is 10:00.


async def item(tg: TelegramHarness, item_id: int) -> NewsItem:
    async with tg.services.db.transaction() as session:
        row = await session.get(NewsItem, item_id)
        assert row is not None
        return row


async def add_item(tg: TelegramHarness, schedule: str = "weekly tue") -> None:
    await tg.send(OFFICER_ID, "/news add")
    await tg.press(OFFICER_ID, "news:topic:home_security")
    await tg.send(
        OFFICER_ID,
        "Test your smoke alarms\nPress the test button on every alarm once a month, and "
        "replace batteries once a year.",
    )
    await tg.send(OFFICER_ID, schedule)


async def test_the_starter_library_is_seeded_once_and_paused(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg, extra=False)
    await due_jobs.calendar_start(tg.services)
    assert await tg.services.news.seed_library() == 0
    await tg.send(OFFICER_ID, "/news")
    listing = tg.last(OFFICER_ID)
    assert listing.count("⏸ paused") == len(STARTER_ITEMS)
    assert "Gift cards are for gifts, not payments" in listing
    assert "Frauds, cons and scams, on the 5th of each month" in listing
    await tg.send(OFFICER_ID, "/news show 1")
    assert "Many burglars simply walk in" in tg.last(OFFICER_ID)
    # Paused items never go out (the gift card item's day is the 5th).
    clock.set(utc(2026, 12, 5, 15, 0))
    await tick(tg)
    assert not received(tg, ANN, "📰")
    await tg.send(BOB, "/news")
    assert "Only a Crime Prevention Officer can manage the safety news" in tg.last(BOB)
    assert "news.manage" in await audit_actions(tg, "refused")


async def test_added_item_is_published_on_schedule_to_subscribers(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg, extra=False)
    await tg.send(BOB, "/settings")
    await tg.press(BOB, "set:cat:news:off")  # Bob turned safety news off
    await add_item(tg)
    assert (
        "📰 Added: #1 ▶️ <b>Test your smoke alarms</b> — Home security, every Tuesday; "
        "next Tue Dec 8, 10:00 AM"
    ) in tg.last(OFFICER_ID)
    clock.set(utc(2026, 12, 8, 14, 59))
    await tick(tg)
    assert not received(tg, ANN, "smoke alarms")
    clock.set(utc(2026, 12, 8, 15, 0))
    await due_jobs.publish_news(tg.services)  # the cron job at NEWS_TIME ...
    await tick(tg)  # ... and the tick in the same minute: one publication
    for uid in (ANN, CAT, DAN):
        assert count_received(tg, uid, "📰 <b>Test your smoke alarms</b>") == 1
    assert not received(tg, BOB, "smoke alarms")
    row = await item(tg, 1)
    assert row.next_at == utc(2026, 12, 15, 15, 0) and row.last_published_at == utc(
        2026, 12, 8, 15, 0
    )
    assert "news.add" in await audit_actions(tg)


async def test_edit_schedule_pause_resume_and_bad_input(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg, extra=False)
    await tg.send(OFFICER_ID, "/news add")
    await tg.send(OFFICER_ID, "typed instead of tapping")
    assert "use the buttons" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "news:topic:frauds")
    await tg.send(OFFICER_ID, "Only a title")
    assert "title on the first line and the text below" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "Fake charities\nGive to charities you know; check them first.")
    await tg.send(OFFICER_ID, "fortnightly")
    assert "couldn't read that schedule" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "once 2026-11-30")
    assert "That date has passed" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "off")
    assert "not scheduled" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/news schedule 1 monthly 31")
    assert "couldn't read that schedule" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/news schedule 1 yearly 2-29")
    assert "That is not a date" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/news schedule 9 monthly 3")
    assert "There is no news item #9" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/news schedule 1 once 2026-12-24")
    assert "once on Dec 24, 2026; next Thu Dec 24, 10:00 AM" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/news pause 1")
    assert "⏸ paused" in tg.last(OFFICER_ID) and (await item(tg, 1)).next_at is None
    clock.set(utc(2026, 12, 24, 15, 0))
    await tick(tg)
    assert not received(tg, ANN, "charities")
    clock.set(utc(2026, 12, 20, 15, 0))
    await tg.send(OFFICER_ID, "/news resume 1")
    assert "next Thu Dec 24" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/news edit 1")
    await tg.send(OFFICER_ID, "Charity scams\nBefore you give, look the charity up yourself.")
    assert "📰 Saved: #1 ▶️" in tg.last(OFFICER_ID)
    clock.set(utc(2026, 12, 24, 15, 0))
    await tick(tg)
    assert received(tg, ANN, "📰 <b>Charity scams</b>")
    assert (await item(tg, 1)).next_at is None  # a one-off is done
    await tg.send(OFFICER_ID, "/news frobnicate 1")
    assert "/news show ID" in tg.last(OFFICER_ID)
    assert {"news.add", "news.schedule", "news.pause", "news.resume", "news.edit"} <= set(
        await audit_actions(tg)
    )


async def test_a_publication_too_late_is_missed_not_sent_stale(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg, extra=False)
    await add_item(tg, "weekly tue")
    clock.set(utc(2026, 12, 9, 4, 0))  # 13 hours after Tuesday 10:00 (MISSED_AFTER_HOURS=12)
    await tick(tg)
    assert not received(tg, ANN, "smoke alarms")
    row = await item(tg, 1)
    assert row.next_at == utc(2026, 12, 15, 15, 0) and row.last_published_at is None
    async with tg.services.db.transaction() as session:
        assert len(list(await session.scalars(select(NewsItem)))) == 1
