"""What Operation Identification shows and writes: an item's lines (the same for the owner's
review, their register and the PDF), the stolen report's tip text, the CSV and PDF exports,
and the window decal.

Telegram texts are HTML with every user-written part escaped; the tip text and the files are
plain. Only the owner ever gets these, except the tip text, which officers get once the owner
reports the items stolen.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from core import timefmt
from core.markup import esc
from core.property.rules import FIELDS, ItemDraft, format_value
from storage.property.records import ItemRecord

PREVIEW = 40


def preview(text: str, limit: int = PREVIEW) -> str:
    """The start of a text on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _draft(item: ItemDraft | ItemRecord) -> ItemDraft:
    if isinstance(item, ItemDraft):
        return item
    return ItemDraft(
        item=item.item,
        make=item.make,
        model=item.model,
        serial=item.serial,
        marking=item.marking,
        value_cents=item.value_cents,
        photos=item.photos,
        notes=item.notes,
    )


def values(item: ItemDraft | ItemRecord) -> dict[str, str]:
    """Every field as plain text ('' when not given), in the order of FIELDS."""
    draft = _draft(item)
    count = len(draft.photos)
    return {
        "item": draft.item,
        "make": draft.make or "",
        "model": draft.model or "",
        "serial": draft.serial or "",
        "marking": draft.marking or "",
        "value": format_value(draft.value_cents),
        "photos": f"{count} photo{'s' if count != 1 else ''}" if count else "",
        "notes": draft.notes or "",
    }


def card_lines(item: ItemDraft | ItemRecord) -> list[str]:
    """An item as HTML lines: its name, then each field given (or '—')."""
    shown = values(item)
    lines = [f"<b>{esc(shown['item'])}</b>"]
    for name, label in FIELDS.items():
        if name != "item":
            lines.append(f"{label}: {esc(shown[name]) if shown[name] else '—'}")
    if isinstance(item, ItemRecord) and item.stolen:
        lines.append(f"🚨 Reported stolen ({esc(item.tip_reference or '')})")
    return lines


def summary(item: ItemRecord) -> str:
    """One line of the register (plain): name, make and model, and whether a serial is on
    file (the serial itself stays on the item's card)."""
    parts = [item.item]
    made = " ".join(p for p in (item.make, item.model) if p)
    if made:
        parts.append(made)
    line = preview(" — ".join(parts), 60)
    if item.serial:
        line += " (serial on file)"
    if item.stolen:
        line += " [STOLEN]"
    return line


def tip_line(position: int, item: ItemRecord) -> str:
    """One stolen item as officers read it in the tip."""
    shown = values(item)
    parts = [f"{position}. {shown['item']}"]
    for name in ("make", "model", "serial", "marking", "value"):
        if shown[name]:
            parts.append(f"{FIELDS[name].lower()}: {shown[name]}")
    return "; ".join(parts)


def stolen_tip_text(number: str, lines: list[str]) -> str:
    """The tip a stolen report files (plain text; the tip's card escapes it)."""
    count = len(lines)
    return (
        f"Property stolen: {count} item{'s' if count != 1 else ''} from the owner's Operation "
        f"Identification register (Operation ID number {number}):\n" + "\n".join(lines)
    )


# Exports

CSV_HEADER = (
    "No.",
    "Item",
    "Make",
    "Model",
    "Serial number",
    "Marking applied",
    "Estimated value (USD)",
    "Photos",
    "Notes",
    "Added",
    "Reported stolen",
)


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; quote them out."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def register_csv(items: list[ItemRecord], zone: ZoneInfo) -> bytes:
    """The register as CSV (UTF-8 with BOM, so spreadsheets read accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for position, item in enumerate(items, start=1):
        shown = values(item)
        writer.writerow(
            [
                position,
                *(
                    _csv_safe(" ".join(shown[n].split()))
                    for n in ("item", "make", "model", "serial", "marking")
                ),
                "" if item.value_cents is None else f"{item.value_cents / 100:.2f}",
                len(item.photos),
                _csv_safe(" ".join((item.notes or "").split())),
                timefmt.local_date(item.created_at, zone),
                f"{timefmt.local_date(item.stolen_at, zone)} ({item.tip_reference})"
                if item.stolen_at
                else "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _latin1(text: str) -> str:
    """The PDF's built-in fonts carry Latin-1 only: other characters become '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _line(pdf: FPDF, height: float, text: str) -> None:
    """A paragraph across the page, then the next line at the left margin."""
    pdf.multi_cell(0, height, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def register_pdf(
    items: list[ItemRecord], number: str, service: str, made: datetime, zone: ZoneInfo
) -> bytes:
    """The register as a PDF for an insurer or a theft report: the Operation ID number, then
    each item with every field."""
    pdf = FPDF(format="Letter")
    pdf.set_title(_latin1(f"{service} - Operation Identification register {number}"))
    pdf.set_creator(_latin1(service))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    _line(pdf, 9, "Operation Identification - property register")
    pdf.set_font("Helvetica", "", 11)
    _line(pdf, 6, f"Operation ID number: {number}")
    count = len(items)
    _line(
        pdf,
        6,
        f"{count} item{'s' if count != 1 else ''}; made {timefmt.local(made, zone)} by {service}.",
    )
    for position, item in enumerate(items, start=1):
        shown = values(item)
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        _line(pdf, 7, f"{position}. {shown['item']}")
        pdf.set_font("Helvetica", "", 10)
        for name, label in FIELDS.items():
            if name != "item":
                _line(pdf, 5, f"{label}: {shown[name] or '-'}")
        if item.stolen_at is not None:
            when = timefmt.local_date(item.stolen_at, zone)
            _line(pdf, 5, f"Reported stolen {when} (tip {item.tip_reference})")
    return bytes(pdf.output())


def decal(number: str, service: str) -> str:
    """The window decal's text (HTML): what to print and put in a front window."""
    return (
        "🪟 <b>Your window decal</b>\n\n"
        "Print this and put it in a front window or by the door: it tells a burglar that "
        "your valuables are marked and registered, so they are hard to sell.\n\n"
        f"<pre>OPERATION IDENTIFICATION\n"
        f"All valuables in this home are marked\n"
        f"and registered with {esc(service)}.\n"
        f"Operation ID: {esc(number)}</pre>\n\n"
        f"Engrave <b>{esc(number)}</b> on your things (an engraver, or a UV pen for what you "
        "can't engrave), then /property records what you marked."
    )
