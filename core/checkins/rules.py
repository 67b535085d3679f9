"""Daily check-ins: the limits, the parsing of what a person types (times, days off, a date
they are back, a time zone), and the schedule arithmetic, all pure.

A check-in's slot is its local date and wall-clock time ("2026-12-03 09:00") in the person's
time zone: each slot is one check-in whatever the clocks do. On the spring change a time that
does not exist (02:30) comes at the moment after the gap; on the autumn change a time that
happens twice (01:30) comes the first time only. Nothing here reads a clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.emergency import emergency_terms
from core.errors import InvalidInput

MAX_CONTACTS = 3
MAX_TIMES = 2
DEFAULT_WINDOW = 60
MIN_WINDOW, MAX_WINDOW = 15, 240
WINDOW_CHOICES = (30, 60, 90, 120)
CHANNELS = ("telegram", "sms", "both")
# How far ahead the schedule looks for the next check-in (a long pause, every day off).
LOOKAHEAD_DAYS = 400
MAX_PAUSE_DAYS = 180
SLOT_FORMAT = "%Y-%m-%d %H:%M"

DUE_PROMPT = "checkin_prompt"
# Prompts are written this long before their minute, held in the outbox until it: the due
# tick runs every minute, so each minute's prompts are written during the minute or two
# before, and at the minute the delivery worker only sends (10,000 at one minute go out at
# the provider's full rate instead of sharing the database with their own writing).
PROMPT_LEAD = timedelta(minutes=2)
DUE_REMIND = "checkin_remind"
DUE_ESCALATE = "checkin_escalate"
DUE_REACH = "checkin_reach"
DUE_OFFICER = "checkin_officer"
ROUND_STEPS = (DUE_REMIND, DUE_ESCALATE, DUE_REACH, DUE_OFFICER)

# What people call their zone, besides IANA names.
ZONE_ALIASES = {
    "eastern": "America/New_York",
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "central": "America/Chicago",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "mountain": "America/Denver",
    "mt": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "arizona": "America/Phoenix",
    "pacific": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "alaska": "America/Anchorage",
    "hawaii": "Pacific/Honolulu",
    "puerto rico": "America/Puerto_Rico",
    "atlantic": "America/Puerto_Rico",
}
DAY_NAMES = {
    "mon": 0, "monday": 0, "mondays": 0,
    "tue": 1, "tues": 1, "tuesday": 1, "tuesdays": 1,
    "wed": 2, "wednesday": 2, "wednesdays": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "thursdays": 3,
    "fri": 4, "friday": 4, "fridays": 4,
    "sat": 5, "saturday": 5, "saturdays": 5,
    "sun": 6, "sunday": 6, "sundays": 6,
}  # fmt: skip
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        )
    )
    for m in names
}
TIME_PATTERN = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?", re.IGNORECASE)
FULL_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NOON_WORDS = {"noon": "12:00", "midday": "12:00"}


@dataclass(frozen=True, slots=True)
class Schedule:
    """What decides when check-ins come: the times, the zone, days off and a pause."""

    times: tuple[time, ...]
    zone: ZoneInfo
    days_off: frozenset[int] = frozenset()
    paused_through: date | None = None

    def on(self, day: date) -> bool:
        """Whether there are check-ins on a local date."""
        if day.weekday() in self.days_off:
            return False
        return self.paused_through is None or day > self.paused_through


@dataclass(frozen=True, slots=True)
class Slot:
    """One check-in time: its key ("2026-12-03 09:00") and its moment (UTC)."""

    key: str
    due_at: datetime
    local: datetime  # naive local wall-clock time


def slot_key(day: date, at: time) -> str:
    """'2026-12-03 09:00'."""
    return datetime.combine(day, at).strftime(SLOT_FORMAT)


def slot_of(day: date, at: time, zone: ZoneInfo) -> Slot:
    """The slot of a local date and time."""
    local = datetime.combine(day, at)
    return Slot(slot_key(day, at), local.replace(tzinfo=zone).astimezone(UTC), local)


def slots_from(schedule: Schedule, start: date) -> Iterator[Slot]:
    """Every slot from a local date on, in time order (at most LOOKAHEAD_DAYS)."""
    for offset in range(LOOKAHEAD_DAYS):
        day = start + timedelta(days=offset)
        if not schedule.on(day):
            continue
        for at in sorted(schedule.times):
            yield slot_of(day, at, schedule.zone)


def next_slot(schedule: Schedule, after: datetime, skip: set[str] | None = None) -> Slot | None:
    """The first slot due strictly after `after` (and not in `skip`), or None."""
    if not schedule.times:
        return None
    start = after.astimezone(schedule.zone).date() - timedelta(days=1)
    for slot in slots_from(schedule, start):
        if slot.due_at > after and (skip is None or slot.key not in skip):
            return slot
    return None


def latest_slot(schedule: Schedule, now: datetime, since: datetime) -> Slot | None:
    """The last slot due at or before `now` and at or after `since`, or None."""
    found: Slot | None = None
    start = since.astimezone(schedule.zone).date() - timedelta(days=1)
    for slot in slots_from(schedule, start):
        if slot.due_at > now:
            break
        if slot.due_at >= since:
            found = slot
    return found


def slot_time(key: str) -> datetime:
    """A slot's naive local time."""
    return datetime.strptime(key, SLOT_FORMAT)


