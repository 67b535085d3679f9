"""Calendar arithmetic in the department's time zone, correct across daylight saving changes.

Wall-clock times ("07:00 every day", "the day before at 10:00") are combined with a local date
and only then converted to UTC, so they stay at 07:00 when the clocks change. Durations ("1h
before") are elapsed time. Nothing here reads a clock: callers pass `now`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOCK_PATTERN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
OFFSET_PATTERN = re.compile(r"^\s*(\d{1,4})\s*(m|h|d)\s*$")
MAX_REMINDERS = 5


def parse_clock(value: str) -> time:
    """'07:00' as a time of day; ValueError otherwise."""
    match = CLOCK_PATTERN.match(value)
    if match is None:
        raise ValueError("must be a time of day like 07:00")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError("must be a time of day between 00:00 and 23:59")
    return time(hour, minute)


def parse_weekly(value: str) -> tuple[int, time]:
    """'mon 08:00' as (weekday 0-6, time of day); ValueError otherwise."""
    parts = value.strip().lower().split()
    if len(parts) != 2 or parts[0][:3] not in WEEKDAYS:
        raise ValueError("must be a weekday and a time, like mon 08:00")
    return WEEKDAYS.index(parts[0][:3]), parse_clock(parts[1])


@dataclass(frozen=True, slots=True)
class Offset:
    """How long before an event a reminder goes: minutes and hours are elapsed time; days
    are calendar days at the same local time (so '1d' stays at 7 PM across a DST change)."""

    amount: int
    unit: str  # "m", "h" or "d"

    @property
    def label(self) -> str:
        """'24h', '1d', '30m' (also the reminder's key)."""
        return f"{self.amount}{self.unit}"

    def before(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """The moment this offset before `moment` (UTC)."""
        if self.unit == "m":
            return moment - timedelta(minutes=self.amount)
        if self.unit == "h":
            return moment - timedelta(hours=self.amount)
        local = moment.astimezone(zone)
        day = local.date() - timedelta(days=self.amount)
        return local_moment(day, local.time().replace(tzinfo=None), zone)


def parse_offsets(value: str) -> list[Offset]:
    """'24h,1h' as offsets, longest first; ValueError otherwise."""
    offsets: list[Offset] = []
    for part in (p for p in value.split(",") if p.strip()):
        match = OFFSET_PATTERN.match(part.lower())
        if match is None:
            raise ValueError(
                f"{part.strip()!r} is not a reminder time: use minutes, hours or days like "
                "24h,1h or 1d,30m"
            )
        offset = Offset(int(match.group(1)), match.group(2))
        minutes = {"m": 1, "h": 60, "d": 1440}[offset.unit] * offset.amount
        if not 1 <= minutes <= 30 * 1440:
            raise ValueError("reminders go between 1 minute and 30 days before a meeting")
        offsets.append(offset)
    if len(offsets) > MAX_REMINDERS:
        raise ValueError(f"at most {MAX_REMINDERS} reminders")
    unique = {o.label: o for o in offsets}
    return sorted(unique.values(), key=lambda o: -_minutes(o))


def _minutes(offset: Offset) -> int:
    return {"m": 1, "h": 60, "d": 1440}[offset.unit] * offset.amount


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A local date and wall-clock time as a UTC moment. A time skipped by the spring change
    (02:30) maps to the moment after the gap; a repeated one (01:30 in the fall) to the first."""
    local = datetime.combine(day, at, tzinfo=zone)
    # zoneinfo accepts non-existent times; a round trip through UTC moves them past the gap.
    return local.astimezone(UTC)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The local calendar date of a moment."""
    return moment.astimezone(zone).date()


def latest_daily(now: datetime, at: time, zone: ZoneInfo) -> tuple[date, datetime]:
    """The most recent daily occurrence of `at` at or before `now`: (local date, UTC moment)."""
    today = local_date(now, zone)
    moment = local_moment(today, at, zone)
    if moment > now:
        today -= timedelta(days=1)
        moment = local_moment(today, at, zone)
    return today, moment


def latest_weekly(now: datetime, weekday: int, at: time, zone: ZoneInfo) -> tuple[date, datetime]:
    """The most recent weekly occurrence (weekday 0 = Monday) at or before `now`."""
    today = local_date(now, zone)
    day = today - timedelta(days=(today.weekday() - weekday) % 7)
    moment = local_moment(day, at, zone)
    if moment > now:
        day -= timedelta(days=7)
        moment = local_moment(day, at, zone)
    return day, moment


def working_days_since(then: datetime, now: datetime, zone: ZoneInfo) -> int:
    """Working days (Monday to Friday) that have begun since `then`, in the local calendar:
    touched on a Friday, it is three working days old on Wednesday."""
    start = then.astimezone(zone).date()
    end = now.astimezone(zone).date()
    days, day = 0, start + timedelta(days=1)
    while day <= end:
        if day.weekday() < 5:
            days += 1
        day += timedelta(days=1)
    return days
