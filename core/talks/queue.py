"""Officers' side: the queue by status with age and owner, one request's card, claim, accept
with a date (the request becomes an event: a meeting of the requester's group or a public
event, with RSVP, .ics and reminders), decline with a reason, suggest another topic, and the
daily digest of untouched requests.

Every action is checked here and audited (refusals too); an audit line names the officer and
the request's reference, never the requester.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.due import DueRunner
from core.errors import Conflict, InvalidInput, NotFound
from core.flows import Claim, take_in
from core.meetings import MeetingDraft, MeetingService
from core.members import OfficerService, send_untouched_digest
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from core.talks import messages
from core.talks.rules import (
    ACCEPTED,
    DECLINED,
    NEW,
    OPEN_STATUSES,
    STATUSES,
    SUGGESTED,
    TOPICS,
    clean_place,
    clean_reason,
    parse_reference,
    topic_label,
)
from storage.members.records import GroupRecord
from storage.members.repositories import GroupRepository
from storage.talks.records import TalkRecord
from storage.talks.repositories import TalkRepository

REFUSAL_TARGET = "talks"
DIGEST = "talk_digest"
GROUP, PUBLIC = "group", "public"


def updated_at(request: TalkRecord) -> datetime:
    """When a request was last touched."""
    return request.updated_at


class TalkQueue(SharedService):
    """Officers' work on talk requests."""

    def __init__(
        self, shared: Shared, officers: OfficerService, due: DueRunner, meetings: MeetingService
    ) -> None:
        super().__init__(shared)
        self.officers = officers
        self.due = due
        self.meetings = meetings

    async def _require(self, actor: Actor) -> None:
        await self.access.require(actor, Action.WORK_TALKS, target=REFUSAL_TARGET)

    async def _request_in(self, session: AsyncSession, request: int | str) -> TalkRecord:
        repo = TalkRepository(session)
        if isinstance(request, str):
            parsed = parse_reference(request)
            if parsed is None:
                raise InvalidInput("A request's reference looks like P-2026-00001.")
            found = await repo.by_reference(*parsed)
            if found is None:
                raise NotFound(f"There is no request {request.strip().upper()}.")
            return found
        record = await repo.get(request)
        if record is None:
            raise NotFound("There is no such request (its requester may have deleted it).")
        return record

    @staticmethod
    async def _group_in(session: AsyncSession, request: TalkRecord) -> GroupRecord | None:
        """The requester's watch group (their first active one), if they have one."""
        if request.requester_member_id is None:
            return None
        for group, membership in await GroupRepository(session).groups_of(
            request.requester_member_id
        ):
            if membership.status == "active":
                return group
        return None

    def _owner_values(self, request: TalkRecord, actor: Actor) -> dict[str, object]:
        """An unclaimed request becomes the acting officer's."""
        if request.claimed_by_label is not None:
            return {}
        return {
            "claimed_by_label": actor.shown[:100],
            "claimed_by_telegram_id": actor.telegram_user_id,
        }

    # Reading

    async def queue(
        self, actor: Actor, status: str, *, limit: int = 8, offset: int = 0
    ) -> tuple[list[TalkRecord], dict[str, int]]:
        """A page of the requests in one status (oldest first), and how many each has."""
        await self._require(actor)
        if status not in STATUSES:
            raise InvalidInput("Choose a list with the buttons.")
        async with self.db.transaction() as session:
            repo = TalkRepository(session)
            requests = await repo.in_statuses((status,), limit, offset)
            counts = await repo.count_by_status()
            await self.audit.record_in(
                session, actor, "talk.list", detail=f"{status}: {counts.get(status, 0)}"
            )
        return requests, counts

    async def view(self, actor: Actor, request: int | str) -> tuple[TalkRecord, str | None]:
        """One request, by id or reference, and the name of the requester's watch group (the
        event may be opened to it) if they have one."""
        await self._require(actor)
        async with self.db.transaction() as session:
            record = await self._request_in(session, request)
            group = await self._group_in(session, record)
            await self.audit.record_in(session, actor, "talk.view", target=record.reference)
        return record, group.name if group is not None else None

    # Acting

    async def claim(self, actor: Actor, request_id: int) -> tuple[TalkRecord, bool]:
        """Take a request on; returns it and whether anything changed."""
        await self._require(actor)
        async with self.db.transaction() as session:
            request = await self._request_in(session, request_id)
            if request.claimed_by_telegram_id == actor.telegram_user_id and (
                request.claimed_by_label
            ):
                return request, False
            if request.claimed_by_label is not None:
                raise Conflict(f"{request.claimed_by_label} already has {request.reference}.")
            if not request.is_open:
                raise Conflict(f"{request.reference} is {STATUSES[request.status]}.")
            if not await TalkRepository(session).claim(
                request.id, actor.telegram_user_id, actor.shown, self.clock.now()
            ):
                raise Conflict(f"Someone else took {request.reference} on a moment ago.")
            await self.audit.record_in(session, actor, "talk.claim", target=request.reference)
            return await self._request_in(session, request.id), True

    async def check_workable(self, actor: Actor, request_id: int) -> TalkRecord:
        """A request an officer may accept, decline or suggest for now (before asking for a
        date or a reason)."""
        await self._require(actor)
        async with self.db.transaction() as session:
            request = await self._request_in(session, request_id)
        if not request.is_open:
            raise Conflict(f"{request.reference} is {STATUSES[request.status]}.")
        return request

    async def accept(
        self,
        actor: Actor,
        request_id: int,
        starts_at: datetime,
        place: str,
        open_to: str,
        *,
        claim: Claim | None = None,
    ) -> tuple[TalkRecord, int]:
        """Accept a new request with a date: it becomes an event open to the requester's
        group or to the public, with RSVP, .ics and reminders; the requester is told in the
        same transaction. Returns the request and the event's meeting id."""
        await self._require(actor)
        if open_to not in (GROUP, PUBLIC):
            raise InvalidInput("Choose who may come with the buttons.")
        where = clean_place(place)
        async with self.db.transaction() as session:
            await take_in(session, claim)
            request = await self._request_in(session, request_id)
            if request.status == SUGGESTED:
                raise Conflict(
                    f"{request.reference} waits for the requester's answer to the topic suggested."
                )
            if request.status != NEW:
                raise Conflict(f"{request.reference} is {STATUSES[request.status]}.")
            group = await self._group_in(session, request) if open_to == GROUP else None
            if open_to == GROUP and group is None:
                raise Conflict("The requester is in no watch group: open it to the public.")
            title = topic_label(request.topic)
            draft = MeetingDraft(title=title, starts_at=starts_at, place=where)
            meeting, _ = await self.meetings.schedule_in(session, actor, group, draft)
            now = self.clock.now()
            updated = await TalkRepository(session).change_status(
                request.id,
                NEW,
                now,
                status=ACCEPTED,
                meeting_id=meeting.id,
                closed_at=now,
                **self._owner_values(request, actor),
            )
            if updated is None:
                raise Conflict(f"{request.reference} was changed a moment ago; open it again.")
            open_text = f"the {group.name} watch group" if group is not None else "the public"
            await self.outbox.enqueue_in(
                session,
                kind="talk_status",
                message=messages.accepted(
                    updated,
                    meeting.title,
                    meeting.starts_at,
                    meeting.place,
                    open_text,
                    self.settings.zone,
                    meeting.id,
                    self.meetings.ics(meeting, group),
                ),
                recipients=[],
                direct=[(updated.channel, updated.requester_address)],
                author_label=actor.label,
                audience=f"the requester of {updated.reference}",
                subject=f"talk:{updated.id}",
            )
            await self.audit.record_in(
                session,
                actor,
                "talk.accept",
                target=updated.reference,
                detail=f"meeting #{meeting.id}; {open_to}",
            )
            return updated, meeting.id

    async def decline(
        self, actor: Actor, request_id: int, reason: str, *, claim: Claim | None = None
    ) -> TalkRecord:
        """Decline an open request; the requester gets the reason."""
        await self._require(actor)
        why = clean_reason(reason)
        async with self.db.transaction() as session:
            await take_in(session, claim)
            request = await self._request_in(session, request_id)
            if request.status not in OPEN_STATUSES:
                raise Conflict(f"{request.reference} is {STATUSES[request.status]}.")
            now = self.clock.now()
            updated = await TalkRepository(session).change_status(
                request.id,
                request.status,
                now,
                status=DECLINED,
                decline_reason=why,
                suggested_topic=None,
                closed_at=now,
                **self._owner_values(request, actor),
            )
            if updated is None:
                raise Conflict(f"{request.reference} was changed a moment ago; open it again.")
            await self.outbox.enqueue_in(
                session,
                kind="talk_status",
                message=messages.declined(updated, why),
                recipients=[],
                direct=[(updated.channel, updated.requester_address)],
                author_label=actor.label,
                audience=f"the requester of {updated.reference}",
                subject=f"talk:{updated.id}",
            )
            await self.audit.record_in(session, actor, "talk.decline", target=updated.reference)
            return updated

    async def suggest(self, actor: Actor, request_id: int, topic: str) -> TalkRecord:
        """Suggest another topic for a new request; the requester accepts it or keeps
        theirs (the request waits for that answer)."""
        await self._require(actor)
        if topic not in TOPICS:
            raise InvalidInput("Choose the topic with the buttons.")
        async with self.db.transaction() as session:
            request = await self._request_in(session, request_id)
            if request.status == SUGGESTED:
                raise Conflict(
                    f"{request.reference} already waits for the requester's answer to "
                    f"{topic_label(request.suggested_topic)}."
                )
            if request.status != NEW:
                raise Conflict(f"{request.reference} is {STATUSES[request.status]}.")
            if topic == request.topic:
                raise Conflict(f"{request.reference} is already about {topic_label(topic)}.")
            updated = await TalkRepository(session).change_status(
                request.id,
                NEW,
                self.clock.now(),
                status=SUGGESTED,
                suggested_topic=topic,
                **self._owner_values(request, actor),
            )
            if updated is None:
                raise Conflict(f"{request.reference} was changed a moment ago; open it again.")
            await self.outbox.enqueue_in(
                session,
                kind="talk_status",
                message=messages.suggested(updated, topic),
                recipients=[],
                direct=[(updated.channel, updated.requester_address)],
                author_label=actor.label,
                audience=f"the requester of {updated.reference}",
                subject=f"talk:{updated.id}",
            )
            await self.audit.record_in(
                session, actor, "talk.suggest", target=updated.reference, detail=topic
            )
            return updated

    # Scheduled work

    async def send_digest(self) -> str | None:
        """The officers' daily list of open requests untouched for three working days, at
        TALK_DIGEST_TIME (none when there are none); once a day. None when already handled."""
        return await send_untouched_digest(
            self.shared,
            self.officers,
            self.due,
            kind=DIGEST,
            at=self.settings.talk_digest_time,
            open_items=lambda session: TalkRepository(session).open_requests(),
            touched_at=updated_at,
            render=messages.digest,
        )
