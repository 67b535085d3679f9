"""Local time: moments and offsets across daylight saving, the schedule settings, typed dates."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from bot.telegram.dates import parse_date, parse_meeting_time
from core.errors import ConfigurationError, InvalidInput
from core.localtime import latest_daily, latest_weekly, local_moment, parse_offsets
from tests.conftest import make_settings
from tests.support.due import utc

NY = ZoneInfo("America/New_York")


def test_local_moments_across_daylight_saving() -> None:
    assert local_moment(date(2027, 3, 13), time(7), NY) == utc(2027, 3, 13, 12, 0)
    assert local_moment(date(2027, 3, 14), time(7), NY) == utc(2027, 3, 14, 11, 0)
    # 02:30 does not exist on Mar 14, 2027: it maps past the gap.
    assert local_moment(date(2027, 3, 14), time(2, 30), NY) == utc(2027, 3, 14, 7, 30)
    day, moment = latest_daily(utc(2027, 3, 14, 10, 59), time(7), NY)
    assert day == date(2027, 3, 13) and moment == utc(2027, 3, 13, 12, 0)
    day, moment = latest_weekly(utc(2026, 12, 7, 12, 59), 0, time(8), NY)
    assert day == date(2026, 11, 30)


def test_reminder_offsets() -> None:
    offsets = parse_offsets("1h, 24h,1d")
    assert [o.label for o in offsets] == ["24h", "1d", "1h"]
    meeting = utc(2027, 3, 14, 16, 0)  # noon EDT, the day clocks change
    assert offsets[1].before(meeting, NY) == utc(2027, 3, 13, 17, 0)  # noon EST
    assert offsets[0].before(meeting, NY) == utc(2027, 3, 13, 16, 0)
    for bad in ("soon", "0m", "31d", "1h,2h,3h,4h,5h,6h"):
        with pytest.raises(ValueError):
            parse_offsets(bad)


def test_calendar_settings_are_checked_at_start() -> None:
    settings = make_settings(meeting_reminders="1h,24h", patrol_list_time="7:05")
    assert settings.meeting_reminders == "24h,1h" and settings.patrol_list_time == "07:05"
    with pytest.raises(ConfigurationError, match="MEETING_REMINDERS"):
        make_settings(meeting_reminders="tomorrow")
    with pytest.raises(ConfigurationError, match="PATROL_LIST_TIME"):
        make_settings(patrol_list_time="25:00")
    with pytest.raises(ConfigurationError, match="WEEKLY_MEETINGS_TIME"):
        make_settings(weekly_meetings_time="someday 08:00")
    with pytest.raises(ConfigurationError, match="LEADER_TERM_DAYS"):
        make_settings(leader_term_days=0)


def test_typed_dates() -> None:
    today = date(2026, 12, 1)
    assert parse_date("12/20", today) == date(2026, 12, 20)
    assert parse_date("11/30", today) == date(2026, 11, 30)  # a month back: reported as past
    assert parse_date("1/3", today) == date(2027, 1, 3)
    assert parse_date("Jan 3rd", date(2026, 12, 28)) == date(2027, 1, 3)
    assert parse_date("December 20, 2026", today) == date(2026, 12, 20)
    assert parse_date("tomorrow", today) == date(2026, 12, 2)
    for bad in ("20/12", "Foo 3", "soon", "2/30"):
        with pytest.raises(InvalidInput):
            parse_date(bad, today)
    assert parse_meeting_time("tomorrow 6:30pm", utc(2026, 12, 1, 15, 0), NY) == utc(
        2026, 12, 2, 23, 30
    )
    with pytest.raises(InvalidInput, match="couldn't read that date and time"):
        parse_meeting_time("13/45 7pm", utc(2026, 12, 1, 15, 0), NY)
