"""Tips: tips, photos, timeline and references; the anonymous relay, rate marks, preferences."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.delivery.models import Delivery, Notification
from storage.tips.models import (
    Tip,
    TipCounter,
    TipEvent,
    TipMessage,
    TipPhoto,
    TipPreference,
    TipRateMark,
    TipRelay,
    TipSecret,
)
from storage.tips.records import OPEN_STATUSES, RelayRecord, TipEventRecord, TipRecord

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
    ) -> int:
        """Add a line to a tip's timeline; returns its id."""
        row = TipEvent(tip_id=tip_id, at=now, kind=kind, author=author[:100], body=body)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def event(self, event_id: int) -> TipEventRecord | None:
        """One line of a timeline."""
        r = await self.session.get(TipEvent, event_id)
        return None if r is None else TipEventRecord(r.id, r.tip_id, r.at, r.kind, r.author, r.body)

    async def delete_event(self, event_id: int) -> None:
        """Take a line out of a timeline (a tipster's answer taken back before it went out)."""
        await self.session.execute(delete(TipEvent).where(TipEvent.id == event_id))

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

    async def remember_messages(
        self, chat_id: int, message_ids: Sequence[int], tip_id: int, now: datetime
    ) -> None:
        """The messages of a tip card shown in a chat: a reply to any of them is about it."""
        for message_id in message_ids:
            await self.session.merge(
                TipMessage(chat_id=chat_id, message_id=message_id, tip_id=tip_id, created_at=now)
            )

    async def tip_for_message(self, chat_id: int, message_id: int) -> int | None:
        """The tip a card message in this chat is about."""
        return await self.session.scalar(
            select(TipMessage.tip_id).where(
                TipMessage.chat_id == chat_id, TipMessage.message_id == message_id
            )
        )

    async def scrub_names(self, tip_ids: Sequence[int], member_id: int | None) -> None:
        """Forget who filed named tips: by id (their relays) or by the member who filed them."""
        conditions: list[ColumnElement[bool]] = []
        if tip_ids:
            conditions.append(Tip.id.in_(list(tip_ids)))
        if member_id is not None:
            conditions.append(Tip.tipster_member_id == member_id)
        for condition in conditions:
            named = (
                await self.session.execute(select(Tip.id, Tip.tipster_name).where(condition))
            ).all()
            for tip_id, name in named:
                if not name:
                    continue
                # The timeline said who filed and who answered: "the tipster" says it now.
                await self.session.execute(
                    update(TipEvent)
                    .where(TipEvent.tip_id == tip_id)
                    .values(
                        author=case(
                            (TipEvent.author == name, "the tipster"), else_=TipEvent.author
                        ),
                        body=func.replace(TipEvent.body, name, "the tipster"),
                    )
                )
            await self.session.execute(
                update(Tip)
                .where(condition)
                .values(tipster_name=None, tipster_member_id=None, anonymous=True)
            )


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

    async def oldest_since(self, key: str, since: datetime) -> datetime | None:
        """When the oldest of an address's marks in the window was made."""
        return await self.session.scalar(
            select(TipRateMark.at)
            .where(TipRateMark.key == key, TipRateMark.at > since)
            .order_by(TipRateMark.at)
            .limit(1)
        )

    async def times_since(self, key: str, since: datetime) -> list[datetime]:
        """When an address's marks since a time were made, oldest first."""
        rows = await self.session.scalars(
            select(TipRateMark.at)
            .where(TipRateMark.key == key, TipRateMark.at > since)
            .order_by(TipRateMark.at)
        )
        return list(rows)

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
