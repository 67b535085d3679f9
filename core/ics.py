"""iCalendar (RFC 5545) files for invitations, updates and cancellations (meetings, visits).

Times are written in UTC (`...Z`), which every calendar reads correctly across daylight saving
changes; text values are escaped (backslash, semicolon, comma, newline); lines end in CRLF and
are folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value escaped per RFC 5545 section 3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded into CRLF + space continuations of at most 75 octets."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = LINE_OCTETS - 1  # continuation lines start with one space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def uid(name: str, service_name: str) -> str:
    """An event's UID, the same for every version of it (meeting-12@crime-watch.crimewatch)."""
    domain = re.sub(r"[^a-z0-9]+", "-", service_name.lower()).strip("-") or "crimewatch"
    return f"{name}@{domain}.crimewatch"


def utc_stamp(moment: datetime) -> str:
    """A DATE-TIME in UTC form: 20261202T000000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True, slots=True)
class Event:
    """One event (a meeting, a visit) as a calendar event."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    description: str
    stamp: datetime
    cancelled: bool = False


def calendar_file(event: Event, product: str) -> bytes:
    """The .ics file: PUBLISH for an invitation or update, CANCEL for a cancellation."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape_text(product)}//Crime Watch bot//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if event.cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{utc_stamp(event.stamp)}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"LOCATION:{escape_text(event.location)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
    ]
    if not event.cancelled:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(event.summary)}",
            "TRIGGER:-PT1H",
            "END:VALARM",
        ]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")


def unfold(text: str) -> list[str]:
    """Content lines of an .ics text, unfolded (for reading our own files back)."""
    return text.replace("\r\n ", "").split("\r\n")
