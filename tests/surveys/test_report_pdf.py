"""The survey report PDF for each kind: opened with pypdf, every checklist line of the kind
found, recommendations before what is fine, text the PDF fonts lack drawn as '?'."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from core.surveys.pdf import report_pdf
from core.surveys.rules import CHECKLISTS
from storage.surveys.records import FindingRecord, SurveyRecord

NOW = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)
ZONE = ZoneInfo("America/New_York")


def survey(kind: str) -> SurveyRecord:
    """A done survey of a kind."""
    return SurveyRecord(
        id=1, year=2026, seq=7, kind=kind, address="12 Main St", business="Main St Deli",
        contact="Maria — manager", marina="Stratford Marina", slip="B-14", vessel="Sea Breeze",
        concern="Robbed at closing time 😟", windows=(), channel="telegram",
        requester_address="1", requester_member_id=None, status="done",
        claimed_by_label="Officer Reyes", claimed_by_telegram_id=9, proposed_at=None,
        proposal=1, visit_at=NOW, sequence=1, created_at=NOW, updated_at=NOW, done_at=NOW,
    )  # fmt: skip


def read(content: bytes) -> str:
    """Every page's text."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("kind", ["residential", "commercial", "boat"])
def test_every_checklist_line_of_the_kind_is_in_the_pdf(kind: str) -> None:
    items = CHECKLISTS[kind]
    priorities = ["ok", "high", "low", "medium"]
    findings = [
        FindingRecord(n, 1, item, priorities[n % 4], f"note {n}" if n % 2 else None, None)
        for n, (item, _label) in enumerate(items)
    ]
    text = read(report_pdf(survey(kind), findings, "Officer Reyes", "Stratford", ZONE, NOW))
    assert "Security survey report S-2026-00007" in text
    assert "Visit: Tue Dec 8, 11:00 AM; officer: Officer Reyes" in text
    labels = dict(items)
    names = {"high": "High priority", "medium": "Medium priority", "low": "Low priority"}
    names["ok"] = "Fine as it is"
    for finding in findings:
        assert f"{labels[finding.item]} - {names[finding.priority]}" in text, finding.item
    first_fine = min(text.index(f"{labels[f.item]} - Fine") for f in findings if f.priority == "ok")
    last_recommended = max(
        text.index(f"{labels[f.item]} - {names[f.priority]}")
        for f in findings
        if f.priority != "ok"
    )
    assert last_recommended < first_fine
    assert "Robbed at closing time ?" in text
    if kind == "commercial":
        assert "Cash handling" in text and "Visibility of the register" in text
        assert "Business: Main St Deli (contact: Maria - manager)" in text
    if kind == "boat":
        assert "Boat: Sea Breeze" in text and "Marina: Stratford Marina, slip B-14" in text
        assert "Doors" not in text
