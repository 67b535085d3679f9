"""Members: residents who consented to registration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member
from storage.records import MemberRecord

DEFAULT_CATEGORIES = ("scam", "burglary", "vehicle", "fraud", "personal_safety", "meetings", "news")

# Columns a caller may change through `update`.
EDITABLE = frozenset(
    {
        "telegram_chat_id",
        "display_name",
        "phone_e164",
        "address",
        "latitude",
        "longitude",
        "language",
        "registered_at",
        "messages_paused",
        "telegram_reachable",
        "channels",
        "sms_fallback",
        "sms_status",
        "quiet_start",
        "quiet_end",
        "categories",
    }
)


def to_record(row: Member) -> MemberRecord:
    """Copy an ORM row into a plain record."""
    return MemberRecord(
        id=row.id,
        telegram_user_id=row.telegram_user_id,
        telegram_chat_id=row.telegram_chat_id,
        display_name=row.display_name,
        phone_e164=row.phone_e164,
        address=row.address,
        latitude=row.latitude,
        longitude=row.longitude,
        language=row.language,
        consented_at=row.consented_at,
        registered_at=row.registered_at,
        messages_paused=row.messages_paused,
        telegram_reachable=row.telegram_reachable,
        channels=row.channels,
        sms_fallback=row.sms_fallback,
        sms_status=row.sms_status,
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        categories=row.categories,
    )


class MemberRepository:
    """Reads and writes `members`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_phone(self, phone_e164: str) -> list[MemberRecord]:
        """Members with this phone number (a household may share one), oldest first."""
        rows = await self.session.scalars(
            select(Member).where(Member.phone_e164 == phone_e164).order_by(Member.id)
        )
        return [to_record(r) for r in rows]

    async def set_sms_status_by_phone(self, phone_e164: str, status: str, now: datetime) -> int:
        """Mirror what the carrier or Twilio told us about a number; returns members changed."""
        result = await self.session.execute(
            update(Member)
            .where(Member.phone_e164 == phone_e164)
            .values(sms_status=status, updated_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def by_telegram_user(self, telegram_user_id: int) -> MemberRecord | None:
        """The member with this Telegram user id, if any."""
        row = await self.session.scalar(
            select(Member).where(Member.telegram_user_id == telegram_user_id)
        )
        return to_record(row) if row else None

    async def get(self, member_id: int) -> MemberRecord | None:
        """The member with this id, if any."""
        row = await self.session.get(Member, member_id)
        return to_record(row) if row else None

    async def many(self, member_ids: list[int]) -> dict[int, MemberRecord]:
        """Members by id."""
        if not member_ids:
            return {}
        rows = await self.session.scalars(select(Member).where(Member.id.in_(member_ids)))
        return {row.id: to_record(row) for row in rows}

    async def create(
        self, *, telegram_user_id: int, telegram_chat_id: int, now: datetime
    ) -> MemberRecord:
        """Create a member at the moment of consent, with nothing personal yet."""
        row = Member(
            telegram_user_id=telegram_user_id,
            telegram_chat_id=telegram_chat_id,
            consented_at=now,
            created_at=now,
            updated_at=now,
            language="en",
            messages_paused=False,
            telegram_reachable=True,
            channels="telegram",
            sms_fallback=True,
            sms_status="ok",
            quiet_start=22 * 60,
            quiet_end=7 * 60,
            categories=",".join(DEFAULT_CATEGORIES),
        )
        self.session.add(row)
        await self.session.flush()
        return to_record(row)

    async def update(self, member_id: int, now: datetime, **values: Any) -> MemberRecord:
        """Change some editable columns and return the member as it now is."""
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        await self.session.execute(
            update(Member).where(Member.id == member_id).values(updated_at=now, **values)
        )
        row = await self.session.get(Member, member_id, populate_existing=True)
        if row is None:
            raise LookupError(member_id)
        return to_record(row)

    async def delete(self, member_id: int) -> None:
        """Delete the member (memberships go with it; deliveries keep no link)."""
        await self.session.execute(delete(Member).where(Member.id == member_id))

    async def count(self) -> int:
        """How many members exist."""
        from sqlalchemy import func

        return int(await self.session.scalar(select(func.count(Member.id))) or 0)
