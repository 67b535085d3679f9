"""The pacer: an overall rate, a per-address interval, and 429 pauses."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from core.delivery.pacing import Pacer, telegram_chat_interval
from core.delivery.preferences import parse_quiet_hours, quiet_until
from core.errors import InvalidInput
from storage.members.records import MemberRecord


def test_rate_spaces_sends_evenly() -> None:
    pacer = Pacer(25)
    starts = [pacer.book(str(chat), 1, now=0.0) for chat in range(100)]
    assert starts[0] == 0.0 and starts[-1] == pytest.approx(99 / 25)
    assert all(b - a == pytest.approx(0.04) for a, b in itertools.pairwise(starts))


def test_cost_counts_sms_segments() -> None:
    pacer = Pacer(1)
    assert pacer.book("+1", 3, now=0.0) == 0.0
    assert pacer.book("+2", 1, now=0.0) == pytest.approx(3.0)


def test_one_private_chat_gets_one_message_a_second_and_groups_twenty_a_minute() -> None:
    private = Pacer(1000, telegram_chat_interval)
    assert private.book("42", 1, now=0.0) == 0.0
    assert private.book("42", 1, now=0.0) == pytest.approx(1.05)
    group = Pacer(1000, telegram_chat_interval)
    assert group.book("-100", 1, now=0.0) == 0.0
    assert group.book("-100", 1, now=0.0) == pytest.approx(3.15)


def test_pause_holds_everything_until_retry_after() -> None:
    pacer = Pacer(25)
    pacer.book("1", 1, now=0.0)
    pacer.pause(until=30.0)
    assert pacer.book("2", 1, now=1.0) == 30.0
    assert pacer.earliest("3", now=31.0) >= 30.0


def member(start: int, end: int) -> MemberRecord:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return MemberRecord(
        1,
        1,
        1,
        "A",
        None,
        None,
        None,
        None,
        "en",
        now,
        now,
        False,
        True,
        quiet_start=start,
        quiet_end=end,
    )


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # 23:30 New York (EST) on the night DST ends: wakes 07:00 EST = 12:00 UTC
        (datetime(2026, 11, 1, 4, 30, tzinfo=UTC), datetime(2026, 11, 1, 12, 0, tzinfo=UTC)),
        # 23:30 EST the night before DST starts: wakes 07:00 EDT = 11:00 UTC
        (datetime(2026, 3, 8, 4, 30, tzinfo=UTC), datetime(2026, 3, 8, 11, 0, tzinfo=UTC)),
        # 12:00 local is not quiet
        (datetime(2026, 3, 8, 17, 0, tzinfo=UTC), None),
    ],
)
def test_quiet_hours_follow_local_time_across_dst(utc: datetime, expected: datetime | None) -> None:
    from zoneinfo import ZoneInfo

    assert quiet_until(member(22 * 60, 7 * 60), utc, ZoneInfo("America/New_York")) == expected


def test_quiet_hours_parsing() -> None:
    assert parse_quiet_hours("22:00-07:00") == (1320, 420)
    assert parse_quiet_hours("23-6") == (1380, 360)
    assert parse_quiet_hours("off") == (0, 0)
    for bad in ("25:00-07:00", "22:61-07:00", "night", "22:00"):
        with pytest.raises(InvalidInput):
            parse_quiet_hours(bad)
