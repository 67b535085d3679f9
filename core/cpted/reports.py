"""The reporter's side: filing a report (Telegram or SMS), their own list, deleting one, and
/forget.

The reporter is told the reference only after the report is stored. Nothing here is audited
or logged with an address: a report names its reporter only for telling them of its status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.cpted import messages
from core.cpted.rules import (
    KINDS,
    MINE_MAX,
    NEW,
    SMS,
    SMS_TEXT_MAX,
    TELEGRAM,
    FixDraft,
    Reporter,
    clean_location,
    clean_note,
    clean_place,
    guess_kind,
)
from core.emergency import emergency_terms
from core.erasure import Erased
from core.errors import InvalidInput, NotFound, UserError
from core.flows import Claim, take_in
from core.request_limits import LimitReached, record_refusal, within_limit_in
from core.shared import SharedService
from storage.cpted.records import FixRecord
from storage.cpted.repositories import FixRepository
from storage.members.repositories import MemberRepository


@dataclass(frozen=True, slots=True)
class Filed:
    """A stored report, as its reporter is told about it."""

    reference: str
    emergency: bool


def checked(draft: FixDraft, *, need_place: bool = True) -> FixDraft:
    """A draft with every part checked: a kind, a place (typed or pinned), a short note (a
    texted report's text is its place and description at once, so it needs no place)."""
    if draft.kind not in KINDS:
        raise InvalidInput("Please choose what it is with the buttons.")
    place = clean_place(draft.place) if draft.place is not None else None
    lat, lon = (
        clean_location(draft.latitude, draft.longitude)
        if draft.latitude is not None and draft.longitude is not None
        else (None, None)
    )
    if need_place and place is None and lat is None:
        raise InvalidInput("Please send a map pin or type the address.")
    photo = draft.photo[:200] if draft.photo else None
    return FixDraft(draft.kind, place, lat, lon, photo, clean_note(draft.note))


async def erase_member_in(session: AsyncSession, erased: Erased) -> None:
    """/forget: every report the member filed, from their chat, their number or as member."""
    addresses = [(TELEGRAM, erased.telegram_chat)]
    if erased.phone_e164:
        addresses.append((SMS, erased.phone_e164))
    await FixRepository(session).delete_for_reporter(addresses, erased.member_id)


class FixReports(SharedService):
    """Residents' reports: filing, their list, deleting, forgetting."""

    async def file(
        self,
        draft: FixDraft,
        reporter: Reporter,
        *,
        claim: Claim | None = None,
        need_place: bool = True,
    ) -> Filed:
        """Store a report; with `claim`, the review step it was confirmed from is taken in
        the same transaction (a second press stores nothing)."""
        report = checked(draft, need_place=need_place)
        terms = emergency_terms(f"{report.place or ''}\n{report.note or ''}")
        now = self.clock.now()
        member_id: int | None = None
        try:
            async with self.db.transaction() as session:
                await take_in(session, claim)
                member_id = await self._member_in(session, reporter)
                await self._within_limit_in(session, reporter, member_id, now)
                stored = await self._add_in(session, report, reporter, member_id, now)
        except LimitReached:
            await record_refusal(self.audit, "fix.file", reporter.telegram_user_id, member_id)
            raise
        return Filed(stored.reference, bool(terms))

    async def check_limit(self, reporter: Reporter) -> None:
        """Refuse early (before a guided report is typed) past the day's limit; the refusal
        is audited like one at filing."""
        now = self.clock.now()
        member_id: int | None = None
        try:
            async with self.db.transaction() as session:
                member_id = await self._member_in(session, reporter)
                await self._within_limit_in(session, reporter, member_id, now)
        except LimitReached:
            await record_refusal(self.audit, "fix.file", reporter.telegram_user_id, member_id)
            raise

    async def _member_in(self, session: AsyncSession, reporter: Reporter) -> int | None:
        """The reporter's member id, when they file from Telegram as a registered member."""
        if reporter.telegram_user_id is None:
            return None
        member = await MemberRepository(session).by_telegram_user(reporter.telegram_user_id)
        return member.id if member is not None else None

    async def _within_limit_in(
        self, session: AsyncSession, reporter: Reporter, member_id: int | None, now: datetime
    ) -> None:
        """Raise LimitReached past FIX_REQUESTS_PER_DAY reports in 24 hours from this chat,
        number or member (officers are not limited)."""
        repo = FixRepository(session)
        await within_limit_in(
            session,
            what="environment report",
            limit=self.settings.fix_requests_per_day,
            telegram_user_id=reporter.telegram_user_id,
            filed_since=lambda since: repo.filed_since(
                [(reporter.channel, reporter.address)], member_id, since
            ),
            now=now,
            zone=self.settings.zone,
        )

    async def _add_in(
        self,
        session: AsyncSession,
        report: FixDraft,
        reporter: Reporter,
        member_id: int | None,
        now: datetime,
    ) -> FixRecord:
        """Write the checked report."""
        repo = FixRepository(session)
        year = now.astimezone(self.settings.zone).year
        stored = await repo.add(
            year=year,
            seq=await repo.next_seq(year),
            now=now,
            kind=report.kind,
            place=report.place,
            latitude=report.latitude,
            longitude=report.longitude,
            photo_file_id=report.photo,
            note=report.note,
            channel=reporter.channel,
            reporter_address=reporter.address,
            reporter_member_id=member_id,
            status=NEW,
        )
        return stored

    async def text_fix(self, phone: str, body: str) -> str:
        """'FIX <text>' texted to the service number: the text is what and where; returns the
        SMS reply."""
        service = self.settings.service_name
        parts = body.strip().split(None, 1)
        text = validation.one_line(parts[1] if len(parts) > 1 else "")
        if len(text) < 3 or not any(c.isalpha() for c in text):
            return messages.sms_usage(service)
        try:
            if len(text) > SMS_TEXT_MAX:
                raise InvalidInput(
                    f"That report is {len(text)} characters long; the limit is {SMS_TEXT_MAX}. "
                    "Please send a shorter one: what it is and where."
                )
            filed = await self.file(
                FixDraft(kind=guess_kind(text), note=text),
                Reporter.sms(phone),
                need_place=False,
            )
        except UserError as refusal:
            return messages.sms_refused(service, str(refusal))
        return messages.sms_filed(service, filed.reference, emergency=filed.emergency)

    async def mine(self, channel: str, address: str) -> list[FixRecord]:
        """The reports filed from this chat or number, newest first."""
        async with self.db.transaction() as session:
            return await FixRepository(session).for_reporter(channel, address, MINE_MAX)

    async def one_of_mine(self, channel: str, address: str, report_id: int) -> FixRecord:
        """One of this chat's or number's reports."""
        async with self.db.transaction() as session:
            report = await FixRepository(session).get(report_id)
        if report is None or (report.channel, report.reporter_address) != (channel, address):
            raise NotFound("That report is no longer there (it may have been deleted).")
        return report

    async def delete_mine(self, channel: str, address: str, report_id: int) -> str:
        """Delete one of this chat's or number's reports; returns its reference."""
        async with self.db.transaction() as session:
            repo = FixRepository(session)
            report = await repo.get(report_id)
            if report is None or not await repo.delete_one(report_id, channel, address):
                raise NotFound("That report is no longer there (it may have been deleted).")
            return report.reference

    async def count(self, channel: str, address: str) -> int:
        """How many reports a chat or number filed."""
        async with self.db.transaction() as session:
            return await FixRepository(session).count_for_reporter(channel, address)

    async def forget(self, channel: str, address: str) -> int:
        """Delete every report of a chat or number (someone who never registered)."""
        async with self.db.transaction() as session:
            return await FixRepository(session).delete_for_reporter([(channel, address)])
