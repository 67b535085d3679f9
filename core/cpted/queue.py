"""Officers' side: the queue by status with age and owner, one report's card, claim, status
changes (the reporter told through the outbox in the same transaction), the CSV for public
works, the weekly summary and the daily digest of untouched reports.

Every action is checked here and audited (refusals too); an audit line names the officer and
the report's reference, never the reporter.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.cpted import messages
from core.cpted.rules import (
    CLOSED_STATUSES,
    NEXT,
    STATUSES,
    parse_reference,
)
from core.delivery import Message
from core.due import DueRunner
from core.errors import Conflict, InvalidInput, NotFound
from core.localtime import (
    latest_weekly,
    parse_weekly,
)
from core.members import OfficerService, send_untouched_digest, untouched
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from core.timefmt import local_date
from storage.cpted.records import FixRecord
from storage.cpted.repositories import FixRepository

REFUSAL_TARGET = "fixes"
DIGEST = "fix_digest"
SUMMARY = "fix_summary"


def updated_at(report: FixRecord) -> datetime:
    """When a report was last touched (claimed, its status changed)."""
    return report.updated_at


class FixQueue(SharedService):
    """Officers' work on environment reports."""

    def __init__(self, shared: Shared, officers: OfficerService, due: DueRunner) -> None:
        super().__init__(shared)
        self.officers = officers
        self.due = due

    async def _require(self, actor: Actor) -> None:
        await self.access.require(actor, Action.WORK_FIXES, target=REFUSAL_TARGET)

    async def _report_in(self, session: AsyncSession, report: int | str) -> FixRecord:
        repo = FixRepository(session)
        if isinstance(report, str):
            parsed = parse_reference(report)
            if parsed is None:
                raise InvalidInput("A report's reference looks like F-2026-00001.")
            found = await repo.by_reference(*parsed)
            if found is None:
                raise NotFound(f"There is no report {report.strip().upper()}.")
            return found
        record = await repo.get(report)
        if record is None:
            raise NotFound("There is no such report (its reporter may have deleted it).")
        return record

    # Reading

    async def queue(
        self, actor: Actor, status: str, *, limit: int = 8, offset: int = 0
    ) -> tuple[list[FixRecord], dict[str, int]]:
        """A page of the reports in one status (oldest first), and how many each status has."""
        await self._require(actor)
        if status not in STATUSES:
            raise InvalidInput("Choose a list with the buttons.")
        async with self.db.transaction() as session:
            repo = FixRepository(session)
            reports = await repo.in_statuses((status,), limit, offset)
            counts = await repo.count_by_status()
            await self.audit.record_in(
                session, actor, "fix.list", detail=f"{status}: {counts.get(status, 0)}"
            )
        return reports, counts

    async def view(self, actor: Actor, report: int | str) -> FixRecord:
        """One report, by id or reference."""
        await self._require(actor)
        async with self.db.transaction() as session:
            record = await self._report_in(session, report)
            await self.audit.record_in(session, actor, "fix.view", target=record.reference)
        return record

    # Acting

    async def claim(self, actor: Actor, report_id: int) -> tuple[FixRecord, bool]:
        """Take a report on; returns it and whether anything changed."""
        await self._require(actor)
        async with self.db.transaction() as session:
            report = await self._report_in(session, report_id)
            if report.claimed_by_telegram_id == actor.telegram_user_id and report.claimed_by_label:
                return report, False
            if report.claimed_by_label is not None:
                raise Conflict(f"{report.claimed_by_label} already has {report.reference}.")
            if not report.is_open:
                raise Conflict(f"{report.reference} is closed.")
            repo = FixRepository(session)
            if not await repo.claim(
                report.id, actor.telegram_user_id, actor.shown, self.clock.now()
            ):
                raise Conflict(f"Someone else took {report.reference} on a moment ago.")
            await self.audit.record_in(session, actor, "fix.claim", target=report.reference)
            return await self._report_in(session, report.id), True

    async def set_status(self, actor: Actor, report_id: int, status: str) -> FixRecord:
        """Move a report on (to public works, fixed, or not actionable); the reporter is told
        in the same transaction. An unclaimed report becomes the acting officer's."""
        await self._require(actor)
        if status not in STATUSES:
            raise InvalidInput("Choose the status with the buttons.")
        async with self.db.transaction() as session:
            report = await self._report_in(session, report_id)
            if report.status == status:
                raise Conflict(f"{report.reference} is already {STATUSES[status]}.")
            if status not in NEXT[report.status]:
                raise Conflict(
                    f"{report.reference} is {STATUSES[report.status]}; it can no longer be "
                    f"marked {STATUSES[status]}."
                )
            now = self.clock.now()
            values: dict[str, object] = {"status": status}
            if status in CLOSED_STATUSES:
                values["closed_at"] = now
            if report.claimed_by_label is None:
                values["claimed_by_label"] = actor.shown[:100]
                values["claimed_by_telegram_id"] = actor.telegram_user_id
            updated = await FixRepository(session).change_status(
                report.id, report.status, now, **values
            )
            if updated is None:  # another officer changed it a moment ago
                raise Conflict(f"{report.reference} was changed a moment ago; open it again.")
            await self.outbox.enqueue_in(
                session,
                kind="fix_status",
                message=messages.status_changed(updated),
                recipients=[],
                direct=[(updated.channel, updated.reporter_address)],
                author_label=actor.label,
                audience=f"the reporter of {updated.reference}",
                subject=f"fix:{updated.id}",
            )
            await self.audit.record_in(
                session, actor, "fix.status", target=updated.reference, detail=status
            )
            return updated

    async def public_works_list(self, actor: Actor) -> int:
        """The CSV for public works (the reports sent to them and not yet fixed), sent to the
        asking officer through the outbox; returns how many rows it has."""
        await self._require(actor)
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = FixRepository(session)
            reports = await repo.in_statuses(("public_works",), limit=10_000)
            day = now.astimezone(self.settings.zone).date().isoformat()
            message = messages.csv_message(reports, day, self.settings.zone)
            recipients, direct = [], []
            if actor.member is not None:
                recipients.append(actor.member)
            elif actor.telegram_user_id is not None:
                direct.append(("telegram", str(actor.telegram_user_id)))
            await self.outbox.enqueue_in(
                session,
                kind="fix_csv",
                message=message,
                recipients=recipients,
                direct=direct,
                urgency="urgent",  # asked for now: not held for quiet hours
                author_label=actor.label,
                audience="the officer who asked",
            )
            await self.audit.record_in(session, actor, "fix.csv", detail=f"{len(reports)} reports")
            return len(reports)

    # Scheduled work

    async def untouched(self) -> list[FixRecord]:
        """Open reports nobody touched for three working days, oldest first."""
        async with self.db.transaction() as session:
            reports = await FixRepository(session).open_reports()
        return untouched(reports, updated_at, self.clock.now(), self.settings.zone)

    async def _tell_officers_in(self, session: AsyncSession, kind: str, message: Message) -> None:
        officers, direct = await self.officers.audience_in(session)
        await self.outbox.enqueue_in(
            session,
            kind=kind,
            message=message,
            recipients=officers,
            direct=direct,
            audience="officers",
        )

    async def send_digest(self) -> str | None:
        """The officers' daily list of untouched reports at FIX_DIGEST_TIME (none when there
        are none); once a day however often it is asked. None when already handled."""
        return await send_untouched_digest(
            self.shared,
            self.officers,
            self.due,
            kind=DIGEST,
            at=self.settings.fix_digest_time,
            open_items=lambda session: FixRepository(session).open_reports(),
            touched_at=updated_at,
            render=messages.digest,
        )

    async def send_weekly_summary(self) -> str | None:
        """The officers' weekly summary at FIX_SUMMARY_TIME (none in a week without reports,
        new, closed or open); once a week. None when already handled."""
        weekday, at = parse_weekly(self.settings.fix_summary_time)
        day, scheduled = latest_weekly(self.clock.now(), weekday, at, self.settings.zone)

        async def send(session: AsyncSession) -> None:
            now = self.clock.now()
            since = now - timedelta(days=7)
            repo = FixRepository(session)
            filed = await repo.created_since(since)
            closed = await repo.closed_since(since)
            counts = await repo.count_by_status()
            open_reports = await repo.open_reports()
            if not (filed or closed or open_reports):
                return
            stale = len(untouched(open_reports, updated_at, now, self.settings.zone))
            await self._tell_officers_in(
                session,
                SUMMARY,
                messages.weekly_summary(
                    local_date(now, self.settings.zone), filed, closed, counts, stale
                ),
            )

        return await self.due.run_list(SUMMARY, day.isoformat(), scheduled, send)
