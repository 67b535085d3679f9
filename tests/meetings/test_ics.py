"""Meeting invitations as iCalendar (RFC 5545) files."""

from __future__ import annotations

from dataclasses import replace

from core.ics import Event, calendar_file, escape_text, fold, unfold
from tests.support.due import utc


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
