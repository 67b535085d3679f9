"""Vacation watch: the request, its checks, and the officers' patrol list (text and CSV).

Pure functions, so the Telegram flow can check each answer as it is typed and the service checks
the whole request again before storing it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from core import validation
from core.delivery import Attachment, Message
from core.errors import InvalidInput
from core.markup import esc
from core.timefmt import local
from storage.vacation.records import CheckRecord, WatchRecord

LEAD_DAYS = 30  # a watch starts within 30 days
MAX_DAYS = 30  # and lasts at most 30 days
NOTHING = {"", "-", "none", "no", "nobody", "n/a", "na", "skip"}
OPTIONAL_MAX = {
    "key_holder": 120,
    "vehicles": 200,
    "alarm_company": 120,
    "lights": 120,
    "pets": 120,
    "allowed_people": 200,
}
FIELD_LABELS = {
    "key_holder": "Key holder",
    "vehicles": "Vehicles left at the house",
    "alarm_company": "Alarm company",
    "lights": "Lights on timers",
    "pets": "Pets",
    "allowed_people": "People allowed on the property",
}


def short_date(day: date) -> str:
    """'Tue Dec 22'."""
    return f"{day:%a %b} {day.day}"


def check_leave(leave_on: date, today: date) -> date:
    """Leaving today or later, and within 30 days."""
    if leave_on < today:
        raise InvalidInput(
            f"{short_date(leave_on)} has passed. Please send the day you leave, from today on."
        )
    if leave_on > today + timedelta(days=LEAD_DAYS):
        latest = today + timedelta(days=LEAD_DAYS)
        raise InvalidInput(
            f"A vacation watch must start within {LEAD_DAYS} days (by {short_date(latest)}). "
            "Please ask again closer to your trip."
        )
    return leave_on


def check_return(leave_on: date, return_on: date) -> date:
    """Back on or after the leaving day, at most 30 days later."""
    if return_on < leave_on:
        raise InvalidInput(
            f"That is before the day you leave ({short_date(leave_on)}). Please send the day "
            "you come back."
        )
    if (return_on - leave_on).days > MAX_DAYS:
        raise InvalidInput(
            f"A vacation watch lasts at most {MAX_DAYS} days (back by "
            f"{short_date(leave_on + timedelta(days=MAX_DAYS))}). For a longer absence, please "
            "call the Crime Prevention Unit."
        )
    return return_on


def clean_optional(field: str, value: str) -> str:
    """An optional answer: 'none' (and the like) means nothing."""
    text = validation.one_line(value)
    if text.lower() in NOTHING:
        return ""
    limit = OPTIONAL_MAX[field]
    if len(text) > limit:
        raise InvalidInput(f"Please keep this to {limit} characters.")
    return text


@dataclass(frozen=True, slots=True)
class VacationRequest:
    """Everything the resident told us, checked."""

    address: str
    leave_on: date
    return_on: date
    emergency_name: str
    emergency_phone: str
    key_holder: str = ""
    vehicles: str = ""
    alarm_company: str = ""
    lights: str = ""
    pets: str = ""
    allowed_people: str = ""
    tell_leader: bool = False

    def checked(self, today: date) -> VacationRequest:
        """The request with every field validated again (the flow may be days old)."""
        leave = check_leave(self.leave_on, today)
        return VacationRequest(
            address=validation.street_address(self.address),
            leave_on=leave,
            return_on=check_return(leave, self.return_on),
            emergency_name=validation.display_name(self.emergency_name),
            emergency_phone=validation.phone_e164(self.emergency_phone),
            tell_leader=self.tell_leader,
            **{f: clean_optional(f, getattr(self, f)) for f in OPTIONAL_MAX},
        )


def watch_lines(watch: WatchRecord | VacationRequest) -> list[str]:
    """The details, HTML, as the resident confirms them and officers read them."""
    lines = [
        f"🏠 {esc(watch.address)}",
        f"🗓 {short_date(watch.leave_on)} → {short_date(watch.return_on)}",
        f"☎️ Emergency contact: {esc(watch.emergency_name)}, {esc(watch.emergency_phone)}",
    ]
    for field, label in FIELD_LABELS.items():
        value = getattr(watch, field)
        lines.append(f"{label}: {esc(value) if value else '—'}")
    return lines


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; quote them out."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def patrol_csv(entries: list[tuple[WatchRecord, list[CheckRecord]]], zone: ZoneInfo) -> bytes:
    """The patrol list as CSV (UTF-8 with BOM, so spreadsheets read accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "watch",
            "address",
            "leaves",
            "returns",
            "emergency contact",
            "emergency phone",
            *FIELD_LABELS.values(),
            "checks",
            "last check",
        ]
    )
    for watch, checks in entries:
        writer.writerow(
            [
                watch.id,
                *(
                    _csv_safe(v)
                    for v in (
                        watch.address,
                        watch.leave_on.isoformat(),
                        watch.return_on.isoformat(),
                        watch.emergency_name,
                        watch.emergency_phone,
                        *(getattr(watch, f) for f in FIELD_LABELS),
                    )
                ),
                len(checks),
                local(checks[-1].checked_at, zone) if checks else "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def patrol_message(
    day: date, entries: list[tuple[WatchRecord, list[CheckRecord]]], zone: ZoneInfo
) -> Message:
    """The officers' morning list: message and CSV file."""
    title = f"🚓 <b>Vacation watch — {short_date(day)}</b>"
    if not entries:
        return Message(
            html=f"{title}\n\nNo homes are on vacation watch today.",
            text=f"Vacation watch {short_date(day)}: no homes today.",
        )
    blocks = [
        f"{title}\n{len(entries)} home{'s' if len(entries) != 1 else ''}; log a check "
        "with /checked ID [note]."
    ]
    text = [f"Vacation watch {short_date(day)}: {len(entries)} homes."]
    for watch, checks in entries:
        last = f", last {local(checks[-1].checked_at, zone)}" if checks else ""
        blocks.append(
            f"<b>#{watch.id}</b> "
            + "\n".join(watch_lines(watch))
            + f"\nChecks: {len(checks)}{last}"
        )
        text.append(f"#{watch.id} {watch.address} until {short_date(watch.return_on)}")
    return Message(
        html="\n\n".join(blocks),
        text="\n".join(text),
        attachment=Attachment(
            f"vacation-watch-{day.isoformat()}.csv", "text/csv", patrol_csv(entries, zone)
        ),
    )


def checks_summary(checks: list[CheckRecord], zone: ZoneInfo) -> str:
    """The checks, HTML, for the resident."""
    if not checks:
        return "No house checks were logged."
    lines = [f"Officers checked your home {len(checks)} time{'s' if len(checks) != 1 else ''}:"]
    for check in checks:
        note = f" — {esc(check.note)}" if check.note else ""
        lines.append(f"• {local(check.checked_at, zone)}{note}")
    return "\n".join(lines)
