"""Officers: Telegram users with the officer role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Officer
from storage.records import OfficerRecord


class OfficerRepository:
    """Reads and writes `officers`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def is_officer(self, telegram_user_id: int) -> bool:
        """Whether this Telegram user holds the officer role."""
        return await self.session.get(Officer, telegram_user_id) is not None

    async def add(self, telegram_user_id: int, added_by: str, now: datetime) -> bool:
        """Grant the role; False when the user already had it."""
        if await self.session.get(Officer, telegram_user_id) is not None:
            return False
        self.session.add(
            Officer(telegram_user_id=telegram_user_id, added_at=now, added_by=added_by)
        )
        await self.session.flush()
        return True

    async def remove(self, telegram_user_id: int) -> bool:
        """Take the role away; False when the user did not have it."""
        result = await self.session.execute(
            delete(Officer).where(Officer.telegram_user_id == telegram_user_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def all(self) -> list[OfficerRecord]:
        """Every officer, oldest first."""
        rows = await self.session.scalars(select(Officer).order_by(Officer.added_at))
        return [OfficerRecord(r.telegram_user_id, r.added_at, r.added_by) for r in rows]
