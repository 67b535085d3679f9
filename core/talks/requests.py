"""The requester's side: asking for a talk (Telegram or SMS), their own list, cancelling one,
answering a topic officers suggest, and /forget.

The requester is told the reference only after the request is stored. Audit rows and logs
never name the requester: a request keeps its chat or number only to tell them of each step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.emergency import emergency_terms
from core.erasure import Erased
from core.errors import Conflict, InvalidInput, NotFound, UserError
from core.flows import Claim, take_in
from core.meetings import MeetingService
from core.request_limits import LimitReached, record_refusal, within_limit_in
from core.shared import Shared, SharedService
from core.talks import messages
from core.talks.rules import (
    AUDIENCES,
    CANCELLED,
    MINE_MAX,
    NEW,
    OPEN_STATUSES,
    SMS,
    SMS_TEXT_MAX,
    SUGGESTED,
    TELEGRAM,
    TOPICS,
    Requester,
    TalkDraft,
    check_dates,
    clean_place,
    guess_topic,
    parse_reference,
)
from storage.members.repositories import MemberRepository
from storage.talks.records import TalkRecord
from storage.talks.repositories import TalkRepository

GONE = "That request is no longer there (it may have been deleted)."


@dataclass(frozen=True, slots=True)
class Filed:
    """A stored request, as its requester is told about it."""

    reference: str
    emergency: bool


def checked(draft: TalkDraft, *, texted: bool = False) -> TalkDraft:
    """A draft with every part checked (a texted request's words are its whole request)."""
    if draft.topic not in TOPICS:
        raise InvalidInput("Please choose the topic with the buttons.")
    if draft.audience not in AUDIENCES:
        raise InvalidInput("Please choose who it is for with the buttons.")
    if texted:
        return draft
    if draft.size is None or draft.place is None or not draft.dates:
        raise InvalidInput("Please answer every question first.")
    return TalkDraft(
        draft.topic, draft.audience, draft.size, clean_place(draft.place), draft.dates, None
    )


async def erase_member_in(session: AsyncSession, erased: Erased) -> None:
    """/forget: every request the member made, from their chat, their number or as member."""
    addresses = [(TELEGRAM, erased.telegram_chat)]
    if erased.phone_e164:
        addresses.append((SMS, erased.phone_e164))
    await TalkRepository(session).delete_for_requester(addresses, erased.member_id)


def _mine(request: TalkRecord | None, channel: str, address: str) -> TalkRecord:
    if request is None or (request.channel, request.requester_address) != (channel, address):
        raise NotFound(GONE)
    return request


class TalkRequests(SharedService):
    """Requesters' side of the talks feature."""

    def __init__(self, shared: Shared, meetings: MeetingService) -> None:
        super().__init__(shared)
        self.meetings = meetings

    async def check_limit(self, requester: Requester) -> None:
        """Refuse early (before a guided request is typed) past the day's limit; audited
        like a refusal at filing."""
        member_id: int | None = None
        try:
            async with self.db.transaction() as session:
                member_id = await self._member_in(session, requester)
                await self._within_limit_in(session, requester, member_id, self.clock.now())
        except LimitReached:
            await record_refusal(self.audit, "talk.file", requester.telegram_user_id, member_id)
            raise

    async def _member_in(self, session: AsyncSession, requester: Requester) -> int | None:
        """The requester's member id, when they ask from Telegram as a registered member."""
        if requester.telegram_user_id is None:
            return None
        member = await MemberRepository(session).by_telegram_user(requester.telegram_user_id)
        return member.id if member is not None else None

    async def _within_limit_in(
        self, session: AsyncSession, requester: Requester, member_id: int | None, now: datetime
    ) -> None:
        """Raise LimitReached past TALK_REQUESTS_PER_DAY requests in 24 hours from this chat,
        number or member (officers are not limited)."""
        repo = TalkRepository(session)
        await within_limit_in(
            session,
            what="talk request",
            limit=self.settings.talk_requests_per_day,
            telegram_user_id=requester.telegram_user_id,
            filed_since=lambda since: repo.filed_since(
                [(requester.channel, requester.address)], member_id, since
            ),
            now=now,
            zone=self.settings.zone,
        )

    async def file(
        self,
        draft: TalkDraft,
        requester: Requester,
        *,
        claim: Claim | None = None,
        texted: bool = False,
    ) -> Filed:
        """Store a request; with `claim`, the review step it was confirmed from is taken in
        the same transaction (a second press stores nothing)."""
        now = self.clock.now()
        request = checked(draft, texted=texted)
        if not texted:
            check_dates(list(request.dates), now.astimezone(self.settings.zone).date())
        terms = emergency_terms(f"{request.place or ''}\n{request.note or ''}")
        member_id: int | None = None
        try:
            async with self.db.transaction() as session:
                await take_in(session, claim)
                member_id = await self._member_in(session, requester)
                await self._within_limit_in(session, requester, member_id, now)
                repo = TalkRepository(session)
                year = now.astimezone(self.settings.zone).year
                stored = await repo.add(
                    year=year,
                    seq=await repo.next_seq(year),
                    now=now,
                    topic=request.topic,
                    audience=request.audience,
                    size=request.size,
                    place=request.place,
                    dates=",".join(d.isoformat() for d in request.dates) or None,
                    note=request.note,
                    channel=requester.channel,
                    requester_address=requester.address,
                    requester_member_id=member_id,
                    status=NEW,
                )
        except LimitReached:
            await record_refusal(self.audit, "talk.file", requester.telegram_user_id, member_id)
            raise
        return Filed(stored.reference, bool(terms))

    async def text_talk(self, phone: str, body: str) -> str:
        """'TALK <text>' texted to the service number (the text is the whole request), or
        'TALK YES|NO <reference>' answering a suggested topic; returns the SMS reply."""
        service = self.settings.service_name
        parts = body.strip().split(None, 1)
        text = validation.one_line(parts[1] if len(parts) > 1 else "")
        words = text.split()
        if len(words) == 2 and words[0].lower() in ("yes", "no") and parse_reference(words[1]):
            try:
                request = await self.answer_suggestion_by_reference(
                    SMS, phone, words[1], words[0].lower() == "yes"
                )
            except UserError as refusal:
                return messages.sms_refused(service, str(refusal))
            return messages.sms_answered(
                service, request.reference, words[0].lower() == "yes", request.topic
            )
        if len(text) < 3 or not any(c.isalpha() for c in text):
            return messages.sms_usage(service)
        if len(text) > SMS_TEXT_MAX:
            return messages.sms_refused(
                service,
                f"That request is {len(text)} characters long; the limit is {SMS_TEXT_MAX}. "
                "Please send a shorter one: the topic, who, how many and when.",
            )
        try:
            filed = await self.file(
                TalkDraft(topic=guess_topic(text), note=text), Requester.sms(phone), texted=True
            )
        except UserError as refusal:  # past the day's limit
            return messages.sms_refused(service, str(refusal))
        return messages.sms_filed(service, filed.reference, emergency=filed.emergency)

    async def mine(self, channel: str, address: str) -> list[TalkRecord]:
        """The requests made from this chat or number, newest first."""
        async with self.db.transaction() as session:
            return await TalkRepository(session).for_requester(channel, address, MINE_MAX)

    async def one_of_mine(self, channel: str, address: str, request_id: int) -> TalkRecord:
        """One of this chat's or number's requests."""
        async with self.db.transaction() as session:
            return _mine(await TalkRepository(session).get(request_id), channel, address)

    async def cancel_mine(self, channel: str, address: str, request_id: int) -> TalkRecord:
        """Cancel one of this chat's open requests (its owner, if any, is told)."""
        async with self.db.transaction() as session:
            repo = TalkRepository(session)
            request = _mine(await repo.get(request_id), channel, address)
            if request.status == CANCELLED:
                raise Conflict(f"{request.reference} is already cancelled.")
            if request.status not in OPEN_STATUSES:
                raise Conflict(
                    f"{request.reference} is already {messages.status_line(request)}; please "
                    "tell the Crime Prevention Unit if it should be called off."
                )
            now = self.clock.now()
            updated = await repo.change_status(
                request.id, request.status, now, status=CANCELLED, closed_at=now
            )
            if updated is None:
                raise Conflict(f"{request.reference} changed a moment ago; please look again.")
            if updated.claimed_by_telegram_id is not None:
                await self.outbox.enqueue_in(
                    session,
                    kind="talk_status",
                    message=messages.withdrawn(updated),
                    recipients=[],
                    direct=[(TELEGRAM, str(updated.claimed_by_telegram_id))],
                    audience=f"the owner of {updated.reference}",
                )
            return updated

    async def answer_suggestion(
        self, channel: str, address: str, request_id: int, took_it: bool
    ) -> TalkRecord:
        """The requester takes the topic officers suggested, or keeps theirs; the request is
        new again either way, and the officer who suggested it is told."""
        async with self.db.transaction() as session:
            request = _mine(await TalkRepository(session).get(request_id), channel, address)
            return await self._answer_in(session, request, took_it)

    async def answer_suggestion_by_reference(
        self, channel: str, address: str, reference: str, took_it: bool
    ) -> TalkRecord:
        """The same, by the request's reference (texted answers)."""
        parsed = parse_reference(reference)
        async with self.db.transaction() as session:
            found = await TalkRepository(session).by_reference(*parsed) if parsed else None
            request = _mine(found, channel, address)
            return await self._answer_in(session, request, took_it)

    async def _answer_in(
        self, session: AsyncSession, request: TalkRecord, took_it: bool
    ) -> TalkRecord:
        if request.status != SUGGESTED:
            raise Conflict(
                f"{request.reference} waits for no answer now (it is "
                f"{messages.status_line(request)})."
            )
        values: dict[str, object] = {"status": NEW, "suggested_topic": None}
        if took_it and request.suggested_topic:
            values["topic"] = request.suggested_topic
        repo = TalkRepository(session)
        updated = await repo.change_status(request.id, SUGGESTED, self.clock.now(), **values)
        if updated is None:
            # Answered meanwhile (the same button pressed twice at once): say what it is now,
            # as a later press would hear.
            current = await repo.get(request.id)
            raise Conflict(
                f"{request.reference} waits for no answer now"
                + (f" (it is {messages.status_line(current)})." if current else ".")
            )
        if request.claimed_by_telegram_id is not None:
            await self.outbox.enqueue_in(
                session,
                kind="talk_status",
                message=messages.answer_to_suggestion(updated, took_it, updated.topic),
                recipients=[],
                direct=[(TELEGRAM, str(request.claimed_by_telegram_id))],
                audience=f"the owner of {updated.reference}",
            )
        return updated

    async def count(self, channel: str, address: str) -> int:
        """How many requests a chat or number made."""
        async with self.db.transaction() as session:
            return await TalkRepository(session).count_for_requester(channel, address)

    async def forget(self, channel: str, address: str) -> int:
        """Delete every request of a chat or number (someone who never registered), and
        the answers that chat gave to public events."""
        async with self.db.transaction() as session:
            count = await TalkRepository(session).delete_for_requester([(channel, address)])
        if channel == TELEGRAM:
            await self.meetings.forget_chat(address)
        return count
