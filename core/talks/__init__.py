"""Presentations, workshops and school programs: residents, businesses, schools and civic
groups ask for a talk on one of the policy's topics (/talk, or TALK by text); officers work
the requests (/talks): accept with a date (an event with RSVP, .ics and reminders, open to
the requester's group or to the public), decline with a reason, or suggest another topic.

- `rules`: topics, audiences, statuses, limits, references, checks.
- `requests`: the requester's side: asking, their list, cancelling, answering a suggestion.
- `queue`: officers' queue, claim, accept, decline, suggest, the daily digest.
- `messages`: the request card, what those send through the outbox, the SMS replies.

Events are meetings (core.meetings): a talk open to the requester's group is that group's
meeting; one open to the public is a public event anyone answers from /events.
"""

from __future__ import annotations

from core.due import DueRunner
from core.meetings import MeetingService
from core.members import OfficerService
from core.shared import Shared
from core.talks.queue import TalkQueue
from core.talks.requests import TalkRequests, erase_member_in
from storage.talks.records import TalkRecord

__all__ = ["TalkRecord", "Talks"]


class Talks:
    """The talks feature: the requester's side and officers' queue."""

    def __init__(
        self, shared: Shared, officers: OfficerService, due: DueRunner, meetings: MeetingService
    ) -> None:
        self.requests = TalkRequests(shared, meetings)
        self.queue = TalkQueue(shared, officers, due, meetings)
        shared.erasure.register("talks", erase_member_in)
        shared.sms_keywords.register_keyword(
            "TALK", self.requests.text_talk, offer="TALK for a safety talk"
        )
        due.register_tick(self._tick)

    async def _tick(self) -> dict[str, int]:
        """On every calendar tick: the daily digest, if due (once a day)."""
        digest = await self.queue.send_digest()
        return {f"talk_digest_{digest}": 1} if digest is not None else {}
