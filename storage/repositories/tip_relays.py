"""What links tipsters to their tips and limits their pace, and nothing more.

Relays map an opaque token to a channel and address; rate marks are HMACs of addresses with a
time and no tip id; the HMAC key is a per-install secret kept in `tip_secrets`.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, Notification
from storage.models_tips import TipPreference, TipRateMark, TipRelay, TipSecret
from storage.repositories.tips import upsert
from storage.tip_records import RelayRecord


def _record(row: TipRelay) -> RelayRecord:
    return RelayRecord(row.token, row.tip_id, row.channel, row.address)


class RelayRepository:
    """Reads and writes `tip_relays`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, token: str, tip_id: int, channel: str, address: str, now: datetime) -> None:
        """Link a tip to the chat or number that filed it."""
        self.session.add(
            TipRelay(token=token, tip_id=tip_id, channel=channel, address=address, created_at=now)
        )
        await self.session.flush()

    async def by_token(self, token: str) -> RelayRecord | None:
        """The relay with this token."""
        row = await self.session.get(TipRelay, token)
        return None if row is None else _record(row)

    async def for_tip(self, tip_id: int) -> RelayRecord | None:
        """The relay of a tip, if it still exists."""
        row = await self.session.scalar(select(TipRelay).where(TipRelay.tip_id == tip_id))
        return None if row is None else _record(row)

    async def for_address(self, channel: str, address: str) -> list[RelayRecord]:
        """Every relay of a chat or number, newest tip first."""
        rows = await self.session.scalars(
            select(TipRelay)
            .where(TipRelay.channel == channel, TipRelay.address == address)
            .order_by(TipRelay.tip_id.desc())
        )
        return [_record(r) for r in rows]

    async def delete_for_address(self, channel: str, address: str) -> list[int]:
        """Delete a chat's or number's relays; returns the tips they belonged to."""
        relays = await self.for_address(channel, address)
        if relays:
            await self.session.execute(
                delete(TipRelay).where(TipRelay.token.in_([r.token for r in relays]))
            )
        return [r.tip_id for r in relays]

    async def settled_with_addresses(self, kind: str, limit: int = 500) -> list[int]:
        """Notifications of a kind whose bare-address deliveries are settled but still hold
        the address (relays, whose addresses are scrubbed once they are no longer needed)."""
        rows = await self.session.scalars(
            select(Delivery.notification_id)
            .join(Notification, Notification.id == Delivery.notification_id)
            .where(
                Notification.kind == kind,
                Delivery.member_id.is_(None),
                Delivery.address.is_not(None),
                Delivery.status.not_in(("queued", "claimed", "sending")),
            )
            .distinct()
            .limit(limit)
        )
        return list(rows)


class RateRepository:
    """Rate-limit marks and the secret that keys their HMAC."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def secret(self, name: str) -> str:
        """A per-install secret, created on first use (safely when two callers race)."""
        value = await self.session.scalar(select(TipSecret.value).where(TipSecret.name == name))
        if value is not None:
            return value
        await self.session.execute(
            upsert(self.session, TipSecret)
            .values(name=name, value=secrets.token_hex(32))
            .on_conflict_do_nothing(index_elements=["name"])
        )
        return str(await self.session.scalar(select(TipSecret.value).where(TipSecret.name == name)))

    async def count_since(self, key: str, since: datetime) -> int:
        """Marks of a key since a time."""
        count = await self.session.scalar(
            select(func.count(TipRateMark.id)).where(TipRateMark.key == key, TipRateMark.at > since)
        )
        return int(count or 0)

    async def mark(self, key: str, now: datetime) -> None:
        """Count one tip for a key."""
        self.session.add(TipRateMark(key=key, at=now))
        await self.session.flush()

    async def prune(self, before: datetime) -> None:
        """Drop marks too old to matter."""
        await self.session.execute(delete(TipRateMark).where(TipRateMark.at <= before))


class PreferenceRepository:
    """Members' choice for tips texted from their number."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def sms_named(self, member_id: int) -> bool:
        """Whether the member wants tips from their number filed with their name."""
        row = await self.session.get(TipPreference, member_id)
        return bool(row and row.sms_named)

    async def set_sms_named(self, member_id: int, named: bool) -> None:
        """Choose anonymous or named tips by text."""
        row = await self.session.get(TipPreference, member_id)
        if row is None:
            self.session.add(TipPreference(member_id=member_id, sms_named=named))
        else:
            row.sms_named = named
        await self.session.flush()
