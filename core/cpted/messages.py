"""What the environment reports feature sends through the outbox, its report card (the same
for the reporter's review and the officers' queue), the CSV for public works, and its SMS
replies (English first).

Telegram texts are HTML with every user-written part escaped; SMS texts are plain (the outbox
adds the service's name in front). Nothing officers get names or numbers the reporter.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from core import timefmt
from core.cpted.rules import KINDS, STATUSES, FixDraft
from core.delivery import Attachment, Message
from core.markup import esc
from storage.cpted.records import FixRecord

PREVIEW = 60


def preview(text: str, limit: int = PREVIEW) -> str:
    """The start of a text on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def kind_label(kind: str) -> str:
    """'Graffiti'."""
    return KINDS.get(kind, KINDS["other"])


def map_link(latitude: float, longitude: float) -> str:
    """A map at the pin (any map app opens it)."""
    return f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=19/{latitude}/{longitude}"


def where_text(report: FixRecord) -> str:
    """The place as plain text: the address typed, the pin's coordinates, or (texted
    reports) the text, which says what and where at once."""
    if report.place:
        return report.place
    if report.latitude is not None and report.longitude is not None:
        return f"map pin {report.latitude}, {report.longitude}"
    return report.note or "no place given"


age = timefmt.age


def owner(report: FixRecord) -> str:
    """Who has the report on, or 'unclaimed'."""
    return report.claimed_by_label or "unclaimed"


def body_lines(draft: FixDraft) -> list[str]:
    """What a report says (HTML): kind, place, photo, note. The reporter's review shows
    exactly these lines, as officers will get them."""
    lines = [f"<b>{esc(kind_label(draft.kind))}</b>"]
    if draft.place:
        lines.append(f"📍 {esc(draft.place)}")
    if draft.latitude is not None and draft.longitude is not None:
        link = map_link(draft.latitude, draft.longitude)
        lines.append(f'📍 <a href="{link}">Map pin {draft.latitude}, {draft.longitude}</a>')
    lines.append("📷 Photo attached" if draft.photo else "📷 No photo")
    if draft.note:
        lines.append(f"📝 {esc(draft.note)}")
    return lines


def draft_of(report: FixRecord) -> FixDraft:
    """A stored report as the draft it was made from."""
    return FixDraft(
        kind=report.kind,
        place=report.place,
        latitude=report.latitude,
        longitude=report.longitude,
        photo=report.photo_file_id,
        note=report.note,
    )


def card(report: FixRecord, now: datetime, zone: ZoneInfo) -> str:
    """A report as officers see it in /fixes: reference, what it says, status, age, owner."""
    return "\n".join(
        [
            f"🔧 <b>{report.reference}</b>",
            *body_lines(draft_of(report)),
            f"Status: {STATUSES.get(report.status, report.status)}",
            f"Reported {timefmt.local(report.created_at, zone)} ({age(report.created_at, now)} "
            f"ago); owner: {esc(owner(report))}",
        ]
    )


def queue_line(report: FixRecord, now: datetime) -> str:
    """One report in the queue (HTML)."""
    where = where_text(report)
    return (
        f"<b>{report.reference}</b> {esc(kind_label(report.kind))} — {esc(preview(where))}\n"
        f"   {age(report.created_at, now)} old; {esc(owner(report))}"
    )


# To the reporter

STATUS_NEWS = {
    "public_works": "was sent to public works. We'll tell you when it is fixed.",
    "fixed": "is fixed. Thank you for reporting it.",
    "not_actionable": "was closed: officers found nothing that they or public works can act on.",
}


def status_changed(report: FixRecord) -> Message:
    """A report's new status, for the person who filed it."""
    what = kind_label(report.kind)
    where = where_text(report)
    news = STATUS_NEWS.get(report.status, f"is now {STATUSES.get(report.status, report.status)}.")
    return Message(
        html=f"🔧 Your report <b>{report.reference}</b> ({esc(what)}, {esc(preview(where))}) "
        f"{news}",
        text=f"Your report {report.reference} ({what}, {preview(where)}) {news}",
    )


# To officers


