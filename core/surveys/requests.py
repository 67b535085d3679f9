"""The requester's side: asking for a survey (Telegram or SMS), answering an officer's
proposal, moving or cancelling the visit, the follow-up, their own list, deleting, /forget.

The requester is told the reference only after the request is stored. Audit rows and logs name
references only: a request names its requester only for telling them where it stands.
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
from core.request_limits import LimitReached, record_refusal, within_limit_in
from core.surveys import messages
from core.surveys.notices import FOLLOW_UP, REMINDER, SurveyNotices
from core.surveys.rules import (
    CANCELLED,
    CONCERN_MAX,
    DONE,
    ITEM_LABELS,
    MINE_MAX,
    NEW,
    RECOMMENDATIONS,
    RESIDENTIAL,
    SCHEDULED,
    SMS,
    TELEGRAM,
    Requester,
    SurveyDraft,
    checked,
)
from storage.delivery.repositories import OutboxRepository
from storage.due.repositories import DueRepository
from storage.members.repositories import MemberRepository
from storage.surveys.records import SurveyRecord
from storage.surveys.repositories import SurveyRepository

GONE = "That survey request is no longer there (it may have been deleted)."


@dataclass(frozen=True, slots=True)
class Filed:
    """A stored request, as its requester is told about it."""

    reference: str
    emergency: bool


async def erase_member_in(session: AsyncSession, erased: Erased) -> None:
    """/forget: every request the member made, from their chat, their number or as member."""
    addresses = [(TELEGRAM, erased.telegram_chat)]
    if erased.phone_e164:
        addresses.append((SMS, erased.phone_e164))
    await delete_in(session, await repo_ids(session, addresses, erased.member_id), erased.now)


async def repo_ids(
    session: AsyncSession, addresses: list[tuple[str, str]], member_id: int | None = None
) -> list[int]:
    """The requests of these chats or numbers, or of this member."""
    return await SurveyRepository(session).ids_for_requester(addresses, member_id)


async def delete_in(session: AsyncSession, ids: list[int], now: datetime) -> int:
    """Delete requests with their findings and what was sent about them (proposals, the
    visit's messages and files, the report), and their reminders and follow-up."""
    await OutboxRepository(session).forget_subjects([f"survey:{i}" for i in ids], now)
    for survey_id in ids:
        await DueRepository(session).cancel([REMINDER, FOLLOW_UP], survey_id, now)
    return await SurveyRepository(session).delete_ids(ids)


class SurveyRequests(SurveyNotices):
    """Residents' survey requests."""

    async def _mine_in(
        self, session: AsyncSession, channel: str, address: str, survey_id: int
    ) -> SurveyRecord:
        survey = await SurveyRepository(session).get(survey_id)
        if survey is None or (survey.channel, survey.requester_address) != (channel, address):
            raise NotFound(GONE)
        return survey

    async def check_limit(self, requester: Requester) -> None:
        """Refuse early (before a guided request is typed) past the day's limit; audited
        like a refusal at filing."""
        member_id: int | None = None
        try:
            async with self.db.transaction() as session:
                member_id = await self._member_in(session, requester)
                await self._within_limit_in(session, requester, member_id, self.clock.now())
        except LimitReached:
            await record_refusal(self.audit, "survey.file", requester.telegram_user_id, member_id)
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
        """Raise LimitReached past SURVEY_REQUESTS_PER_DAY requests in 24 hours from this chat,
        number or member (officers are not limited)."""
        repo = SurveyRepository(session)
        await within_limit_in(
            session,
            what="survey request",
            limit=self.settings.survey_requests_per_day,
            telegram_user_id=requester.telegram_user_id,
            filed_since=lambda since: repo.filed_since(
                [(requester.channel, requester.address)], member_id, since
            ),
            now=now,
            zone=self.settings.zone,
        )

    async def file(
        self,
        draft: SurveyDraft,
        requester: Requester,
        *,
        claim: Claim | None = None,
        need_windows: bool = True,
    ) -> Filed:
        """Store a request (officers told); with `claim`, the review step it was confirmed
        from is taken in the same transaction (a second press stores nothing)."""
        now = self.clock.now()
        today = now.astimezone(self.settings.zone).date()
        request = checked(draft, today, need_windows=need_windows)
        terms = emergency_terms(f"{messages.place_text(request)}\n{request.concern}")
        member_id: int | None = None
        try:
            async with self.db.transaction() as session:
                await take_in(session, claim)
                member_id = await self._member_in(session, requester)
                await self._within_limit_in(session, requester, member_id, now)
                repo = SurveyRepository(session)
                year = now.astimezone(self.settings.zone).year
                stored = await repo.add(
                    year=year,
                    seq=await repo.next_seq(year),
                    now=now,
                    kind=request.kind,
                    address=request.address,
                    business=request.business,
                    contact=request.contact,
                    marina=request.marina,
                    slip=request.slip,
                    vessel=request.vessel,
                    concern=request.concern,
                    windows=request.windows,
                    channel=requester.channel,
                    requester_address=requester.address,
                    requester_member_id=member_id,
                    status=NEW,
                )
                await self.tell_officer_in(
                    session, stored, "survey_new", messages.to_officer(stored, "a new request.")
                )
        except LimitReached:
            await record_refusal(self.audit, "survey.file", requester.telegram_user_id, member_id)
            raise
        return Filed(stored.reference, bool(terms))

    # The proposal, the visit

    async def answer(
        self, channel: str, address: str, survey_id: int, proposal: int, accept: bool
    ) -> tuple[SurveyRecord, bool]:
        """Accept an officer's proposed time (the visit is booked, both sides get the
        calendar file, reminders are set) or ask for another; returns the request and whether
        a booked visit moved. An older proposal's buttons change nothing."""
        async with self.db.transaction() as session:
            survey = await self._mine_in(session, channel, address, survey_id)
            if survey.proposal != proposal or survey.proposed_at is None:
                raise Conflict(
                    f"That proposal for {survey.reference} was already answered or replaced; "
                    "see the newest message, or /mysurveys."
                )
            if not survey.is_open:
                raise Conflict(f"{survey.reference} is {survey.status}.")
            repo = SurveyRepository(session)
            expected = {"proposal": proposal, "status": survey.status}
            if not accept:
                updated = await repo.change(survey.id, expected, self.clock.now(), proposed_at=None)
                if updated is None:
                    raise Conflict(f"{survey.reference} changed a moment ago; see /mysurveys.")
                await self.tell_officer_in(
                    session,
                    updated,
                    "survey_declined",
                    messages.to_officer(updated, "the requester asks for another time."),
                )
                return updated, False
            moved = survey.status == SCHEDULED
            updated = await repo.change(
                survey.id,
                expected,
                self.clock.now(),
                status=SCHEDULED,
                visit_at=survey.proposed_at,
                proposed_at=None,
                sequence=survey.sequence + 1,
            )
            if updated is None:
                raise Conflict(f"{survey.reference} changed a moment ago; see /mysurveys.")
            await self.schedule_reminders_in(session, updated)
            message = messages.visit_booked(
                updated, self.settings.zone, self.ics(updated), moved=moved
            )
            await self.tell_requester_in(session, updated, "survey_booked", message)
            for_officer = messages.visit_booked(
                updated, self.settings.zone, self.ics(updated), moved=moved, officer=True
            )
            await self.tell_officer_in(session, updated, "survey_booked", for_officer)
            return updated, moved

    async def ask_another(self, channel: str, address: str, survey_id: int) -> SurveyRecord:
        """The requester can't make the booked visit: it is off (both calendars told) and the
        officer asked to propose another time."""
        async with self.db.transaction() as session:
            survey = await self._mine_in(session, channel, address, survey_id)
            if survey.status != SCHEDULED or survey.visit_at is None:
                raise Conflict(f"{survey.reference} has no visit booked.")
            updated = await SurveyRepository(session).change(
                survey.id,
                {"status": SCHEDULED, "sequence": survey.sequence},
                self.clock.now(),
                status=NEW,
                sequence=survey.sequence + 1,
            )
            if updated is None:
                raise Conflict(f"{survey.reference} changed a moment ago; see /mysurveys.")
            await self.cancel_reminders_in(session, survey.id)
            off = messages.visit_cancelled(
                survey, self.settings.zone, self.ics(updated, cancelled=True), "you"
            )
            await self.tell_requester_in(session, updated, "survey_moved", off)
            await self.tell_officer_in(
                session,
                updated,
                "survey_moved",
                messages.to_officer(
                    updated, "the requester can't make the visit and asks for another time."
                ),
            )
            return updated

    async def cancel(self, channel: str, address: str, survey_id: int) -> SurveyRecord:
        """Cancel an open request (its visit too; the officer told)."""
        async with self.db.transaction() as session:
            survey = await self._mine_in(session, channel, address, survey_id)
            if not survey.is_open:
                raise Conflict(f"{survey.reference} is already {survey.status}.")
            updated = await SurveyRepository(session).change(
                survey.id,
                {"status": survey.status, "sequence": survey.sequence},
                self.clock.now(),
                status=CANCELLED,
                proposed_at=None,
                sequence=survey.sequence + 1,
            )
            if updated is None:
                raise Conflict(f"{survey.reference} changed a moment ago; see /mysurveys.")
            await self._called_off_in(session, survey, updated)
            return updated

    async def _called_off_in(
        self, session: AsyncSession, before: SurveyRecord, after: SurveyRecord
    ) -> None:
        await self.cancel_reminders_in(session, before.id)
        if before.status == SCHEDULED and before.visit_at is not None:
            off = messages.visit_cancelled(
                before, self.settings.zone, self.ics(after, cancelled=True), "you"
            )
            await self.tell_requester_in(session, after, "survey_cancelled", off)
        await self.tell_officer_in(
            session,
            after,
            "survey_cancelled",
            messages.to_officer(after, "the requester cancelled it."),
        )

    # The follow-up

    async def follow_up_done(
        self, channel: str, address: str, survey_id: int, item: str
    ) -> tuple[str, bool]:
        """A recommendation the requester says is done; returns its label and whether it
        changed anything (a second press does not)."""
        async with self.db.transaction() as session:
            survey = await self._mine_in(session, channel, address, survey_id)
            repo = SurveyRepository(session)
            findings = {f.item: f for f in await repo.findings(survey.id)}
            finding = findings.get(item)
            if survey.status != DONE or finding is None or finding.priority not in RECOMMENDATIONS:
                raise NotFound("That recommendation is not in the survey's report.")
            changed = await repo.mark_done(survey.id, item, self.clock.now())
            return ITEM_LABELS.get(item, item), changed

    # The requester's list

    async def mine(self, channel: str, address: str) -> list[SurveyRecord]:
        """The requests made from this chat or number, newest first."""
        async with self.db.transaction() as session:
            return await SurveyRepository(session).for_requester(channel, address, MINE_MAX)

    async def one_of_mine(self, channel: str, address: str, survey_id: int) -> SurveyRecord:
        """One of this chat's or number's requests."""
        async with self.db.transaction() as session:
            return await self._mine_in(session, channel, address, survey_id)

    async def delete_mine(self, channel: str, address: str, survey_id: int) -> str:
        """Delete one of this chat's or number's requests (an open one is called off first,
        its officer told); returns its reference."""
        async with self.db.transaction() as session:
            survey = await self._mine_in(session, channel, address, survey_id)
            if not await delete_in(session, [survey.id], self.clock.now()):
                raise NotFound(GONE)
            if survey.is_open:  # told by reference only: what it said went with it
                await self.tell_officer_in(
                    session, survey, "survey_deleted", messages.withdrawn(survey), subject=None
                )
            return survey.reference

    async def count(self, channel: str, address: str) -> int:
        """How many requests a chat or number made."""
        async with self.db.transaction() as session:
            return await SurveyRepository(session).count_for_requester(channel, address)

    async def forget(self, channel: str, address: str) -> int:
        """Delete every request of a chat or number (someone who never registered)."""
        async with self.db.transaction() as session:
            ids = await repo_ids(session, [(channel, address)])
            return await delete_in(session, ids, self.clock.now())

    # By text

    async def text_survey(self, phone: str, body: str) -> str:
        """'SURVEY ...' texted to the service number: SURVEY <address, what worries you>
        asks for a home survey; SURVEY YES / NO answers the newest proposal; SURVEY CANCEL
        cancels the newest open request. Returns the SMS reply."""
        service = self.settings.service_name
        parts = body.strip().split(None, 1)
        text = validation.one_line(parts[1] if len(parts) > 1 else "")
        word = text.split()[0].upper().strip(".!,") if text else ""
        try:
            if word in ("YES", "NO"):
                return await self._text_answer(phone, accept=word == "YES")
            if word == "CANCEL":
                return await self._text_cancel(phone)
            if len(text) < 3 or not any(c.isalpha() for c in text):
                return messages.sms_usage(service)
            if len(text) > CONCERN_MAX:
                raise InvalidInput(
                    f"That text is {len(text)} characters long; the limit is {CONCERN_MAX}. "
                    "Please send the address and, in a few words, what worries you."
                )
            place, _, worry = text.partition(",")
            filed = await self.file(
                SurveyDraft(
                    kind=RESIDENTIAL, address=place.strip()[:200], concern=worry.strip() or text
                ),
                Requester.sms(phone),
                need_windows=False,
            )
        except UserError as refusal:
            return messages.sms_refused(service, str(refusal))
        return messages.sms_filed(service, filed.reference, emergency=filed.emergency)

    async def _text_answer(self, phone: str, *, accept: bool) -> str:
        service = self.settings.service_name
        waiting = [s for s in await self.mine(SMS, phone) if s.is_open and s.proposed_at]
        if not waiting:
            return f"{service}: there is no proposed visit waiting for your answer."
        survey, _moved = await self.answer(SMS, phone, waiting[0].id, waiting[0].proposal, accept)
        if accept:
            return (
                f"{service}: thank you, the visit for {survey.reference} is booked. We'll text "
                "you the day before and an hour before. SURVEY CANCEL cancels."
            )
        return f"{service}: we'll ask the officer for another time for {survey.reference}."

    async def _text_cancel(self, phone: str) -> str:
        service = self.settings.service_name
        open_ones = [s for s in await self.mine(SMS, phone) if s.is_open]
        if not open_ones:
            return f"{service}: you have no open survey request."
        survey = await self.cancel(SMS, phone, open_ones[0].id)
        return f"{service}: survey request {survey.reference} is cancelled."
