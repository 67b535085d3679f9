"""Talk requests and their yearly reference counter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.talks.models import TalkCounter, TalkRequest
from storage.talks.records import OPEN_STATUSES, TalkRecord

# Columns a caller may change through `change_status`.
EDITABLE = frozenset(
    {
        "status",
        "topic",
        "suggested_topic",
        "decline_reason",
        "meeting_id",
        "claimed_by_label",
        "claimed_by_telegram_id",
        "closed_at",
    }
)


def to_record(row: TalkRequest) -> TalkRecord:
    """Copy an ORM row into a plain record."""
    return TalkRecord(
        id=row.id,
        year=row.year,
        seq=row.seq,
        topic=row.topic,
        audience=row.audience,
        size=row.size,
        place=row.place,
        dates=row.dates,
        note=row.note,
        channel=row.channel,
        requester_address=row.requester_address,
        requester_member_id=row.requester_member_id,
        status=row.status,
        suggested_topic=row.suggested_topic,
        decline_reason=row.decline_reason,
        meeting_id=row.meeting_id,
        claimed_by_label=row.claimed_by_label,
        claimed_by_telegram_id=row.claimed_by_telegram_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        closed_at=row.closed_at,
    )


class TalkRepository:
    """Reads and writes `talk_requests` and `talk_counters`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_seq(self, year: int) -> int:
        """The next reference number of a year, in one statement."""
        insert = (
            pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        statement = (
            insert(TalkCounter)
            .values(year=year, last=1)
            .on_conflict_do_update(index_elements=["year"], set_={"last": TalkCounter.last + 1})
            .returning(TalkCounter.last)
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def add(self, *, year: int, seq: int, now: datetime, **values: Any) -> TalkRecord:
        """Write a request."""
        row = TalkRequest(year=year, seq=seq, created_at=now, updated_at=now, **values)
        self.session.add(row)
        await self.session.flush()
        return to_record(row)

    async def get(self, request_id: int) -> TalkRecord | None:
        """A request by id."""
        row = await self.session.get(TalkRequest, request_id, populate_existing=True)
        return None if row is None else to_record(row)

    async def by_reference(self, year: int, seq: int) -> TalkRecord | None:
        """A request by its reference."""
        row = await self.session.scalar(
            select(TalkRequest).where(TalkRequest.year == year, TalkRequest.seq == seq)
        )
        return None if row is None else to_record(row)

    async def change_status(
        self, request_id: int, expected: str, now: datetime, **values: Any
    ) -> TalkRecord | None:
        """Change a request still in the `expected` status, in one conditional statement
        (two presses at once change it once); None when it was not."""
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        result = await self.session.execute(
            update(TalkRequest)
            .where(TalkRequest.id == request_id, TalkRequest.status == expected)
            .values(updated_at=now, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return await self.get(request_id)

    async def claim(
        self, request_id: int, telegram_id: int | None, label: str, now: datetime
    ) -> bool:
        """Take an unclaimed request on; False when someone already has it."""
        result = await self.session.execute(
            update(TalkRequest)
            .where(TalkRequest.id == request_id, TalkRequest.claimed_by_label.is_(None))
            .values(
                claimed_by_label=label[:100], claimed_by_telegram_id=telegram_id, updated_at=now
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def in_statuses(
        self, statuses: tuple[str, ...], limit: int, offset: int = 0
    ) -> list[TalkRecord]:
        """Requests in these statuses, oldest first."""
        rows = await self.session.scalars(
            select(TalkRequest)
            .where(TalkRequest.status.in_(statuses))
            .order_by(TalkRequest.created_at, TalkRequest.id)
            .limit(limit)
            .offset(offset)
        )
        return [to_record(r) for r in rows]

    async def count_by_status(self) -> dict[str, int]:
        """How many requests are in each status."""
        rows = await self.session.execute(
            select(TalkRequest.status, func.count(TalkRequest.id)).group_by(TalkRequest.status)
        )
        return {str(status): int(count) for status, count in rows}

    async def open_requests(self) -> list[TalkRecord]:
        """Every open request, oldest first."""
        return await self.in_statuses(OPEN_STATUSES, limit=10_000)

    async def for_requester(self, channel: str, address: str, limit: int) -> list[TalkRecord]:
        """The requests made from a chat or number, newest first."""
        rows = await self.session.scalars(
            select(TalkRequest)
            .where(TalkRequest.channel == channel, TalkRequest.requester_address == address)
            .order_by(TalkRequest.id.desc())
            .limit(limit)
        )
        return [to_record(r) for r in rows]

    async def count_for_requester(self, channel: str, address: str) -> int:
        """How many requests a chat or number made."""
        count = await self.session.scalar(
            select(func.count(TalkRequest.id)).where(
                TalkRequest.channel == channel, TalkRequest.requester_address == address
            )
        )
        return int(count or 0)

    async def filed_since(
        self, addresses: list[tuple[str, str]], member_id: int | None, since: datetime
    ) -> list[datetime]:
        """When the requests from these (channel, address) pairs or this member filed since a
        moment were filed (the per-person limit counts them)."""
        conditions: list[ColumnElement[bool]] = [
            (TalkRequest.channel == channel) & (TalkRequest.requester_address == address)
            for channel, address in addresses
        ]
        if member_id is not None:
            conditions.append(TalkRequest.requester_member_id == member_id)
        rows = await self.session.scalars(
            select(TalkRequest.created_at).where(or_(*conditions), TalkRequest.created_at > since)
        )
        return list(rows)

    async def delete_for_requester(
        self, addresses: list[tuple[str, str]], member_id: int | None = None
    ) -> int:
        """Delete every request from these (channel, address) pairs or this member."""
        conditions: list[ColumnElement[bool]] = [
            (TalkRequest.channel == channel) & (TalkRequest.requester_address == address)
            for channel, address in addresses
        ]
        if member_id is not None:
            conditions.append(TalkRequest.requester_member_id == member_id)
        if not conditions:
            return 0
        result = await self.session.execute(delete(TalkRequest).where(or_(*conditions)))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