# Parsing what people type


def clock_text(at: time) -> str:
    """'9:00 AM'."""
    hour = at.hour % 12 or 12
    return f"{hour}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def times_text(times: list[str] | tuple[str, ...]) -> str:
    """'9:00 AM and 6:00 PM' of ['09:00', '18:00']."""
    return " and ".join(clock_text(time.fromisoformat(t)) for t in times)


def parse_times(text: str) -> list[str]:
    """'9am', '9:30', '9 am and 6 pm', '09:00, 18:00' as ['09:00', '18:00']."""
    raw = (text or "").strip().lower()
    for word, value in NOON_WORDS.items():
        raw = raw.replace(word, value)
    found: list[str] = []
    for match in TIME_PATTERN.finditer(raw):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        meridiem = (match.group(3) or "").replace(".", "")
        if meridiem:
            if not 1 <= hour <= 12:
                raise InvalidInput(f"{match.group(0).strip()} is not a time of day.")
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
        if hour > 23 or minute > 59:
            raise InvalidInput(f"{match.group(0).strip()} is not a time of day.")
        value = f"{hour:02d}:{minute:02d}"
        if value not in found:
            found.append(value)
    if not found:
        raise InvalidInput("Please give a time of day, like 9am or 9:30.")
    if len(found) > MAX_TIMES:
        raise InvalidInput(f"At most {MAX_TIMES} check-ins a day, like 9am and 6pm.")
    if len(found) == 2:
        first, second = (datetime.strptime(t, "%H:%M") for t in found)
        if abs((second - first).total_seconds()) < 3 * 3600:
            raise InvalidInput("Two check-ins a day need to be at least 3 hours apart.")
    return sorted(found)


def parse_days_off(text: str) -> list[int]:
    """'Sundays', 'sat and sun', 'none' as weekday numbers (Monday = 0)."""
    raw = (text or "").strip().lower()
    if raw in ("", "none", "no", "no days off", "every day", "everyday"):
        return []
    if raw in ("weekends", "weekend", "the weekend"):
        return [5, 6]
    days: set[int] = set()
    for word in re.split(r"[\s,/&]+", raw):
        if word in ("and", "or", "off", "on", ""):
            continue
        if word not in DAY_NAMES:
            raise InvalidInput(f"{word!r} is not a day of the week. Try: Sundays, or sat and sun.")
        days.add(DAY_NAMES[word])
    if len(days) == 7:
        raise InvalidInput("That is every day: to stop check-ins altogether, use Stop instead.")
    return sorted(days)


