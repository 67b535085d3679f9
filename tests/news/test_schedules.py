"""When safety news items come round again."""

from __future__ import annotations

from datetime import date, time

import pytest

from core.errors import InvalidInput
from core.news.service import describe, next_occurrence, parse_schedule
from tests.due.test_localtime import NY
from tests.support.due import utc


def test_news_schedules() -> None:
    today = date(2026, 12, 1)
    assert parse_schedule("Weekly Tuesday", today) == "weekly:tue"
    assert parse_schedule("monthly: 1", today) == "monthly:1"
    assert parse_schedule("yearly 6/20", today) == "yearly:06-20"
    assert parse_schedule("once 2026-12-24", today) == "once:2026-12-24"
    assert parse_schedule("off", today) == ""
    for bad in ("monthly 29", "yearly 2-29", "once 2026-11-30", "once 2028-01-01", "daily"):
        with pytest.raises(InvalidInput):
            parse_schedule(bad, today)
    at = time(10)
    assert next_occurrence("weekly:tue", utc(2026, 12, 1, 15, 0), at, NY) == utc(2026, 12, 8, 15, 0)
    assert next_occurrence("monthly:1", utc(2027, 3, 1, 16, 0), at, NY) == utc(2027, 4, 1, 14, 0)
    assert next_occurrence("once:2026-12-24", utc(2026, 12, 24, 15, 0), at, NY) is None
    assert describe("monthly:22") == "on the 22nd of each month"
    assert describe("monthly:11") == "on the 11th of each month"
    assert describe("yearly:12-15") == "every year on Dec 15"
