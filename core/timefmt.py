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
