"""Victim assistance: an officer's follow-up with a consenting person after a crime — the
department's resources, check-ins at 2 days, 2 weeks and 1 month, answers to the officer, a
call back on request — by Telegram or by text.

- `rules`: crime types, statuses, the check-in schedule, limits, checks, the resources text.
- `followups`: the officer's side (/victim, /victims, reply, close) and the person's.
- `messages`: what those send through the outbox, and the SMS replies.

The audit names the officer and the case number only; nothing goes to a group channel.
"""

from __future__ import annotations

from core.due import DueRunner
from core.members import OfficerService
from core.shared import Shared
from core.victims.followups import Changed, Opened, Target, VictimFollowups
from storage.victims.records import FollowupRecord

__all__ = ["Changed", "FollowupRecord", "Opened", "Target", "Victims"]


class Victims:
    """The victim assistance feature."""

    def __init__(self, shared: Shared, officers: OfficerService, due: DueRunner) -> None:
        self.followups = VictimFollowups(shared, officers, due)
        shared.erasure.register("victims", self.followups.erase_member_in)
        shared.sms_keywords.register_keyword("CALL", self.followups.sms_call)
        shared.sms_keywords.register_keyword("NOMORE", self.followups.sms_nomore)
        shared.sms_keywords.register_thread(self.followups.sms_message)
        shared.sms_keywords.register_opt_change(self.followups.sms_opt_change)
        due.register_tick(self._tick)

    async def _tick(self) -> dict[str, int]:
        """On every calendar tick: the daily digest of untouched follow-ups, if due (once)."""
        digest = await self.followups.send_digest()
        return {f"victim_digest_{digest}": 1} if digest is not None else {}
