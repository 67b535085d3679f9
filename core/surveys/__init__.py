"""Security surveys of homes, businesses and boats: a resident asks (/survey, or SURVEY by
text) with the times that suit them; an officer works the queue (/surveys), proposes a time the
resident accepts (the visit, with its calendar file and reminders), records the findings
against the kind's checklist after the visit, and the resident gets the report as a PDF; a
month later they are asked which recommendations they carried out.

- `rules`: kinds, checklists, priorities, statuses, limits, references, checks.
- `requests`: the requester's side: asking, answering, moving or cancelling, the follow-up,
  their list, deleting, /forget.
- `queue`: officers' queue, claim, proposals, findings, reminders, follow-up, the digest.
- `notices`: the visit's calendar file and telling each side through the outbox.
- `messages`, `pdf`: what is sent, and the report.

Officer-facing paths show what the requester asked to have surveyed (an officer visits it),
never their chat or number; audit lines name references only.
"""

from __future__ import annotations

from core.due import DueRunner
from core.members import OfficerService
from core.shared import Shared
from core.surveys.queue import REPORT_FILE, SurveyQueue
from core.surveys.requests import SurveyRequests, erase_member_in
from storage.surveys.records import FindingRecord, SurveyRecord

__all__ = ["FindingRecord", "SurveyRecord", "Surveys"]


class Surveys:
    """The security surveys feature: the requester's side and officers' queue."""

    def __init__(self, shared: Shared, officers: OfficerService, due: DueRunner) -> None:
        self.requests = SurveyRequests(shared, officers, due)
        self.queue = SurveyQueue(shared, officers, due)
        shared.erasure.register("surveys", erase_member_in)
        shared.sms_keywords.register_keyword(
            "SURVEY",
            self.requests.text_survey,
            offer="SURVEY and your address (a free security survey)",
        )
        shared.links.register(REPORT_FILE, self.queue.report_file)
        due.register_tick(self._tick)

    async def _tick(self) -> dict[str, int]:
        """On every calendar tick: the daily digest of untouched requests, if due (once)."""
        digest = await self.queue.send_digest()
        return {f"survey_digest_{digest}": 1} if digest is not None else {}
