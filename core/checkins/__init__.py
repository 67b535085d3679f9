"""Daily check-ins for seniors and people who live alone: a message at the same time each
day; no answer, and the contacts they chose are told; nobody takes it, and the officer on
duty is told.

- `rules`: limits, parsing (times, days off, the day back, zones) and the slot arithmetic.
- `service`: sign-up (by the person, or by someone else whom the person confirms), settings,
  contacts, answers, calls for help, the due-item steps, officers' list and duty.
- `messages`: what it sends; `sms`: the CHECKIN, CONTACT, GOT, NO and SCAMS OFF keywords.
"""

from __future__ import annotations

from core.checkins.service import CheckinService, Draft, Heard, Opened, OverviewRow, Taken
from core.checkins.sms import CheckinTexts
from core.due import DueRunner
from core.members import OfficerService
from core.shared import Shared
from storage.checkins.records import ContactRecord, EnrollmentRecord, RoundRecord

__all__ = [
    "CheckinService",
    "Checkins",
    "ContactRecord",
    "Draft",
    "EnrollmentRecord",
    "Heard",
    "Opened",
    "OverviewRow",
    "RoundRecord",
    "Taken",
]


class Checkins:
    """The daily check-in feature."""

    def __init__(self, shared: Shared, officers: OfficerService, due: DueRunner) -> None:
        self.service = CheckinService(shared, officers, due)
        texts = CheckinTexts(self.service)
        shared.erasure.register("checkins", self.service.erase_member_in)
        keywords = shared.sms_keywords
        keywords.register_listener(texts.heard)
        keywords.register_help(texts.help)
        keywords.register_keyword(
            "CHECKIN", texts.checkin, offer="CHECKIN and a time for a daily check-in"
        )
        keywords.register_keyword("CONTACT", texts.contact)
        keywords.register_keyword("GOT", texts.got)
        keywords.register_keyword("NO", texts.no)
        keywords.register_keyword("SCAMS", texts.scams)
        keywords.register_opt_change(self.service.sms_opt_change)
        due.register_tick(self._tick)

    async def _tick(self) -> dict[str, int]:
        """On every calendar tick: the weekly scam warnings, if due (once a week)."""
        sent = await self.service.send_scam_digest()
        return {f"checkin_scams_{sent}": 1} if sent is not None else {}
