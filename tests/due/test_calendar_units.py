"""The calendar's pure parts (iCalendar, local time, schedules, dates, vacation rules, settings)
and the outbox's buttons and files, through the repository and the Telegram notifier."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from bot.telegram.dates import parse_date, parse_meeting_time
from core.delivery.outbox import Attachment, Message
from core.errors import ConfigurationError, InvalidInput
from core.localtime import latest_daily, latest_weekly, local_moment, parse_offsets
from core.meetings.ics import Event, calendar_file, escape_text, fold, unfold
from core.news.service import describe, next_occurrence, parse_schedule
from core.services import Services
from core.vacation.rules import check_leave, check_return
from notifiers.base import OutboundMessage, Outcome
from notifiers.telegram import TelegramNotifier
from storage.delivery.repositories import OutboxRepository
from tests.conftest import make_settings
from tests.support.calendar import utc

NY = ZoneInfo("America/New_York")


# iCalendar


def test_text_values_are_escaped() -> None:
    assert escape_text("a\\b;c,d\r\ne\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_long_lines_fold_at_75_octets_without_splitting_characters() -> None:
    line = "DESCRIPTION:" + "Café ☕ " * 40
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1 and all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert unfold(folded) == [line]


def test_calendar_file_is_rfc5545_shaped() -> None:
    event = Event(
        uid="meeting-7@test.crimewatch",
        sequence=2,
        starts_at=utc(2026, 12, 9, 0, 0),
        ends_at=utc(2026, 12, 9, 1, 30),
        summary="Watch meeting, Oak; bring IDs",
        location="Library",
        description="Line 1\nLine 2",
        stamp=utc(2026, 12, 1, 15, 0),
    )
    raw = calendar_file(event, "Stratford Crime Watch").decode()
    assert raw.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and raw.endswith(
        "END:VCALENDAR\r\n"
    )
    lines = unfold(raw)
    assert "SUMMARY:Watch meeting\\, Oak\\; bring IDs" in lines
    assert "DESCRIPTION:Line 1\\nLine 2" in lines and "DTSTAMP:20261201T150000Z" in lines
    assert lines.count("BEGIN:VEVENT") == 1 and "SEQUENCE:2" in lines
    cancelled = unfold(calendar_file(replace(event, cancelled=True), "x").decode())
    assert "METHOD:CANCEL" in cancelled and "STATUS:CANCELLED" in cancelled
    assert "BEGIN:VALARM" not in cancelled


# Local time


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


# Schedules and dates


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


def test_vacation_dates_boundaries() -> None:
    today = date(2026, 12, 1)
    assert check_leave(today, today) == today
    assert check_leave(date(2026, 12, 31), today)  # 30 days ahead is fine
    with pytest.raises(InvalidInput, match="within 30 days"):
        check_leave(date(2027, 1, 1), today)
    assert check_return(date(2026, 12, 10), date(2027, 1, 9))  # 30 days
    with pytest.raises(InvalidInput, match="at most 30 days"):
        check_return(date(2026, 12, 10), date(2027, 1, 10))
    with pytest.raises(InvalidInput, match="before the day you leave"):
        check_return(date(2026, 12, 10), date(2026, 12, 9))


# The outbox carries buttons and a file


async def test_buttons_and_a_file_survive_the_outbox(services: Services) -> None:
    message = Message(
        html="<b>hi</b>",
        text="hi",
        buttons=((("Yes", "rsvp:1:going"), ("No", "rsvp:1:no")),),
        attachment=Attachment("meeting-1.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n"),
    )
    async with services.db.transaction() as session:
        await services.outbox.enqueue_in(
            session, kind="meeting", message=message, recipients=[], direct=[("telegram", "42")]
        )
    async with services.db.transaction() as session:
        jobs = await OutboxRepository(session).claim(
            channel="telegram",
            now=services.clock.now(),
            lease_until=services.clock.now(),
            limit=10,
            skip_locked=not services.db.is_sqlite,
        )
    assert len(jobs) == 1
    assert jobs[0].attachment == ("meeting-1.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n")
    assert jobs[0].buttons is not None and "rsvp:1:going" in jobs[0].buttons


async def test_telegram_sends_buttons_then_the_file(bot_and_api) -> None:  # type: ignore[no-untyped-def]
    bot, api = bot_and_api
    message = OutboundMessage(
        "42",
        "<b>Meeting</b>",
        "Meeting",
        buttons=((("Going", "rsvp:1:going"),),),
        attachment=("meeting-1.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
    )
    result = await TelegramNotifier(bot, part_interval=0).send(message)
    assert result.outcome is Outcome.SENT and result.reason == ""
    sent = api.calls_to("sendMessage")[0]
    assert sent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "rsvp:1:going"
    upload = api.calls_to("sendDocument")[0].files["document"]
    assert upload.file_name == "meeting-1.ics" and upload.content.startswith(b"BEGIN:VCALENDAR")
    # A file that fails after the text went is noted, not retried (that would repeat the text).
    api.fail_next("sendDocument", status=400, description="Bad Request: file is empty")
    result = await TelegramNotifier(bot, part_interval=0).send(message)
    assert result.outcome is Outcome.SENT and result.reason.startswith("file not sent")
