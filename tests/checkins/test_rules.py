"""The check-in schedule's pure arithmetic and parsing: slots across the spring and autumn
clock changes, the next and the latest slot, days off and pauses, and what people type."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.checkins.rules import (
    Schedule,
    latest_slot,
    next_slot,
    parse_back_date,
    parse_days_off,
    parse_times,
    parse_window,
    parse_zone,
    slot_of,
    slots_from,
)
from core.errors import InvalidInput
from tests.support.due import utc

NEW_YORK = ZoneInfo("America/New_York")


def schedule(*times: str, **values: object) -> Schedule:
    """A New York schedule at these local times."""
    return Schedule(tuple(time.fromisoformat(t) for t in times), NEW_YORK, **values)  # type: ignore[arg-type]


def test_a_time_in_the_spring_gap_comes_at_the_moment_after_it() -> None:
    slot = slot_of(date(2027, 3, 14), time(2, 30), NEW_YORK)
    assert slot.key == "2027-03-14 02:30"
    assert slot.due_at == utc(2027, 3, 14, 7, 30)  # 03:30 EDT
    assert slot.due_at.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:30 EDT"


def test_a_time_that_happens_twice_in_autumn_comes_the_first_time() -> None:
    slot = slot_of(date(2027, 11, 7), time(1, 30), NEW_YORK)
    assert slot.due_at == utc(2027, 11, 7, 5, 30)  # 01:30 EDT, not 01:30 EST (06:30 UTC)


@pytest.mark.parametrize(
    ("start", "times", "days", "expected"),
    [
        (
            date(2027, 3, 12),
            ("02:30", "09:00"),
            4,
            [
                utc(2027, 3, 12, 7, 30), utc(2027, 3, 12, 14, 0),
                utc(2027, 3, 13, 7, 30), utc(2027, 3, 13, 14, 0),
                utc(2027, 3, 14, 7, 30), utc(2027, 3, 14, 13, 0),
                utc(2027, 3, 15, 6, 30), utc(2027, 3, 15, 13, 0),
            ],
        ),
        (
            date(2027, 11, 6),
            ("01:30", "09:00"),
            3,
            [
                utc(2027, 11, 6, 5, 30), utc(2027, 11, 6, 13, 0),
                utc(2027, 11, 7, 5, 30), utc(2027, 11, 7, 14, 0),
                utc(2027, 11, 8, 6, 30), utc(2027, 11, 8, 14, 0),
            ],
        ),
    ],
)  # fmt: skip
def test_slots_across_a_clock_change_are_one_per_local_time(
    start: date, times: tuple[str, ...], days: int, expected: list[datetime]
) -> None:
    found = [
        s for s in slots_from(schedule(*times), start) if s.local.date() < start + timedelta(days)
    ]
    assert [s.due_at for s in found[: len(expected)]] == expected
    assert len({s.key for s in found[: len(expected)]}) == len(expected)


def test_next_slot_walks_through_the_autumn_change_without_repeating() -> None:
    plan = schedule("01:30")
    seen = []
    after = utc(2027, 11, 5, 12, 0)
    for _ in range(4):
        slot = next_slot(plan, after)
        assert slot is not None
        seen.append(slot.key)
        after = slot.due_at
    assert seen == ["2027-11-06 01:30", "2027-11-07 01:30", "2027-11-08 01:30", "2027-11-09 01:30"]
    # At the second 01:30 of Nov 7 the next one is Nov 8's, not that repeat.
    slot = next_slot(plan, utc(2027, 11, 7, 6, 0))
    assert slot is not None and slot.key == "2027-11-08 01:30"


def test_next_slot_skips_days_off_the_pause_and_slots_already_done() -> None:
    sundays_off = schedule("09:00", days_off=frozenset({6}))
    slot = next_slot(sundays_off, utc(2026, 12, 5, 15, 0))  # Sat Dec 5 after 9:00
    assert slot is not None and slot.key == "2026-12-07 09:00"
    paused = schedule("09:00", paused_through=date(2026, 12, 13))
    slot = next_slot(paused, utc(2026, 12, 1, 15, 0))
    assert slot is not None and slot.key == "2026-12-14 09:00"
    slot = next_slot(schedule("09:00"), utc(2026, 12, 1, 15, 0), skip={"2026-12-02 09:00"})
    assert slot is not None and slot.key == "2026-12-03 09:00"
    assert next_slot(schedule(), utc(2026, 12, 1, 15, 0)) is None


def test_latest_slot_is_the_newest_that_came_due() -> None:
    plan = schedule("09:00")
    since = utc(2026, 12, 2, 14, 0)
    found = latest_slot(plan, utc(2026, 12, 4, 15, 30), since)
    assert found is not None and found.key == "2026-12-04 09:00"
    found = latest_slot(plan, utc(2026, 12, 4, 13, 59), since)
    assert found is not None and found.key == "2026-12-03 09:00"
    assert latest_slot(plan, utc(2026, 12, 2, 13, 59), since) is None


def test_parse_times() -> None:
    assert parse_times("9am") == ["09:00"]
    assert parse_times("9 am and 6 pm") == ["09:00", "18:00"]
    assert parse_times("18:00, 09:30") == ["09:30", "18:00"]
    assert parse_times("noon") == ["12:00"]
    assert parse_times("12am") == ["00:00"]
    for bad in ("", "13pm", "25:00", "9am, 10am", "8am 1pm 6pm"):
        with pytest.raises(InvalidInput):
            parse_times(bad)


def test_parse_days_off() -> None:
    assert parse_days_off("Sundays") == [6]
    assert parse_days_off("sat and sun") == [5, 6]
    assert parse_days_off("weekends") == [5, 6]
    assert parse_days_off("none") == []
    with pytest.raises(InvalidInput):
        parse_days_off("someday")
    with pytest.raises(InvalidInput):
        parse_days_off("mon tue wed thu fri sat sun")


def test_parse_back_date() -> None:
    today = date(2026, 12, 1)
    assert parse_back_date("the 14th", today) == date(2026, 12, 14)
    assert parse_back_date("14", today) == date(2026, 12, 14)
    assert parse_back_date("12/14", today) == date(2026, 12, 14)
    assert parse_back_date("Dec 14", today) == date(2026, 12, 14)
    assert parse_back_date("until 2026-12-14", today) == date(2026, 12, 14)
    assert parse_back_date("tomorrow", today) == date(2026, 12, 2)
    assert parse_back_date("the 1st", today) == date(2027, 1, 1)  # the 1st is today: next month
    assert parse_back_date("Jan 5", today) == date(2027, 1, 5)
    for bad in ("2026-11-30", "2026-12-01", "someday", "Feb 30", "2027-12-01"):
        with pytest.raises(InvalidInput):
            parse_back_date(bad, today)


def test_parse_zone_and_window() -> None:
    assert parse_zone("Pacific") == "America/Los_Angeles"
    assert parse_zone("central time") == "America/Chicago"
    assert parse_zone("America/Denver") == "America/Denver"
    with pytest.raises(InvalidInput):
        parse_zone("Mars/Olympus")
    assert parse_window("60") == 60
    assert parse_window("2 hours") == 120
    assert parse_window(90) == 90
    for bad in ("10", "300", "soon"):
        with pytest.raises(InvalidInput):
            parse_window(bad)
