"""Members, watch groups and officers: the repositories of who is who."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.members.models import Member, Membership, Officer, PhoneCode, WatchGroup
from storage.members.records import (
    GroupRecord,
    MemberRecord,
    MembershipRecord,
    OfficerRecord,
    PhoneCodeRecord,
)

DEFAULT_CATEGORIES = ("scam", "burglary", "vehicle", "fraud", "personal_safety", "meetings", "news")


# Columns a caller may change through `update`.
EDITABLE = frozenset(
    {
        "telegram_chat_id",
        "display_name",
        "phone_e164",
        "phone_verified_at",
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
        phone_verified_at=row.phone_verified_at,
    )


class MemberRepository:
    """Reads and writes `members`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_phone(self, phone_e164: str, *, verified: bool = False) -> list[MemberRecord]:
        """Members with this phone number (a household may share one), oldest first; only
        those who proved they hold it when `verified`."""
        query = select(Member).where(Member.phone_e164 == phone_e164)
        if verified:
            query = query.where(Member.phone_verified_at.is_not(None))
        rows = await self.session.scalars(query.order_by(Member.id))
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

    async def registered(
        self, *, group_ids: list[int] | None = None, category: str | None = None
    ) -> list[MemberRecord]:
        """Registered members, by id: all, or the active members of these groups; only those
        who follow `category` when one is given."""
        query = select(Member).where(Member.registered_at.is_not(None))
        if group_ids is not None:
            query = query.where(
                Member.id.in_(
                    select(Membership.member_id).where(
                        Membership.group_id.in_(group_ids), Membership.status == "active"
                    )
                )
            )
        members = [to_record(row) for row in await self.session.scalars(query.order_by(Member.id))]
        if category:
            members = [m for m in members if category in m.category_set]
        return members

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
        return int(await self.session.scalar(select(func.count(Member.id))) or 0)