def days_text(days: frozenset[int] | list[int]) -> str:
    """'Sundays', 'Saturdays and Sundays', 'none'."""
    names = [FULL_DAYS[d] + "s" for d in sorted(days)]
    if not names:
        return "none"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def parse_back_date(text: str, today: date) -> date:
    """The day someone is back ("the 14th", "12/14", "Dec 14", "2026-12-14", "tomorrow"):
    check-ins start again that day. It must be after today and within MAX_PAUSE_DAYS."""
    raw = (text or "").strip().lower()
    raw = re.sub(r"^(until|till|til|back|on|the|away)\s+", "", raw)
    raw = re.sub(r"^(until|till|til|back|on|the)\s+", "", raw)
    back: date | None = None
    if raw == "tomorrow":
        back = today + timedelta(days=1)
    elif match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw):
        back = _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    elif match := re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?", raw):
        year = int(match.group(3)) if match.group(3) else None
        if year is not None and year < 100:
            year += 2000
        back = _upcoming(today, int(match.group(1)), int(match.group(2)), year)
    elif match := re.fullmatch(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?", raw):
        month = MONTHS.get(match.group(1))
        if month is None:
            raise InvalidInput(f"{match.group(1)!r} is not a month.")
        back = _upcoming(today, month, int(match.group(2)), None)
    elif match := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", raw):
        day = int(match.group(1))
        month, year = today.month, today.year
        if day <= today.day:
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
        back = _date(year, month, day)
    if back is None:
        raise InvalidInput("Please give the day you're back, like the 14th, 12/14 or Dec 14.")
    if back <= today or (
        back > today + timedelta(days=MAX_PAUSE_DAYS)
        and back.year > today.year
        and not re.search(r"\d{4}", raw)
    ):
        raise InvalidInput("That day has already passed: give the day you're back.")
    if back > today + timedelta(days=MAX_PAUSE_DAYS):
        raise InvalidInput(
            f"A pause can last up to {MAX_PAUSE_DAYS} days. For longer, stop the check-ins "
            "and sign up again when you're back."
        )
    return back


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput("That date does not exist.") from None


def _upcoming(today: date, month: int, day: int, year: int | None) -> date:
    if year is not None:
        return _date(year, month, day)
    found = _date(today.year, month, day)
    return found if found > today else _date(today.year + 1, month, day)


def parse_zone(text: str) -> str:
    """'Pacific', 'central', 'America/Chicago' as an IANA name."""
    raw = (text or "").strip()
    alias = ZONE_ALIASES.get(raw.lower().replace(" time", "").strip())
    name = alias or raw
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            "I don't know that time zone. Try Eastern, Central, Mountain, Pacific, Alaska, "
            "Hawaii, or a name like America/Chicago."
        ) from None
    return name


def parse_window(text: str | int) -> int:
    """Minutes to wait before the contacts are asked (15-240)."""
    raw = str(text).strip().lower().replace("minutes", "").replace("min", "").strip()
    hours = re.fullmatch(r"(\d{1,2})\s*(h|hr|hrs|hour|hours)", raw)
    minutes = int(hours.group(1)) * 60 if hours else int(raw) if raw.isdigit() else None
    if minutes is None or not MIN_WINDOW <= minutes <= MAX_WINDOW:
        raise InvalidInput(
            f"Please give the wait in minutes, between {MIN_WINDOW} and {MAX_WINDOW}."
        )
    return minutes


def clean_name(text: str, who: str = "The name") -> str:
    """A person's or contact's name: one line, 1-64 characters, with a letter."""
    value = " ".join((text or "").split())
    if not value or not any(ch.isalpha() for ch in value):
        raise InvalidInput(f"{who} needs at least one letter.")
    if len(value) > 64:
        raise InvalidInput(f"{who} can be at most 64 characters.")
    return value


# In a reply to "are you OK?", these ask for help too (besides every emergency term).
DISTRESS = re.compile(
    r"(?<![\w-])(help|need help|not ok|not okay|not o\.k\.|not well|not good|not fine|sick|"
    r"dizzy|fell|fallen|pain|hurts|stroke|please come|come quick)(?![\w-])",
    re.IGNORECASE,
)
NO_NEED = re.compile(r"\b(no|don't|dont|do not|not)\s+(need\s+)?(any\s+)?help\b", re.IGNORECASE)


def calls_for_help(text: str) -> bool:
    """Whether a reply to a check-in asks for help: an emergency term, or distress words
    ("help", "not OK", "I fell", "dizzy"), unless help is plainly declined ("no help needed")."""
    if emergency_terms(text):
        return True
    if NO_NEED.search(text):
        return False
    return DISTRESS.search(text) is not None


OK_WORDS = re.compile(
    r"\b(ok|okay|o\.k\.|k|fine|good|great|well|yes|yep|yeah|alive|here|thanks|thank you)\b",
    re.IGNORECASE,
)


def sounds_ok(text: str) -> bool:
    """Whether a short reply says "I'm OK" ("ok", "yes I'm fine", "all good thanks")."""
    return len(text.split()) <= 6 and OK_WORDS.search(text) is not None and not calls_for_help(text)


def first_name(name: str) -> str:
    """'Ruth' of 'Ruth Miller'."""
    return name.split()[0] if name.split() else name


def greeting(local: datetime) -> str:
    """'Good morning' / 'Good afternoon' / 'Good evening'."""
    if local.hour < 12:
        return "Good morning"
    return "Good afternoon" if local.hour < 18 else "Good evening"
