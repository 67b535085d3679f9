"""The survey report as a PDF (fpdf2): what was surveyed, when and by whom, then each
checklist item with its priority and the officer's note, recommendations first by priority.

The built-in PDF fonts cover Latin-1 only, so text is brought into it first (typographic
quotes and dashes as their plain forms, anything else outside it as '?'): a report is never
refused for an emoji in a note.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF

from core import timefmt
from core.surveys.rules import ITEM_LABELS, KINDS, PRIORITIES, RECOMMENDATIONS
from storage.surveys.records import FindingRecord, SurveyRecord

PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})
ORDER = {priority: n for n, priority in enumerate((*RECOMMENDATIONS, "ok"))}


def latin1(text: str) -> str:
    """Text the built-in fonts can draw."""
    return text.translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def place_lines(survey: SurveyRecord) -> list[str]:
    """Where the survey was, as plain lines."""
    if survey.kind == "boat":
        return [
            f"Boat: {survey.vessel or ''}",
            f"Marina: {survey.marina or ''}, slip {survey.slip or ''}",
        ]
    lines = []
    if survey.business:
        lines.append(f"Business: {survey.business} (contact: {survey.contact or ''})")
    lines.append(f"Address: {survey.address or ''}")
    return lines


def ordered(findings: list[FindingRecord]) -> list[FindingRecord]:
    """Recommendations by priority (high first), then what was fine, each in checklist order."""
    return sorted(findings, key=lambda f: ORDER.get(f.priority, 9))


def report_pdf(
    survey: SurveyRecord,
    findings: list[FindingRecord],
    officer: str,
    service: str,
    zone: ZoneInfo,
    now: datetime,
) -> bytes:
    """The report's bytes."""
    pdf = FPDF(format="Letter")
    pdf.set_title(latin1(f"Security survey {survey.reference}"))
    pdf.set_author(latin1(service))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, size: int = 11, style: str = "", gap: float = 6) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, gap, latin1(text), new_x="LMARGIN", new_y="NEXT")

    line(f"{service} - Crime Prevention Unit", 10)
    line(f"Security survey report {survey.reference}", 16, "B", 9)
    line(KINDS.get(survey.kind, survey.kind), 12, "B")
    for text in place_lines(survey):
        line(text)
    when = timefmt.local(survey.visit_at, zone) if survey.visit_at else "not recorded"
    line(f"Visit: {when}; officer: {officer}")
    line(f"Report written {timefmt.local_date(now, zone)}")
    pdf.ln(3)
    line("What worried you", 12, "B")
    line(survey.concern)
    pdf.ln(3)
    line("Findings and recommendations", 12, "B")
    recommended = sum(1 for f in findings if f.priority in RECOMMENDATIONS)
    line(
        f"{recommended} recommendation{'s' if recommended != 1 else ''}, most urgent first; "
        "then what is fine as it is.",
        10,
    )
    for finding in ordered(findings):
        label = ITEM_LABELS.get(finding.item, finding.item)
        pdf.ln(1)
        line(f"{label} - {PRIORITIES.get(finding.priority, finding.priority)}", 11, "B")
        if finding.note:
            line(finding.note, 10)
    pdf.ln(4)
    line(
        "This survey gives advice only; it is no guarantee against crime. Not for "
        "emergencies: call 911.",
        9,
    )
    return bytes(pdf.output())
