"""Times as people read them: in the department's time zone, in the local style."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local(when: datetime, zone: ZoneInfo) -> str:
    """'Tue Dec 2, 7:00 PM' in the given zone."""
    moment = when.astimezone(zone)
    hour = moment.strftime("%I").lstrip("0") or "12"
    return f"{moment:%a %b} {moment.day}, {hour}:{moment:%M %p}"


def local_date(when: datetime, zone: ZoneInfo) -> str:
    """'Dec 2, 2026' in the given zone."""
    moment = when.astimezone(zone)
    return f"{moment:%b} {moment.day}, {moment.year}"


def age(since: datetime, now: datetime) -> str:
    """'just now', '5 hours', '3 days'."""
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 3600:
        return "just now" if seconds < 120 else f"{seconds // 60} minutes"
    if seconds < 86400:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = seconds // 86400
    return f"{days} day{'s' if days != 1 else ''}"
