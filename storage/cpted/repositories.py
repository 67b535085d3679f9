"""Environment reports: reports and their yearly reference counter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.cpted.models import FixCounter, FixReport
from storage.cpted.records import OPEN_STATUSES, FixRecord

# Columns a caller may change through `update`.
EDITABLE = frozenset({"status", "claimed_by_label", "claimed_by_telegram_id", "closed_at"})


def to_record(row: FixReport) -> FixRecord:
    """Copy an ORM row into a plain record."""
    return FixRecord(
        id=row.id,
        year=row.year,
        seq=row.seq,
        kind=row.kind,
        place=row.place,
        latitude=row.latitude,
        longitude=row.longitude,
        photo_file_id=row.photo_file_id,
        note=row.note,
        channel=row.channel,
        reporter_address=row.reporter_address,
        reporter_member_id=row.reporter_member_id,
        status=row.status,
        claimed_by_label=row.claimed_by_label,
        claimed_by_telegram_id=row.claimed_by_telegram_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        closed_at=row.closed_at,
    )


class FixRepository:
    """Reads and writes `fix_reports` and `fix_counters`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_seq(self, year: int) -> int:
        """The next reference number of a year, in one statement (the upsert holds the year's
        row until the transaction ends, so concurrent reporters wait their turn)."""
        insert = (
            pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        statement = (
            insert(FixCounter)
            .values(year=year, last=1)
            .on_conflict_do_update(index_elements=["year"], set_={"last": FixCounter.last + 1})
            .returning(FixCounter.last)
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def add(self, *, year: int, seq: int, now: datetime, **values: Any) -> FixRecord:
        """Write a report."""
        row = FixReport(year=year, seq=seq, created_at=now, updated_at=now, **values)
        self.session.add(row)
        await self.session.flush()
        return to_record(row)

    async def get(self, report_id: int) -> FixRecord | None:
        """A report by id."""
        row = await self.session.get(FixReport, report_id)
        return None if row is None else to_record(row)

    async def by_reference(self, year: int, seq: int) -> FixRecord | None:
        """A report by its reference."""
        row = await self.session.scalar(
            select(FixReport).where(FixReport.year == year, FixReport.seq == seq)
        )
        return None if row is None else to_record(row)

    async def change_status(
        self, report_id: int, expected: str, now: datetime, **values: Any
    ) -> FixRecord | None:
        """Change a report that is still in the `expected` status, in one conditional
        statement (two officers pressing at once change it once); None when it was not."""
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        result = await self.session.execute(
            update(FixReport)
            .where(FixReport.id == report_id, FixReport.status == expected)
            .values(updated_at=now, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = await self.session.get(FixReport, report_id)
        if row is None:
            return None
        await self.session.refresh(row)
        return to_record(row)

    async def claim(
        self, report_id: int, telegram_id: int | None, label: str, now: datetime
    ) -> bool:
        """Take an unclaimed report on; False when someone already has it."""
        result = await self.session.execute(
            update(FixReport)
            .where(FixReport.id == report_id, FixReport.claimed_by_label.is_(None))
            .values(
                claimed_by_label=label[:100], claimed_by_telegram_id=telegram_id, updated_at=now
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def in_statuses(
        self, statuses: tuple[str, ...], limit: int, offset: int = 0
    ) -> list[FixRecord]:
        """Reports in these statuses, oldest first (the queue is worked from its end)."""
        rows = await self.session.scalars(
            select(FixReport)
            .where(FixReport.status.in_(statuses))
            .order_by(FixReport.created_at, FixReport.id)
            .limit(limit)
            .offset(offset)
        )
        return [to_record(r) for r in rows]

    async def count_by_status(self) -> dict[str, int]:
        """How many reports are in each status."""
        rows = await self.session.execute(
            select(FixReport.status, func.count(FixReport.id)).group_by(FixReport.status)
        )
        return {str(status): int(count) for status, count in rows}

    async def open_reports(self) -> list[FixRecord]:
        """Every open report, oldest first."""
        return await self.in_statuses(OPEN_STATUSES, limit=10_000)

    async def created_since(self, since: datetime) -> list[FixRecord]:
        """Reports filed since a moment."""
        rows = await self.session.scalars(
            select(FixReport).where(FixReport.created_at >= since).order_by(FixReport.id)
        )
        return [to_record(r) for r in rows]

    async def closed_since(self, since: datetime) -> list[FixRecord]:
        """Reports closed (fixed or not actionable) since a moment."""
        rows = await self.session.scalars(
            select(FixReport).where(FixReport.closed_at >= since).order_by(FixReport.id)
        )
        return [to_record(r) for r in rows]

    async def for_reporter(self, channel: str, address: str, limit: int) -> list[FixRecord]:
        """The reports filed from a chat or number, newest first."""
        rows = await self.session.scalars(
            select(FixReport)
            .where(FixReport.channel == channel, FixReport.reporter_address == address)
            .order_by(FixReport.id.desc())
            .limit(limit)
        )
        return [to_record(r) for r in rows]

    async def count_for_reporter(self, channel: str, address: str) -> int:
        """How many reports a chat or number filed."""
        count = await self.session.scalar(
            select(func.count(FixReport.id)).where(
                FixReport.channel == channel, FixReport.reporter_address == address
            )
        )
        return int(count or 0)

    async def delete_one(self, report_id: int, channel: str, address: str) -> bool:
        """Delete a report of this chat's or number's; False when there was none."""
        result = await self.session.execute(
            delete(FixReport).where(
                FixReport.id == report_id,
                FixReport.channel == channel,
                FixReport.reporter_address == address,
            )
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def filed_since(
        self, addresses: list[tuple[str, str]], member_id: int | None, since: datetime
    ) -> list[datetime]:
        """When the reports from these (channel, address) pairs or this member filed since a
        moment were filed (the per-person limit counts them)."""
        conditions: list[ColumnElement[bool]] = [
            (FixReport.channel == channel) & (FixReport.reporter_address == address)
            for channel, address in addresses
        ]
        if member_id is not None:
            conditions.append(FixReport.reporter_member_id == member_id)
        rows = await self.session.scalars(
            select(FixReport.created_at).where(or_(*conditions), FixReport.created_at > since)
        )
        return list(rows)

    async def delete_for_reporter(
        self, addresses: list[tuple[str, str]], member_id: int | None = None
    ) -> int:
        """Delete every report from these (channel, address) pairs or this member; returns
        how many went."""
        conditions: list[ColumnElement[bool]] = [
            (FixReport.channel == channel) & (FixReport.reporter_address == address)
            for channel, address in addresses
        ]
        if member_id is not None:
            conditions.append(FixReport.reporter_member_id == member_id)
        if not conditions:
            return 0
        result = await self.session.execute(delete(FixReport).where(or_(*conditions)))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