def phone_code_record(row: PhoneCode) -> PhoneCodeRecord:
    """Copy an ORM row into a plain record."""
    return PhoneCodeRecord(
        id=row.id,
        member_id=row.member_id,
        phone_e164=row.phone_e164,
        code_hash=row.code_hash,
        attempts=row.attempts,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


class PhoneCodeRepository:
    """Reads and writes `phone_codes`: the codes texted to typed phone numbers."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        member_id: int,
        phone_e164: str,
        phone_key: str,
        code_hash: str,
        now: datetime,
        expires: datetime,
    ) -> PhoneCodeRecord:
        """Store a new code for a member."""
        row = PhoneCode(
            member_id=member_id,
            phone_e164=phone_e164,
            phone_key=phone_key,
            code_hash=code_hash,
            attempts=0,
            created_at=now,
            expires_at=expires,
        )
        self.session.add(row)
        await self.session.flush()
        return phone_code_record(row)

    async def latest(self, member_id: int) -> PhoneCodeRecord | None:
        """The member's newest code (the only one that counts)."""
        row = await self.session.scalar(
            select(PhoneCode)
            .where(PhoneCode.member_id == member_id)
            .order_by(PhoneCode.id.desc())
            .limit(1)
        )
        return phone_code_record(row) if row else None

    async def count_since(
        self, since: datetime, *, member_id: int | None = None, phone_key: str | None = None
    ) -> int:
        """How many codes went to a member, or to a number (by its key), since a moment."""
        query = select(func.count(PhoneCode.id)).where(PhoneCode.created_at >= since)
        if member_id is not None:
            query = query.where(PhoneCode.member_id == member_id)
        if phone_key is not None:
            query = query.where(PhoneCode.phone_key == phone_key)
        return int(await self.session.scalar(query) or 0)

    async def add_guess(self, code_id: int, max_guesses: int) -> bool:
        """Count a wrong guess; False when the code had no guesses left (concurrent guesses
        each count, and none goes past the limit)."""
        result = await self.session.execute(
            update(PhoneCode)
            .where(PhoneCode.id == code_id, PhoneCode.attempts < max_guesses)
            .values(attempts=PhoneCode.attempts + 1)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def phones_of(self, member_id: int) -> list[str]:
        """The numbers codes were sent to for a member."""
        rows = await self.session.scalars(
            select(PhoneCode.phone_e164).where(PhoneCode.member_id == member_id).distinct()
        )
        return [phone for phone in rows if phone]

    async def use(self, code_id: int, member_id: int, now: datetime) -> bool:
        """Take a right code: it and the member's other codes stop working (the rows stay for
        the day's counts); False when a concurrent call already took it."""
        result = await self.session.execute(
            update(PhoneCode)
            .where(PhoneCode.id == code_id, PhoneCode.expires_at > now)
            .values(expires_at=now)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        await self.session.execute(
            update(PhoneCode).where(PhoneCode.member_id == member_id).values(expires_at=now)
        )
        return True

    async def detach(self, member_id: int) -> None:
        """/forget: the member's codes keep only the number's keyed hash and their time."""
        await self.session.execute(
            update(PhoneCode)
            .where(PhoneCode.member_id == member_id)
            .values(member_id=None, phone_e164=None, code_hash="")
        )

    async def purge(self, before: datetime) -> None:
        """Drop codes created before a moment (kept a day for the sending limits)."""
        await self.session.execute(delete(PhoneCode).where(PhoneCode.created_at < before))


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
        kind=row.kind,
        sector=row.sector,
        invite_code=row.invite_code,
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
        kind: str = "watch",
        sector: str | None = None,
        invite_code: str | None = None,
    ) -> GroupRecord:
        """Create a group; the caller checks that name and codes are free."""
        row = WatchGroup(
            name=name,
            code=code,
            area=area,
            bylaws=bylaws,
            approval_required=approval_required,
            created_at=now,
            kind=kind,
            sector=sector,
            invite_code=invite_code,
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

    async def by_invite(self, invite_code: str) -> GroupRecord | None:
        """The partner group with this invitation code (stored upper-case)."""
        row = await self.session.scalar(
            select(WatchGroup).where(WatchGroup.invite_code == invite_code.upper())
        )
        return group_record(row) if row else None

    async def code_taken(self, code: str) -> bool:
        """Whether a code is in use, as a group's code or as an invitation code."""
        found = await self.session.scalar(
            select(func.count())
            .select_from(WatchGroup)
            .where((WatchGroup.code == code.upper()) | (WatchGroup.invite_code == code.upper()))
        )
        return bool(found)

    async def set_invite(self, group_id: int, invite_code: str) -> GroupRecord | None:
        """Replace a partner group's invitation code (the old one stops working)."""
        row = await self.session.get(WatchGroup, group_id)
        if row is None:
            return None
        row.invite_code = invite_code
        await self.session.flush()
        return group_record(row)

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

    async def replace_leader(
        self, group_id: int, expected: int | None, member_id: int | None
    ) -> bool:
        """Make `member_id` the leader (or none) only while `expected` still leads (one
        conditional update, so two appointments at once take effect once); False otherwise."""
        held = (
            WatchGroup.leader_member_id.is_(None)
            if expected is None
            else WatchGroup.leader_member_id == expected
        )
        result = await self.session.execute(
            update(WatchGroup)
            .where(WatchGroup.id == group_id, held)
            .values(leader_member_id=member_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def active_counts(self) -> dict[int, int]:
        """Active members per group id."""
        rows = await self.session.execute(
            select(Membership.group_id, func.count(Membership.id))
            .where(Membership.status == "active")
            .group_by(Membership.group_id)
        )
        return {group_id: int(count) for group_id, count in rows.all()}

    async def pending_counts(self) -> dict[int, int]:
        """Requests waiting for a decision, per group id."""
        rows = await self.session.execute(
            select(Membership.group_id, func.count(Membership.id))
            .where(Membership.status == "pending")
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

    async def take_pending(self, membership_id: int, status: str | None, now: datetime) -> bool:
        """Decide a pending request once: to `status`, or deleted (None); False when it was
        no longer pending (decided by a concurrent press)."""
        pending = (Membership.id == membership_id) & (Membership.status == "pending")
        if status is None:
            result = await self.session.execute(delete(Membership).where(pending))
        else:
            result = await self.session.execute(
                update(Membership).where(pending).values(status=status, decided_at=now)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

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
        return [(to_record(m), membership_record(ms)) for m, ms in rows.all()]

    async def membership_by_id(self, membership_id: int) -> MembershipRecord | None:
        """A membership by its id."""
        row = await self.session.get(Membership, membership_id)
        return membership_record(row) if row else None


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

    async def get(self, telegram_user_id: int) -> OfficerRecord | None:
        """The officer with this Telegram id, or None."""
        row = await self.session.get(Officer, telegram_user_id)
        return _officer_record(row) if row is not None else None

    async def set_name(self, telegram_user_id: int, name: str | None) -> bool:
        """Set (or with None, clear) the name shown for an officer; False when not an officer."""
        result = await self.session.execute(
            update(Officer)
            .where(Officer.telegram_user_id == telegram_user_id)
            .values(display_name=name)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def take_name_question(self, telegram_user_id: int, now: datetime) -> bool:
        """Mark that the officer has been asked for their name; True only for the first taker
        (one conditional update, so two commands at once ask once)."""
        result = await self.session.execute(
            update(Officer)
            .where(
                Officer.telegram_user_id == telegram_user_id,
                Officer.display_name.is_(None),
                Officer.name_asked_at.is_(None),
            )
            .values(name_asked_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def all(self) -> list[OfficerRecord]:
        """Every officer, oldest first."""
        rows = await self.session.scalars(select(Officer).order_by(Officer.added_at))
        return [_officer_record(r) for r in rows]


def _officer_record(row: Officer) -> OfficerRecord:
    return OfficerRecord(row.telegram_user_id, row.added_at, row.added_by, row.display_name)
