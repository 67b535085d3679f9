"""Vacation watches and officers' checks (sensitive data: never logged)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.delivery.models import Delivery, Notification
from storage.vacation.models import VacationCheck, VacationWatch
from storage.vacation.records import CheckRecord, WatchRecord

REMOVED = "(removed: vacation watch details are not kept)"


def watch_record(row: VacationWatch) -> WatchRecord:
    """Copy an ORM row into a plain record."""
    return WatchRecord(
        id=row.id,
        member_id=row.member_id,
        address=row.address,
        leave_on=row.leave_on,
        return_on=row.return_on,
        emergency_name=row.emergency_name,
        emergency_phone=row.emergency_phone,
        key_holder=row.key_holder,
        vehicles=row.vehicles,
        alarm_company=row.alarm_company,
        lights=row.lights,
        pets=row.pets,
        allowed_people=row.allowed_people,
        tell_leader=row.tell_leader,
        status=row.status,
        created_at=row.created_at,
        ended_at=row.ended_at,
    )


class VacationRepository:
    """Reads and writes `vacation_watches` and `vacation_checks`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, **values: Any) -> WatchRecord:
        """Add an active watch."""
        row = VacationWatch(status="active", **values)
        self.session.add(row)
        await self.session.flush()
        return watch_record(row)

    async def get(self, watch_id: int) -> WatchRecord | None:
        """A watch by id."""
        row = await self.session.get(VacationWatch, watch_id, populate_existing=True)
        return watch_record(row) if row else None

    async def of_member(self, member_id: int, statuses: tuple[str, ...]) -> list[WatchRecord]:
        """A member's watches with these statuses, soonest first."""
        rows = await self.session.scalars(
            select(VacationWatch)
            .where(VacationWatch.member_id == member_id, VacationWatch.status.in_(statuses))
            .order_by(VacationWatch.leave_on, VacationWatch.id)
        )
        return [watch_record(r) for r in rows]

    async def active_on(self, day: date) -> list[WatchRecord]:
        """Active watches covering a local date (the patrol list)."""
        rows = await self.session.scalars(
            select(VacationWatch)
            .where(
                VacationWatch.status == "active",
                VacationWatch.leave_on <= day,
                VacationWatch.return_on >= day,
            )
            .order_by(VacationWatch.id)
        )
        return [watch_record(r) for r in rows]

    async def end(self, watch_id: int, status: str, now: datetime) -> bool:
        """End an active watch (early or expired); False when it was no longer active."""
        result = await self.session.execute(
            update(VacationWatch)
            .where(VacationWatch.id == watch_id, VacationWatch.status == "active")
            .values(status=status, ended_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def add_check(self, watch_id: int, officer_label: str, note: str, now: datetime) -> None:
        """Log an officer's check."""
        self.session.add(
            VacationCheck(
                watch_id=watch_id, checked_at=now, officer_label=officer_label[:100], note=note
            )
        )
        await self.session.flush()

    async def checks(self, watch_id: int) -> list[CheckRecord]:
        """A watch's checks, oldest first."""
        rows = await self.session.scalars(
            select(VacationCheck)
            .where(VacationCheck.watch_id == watch_id)
            .order_by(VacationCheck.checked_at, VacationCheck.id)
        )
        return [CheckRecord(r.id, r.watch_id, r.checked_at, r.officer_label, r.note) for r in rows]

    async def scrub_notifications(
        self, kind: str, *, before: datetime | None = None, member_id: int | None = None
    ) -> int:
        """Blank the bodies and files of sent notifications of a kind (older than `before`,
        or sent to a member), so that addresses do not linger in the outbox."""
        query = update(Notification).where(
            Notification.kind == kind, Notification.body_text != REMOVED
        )
        if before is not None:
            query = query.where(Notification.created_at < before)
        if member_id is not None:
            query = query.where(
                Notification.id.in_(
                    select(Delivery.notification_id).where(Delivery.member_id == member_id)
                )
            )
        result = await self.session.execute(
            query.values(
                body_html=REMOVED,
                body_text=REMOVED,
                attachment_name=None,
                attachment_mime=None,
                attachment_data=None,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def delete_for_member(self, member_id: int) -> list[int]:
        """Delete every watch of a member (checks go with them); returns their ids."""
        ids = list(
            await self.session.scalars(
                select(VacationWatch.id).where(VacationWatch.member_id == member_id)
            )
        )
        if ids:
            await self.session.execute(delete(VacationCheck).where(VacationCheck.watch_id.in_(ids)))
            await self.session.execute(delete(VacationWatch).where(VacationWatch.id.in_(ids)))
        return ids
