"""Reading the dates and times people type, for meetings and vacation watch."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.telegram import calendar_texts as texts
from bot.telegram.alerts import parse_when
from core.errors import InvalidInput

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def parse_meeting_time(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """'12/15 7pm', '2026-12-15 19:00', 'tomorrow 6:30pm', '19:00' as an aware datetime."""
    value = " ".join(text.strip().lower().split())
    try:
        if value.startswith(("tomorrow ", "today ")):
            word, _, clock = value.partition(" ")
            day = now.astimezone(zone).date() + timedelta(days=1 if word == "tomorrow" else 0)
            return parse_when(f"{day.isoformat()} {clock}", now, zone)
        return parse_when(value, now, zone)
    except InvalidInput:
        raise InvalidInput(texts.MEETING_TIME_FORMAT) from None


def parse_date(text: str, reference: date) -> date:
    """'12/20', '12/20/2026', '2026-12-20', 'Dec 20', 'tomorrow' as a date.

    Without a year, the date is taken in the reference's year; a date up to a month before the
    reference stays there (so a typo of a past date is reported as past), an earlier one means
    next year (leaving Dec 28, back Jan 3).
    """
    value = " ".join(text.strip().lower().replace(",", " ").split())
    if value in ("today", "tomorrow"):
        return reference + timedelta(days=0 if value == "today" else 1)
    year: int | None = None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?", value):
        month, day = int(match.group(1)), int(match.group(2))
        if match.group(3):
            year = int(match.group(3)) + (2000 if len(match.group(3)) == 2 else 0)
    elif match := re.fullmatch(
        r"([a-z]{3})[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?", value
    ):
        if match.group(1) not in MONTHS:
            raise InvalidInput(texts.VACATION_DATE_FORMAT)
        month, day = MONTHS.index(match.group(1)) + 1, int(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
    else:
        raise InvalidInput(texts.VACATION_DATE_FORMAT)
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(reference.year, month, day)
        if (reference - candidate).days > 31:
            candidate = date(reference.year + 1, month, day)
        return candidate
    except ValueError:
        raise InvalidInput("That date doesn't exist. " + texts.VACATION_DATE_FORMAT) from None
