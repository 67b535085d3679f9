"""Watch groups and their memberships."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, Membership, WatchGroup
from storage.records import GroupRecord, MemberRecord, MembershipRecord
from storage.repositories.members import to_record as member_record


def group_record(row: WatchGroup) -> GroupRecord:
    """Copy an ORM row into a plain record."""
    return GroupRecord(
        id=row.id,
        name=row.name,
        code=row.code,
        area=row.area,
        bylaws=row.bylaws,
        approval_required=row.approval_required,
        leader_member_id=row.leader_member_id,
        created_at=row.created_at,
        alternate_member_id=row.alternate_member_id,
        leader_term_ends_at=row.leader_term_ends_at,
    )


def membership_record(row: Membership) -> MembershipRecord:
    """Copy an ORM row into a plain record."""
    return MembershipRecord(
        row.id, row.member_id, row.group_id, row.status, row.requested_at, row.decided_at
    )


class GroupRepository:
    """Reads and writes `watch_groups` and `memberships`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self,
        *,
        name: str,
        code: str,
        area: str,
        bylaws: str | None,
        approval_required: bool,
        now: datetime,
    ) -> GroupRecord:
        """Create a group; the caller checks that name and code are free."""
        row = WatchGroup(
            name=name,
            code=code,
            area=area,
            bylaws=bylaws,
            approval_required=approval_required,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return group_record(row)

    async def get(self, group_id: int) -> GroupRecord | None:
        """The group with this id."""
        row = await self.session.get(WatchGroup, group_id)
        return group_record(row) if row else None

    async def by_code(self, code: str) -> GroupRecord | None:
        """The group with this join code (codes are stored upper-case)."""
        row = await self.session.scalar(select(WatchGroup).where(WatchGroup.code == code.upper()))
        return group_record(row) if row else None

    async def by_name(self, name: str) -> GroupRecord | None:
        """The group with this name, ignoring case."""
        row = await self.session.scalar(
            select(WatchGroup).where(func.lower(WatchGroup.name) == name.lower())
        )
        return group_record(row) if row else None

    async def led_by(self, member_id: int) -> GroupRecord | None:
        """The group this member leads, if any."""
        row = await self.session.scalar(
            select(WatchGroup).where(WatchGroup.leader_member_id == member_id)
        )
        return group_record(row) if row else None

    async def leader_telegram_ids(self) -> list[int]:
        """Telegram user ids of the groups' leaders."""
        rows = await self.session.scalars(
            select(Member.telegram_user_id)
            .join(WatchGroup, WatchGroup.leader_member_id == Member.id)
            .where(Member.telegram_user_id.is_not(None))
        )
        return [int(r) for r in rows if r is not None]

    async def all(self) -> list[GroupRecord]:
        """Every group, by name."""
        rows = await self.session.scalars(select(WatchGroup).order_by(WatchGroup.name))
        return [group_record(r) for r in rows]

    async def set_leader(self, group_id: int, member_id: int | None) -> None:
        """Make a member the group's leader, or leave it without one."""
        await self.session.execute(
            update(WatchGroup).where(WatchGroup.id == group_id).values(leader_member_id=member_id)
        )

    async def active_counts(self) -> dict[int, int]:
        """Active members per group id."""
        rows = await self.session.execute(
            select(Membership.group_id, func.count(Membership.id))
            .where(Membership.status == "active")
            .group_by(Membership.group_id)
        )
        return {group_id: int(count) for group_id, count in rows.all()}

    # Memberships

    async def membership(self, member_id: int, group_id: int) -> MembershipRecord | None:
        """The member's membership of the group, if any."""
        row = await self.session.scalar(
            select(Membership).where(
                Membership.member_id == member_id, Membership.group_id == group_id
            )
        )
        return membership_record(row) if row else None

    async def add_membership(
        self, member_id: int, group_id: int, status: str, now: datetime
    ) -> MembershipRecord:
        """Add the member to the group with a status (pending or active)."""
        row = Membership(
            member_id=member_id,
            group_id=group_id,
            status=status,
            requested_at=now,
            decided_at=now if status == "active" else None,
        )
        self.session.add(row)
        await self.session.flush()
        return membership_record(row)

    async def set_membership_status(self, membership_id: int, status: str, now: datetime) -> None:
        """Approve a pending membership."""
        await self.session.execute(
            update(Membership)
            .where(Membership.id == membership_id)
            .values(status=status, decided_at=now)
        )

    async def remove_membership(self, member_id: int, group_id: int) -> bool:
        """Take the member out of the group; False when they were not in it."""
        result = await self.session.execute(
            delete(Membership).where(
                Membership.member_id == member_id, Membership.group_id == group_id
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def groups_of(self, member_id: int) -> list[tuple[GroupRecord, MembershipRecord]]:
        """The member's groups with the membership, by group name."""
        rows = await self.session.execute(
            select(WatchGroup, Membership)
            .join(Membership, Membership.group_id == WatchGroup.id)
            .where(Membership.member_id == member_id)
            .order_by(WatchGroup.name)
        )
        return [(group_record(g), membership_record(m)) for g, m in rows.all()]

    async def members_of(
        self, group_id: int, status: str
    ) -> list[tuple[MemberRecord, MembershipRecord]]:
        """Members of the group with the given membership status, oldest request first."""
        rows = await self.session.execute(
            select(Member, Membership)
            .join(Membership, Membership.member_id == Member.id)
            .where(Membership.group_id == group_id, Membership.status == status)
            .order_by(Membership.requested_at, Membership.id)
        )
        return [(member_record(m), membership_record(ms)) for m, ms in rows.all()]

    async def membership_by_id(self, membership_id: int) -> MembershipRecord | None:
        """A membership by its id."""
        row = await self.session.get(Membership, membership_id)
        return membership_record(row) if row else None
