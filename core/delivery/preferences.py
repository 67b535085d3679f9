"""The rules of members' delivery choices: channels, quiet hours and alert topics, and when
a message to a member in quiet hours may go."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.errors import InvalidInput
from storage.members.records import MemberRecord

CATEGORIES: dict[str, str] = {
    "scam": "Scams",
    "burglary": "Burglary",
    "vehicle": "Vehicle crime",
    "fraud": "Fraud",
    "personal_safety": "Personal safety",
    "meetings": "Meetings",
    "news": "Safety news",
    # Opt-in: new members do not get it until they turn it on (storage's DEFAULT_CATEGORIES).
    "crime_stats": "Weekly crime figures",
}


CHANNEL_CHOICES = ("telegram", "sms", "both")


QUIET_PATTERN = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$")


def parse_quiet_hours(text: str) -> tuple[int, int]:
    """'22:00-07:00' (or '22-7') as minutes after midnight; 'off' as (0, 0)."""
    if text.strip().lower() in ("off", "none", "no"):
        return 0, 0
    match = QUIET_PATTERN.match(text)
    if match is None:
        raise InvalidInput("Please send quiet hours like 22:00-07:00, or 'off'.")
    sh, sm, eh, em = (int(g) if g else 0 for g in match.groups())
    if sh > 23 or eh > 23 or sm > 59 or em > 59:
        raise InvalidInput("Hours go from 00 to 23 and minutes from 00 to 59, e.g. 22:00-07:00.")
    return sh * 60 + sm, eh * 60 + em


def format_quiet_hours(start: int, end: int) -> str:
    """'22:00-07:00', or 'off'."""
    if start == end:
        return "off"
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def quiet_until(member: MemberRecord, when: datetime, zone: ZoneInfo) -> datetime | None:
    """If `when` falls in the member's quiet hours, the (UTC) moment they end; else None.

    Works on local wall-clock time, so the window stays 22:00-07:00 across daylight saving.
    """
    start, end = member.quiet_start, member.quiet_end
    if start == end:
        return None
    local = when.astimezone(zone)
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    day = local.date() if minute < end else local.date() + timedelta(days=1)
    wake = datetime.combine(day, time(end // 60, end % 60), tzinfo=zone)
    return wake.astimezone(UTC)
