"""What both sides of a survey share: the visit's calendar file, telling the requester and
the officer through the outbox (in the caller's transaction), and the visit's reminders."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.delivery import Attachment, Message
from core.due import DueRunner
from core.ics import Event, calendar_file, uid
from core.members import OfficerService
from core.shared import Shared, SharedService
from core.surveys import messages
from core.surveys.rules import REMINDERS, SMS, TELEGRAM, VISIT_LENGTH
from storage.members.repositories import MemberRepository
from storage.surveys.records import SurveyRecord

REMINDER = "survey_reminder"
FOLLOW_UP = "survey_followup"


class SurveyNotices(SharedService):
    """The outbox, calendar and reminder work both sides of a survey do."""

    def __init__(self, shared: Shared, officers: OfficerService, due: DueRunner) -> None:
        super().__init__(shared)
        self.officers = officers
        self.due = due

    def ics(self, survey: SurveyRecord, *, cancelled: bool = False) -> Attachment:
        """The visit's .ics (a move has a higher SEQUENCE; a cancellation METHOD:CANCEL)."""
        assert survey.visit_at is not None
        event = Event(
            uid=uid(f"survey-{survey.id}", self.settings.service_name),
            sequence=survey.sequence,
            starts_at=survey.visit_at,
            ends_at=survey.visit_at + VISIT_LENGTH,
            summary=f"Security survey {survey.reference}",
            location=messages.place_text(survey),
            description=f"Security survey ({messages.kind_label(survey.kind)}): {survey.concern}",
            stamp=self.clock.now(),
            cancelled=cancelled,
        )
        content = calendar_file(event, self.settings.service_name)
        return Attachment(f"survey-{survey.reference}.ics", "text/calendar", content)

    async def tell_requester_in(
        self, session: AsyncSession, survey: SurveyRecord, kind: str, message: Message
    ) -> None:
        """A message for whoever asked for the survey, in their chat or by text."""
        await self.outbox.enqueue_in(
            session,
            kind=kind,
            message=message,
            recipients=[],
            direct=[(survey.channel, survey.requester_address)],
            urgency="urgent" if kind == REMINDER else "normal",
            audience=f"the requester of {survey.reference}",
            subject=f"survey:{survey.id}",
        )

    async def text_member_in(
        self, session: AsyncSession, survey: SurveyRecord, kind: str, text: str
    ) -> None:
        """A text message too, when the requester is a member who gets texts (Telegram carries
        the file; the text says what it says in one line)."""
        if survey.channel != TELEGRAM or survey.requester_member_id is None:
            return
        member = await MemberRepository(session).get(survey.requester_member_id)
        if member is None or not member.phone_e164 or SMS not in self.outbox.plan(member).sending:
            return
        await self.outbox.enqueue_in(
            session,
            kind=kind,
            message=Message(html=text, text=text),
            recipients=[],
            direct=[(SMS, member.phone_e164)],
            audience=f"the requester of {survey.reference}",
            subject=f"survey:{survey.id}",
        )

    async def tell_officer_in(
        self,
        session: AsyncSession,
        survey: SurveyRecord,
        kind: str,
        message: Message,
        *,
        subject: str | None = "",
    ) -> None:
        """A message for the request's officer, or every officer while nobody has it."""
        if survey.claimed_by_telegram_id is not None:
            member = await MemberRepository(session).by_telegram_user(survey.claimed_by_telegram_id)
            recipients = [member] if member is not None else []
            direct = [] if member else [(TELEGRAM, str(survey.claimed_by_telegram_id))]
        else:
            recipients, direct = await self.officers.audience_in(session)
        await self.outbox.enqueue_in(
            session,
            kind=kind,
            message=message,
            recipients=recipients,
            direct=direct,
            urgency="urgent" if kind == REMINDER else "normal",
            audience="officers",
            subject=f"survey:{survey.id}" if subject == "" else subject,
        )

    async def schedule_reminders_in(self, session: AsyncSession, survey: SurveyRecord) -> None:
        """The day before and an hour before the visit (those still ahead); keyed by the
        visit's sequence, so a moved visit's old reminders find nothing to remind of."""
        assert survey.visit_at is not None
        now = self.clock.now()
        await self.due.cancel_in(session, [REMINDER], survey.id)
        for label, before in REMINDERS:
            due_at = survey.visit_at - before
            if due_at > now:
                await self.due.schedule_in(
                    session, REMINDER, survey.id, f"{survey.sequence}:{label}", due_at
                )

    async def cancel_reminders_in(self, session: AsyncSession, survey_id: int) -> None:
        """No reminders of a visit that is off."""
        await self.due.cancel_in(session, [REMINDER], survey_id)
