"""Tips: the tips themselves, their photos and timeline, and reference numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models_tips import Tip, TipCounter, TipEvent, TipPhoto
from storage.tip_records import OPEN_STATUSES, TipEventRecord, TipRecord

# Columns a caller may change through `update`.
EDITABLE = frozenset(
    {
        "text",
        "conduct",
        "category",
        "when_text",
        "occurred_at",
        "place",
        "latitude",
        "longitude",
        "anonymous",
        "tipster_name",
        "tipster_member_id",
        "urgent",
        "status",
        "outcome",
        "claimed_by_label",
        "claimed_by_telegram_id",
        "closed_at",
        "notified_at",
    }
)


def upsert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that can say ON CONFLICT, for the session's dialect (SQLite or PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(table)
    return sqlite_insert(table)


def to_record(row: Tip, photos: Sequence[str] = ()) -> TipRecord:
    """Copy an ORM row into a plain record."""
    return TipRecord(
        id=row.id,
        year=row.year,
        seq=row.seq,
        text=row.text,
        conduct=row.conduct,
        category=row.category,
        when_text=row.when_text,
        occurred_at=row.occurred_at,
        place=row.place,
        latitude=row.latitude,
        longitude=row.longitude,
        anonymous=row.anonymous,
        alias=row.alias,
        tipster_name=row.tipster_name,
        tipster_member_id=row.tipster_member_id,
        channel=row.channel,
        urgent=row.urgent,
        status=row.status,
        outcome=row.outcome,
        claimed_by_label=row.claimed_by_label,
        claimed_by_telegram_id=row.claimed_by_telegram_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        closed_at=row.closed_at,
        notified_at=row.notified_at,
        photos=tuple(photos),
    )


class TipRepository:
    """Reads and writes `tips`, `tip_photos`, `tip_events` and `tip_counters`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_seq(self, year: int) -> int:
        """The next reference number of a year, in one statement.

        The upsert locks the year's counter row until the transaction ends, so concurrent
        filers on PostgreSQL wait their turn; SQLite serialises writers anyway.
        """
        statement = (
            upsert(self.session, TipCounter)
            .values(year=year, last=1)
            .on_conflict_do_update(index_elements=["year"], set_={"last": TipCounter.last + 1})
            .returning(TipCounter.last)
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def add(self, *, year: int, seq: int, now: datetime, **values: Any) -> TipRecord:
        """Write a tip."""
        row = Tip(year=year, seq=seq, created_at=now, updated_at=now, **values)
        self.session.add(row)
        await self.session.flush()
        return to_record(row)

    async def get(self, tip_id: int) -> TipRecord | None:
        """A tip with its photos."""
        row = await self.session.get(Tip, tip_id)
        if row is None:
            return None
        return to_record(row, await self.photos(tip_id))

    async def by_reference(self, year: int, seq: int) -> TipRecord | None:
        """A tip by its reference."""
        tip_id = await self.session.scalar(select(Tip.id).where(Tip.year == year, Tip.seq == seq))
        return None if tip_id is None else await self.get(tip_id)

    async def update(self, tip_id: int, now: datetime, **values: Any) -> TipRecord:
        """Change editable columns."""
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        row = await self.session.get(Tip, tip_id)
        if row is None:
            raise LookupError(tip_id)
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = now
        await self.session.flush()
        return to_record(row, await self.photos(tip_id))

    async def add_photo(self, tip_id: int, file_id: str, now: datetime) -> None:
        """Attach a photo."""
        self.session.add(TipPhoto(tip_id=tip_id, file_id=file_id, added_at=now))
        await self.session.flush()

    async def photos(self, tip_id: int) -> list[str]:
        """File ids of a tip's photos, oldest first."""
        rows = await self.session.scalars(
            select(TipPhoto.file_id).where(TipPhoto.tip_id == tip_id).order_by(TipPhoto.id)
        )
        return list(rows)

    async def add_event(
        self, tip_id: int, now: datetime, kind: str, author: str, body: str = ""
    ) -> None:
        """Add a line to a tip's timeline."""
        self.session.add(TipEvent(tip_id=tip_id, at=now, kind=kind, author=author[:100], body=body))
        await self.session.flush()

    async def events(self, tip_id: int) -> list[TipEventRecord]:
        """A tip's timeline, oldest first."""
        rows = await self.session.scalars(
            select(TipEvent).where(TipEvent.tip_id == tip_id).order_by(TipEvent.id)
        )
        return [TipEventRecord(r.id, r.tip_id, r.at, r.kind, r.author, r.body) for r in rows]

    async def open_tips(self, limit: int, offset: int = 0) -> list[TipRecord]:
        """Open tips, urgent first, then newest."""
        rows = await self.session.scalars(
            select(Tip)
            .where(Tip.status.in_(OPEN_STATUSES))
            .order_by(Tip.urgent.desc(), Tip.created_at.desc(), Tip.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [to_record(r) for r in rows]

    async def count_open(self) -> int:
        """How many tips are open."""
        count = await self.session.scalar(
            select(func.count(Tip.id)).where(Tip.status.in_(OPEN_STATUSES))
        )
        return int(count or 0)

    async def not_notified(self, limit: int) -> list[TipRecord]:
        """Tips officers have not been told about yet, oldest first."""
        rows = await self.session.scalars(
            select(Tip).where(Tip.notified_at.is_(None)).order_by(Tip.id).limit(limit)
        )
        return [to_record(r) for r in rows]

    async def mark_notified(self, tip_ids: list[int], now: datetime) -> None:
        """Record that officers were told about these tips."""
        if tip_ids:
            await self.session.execute(
                update(Tip).where(Tip.id.in_(tip_ids)).values(notified_at=now)
            )

    async def scrub_names(self, tip_ids: Sequence[int], member_id: int | None) -> None:
        """Forget who filed named tips: by id (their relays) or by the member who filed them."""
        conditions: list[ColumnElement[bool]] = []
        if tip_ids:
            conditions.append(Tip.id.in_(list(tip_ids)))
        if member_id is not None:
            conditions.append(Tip.tipster_member_id == member_id)
        for condition in conditions:
            await self.session.execute(
                update(Tip)
                .where(condition)
                .values(tipster_name=None, tipster_member_id=None, anonymous=True)
            )
