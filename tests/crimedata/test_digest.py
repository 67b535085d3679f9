"""The weekly crime figures through the fake Bot API, on a frozen clock: members who follow the
"Weekly crime figures" topic in a group with an area get one message a week with the counts by
type, the trend against the four weeks before and a tip from the released news items; members
who don't follow it, and a group without an area, get nothing; quiet hours hold it; a second
run in the same week sends nothing, the next week sends again."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from core.clock import FrozenClock
from core.permissions import Actor
from tests.crimedata.export import FAR, import_rows, oak_area, rows
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, CAT, EVE, FAY, neighborhood
from tests.support.rows import notifications

MONDAY = datetime(2026, 12, 7, 14, 30, tzinfo=UTC)  # 09:30 in New York; CRIME_DIGEST_TIME 09:00
NEXT_MONDAY = datetime(2026, 12, 14, 14, 30, tzinfo=UTC)
TITLE = "the week in figures"


def figures(tg: TelegramHarness, chat: int) -> list[str]:
    """The weekly figures a chat received."""
    return [t for t in tg.texts(chat) if TITLE in t]


async def follow(tg: TelegramHarness, *people: int) -> None:
    """Turn the topic on in /settings."""
    for uid in people:
        await tg.send(uid, "/settings")
        assert "▫️ Weekly crime figures" in tg.last(uid)  # off until chosen
        await tg.press(uid, "set:cat:crime_stats:on")
        assert "✅ Weekly crime figures" in tg.last(uid)


async def release_tips(tg: TelegramHarness, *slugs: str) -> None:
    """Seed the news library (paused) and release some items, as an officer would."""
    news = tg.services.news
    await news.seed_library()
    for item in await news.library(Actor.system("test")):
        if item.slug in slugs:
            await news.set_paused(Actor.system("test"), item.id, False)


async def test_weekly_figures_once_a_week_to_followers(
    tg: TelegramHarness, clock: FrozenClock, tmp_path: Path
) -> None:
    await neighborhood(tg)  # Oak: Ann (leader), Bob, Eve, Fay; Elm: Cat
    await follow(tg, BOB, EVE, CAT)
    await release_tips(tg, "safety-car", "home-lock-up", "fraud-gift-cards")
    await tg.send(EVE, "/settings")
    await tg.press(EVE, "set:quiet")
    await tg.send(EVE, "09:00-10:00")  # the figures wait for the end of Eve's quiet hours
    await oak_area(tg.services)
    clock.set(MONDAY)
    await import_rows(
        tg.services,
        tmp_path / "week.csv",
        rows(1, date(2026, 12, 2), "theft_from_vehicle", 7)
        + rows(100, date(2026, 12, 5), "burglary", 5)
        + rows(200, date(2026, 11, 10), "burglary", 4)  # the 4 weeks before: 8 in all
        + rows(300, date(2026, 11, 20), "theft_from_vehicle", 4)
        + rows(400, date(2026, 12, 3), "assault", 3, where=FAR),  # elsewhere in town
    )
    tg.api.clear()

    await tg.services.due.tick()
    await tg.services.due.tick()  # the same week again: nothing more
    await tg.deliver()
    [text] = figures(tg, BOB)
    assert text.startswith("📊 <b>Oak Park: the week in figures</b>\n<i>Nov 30 – Dec 6, 2026</i>")
    assert "<b>12</b> incidents recorded in the area:" in text
    assert "• Theft from vehicle: 7\n• Burglary: 5" in text
    assert "Assault" not in text  # across town, not in Oak Park's area
    assert "Up on the 4 weeks before (2 a week)." in text
    assert "💡 <b>Tip (theft from vehicle): Your car is not a safe</b>" in text
    assert "Most thefts from vehicles are from unlocked cars." in text
    assert "100 Elm St" not in text  # counts only: no addresses
    assert "Turn these off in /settings (Weekly crime figures)" in text
    assert figures(tg, EVE) == []  # in quiet hours
    for uid in (ANN, FAY, CAT):  # not following; following, but Elm has no area
        assert figures(tg, uid) == []
    [sent] = await notifications(tg.services, "crime_digest")
    assert sent.urgency == "normal" and sent.category == "crime_stats"

    clock.advance(minutes=31)  # 10:01: Eve's quiet hours are over
    await tg.services.due.tick()
    await tg.deliver()
    assert len(figures(tg, EVE)) == 1 and len(figures(tg, BOB)) == 1

    clock.set(NEXT_MONDAY)
    # Dec 7: in the week before that Monday (dates after the service clock are refused).
    await import_rows(
        tg.services, tmp_path / "next.csv", rows(500, date(2026, 12, 7), "burglary", 2)
    )
    await tg.services.due.tick()
    await tg.deliver()
    _first, second = figures(tg, BOB)
    assert "<i>Dec 7 – 13, 2026</i>" in second
    assert "<b>2</b> incidents recorded in the area:\n• Burglary: 2" in second
    assert "Too few incidents to compare with the 4 weeks before." in second
    assert "💡 <b>Tip (burglary): Lock up, every time</b>" in second
    assert len(await notifications(tg.services, "crime_digest")) == 2


async def test_a_quiet_week_or_no_released_tip(
    tg: TelegramHarness, clock: FrozenClock, tmp_path: Path
) -> None:
    await neighborhood(tg)
    await follow(tg, BOB)
    await oak_area(tg.services)
    clock.set(MONDAY)
    # Only incidents before the week, and the library's items still paused.
    await import_rows(
        tg.services,
        tmp_path / "old.csv",
        rows(1, date(2026, 11, 20), "burglary", 3) + rows(9, date(2026, 12, 6), "fraud", 1, FAR),
    )
    await tg.services.news.seed_library()
    await tg.services.due.tick()
    await tg.deliver()
    assert figures(tg, BOB) == []  # nothing in Oak Park this week: nothing sent

    clock.set(NEXT_MONDAY)
    await import_rows(tg.services, tmp_path / "one.csv", rows(20, date(2026, 12, 7), "fraud", 1))
    await tg.services.due.tick()
    await tg.deliver()
    [text] = figures(tg, BOB)
    assert "<b>1</b> incident recorded in the area:\n• Fraud and scams: 1" in text
    assert "Tip" not in text  # no released item to take it from
    assert "Too few incidents to compare" in text
