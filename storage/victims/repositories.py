"""Victim assistance: follow-ups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.delivery.models import Delivery, Notification
from storage.victims.models import VictimFollowup
from storage.victims.records import ACTIVE, OPEN_STATUSES, FollowupRecord

REMOVED = "(removed: the person asked to be forgotten)"
# Columns a caller may change through `change`.
EDITABLE = frozenset(
    {
        "status",
        "channel",
        "address",
        "member_id",
        "invite_token",
        "consented_at",
        "closed_at",
        "checkins_sent",
        "callback_key",
    }
)


def to_record(row: VictimFollowup) -> FollowupRecord:
    """Copy an ORM row into a plain record."""
    return FollowupRecord(
        id=row.id,
        case_number=row.case_number,
        crime_type=row.crime_type,
        channel=row.channel,
        address=row.address,
        member_id=row.member_id,
        invite_token=row.invite_token,
        status=row.status,
        officer_telegram_id=row.officer_telegram_id,
        officer_label=row.officer_label,
        checkins_sent=row.checkins_sent,
        callback_key=row.callback_key,
        created_at=row.created_at,
        updated_at=row.updated_at,
        consented_at=row.consented_at,
        closed_at=row.closed_at,
    )


class FollowupRepository:
    """Reads and writes `victim_followups`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, *, now: datetime, **values: Any) -> FollowupRecord:
        """Write a follow-up."""
        row = VictimFollowup(created_at=now, updated_at=now, checkins_sent=0, **values)
        self.session.add(row)
        await self.session.flush()
        return to_record(row)

    async def get(self, followup_id: int) -> FollowupRecord | None:
        """A follow-up by id."""
        row = await self.session.get(VictimFollowup, followup_id)
        return None if row is None else to_record(row)

    async def by_invite(self, token: str) -> FollowupRecord | None:
        """The follow-up an invite link opens."""
        row = await self.session.scalar(
            select(VictimFollowup).where(VictimFollowup.invite_token == token)
        )
        return None if row is None else to_record(row)

    async def change(
        self, followup_id: int, expected: tuple[str, ...], now: datetime, **values: Any
    ) -> FollowupRecord | None:
        """Change a follow-up still in one of the `expected` statuses, in one conditional
        statement (two presses at once change it once); None when it was not."""
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        result = await self.session.execute(
            update(VictimFollowup)
            .where(VictimFollowup.id == followup_id, VictimFollowup.status.in_(expected))
            .values(updated_at=now, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = await self.session.get(VictimFollowup, followup_id)
        if row is None:
            return None
        await self.session.refresh(row)
        return to_record(row)

    async def open_followups(self, limit: int | None, offset: int = 0) -> list[FollowupRecord]:
        """Follow-ups still open, oldest first (all of them when `limit` is None)."""
        rows = await self.session.scalars(
            select(VictimFollowup)
            .where(VictimFollowup.status.in_(OPEN_STATUSES))
            .order_by(VictimFollowup.created_at, VictimFollowup.id)
            .limit(limit)
            .offset(offset)
        )
        return [to_record(r) for r in rows]

    async def touch(self, followup_id: int, now: datetime) -> None:
        """An officer or the person acted on it (a reply, an answer) without changing it."""
        await self.session.execute(
            update(VictimFollowup)
            .where(VictimFollowup.id == followup_id)
            .values(updated_at=now)
            .execution_options(synchronize_session=False)
        )

    async def count_checkin(self, followup_id: int) -> None:
        """A check-in went out: counted, but it is the schedule's doing, not anyone's touch,
        so `updated_at` stays."""
        await self.session.execute(
            update(VictimFollowup)
            .where(VictimFollowup.id == followup_id, VictimFollowup.status == ACTIVE)
            .values(checkins_sent=VictimFollowup.checkins_sent + 1)
            .execution_options(synchronize_session=False)
        )

    async def count_open(self) -> int:
        """How many follow-ups are open."""
        count = await self.session.scalar(
            select(func.count(VictimFollowup.id)).where(VictimFollowup.status.in_(OPEN_STATUSES))
        )
        return int(count or 0)

    async def for_person(
        self, channel: str, address: str, statuses: tuple[str, ...]
    ) -> list[FollowupRecord]:
        """A chat's or number's follow-ups in these statuses, newest first."""
        rows = await self.session.scalars(
            select(VictimFollowup)
            .where(
                VictimFollowup.channel == channel,
                VictimFollowup.address == address,
                VictimFollowup.status.in_(statuses),
            )
            .order_by(VictimFollowup.id.desc())
        )
        return [to_record(r) for r in rows]

    def _person(
        self, addresses: list[tuple[str, str]], member_id: int | None
    ) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [
            (VictimFollowup.channel == channel) & (VictimFollowup.address == address)
            for channel, address in addresses
        ]
        if member_id is not None:
            conditions.append(VictimFollowup.member_id == member_id)
        return conditions

    async def of_person(
        self, addresses: list[tuple[str, str]], member_id: int | None = None
    ) -> list[FollowupRecord]:
        """Every follow-up of these (channel, address) pairs or this member."""
        conditions = self._person(addresses, member_id)
        if not conditions:
            return []
        rows = await self.session.scalars(
            select(VictimFollowup).where(or_(*conditions)).order_by(VictimFollowup.id)
        )
        return [to_record(r) for r in rows]

    async def delete_many(self, followup_ids: list[int]) -> int:
        """Delete these follow-ups; returns how many went."""
        if not followup_ids:
            return 0
        result = await self.session.execute(
            delete(VictimFollowup).where(VictimFollowup.id.in_(followup_ids))
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def ask_callback(
        self, followup_id: int, key: str, statuses: tuple[str, ...], now: datetime
    ) -> bool:
        """Record a "call me back" asked from message `key`; False when it was already asked
        from that message (pressed twice) or the follow-up is not in these statuses."""
        result = await self.session.execute(
            update(VictimFollowup)
            .where(
                VictimFollowup.id == followup_id,
                VictimFollowup.status.in_(statuses),
                or_(VictimFollowup.callback_key.is_(None), VictimFollowup.callback_key != key),
            )
            .values(callback_key=key, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def scrub_messages(self, followup_ids: list[int], now: datetime) -> None:
        """/forget: the follow-ups' messages (to the person and to the officer) lose their
        words and bare addresses; those not sent yet are skipped (one in flight keeps its
        address until it settles: the worker needs it to finish)."""
        if not followup_ids:
            return
        subjects = [f"victim:{i}" for i in followup_ids]
        ids = select(Notification.id).where(Notification.subject.in_(subjects))
        await self.session.execute(
            update(Delivery)
            .where(Delivery.notification_id.in_(ids), Delivery.status == "queued")
            .values(status="skipped", reason="recipient forgotten", updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(Delivery)
            .where(
                Delivery.notification_id.in_(ids),
                Delivery.member_id.is_(None),
                Delivery.status.not_in(("claimed", "sending")),
            )
            .values(address=None)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(Notification)
            .where(Notification.subject.in_(subjects))
            .values(body_html=REMOVED, body_text=REMOVED, buttons=None)
            .execution_options(synchronize_session=False)
        )