def digest(stale: list[FixRecord], now: datetime) -> Message:
    """The officers' daily list of open reports untouched for three working days."""
    count = len(stale)
    head = (
        f"🔧 <b>{count} environment report{'s' if count != 1 else ''} untouched for 3 "
        "working days</b> — /fixes to work them"
    )
    lines = [head, *(queue_line(r, now) for r in stale)]
    text = [f"{count} environment reports untouched for 3 working days:"]
    text += [f"{r.reference} {kind_label(r.kind)}, {age(r.created_at, now)} old" for r in stale]
    return Message(html="\n".join(lines), text="\n".join(text))


def weekly_summary(
    week_of: str,
    filed: list[FixRecord],
    closed: list[FixRecord],
    counts: dict[str, int],
    stale: int,
) -> Message:
    """The officers' weekly summary: filed by kind, closed, and where the queue stands."""
    by_kind: dict[str, int] = {}
    for report in filed:
        by_kind[report.kind] = by_kind.get(report.kind, 0) + 1
    kinds = ", ".join(f"{n} {kind_label(k).lower()}" for k, n in sorted(by_kind.items()))
    fixed = sum(1 for r in closed if r.status == "fixed")
    dropped = len(closed) - fixed
    lines = [
        f"🔧 <b>Environment reports — the week to {esc(week_of)}</b>",
        f"New: {len(filed)}" + (f" ({esc(kinds)})" if kinds else ""),
        f"Fixed: {fixed}; closed as not actionable: {dropped}",
        f"Open now: {counts.get('new', 0)} new, {counts.get('public_works', 0)} with public "
        f"works; {stale} untouched for 3 working days",
        "/fixes for the queue, <code>/fixes csv</code> for public works' list",
    ]
    text = (
        f"Environment reports, week to {week_of}: {len(filed)} new, {fixed} fixed, {dropped} "
        f"closed; open {counts.get('new', 0)} new, {counts.get('public_works', 0)} with public "
        f"works, {stale} untouched."
    )
    return Message(html="\n".join(lines), text=text)


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; quote them out."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


CSV_HEADER = (
    "reference",
    "kind",
    "address",
    "latitude",
    "longitude",
    "map",
    "note",
    "photo",
    "reported",
    "status",
    "owner",
)


def public_works_csv(reports: list[FixRecord], zone: ZoneInfo) -> bytes:
    """The reports for public works as CSV (UTF-8 with BOM, so spreadsheets read accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in reports:
        pinned = r.latitude is not None and r.longitude is not None
        writer.writerow(
            [
                r.reference,
                kind_label(r.kind),
                _csv_safe(r.place or ""),
                "" if r.latitude is None else r.latitude,
                "" if r.longitude is None else r.longitude,
                map_link(r.latitude, r.longitude) if pinned else "",  # type: ignore[arg-type]
                _csv_safe(" ".join((r.note or "").split())),
                "yes" if r.photo_file_id else "no",
                timefmt.local(r.created_at, zone),
                STATUSES.get(r.status, r.status),
                _csv_safe(owner(r)),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_message(reports: list[FixRecord], day: str, zone: ZoneInfo) -> Message:
    """The list for public works: a line and the CSV file."""
    count = len(reports)
    html = (
        f"🔧 <b>For public works — {esc(day)}</b>\n{count} report{'s' if count != 1 else ''} "
        "sent to public works and not yet fixed."
    )
    return Message(
        html=html,
        text=f"For public works {day}: {count} reports (the file is in Telegram).",
        attachment=Attachment(
            f"public-works-{day}.csv", "text/csv", public_works_csv(reports, zone)
        ),
    )


# SMS replies (the reply to a text is sent as it is: it names the service itself)

SMS_EMERGENCY = "If this is an emergency, call 911 now."


def sms_filed(service: str, reference: str, *, emergency: bool) -> str:
    """A report texted in was stored."""
    body = (
        f"{service}: report {reference} received. We'll text you when it goes to public works "
        "and when it is fixed. Reply HELP for help."
    )
    if emergency:
        return f"{SMS_EMERGENCY} To tell the police now, text TIP and what you see. {body}"
    return f"{body} Not for emergencies: call 911."


def sms_usage(service: str) -> str:
    """FIX with nothing after it."""
    return (
        f"{service}: to report a dark street light, graffiti, an abandoned car or the like, "
        "text FIX, what it is and where, e.g. FIX streetlight out at 40 Elm St. Emergency? "
        "Call 911."
    )


def sms_refused(service: str, reason: str) -> str:
    """A texted report refused (too long)."""
    return f"{service}: {reason} Emergency? Call 911."
