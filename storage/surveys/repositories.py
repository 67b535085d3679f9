"""Security surveys: requests, their findings and the yearly reference counter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.surveys.models import Survey, SurveyCounter, SurveyFinding
from storage.surveys.records import OPEN_STATUSES, FindingRecord, SurveyRecord

# Columns a caller may change through `change`.
EDITABLE = frozenset(
    {
        "status",
        "claimed_by_label",
        "claimed_by_telegram_id",
        "proposed_at",
        "proposal",
        "visit_at",
        "sequence",
        "done_at",
    }
)


def to_record(row: Survey) -> SurveyRecord:
    """Copy an ORM row into a plain record."""
    return SurveyRecord(
        id=row.id,
        year=row.year,
        seq=row.seq,
        kind=row.kind,
        address=row.address,
        business=row.business,
        contact=row.contact,
        marina=row.marina,
        slip=row.slip,
        vessel=row.vessel,
        concern=row.concern,
        windows=tuple(w for w in (row.windows or "").split("\n") if w),
        channel=row.channel,
        requester_address=row.requester_address,
        requester_member_id=row.requester_member_id,
        status=row.status,
        claimed_by_label=row.claimed_by_label,
        claimed_by_telegram_id=row.claimed_by_telegram_id,
        proposed_at=row.proposed_at,
        proposal=row.proposal,
        visit_at=row.visit_at,
        sequence=row.sequence,
        created_at=row.created_at,
        updated_at=row.updated_at,
        done_at=row.done_at,
    )


def finding_record(row: SurveyFinding) -> FindingRecord:
    """Copy a finding row into a plain record."""
    return FindingRecord(row.id, row.survey_id, row.item, row.priority, row.note, row.done_at)


class SurveyRepository:
    """Reads and writes `surveys`, `survey_findings` and `survey_counters`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_seq(self, year: int) -> int:
        """The next reference number of a year, in one statement (the upsert holds the year's
        row until the transaction ends, so concurrent requesters wait their turn)."""
        insert = (
            pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        statement = (
            insert(SurveyCounter)
            .values(year=year, last=1)
            .on_conflict_do_update(index_elements=["year"], set_={"last": SurveyCounter.last + 1})
            .returning(SurveyCounter.last)
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def add(
        self, *, year: int, seq: int, now: datetime, windows: tuple[str, ...], **values: Any
    ) -> SurveyRecord:
        """Write a request."""
        row = Survey(
            year=year,
            seq=seq,
            created_at=now,
            updated_at=now,
            windows="\n".join(windows),
            proposal=0,
            sequence=0,
            **values,
        )
        self.session.add(row)
        await self.session.flush()
        return to_record(row)

    async def get(self, survey_id: int) -> SurveyRecord | None:
        """A request by id."""
        row = await self.session.get(Survey, survey_id)
        if row is None:
            return None
        await self.session.refresh(row)
        return to_record(row)

    async def by_reference(self, year: int, seq: int) -> SurveyRecord | None:
        """A request by its reference."""
        row = await self.session.scalar(
            select(Survey).where(Survey.year == year, Survey.seq == seq)
        )
        return None if row is None else to_record(row)

    async def change(
        self, survey_id: int, expected: dict[str, Any], now: datetime, **values: Any
    ) -> SurveyRecord | None:
        """Change a request whose columns still hold the `expected` values, in one conditional
        statement (two presses at once change it once); None when it did not."""
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        conditions = [Survey.id == survey_id]
        for column, value in expected.items():
            attribute = getattr(Survey, column)
            conditions.append(attribute.is_(None) if value is None else attribute == value)
        result = await self.session.execute(
            update(Survey)
            .where(*conditions)
            .values(updated_at=now, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return await self.get(survey_id)

    async def in_statuses(
        self, statuses: tuple[str, ...], limit: int, offset: int = 0
    ) -> list[SurveyRecord]:
        """Requests in these statuses, oldest first."""
        rows = await self.session.scalars(
            select(Survey)
            .where(Survey.status.in_(statuses))
            .order_by(Survey.created_at, Survey.id)
            .limit(limit)
            .offset(offset)
        )
        return [to_record(r) for r in rows]

    async def count_by_status(self) -> dict[str, int]:
        """How many requests are in each status."""
        rows = await self.session.execute(
            select(Survey.status, func.count(Survey.id)).group_by(Survey.status)
        )
        return {str(status): int(count) for status, count in rows}

    async def open_surveys(self) -> list[SurveyRecord]:
        """Every open request, oldest first."""
        return await self.in_statuses(OPEN_STATUSES, limit=10_000)

    async def for_requester(self, channel: str, address: str, limit: int) -> list[SurveyRecord]:
        """The requests made from a chat or number, newest first."""
        rows = await self.session.scalars(
            select(Survey)
            .where(Survey.channel == channel, Survey.requester_address == address)
            .order_by(Survey.id.desc())
            .limit(limit)
        )
        return [to_record(r) for r in rows]

    async def count_for_requester(self, channel: str, address: str) -> int:
        """How many requests a chat or number made."""
        count = await self.session.scalar(
            select(func.count(Survey.id)).where(
                Survey.channel == channel, Survey.requester_address == address
            )
        )
        return int(count or 0)

    async def delete_one(self, survey_id: int, channel: str, address: str) -> bool:
        """Delete a request of this chat's or number's (with its findings)."""
        await self.session.execute(
            delete(SurveyFinding).where(
                SurveyFinding.survey_id.in_(
                    select(Survey.id).where(
                        Survey.id == survey_id,
                        Survey.channel == channel,
                        Survey.requester_address == address,
                    )
                )
            )
        )
        result = await self.session.execute(
            delete(Survey).where(
                Survey.id == survey_id,
                Survey.channel == channel,
                Survey.requester_address == address,
            )
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def filed_since(
        self, addresses: list[tuple[str, str]], member_id: int | None, since: datetime
    ) -> list[datetime]:
        """When the requests from these (channel, address) pairs or this member filed since a
        moment were filed (the per-person limit counts them)."""
        conditions: list[ColumnElement[bool]] = [
            (Survey.channel == channel) & (Survey.requester_address == address)
            for channel, address in addresses
        ]
        if member_id is not None:
            conditions.append(Survey.requester_member_id == member_id)
        rows = await self.session.scalars(
            select(Survey.created_at).where(or_(*conditions), Survey.created_at > since)
        )
        return list(rows)

    async def ids_for_requester(
        self, addresses: list[tuple[str, str]], member_id: int | None = None
    ) -> list[int]:
        """The ids of every request from these (channel, address) pairs or this member."""
        conditions: list[ColumnElement[bool]] = [
            (Survey.channel == channel) & (Survey.requester_address == address)
            for channel, address in addresses
        ]
        if member_id is not None:
            conditions.append(Survey.requester_member_id == member_id)
        if not conditions:
            return []
        return list(await self.session.scalars(select(Survey.id).where(or_(*conditions))))

    async def delete_ids(self, ids: list[int]) -> int:
        """Delete these requests with their findings; returns how many went."""
        if not ids:
            return 0
        await self.session.execute(delete(SurveyFinding).where(SurveyFinding.survey_id.in_(ids)))
        result = await self.session.execute(delete(Survey).where(Survey.id.in_(ids)))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # Findings

    async def add_findings(
        self, survey_id: int, findings: list[tuple[str, str, str | None]]
    ) -> None:
        """Write a survey's findings: (item, priority, note) each."""
        for item, priority, note in findings:
            self.session.add(
                SurveyFinding(survey_id=survey_id, item=item, priority=priority, note=note)
            )
        await self.session.flush()

    async def findings(self, survey_id: int) -> list[FindingRecord]:
        """A survey's findings, in the order they were recorded."""
        rows = await self.session.scalars(
            select(SurveyFinding)
            .where(SurveyFinding.survey_id == survey_id)
            .order_by(SurveyFinding.id)
        )
        return [finding_record(r) for r in rows]

    async def mark_done(self, survey_id: int, item: str, now: datetime) -> bool:
        """Mark a recommendation done (once); False when it already was or is none."""
        result = await self.session.execute(
            update(SurveyFinding)
            .where(
                SurveyFinding.survey_id == survey_id,
                SurveyFinding.item == item,
                SurveyFinding.done_at.is_(None),
            )
            .values(done_at=now)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]
