"""Environment (CPTED) reports: what invites crime — a broken or dark street light, overgrown
cover, an abandoned vehicle, graffiti, an unsecured vacant building — reported by residents
(/fix, or FIX by text) and worked by officers (/fixes) with public works.

- `rules`: kinds, statuses, limits, references, checks, working days.
- `reports`: the reporter's side: filing, their list, deleting, /forget.
- `queue`: officers' queue, claim, status changes, the CSV, the digest and weekly summary.
- `messages`: the report card, what those send through the outbox, the SMS replies.

Officer-facing paths never show who reported: a report keeps its reporter's chat or number
only to tell them of its status, and /forget deletes the reports.
"""

from __future__ import annotations

from core.cpted.queue import FixQueue
from core.cpted.reports import FixReports, erase_member_in
from core.due import DueRunner
from core.members import OfficerService
from core.shared import Shared
from storage.cpted.records import FixRecord

__all__ = ["FixRecord", "Fixes"]


class Fixes:
    """The environment reports feature: the reporter's side and officers' queue."""

    def __init__(self, shared: Shared, officers: OfficerService, due: DueRunner) -> None:
        self.reports = FixReports(shared)
        self.queue = FixQueue(shared, officers, due)
        shared.erasure.register("cpted", erase_member_in)
        shared.sms_keywords.register_keyword(
            "FIX", self.reports.text_fix, offer="FIX and a place (street light out, graffiti)"
        )
        due.register_tick(self._tick)

    async def _tick(self) -> dict[str, int]:
        """On every calendar tick: the daily digest and weekly summary, if due (each once)."""
        counts = {}
        digest = await self.queue.send_digest()
        if digest is not None:
            counts[f"fix_digest_{digest}"] = 1
        summary = await self.queue.send_weekly_summary()
        if summary is not None:
            counts[f"fix_summary_{summary}"] = 1
        return counts
