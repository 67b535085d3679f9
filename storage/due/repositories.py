"""What is due: pending rows settled once each, and the record of daily and weekly lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.due.models import CalendarDue
from storage.due.records import DueRecord

PENDING = "pending"


def due_record(row: CalendarDue) -> DueRecord:
    """Copy an ORM row into a plain record."""
    return DueRecord(
        row.id, row.kind, row.subject_id, row.key, row.due_at, row.status, row.attempts
    )


def _pending(
    kind: str, subject_id: int, key: str, due_at: datetime, now: datetime
) -> dict[str, Any]:
    return {
        "kind": kind,
        "subject_id": subject_id,
        "key": key,
        "due_at": due_at,
        "status": PENDING,
        "attempts": 0,
        "created_at": now,
    }


class DueRepository:
    """Reads and writes `calendar_due`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, kind: str, subject_id: int, key: str) -> DueRecord | None:
        """The row for (kind, subject, key), if any."""
        row = await self.session.scalar(
            select(CalendarDue).where(
                CalendarDue.kind == kind,
                CalendarDue.subject_id == subject_id,
                CalendarDue.key == key,
            )
        )
        return due_record(row) if row else None

    async def schedule(
        self, kind: str, subject_id: int, key: str, due_at: datetime, now: datetime
    ) -> bool:
        """Add a pending item; False when (kind, subject, key) already exists."""
        result = await self.session.execute(
            self._insert_pending(), _pending(kind, subject_id, key, due_at, now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def schedule_many(
        self, items: Sequence[tuple[str, int, str, datetime]], now: datetime
    ) -> None:
        """Add pending items (kind, subject, key, due time), skipping those that already
        exist, in one executemany."""
        if items:
            await self.session.execute(
                self._insert_pending(), [_pending(*item, now) for item in items]
            )

    def _insert_pending(self) -> Any:
        # INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL both have it), on the
        # table rather than the ORM class: a busy minute schedules thousands of these, and
        # one compiled statement runs them all.
        dialect = self.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        return insert(cast(Table, CalendarDue.__table__)).on_conflict_do_nothing(
            index_elements=["kind", "subject_id", "key"]
        )

    async def record(
        self, kind: str, key: str, due_at: datetime, status: str, now: datetime
    ) -> bool:
        """Record a list that ran (or was missed) for a period; False when it already was.

        The unique (kind, subject, key) constraint makes a second writer's transaction fail,
        so a list is never sent twice even by two processes.
        """
        if await self.get(kind, 0, key) is not None:
            return False
        self.session.add(
            CalendarDue(
                kind=kind,
                subject_id=0,
                key=key,
                due_at=due_at,
                status=status,
                attempts=1,
                created_at=now,
                settled_at=now,
            )
        )
        await self.session.flush()
        return True

    async def due(
        self,
        now: datetime,
        limit: int,
        after: tuple[datetime, int] | None = None,
        early: Mapping[str, datetime] | None = None,
    ) -> list[DueRecord]:
        """Pending items whose time has come, oldest first; only those after `after` (a
        (due_at, id) already read) when given. `early` takes some kinds up to a later time
        (kinds settled ahead of their time)."""
        early = early or {}
        when = CalendarDue.due_at <= now
        for kind, until in early.items():
            when = or_(when, and_(CalendarDue.kind == kind, CalendarDue.due_at <= until))
        # The bound alone keeps the read within the (status, due_at) index's range.
        bound = max([now, *early.values()])
        query = select(CalendarDue).where(
            CalendarDue.status == PENDING, CalendarDue.due_at <= bound, when
        )
        if after is not None:
            due_at, item_id = after
            query = query.where(
                or_(
                    CalendarDue.due_at > due_at,
                    and_(CalendarDue.due_at == due_at, CalendarDue.id > item_id),
                )
            )
        rows = await self.session.scalars(
            query.order_by(CalendarDue.due_at, CalendarDue.id).limit(limit)
        )
        return [due_record(r) for r in rows]

    async def take(self, item_id: int, status: str, now: datetime) -> bool:
        """Settle a pending item; False when another run settled it first (nothing to do)."""
        result = await self.session.execute(
            update(CalendarDue)
            .where(CalendarDue.id == item_id, CalendarDue.status == PENDING)
            .values(status=status, settled_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def take_many(self, item_ids: Sequence[int], status: str, now: datetime) -> set[int]:
        """Settle these items if still pending (one statement); returns the ids this call
        settled (the others were settled by another run)."""
        if not item_ids:
            return set()
        result = await self.session.execute(
            update(CalendarDue)
            .where(CalendarDue.id.in_(list(item_ids)), CalendarDue.status == PENDING)
            .values(status=status, settled_at=now)
            .returning(CalendarDue.id)
            .execution_options(synchronize_session=False)
        )
        return {int(i) for i in result.scalars()}

    async def set_status(self, item_id: int, status: str) -> None:
        """Change a settled item's outcome (done -> missed or cancelled)."""
        await self.session.execute(
            update(CalendarDue).where(CalendarDue.id == item_id).values(status=status)
        )

    async def failed(self, item_id: int, max_attempts: int, now: datetime) -> int:
        """Count a failed attempt; after `max_attempts` the item is given up. Returns attempts."""
        row = await self.session.get(CalendarDue, item_id)
        if row is None:
            return 0
        row.attempts += 1
        if row.attempts >= max_attempts and row.status == PENDING:
            row.status, row.settled_at = "failed", now
        await self.session.flush()
        return row.attempts

    async def cancel(self, kinds: Iterable[str], subject_id: int, now: datetime) -> int:
        """Cancel the pending items of these kinds for a subject; returns how many."""
        result = await self.session.execute(
            update(CalendarDue)
            .where(
                CalendarDue.kind.in_(list(kinds)),
                CalendarDue.subject_id == subject_id,
                CalendarDue.status == PENDING,
            )
            .values(status="cancelled", settled_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def delete(self, kinds: Iterable[str], subject_ids: Sequence[int]) -> int:
        """Delete every item of these kinds for these subjects, whatever its status (subjects
        that never began and are deleted, whose ids a new row may take again); returns how
        many."""
        if not subject_ids:
            return 0
        result = await self.session.execute(
            delete(CalendarDue).where(
                CalendarDue.kind.in_(list(kinds)), CalendarDue.subject_id.in_(list(subject_ids))
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def count(self, status: str | None = None) -> int:
        """How many rows (of a status)."""
        from sqlalchemy import func

        query = select(func.count(CalendarDue.id))
        if status is not None:
            query = query.where(CalendarDue.status == status)
        return int(await self.session.scalar(query) or 0)
