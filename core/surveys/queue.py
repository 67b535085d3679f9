"""Officers' side: the queue by status with age and owner, one request's card, claim,
proposing a time, calling a visit off, recording the findings (the report goes to the
requester as a PDF), the reminders and follow-up when due, and the daily digest of untouched
requests.

Every action is checked here and audited (refusals too); an audit line names the officer and
the request's reference, never the requester.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.delivery import Attachment
from core.due import CANCELLED, DONE, MISSED, DueContext, DueRunner
from core.errors import Conflict, InvalidInput, NotFound
from core.flows import Claim, take_in
from core.links import LinkedFile, stamp_of
from core.members import OfficerService, send_untouched_digest, untouched
from core.permissions import Action, Actor
from core.shared import Shared
from core.surveys import messages
from core.surveys.notices import FOLLOW_UP, REMINDER, SurveyNotices
from core.surveys.pdf import report_pdf
from core.surveys.rules import (
    CHECKLISTS,
    FOLLOW_UP_AFTER,
    NEW,
    PRIORITIES,
    RECOMMENDATIONS,
    SCHEDULED,
    STATUSES,
    check_visit,
    clean_note,
    parse_reference,
)
from core.surveys.rules import (
    DONE as SURVEY_DONE,
)
from storage.surveys.records import FindingRecord, SurveyRecord
from storage.surveys.repositories import SurveyRepository

REFUSAL_TARGET = "surveys"
DIGEST = "survey_digest"
Findings = list[tuple[str, str, str | None]]
REPORT_FILE = "survey"  # the file kind of a report's link: /files/survey.<id>...
UNIT = "the Crime Prevention Unit"


def updated_at(survey: SurveyRecord) -> datetime:
    """When a request was last touched."""
    return survey.updated_at


class SurveyQueue(SurveyNotices):
    """Officers' work on survey requests."""

    def __init__(self, shared: Shared, officers: OfficerService, due: DueRunner) -> None:
        super().__init__(shared, officers, due)
        due.register(REMINDER, self._reminder_due)
        due.register(FOLLOW_UP, self._follow_up_due)

    async def require(self, actor: Actor) -> None:
        """Only officers work surveys (a refusal is audited)."""
        await self.access.require(actor, Action.WORK_SURVEYS, target=REFUSAL_TARGET)

    async def _survey_in(self, session: AsyncSession, survey: int | str) -> SurveyRecord:
        repo = SurveyRepository(session)
        if isinstance(survey, str):
            parsed = parse_reference(survey)
            if parsed is None:
                raise InvalidInput("A survey's reference looks like S-2026-00001.")
            found = await repo.by_reference(*parsed)
            if found is None:
                raise NotFound(f"There is no survey request {survey.strip().upper()}.")
            return found
        record = await repo.get(survey)
        if record is None:
            raise NotFound("There is no such survey request (its requester may have deleted it).")
        return record

    async def _owned(self, actor: Actor) -> dict[str, object]:
        return {
            "claimed_by_label": actor.shown[:100],
            "claimed_by_telegram_id": actor.telegram_user_id,
        }

    # Reading

    async def queue(
        self, actor: Actor, status: str, *, limit: int = 8, offset: int = 0
    ) -> tuple[list[SurveyRecord], dict[str, int]]:
        """A page of the requests in one status (oldest first), and how many each has."""
        await self.require(actor)
        if status not in STATUSES:
            raise InvalidInput("Choose a list with the buttons.")
        async with self.db.transaction() as session:
            repo = SurveyRepository(session)
            surveys = await repo.in_statuses((status,), limit, offset)
            counts = await repo.count_by_status()
            await self.audit.record_in(
                session, actor, "survey.list", detail=f"{status}: {counts.get(status, 0)}"
            )
        return surveys, counts

    async def view(self, actor: Actor, survey: int | str) -> SurveyRecord:
        """One request, by id or reference."""
        await self.require(actor)
        async with self.db.transaction() as session:
            record = await self._survey_in(session, survey)
            await self.audit.record_in(session, actor, "survey.view", target=record.reference)
        return record

    # Acting

    async def claim(self, actor: Actor, survey_id: int) -> tuple[SurveyRecord, bool]:
        """Take a request on; returns it and whether anything changed."""
        await self.require(actor)
        async with self.db.transaction() as session:
            survey = await self._survey_in(session, survey_id)
            if survey.claimed_by_telegram_id == actor.telegram_user_id and survey.claimed_by_label:
                return survey, False
            if survey.claimed_by_label is not None:
                raise Conflict(f"{survey.claimed_by_label} already has {survey.reference}.")
            if not survey.is_open:
                raise Conflict(f"{survey.reference} is {survey.status}.")
            updated = await SurveyRepository(session).change(
                survey.id, {"claimed_by_label": None}, self.clock.now(), **await self._owned(actor)
            )
            if updated is None:
                raise Conflict(f"Someone else took {survey.reference} on a moment ago.")
            await self.audit.record_in(session, actor, "survey.claim", target=survey.reference)
            return updated, True

    async def propose(self, actor: Actor, survey_id: int, when: datetime) -> SurveyRecord:
        """Propose a visit time (a new one for a booked visit moves it once accepted); the
        requester gets Accept and Another time. An unclaimed request becomes the officer's."""
        await self.require(actor)
        check_visit(when, self.clock.now())
        async with self.db.transaction() as session:
            survey = await self._survey_in(session, survey_id)
            if not survey.is_open:
                raise Conflict(f"{survey.reference} is {survey.status}.")
            if survey.claimed_by_label and survey.claimed_by_telegram_id != actor.telegram_user_id:
                raise Conflict(f"{survey.claimed_by_label} has {survey.reference}.")
            values: dict[str, object] = {"proposed_at": when, "proposal": survey.proposal + 1}
            if survey.claimed_by_label is None:
                values.update(await self._owned(actor))
            updated = await SurveyRepository(session).change(
                survey.id,
                {"proposal": survey.proposal, "status": survey.status},
                self.clock.now(),
                **values,
            )
            if updated is None:
                raise Conflict(f"{survey.reference} changed a moment ago; open it again.")
            await self.tell_requester_in(
                session,
                updated,
                "survey_proposal",
                messages.proposal(updated, when, actor.shown, self.settings.zone),
            )
            await self.audit.record_in(session, actor, "survey.propose", target=survey.reference)
            return updated

    async def cancel_visit(self, actor: Actor, survey_id: int) -> SurveyRecord:
        """Call a booked visit off: the request is new again (to propose another time), the
        requester told with the calendar's cancellation."""
        await self.require(actor)
        async with self.db.transaction() as session:
            survey = await self._survey_in(session, survey_id)
            if survey.status != SCHEDULED or survey.visit_at is None:
                raise Conflict(f"{survey.reference} has no visit booked.")
            updated = await SurveyRepository(session).change(
                survey.id,
                {"status": SCHEDULED, "sequence": survey.sequence},
                self.clock.now(),
                status=NEW,
                proposed_at=None,
                sequence=survey.sequence + 1,
            )
            if updated is None:
                raise Conflict(f"{survey.reference} changed a moment ago; open it again.")
            await self.cancel_reminders_in(session, survey.id)
            off = messages.visit_cancelled(
                survey, self.settings.zone, self.ics(updated, cancelled=True), "the officer"
            )
            await self.tell_requester_in(session, updated, "survey_cancelled", off)
            await self.audit.record_in(
                session, actor, "survey.cancel_visit", target=survey.reference
            )
            return updated

    async def checklist(self, actor: Actor, survey_id: int) -> tuple[SurveyRecord, list[str]]:
        """The request and its kind's checklist, for recording findings after the visit."""
        await self.require(actor)
        async with self.db.transaction() as session:
            survey = await self._survey_in(session, survey_id)
        self._check_recordable(survey)
        return survey, [item for item, _label in CHECKLISTS[survey.kind]]

    def _check_recordable(self, survey: SurveyRecord) -> None:
        if survey.status == SURVEY_DONE:
            raise Conflict(f"The findings of {survey.reference} are already recorded.")
        if survey.status != SCHEDULED or survey.visit_at is None:
            raise Conflict(f"{survey.reference} has no visit booked yet: propose a time first.")
        if survey.visit_at > self.clock.now():
            raise Conflict(
                f"The visit for {survey.reference} is still ahead; record the findings after it."
            )

    async def record(
        self, actor: Actor, survey_id: int, findings: Findings, *, claim: Claim | None = None
    ) -> SurveyRecord:
        """Record the findings (one per checklist item), mark the survey done and send the
        requester the report: the PDF in Telegram, one line by text; the follow-up is due in
        30 days. With `claim`, the review step is taken in the same transaction."""
        await self.require(actor)
        now = self.clock.now()
        async with self.db.transaction() as session:
            await take_in(session, claim)
            survey = await self._survey_in(session, survey_id)
            self._check_recordable(survey)
            items = [item for item, _label in CHECKLISTS[survey.kind]]
            given = {item: (priority, note) for item, priority, note in findings}
            if sorted(given) != sorted(items) or any(
                p not in PRIORITIES for p, _n in given.values()
            ):
                raise InvalidInput("Every checklist item needs a priority.")
            rows = [(item, given[item][0], clean_note(given[item][1])) for item in items]
            values: dict[str, object] = {"status": SURVEY_DONE, "done_at": now}
            if survey.claimed_by_label is None:
                values.update(await self._owned(actor))
            repo = SurveyRepository(session)
            updated = await repo.change(
                survey.id, {"status": SCHEDULED, "sequence": survey.sequence}, now, **values
            )
            if updated is None:
                raise Conflict(f"{survey.reference} changed a moment ago; open it again.")
            await repo.add_findings(survey.id, rows)
            stored = await repo.findings(survey.id)
            await self.cancel_reminders_in(session, survey.id)
            report = self._report(updated, stored, updated.claimed_by_label or actor.shown)
            pdf = Attachment(report.filename, report.media_type, report.content)
            link = self._link(updated)
            await self.tell_requester_in(
                session,
                updated,
                "survey_report",
                messages.report_ready(updated, stored, pdf, link),
            )
            await self.text_member_in(
                session, updated, "survey_report", messages.summary_text(updated, stored, link)
            )
            if any(f.priority in RECOMMENDATIONS for f in stored):
                await self.due.schedule_in(
                    session, FOLLOW_UP, survey.id, "30d", now + FOLLOW_UP_AFTER
                )
            await self.audit.record_in(
                session,
                actor,
                "survey.findings",
                target=survey.reference,
                detail=f"{sum(1 for f in stored if f.priority in RECOMMENDATIONS)} recommended",
            )
            return updated

    # The report

    def _report(
        self, survey: SurveyRecord, findings: list[FindingRecord], officer: str
    ) -> LinkedFile:
        """The report's PDF, dated when the findings were recorded (the same file each time)."""
        assert survey.done_at is not None
        content = report_pdf(
            survey,
            findings,
            officer,
            self.settings.service_name,
            self.settings.zone,
            survey.done_at,
        )
        return LinkedFile(f"survey-{survey.reference}.pdf", "application/pdf", content)

    def _link(self, survey: SurveyRecord) -> messages.ReportLink:
        """The report's signed link for a text, or None without PUBLIC_URL."""
        assert survey.done_at is not None
        url = self.links.url(REPORT_FILE, survey.id, stamp_of(survey.done_at))
        return (url, self.links.days) if url is not None else None

    async def report_file(self, survey_id: int, stamp: str) -> LinkedFile | None:
        """The report a link opens, rendered again from what is stored; None once the survey
        is deleted or forgotten (or its id is another survey's now: the stamp differs)."""
        async with self.db.transaction() as session:
            repo = SurveyRepository(session)
            survey = await repo.get(survey_id)
            if (
                survey is None
                or survey.status != SURVEY_DONE
                or survey.done_at is None
                or stamp_of(survey.done_at) != stamp
            ):
                return None
            findings = await repo.findings(survey.id)
        return self._report(survey, findings, survey.claimed_by_label or UNIT)

    # Due items

    async def _reminder_due(self, context: DueContext) -> str:
        survey = await SurveyRepository(context.session).get(context.item.subject_id)
        sequence, _, label = context.item.key.partition(":")
        if survey is None or survey.status != SCHEDULED or str(survey.sequence) != sequence:
            return CANCELLED
        if context.stale:
            return MISSED
        message = messages.reminder(survey, self.settings.zone, label)
        await self.tell_requester_in(context.session, survey, REMINDER, message)
        await self.tell_officer_in(context.session, survey, REMINDER, message)
        return DONE

    async def _follow_up_due(self, context: DueContext) -> str:
        repo = SurveyRepository(context.session)
        survey = await repo.get(context.item.subject_id)
        if survey is None or survey.status != SURVEY_DONE:
            return CANCELLED
        open_items = [
            f
            for f in await repo.findings(survey.id)
            if f.priority in RECOMMENDATIONS and f.done_at is None
        ]
        if not open_items:
            return CANCELLED
        await self.tell_requester_in(
            context.session, survey, FOLLOW_UP, messages.follow_up(survey, open_items)
        )
        return DONE

    # The digest

    async def untouched(self) -> list[SurveyRecord]:
        """Open requests nobody touched for three working days, oldest first."""
        async with self.db.transaction() as session:
            surveys = await SurveyRepository(session).open_surveys()
        return untouched(surveys, updated_at, self.clock.now(), self.settings.zone)

    async def send_digest(self) -> str | None:
        """The officers' daily list of untouched requests at SURVEY_DIGEST_TIME (none when
        there are none); once a day however often it is asked. None when already handled."""
        return await send_untouched_digest(
            self.shared,
            self.officers,
            self.due,
            kind=DIGEST,
            at=self.settings.survey_digest_time,
            open_items=lambda session: SurveyRepository(session).open_surveys(),
            touched_at=updated_at,
            render=lambda stale, now: messages.digest(stale, now, self.settings.zone),
        )
