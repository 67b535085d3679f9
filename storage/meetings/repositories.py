"""Meetings and their invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.meetings.models import Meeting, MeetingInvitation
from storage.meetings.records import InvitationRecord, MeetingRecord
from storage.members.models import Member
from storage.members.records import MemberRecord
from storage.members.repositories import to_record as member_record


def meeting_record(row: Meeting) -> MeetingRecord:
    """Copy an ORM row into a plain record."""
    return MeetingRecord(
        id=row.id,
        group_id=row.group_id,
        title=row.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        place=row.place,
        agenda=row.agenda,
        status=row.status,
        sequence=row.sequence,
        created_by_member_id=row.created_by_member_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        public=bool(row.public),
    )


def invitation_record(row: MeetingInvitation) -> InvitationRecord:
    """Copy an ORM row into a plain record."""
    return InvitationRecord(
        row.id,
        row.meeting_id,
        row.member_id,
        row.invited,
        row.answer,
        row.answered_at,
        row.telegram_chat,
    )


class MeetingRepository:
    """Reads and writes `meetings` and `meeting_invitations`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, **values: Any) -> MeetingRecord:
        """Add a meeting."""
        values.setdefault("public", False)
        row = Meeting(status="scheduled", sequence=0, **values)
        self.session.add(row)
        await self.session.flush()
        return meeting_record(row)

    async def get(self, meeting_id: int) -> MeetingRecord | None:
        """A meeting by id."""
        row = await self.session.get(Meeting, meeting_id, populate_existing=True)
        return meeting_record(row) if row else None

    async def update(self, meeting_id: int, now: datetime, **values: Any) -> MeetingRecord:
        """Change a meeting; every change counts in `sequence` (the .ics SEQUENCE)."""
        await self.session.execute(
            update(Meeting)
            .where(Meeting.id == meeting_id)
            .values(sequence=Meeting.sequence + 1, updated_at=now, **values)
        )
        record = await self.get(meeting_id)
        assert record is not None
        return record

    async def upcoming(
        self,
        now: datetime,
        *,
        group_ids: list[int] | None = None,
        until: datetime | None = None,
        public: bool | None = None,
    ) -> list[MeetingRecord]:
        """Scheduled meetings that have not ended, soonest first (of some groups; public ones
        or not)."""
        query = select(Meeting).where(Meeting.status == "scheduled", Meeting.ends_at > now)
        if public is not None:
            query = query.where(Meeting.public.is_(public))
        if group_ids is not None:
            if not group_ids:
                return []
            query = query.where(Meeting.group_id.in_(group_ids))
        if until is not None:
            query = query.where(Meeting.starts_at <= until)
        rows = await self.session.scalars(query.order_by(Meeting.starts_at, Meeting.id))
        return [meeting_record(r) for r in rows]

    # Invitations

    async def invite(self, meeting_id: int, member_ids: list[int]) -> None:
        """Invite members (those already listed keep their row)."""
        existing = set(
            await self.session.scalars(
                select(MeetingInvitation.member_id).where(
                    MeetingInvitation.meeting_id == meeting_id
                )
            )
        )
        for member_id in dict.fromkeys(member_ids):
            if member_id not in existing:
                self.session.add(
                    MeetingInvitation(meeting_id=meeting_id, member_id=member_id, invited=True)
                )
        await self.session.flush()

    async def answer(
        self, meeting_id: int, member_id: int, answer: str, now: datetime
    ) -> str | None:
        """Record an answer; returns the previous one."""
        row = await self.session.scalar(
            select(MeetingInvitation).where(
                MeetingInvitation.meeting_id == meeting_id, MeetingInvitation.member_id == member_id
            )
        )
        if row is None:
            self.session.add(
                MeetingInvitation(
                    meeting_id=meeting_id,
                    member_id=member_id,
                    invited=False,
                    answer=answer,
                    answered_at=now,
                )
            )
            await self.session.flush()
            return None
        previous = row.answer
        row.answer, row.answered_at = answer, now
        await self.session.flush()
        return previous

    async def answer_by_chat(
        self, meeting_id: int, telegram_chat: str, answer: str, now: datetime
    ) -> str | None:
        """Record the answer of someone who never registered (a public event), by their
        private chat; returns the previous one."""
        row = await self.session.scalar(
            select(MeetingInvitation).where(
                MeetingInvitation.meeting_id == meeting_id,
                MeetingInvitation.telegram_chat == telegram_chat,
            )
        )
        if row is None:
            self.session.add(
                MeetingInvitation(
                    meeting_id=meeting_id,
                    telegram_chat=telegram_chat,
                    invited=False,
                    answer=answer,
                    answered_at=now,
                )
            )
            await self.session.flush()
            return None
        previous = row.answer
        row.answer, row.answered_at = answer, now
        await self.session.flush()
        return previous

    async def chat_answers(self, meeting_id: int) -> dict[str, str | None]:
        """The answers of those who never registered, by private chat."""
        rows = await self.session.execute(
            select(MeetingInvitation.telegram_chat, MeetingInvitation.answer).where(
                MeetingInvitation.meeting_id == meeting_id,
                MeetingInvitation.telegram_chat.is_not(None),
            )
        )
        return {str(chat): answer for chat, answer in rows.all()}

    async def chat_answers_of(self, telegram_chat: str, meeting_ids: list[int]) -> dict[int, str]:
        """A chat's answers to these meetings."""
        if not meeting_ids:
            return {}
        rows = await self.session.execute(
            select(MeetingInvitation.meeting_id, MeetingInvitation.answer).where(
                MeetingInvitation.telegram_chat == telegram_chat,
                MeetingInvitation.meeting_id.in_(meeting_ids),
            )
        )
        return {int(m): str(a) for m, a in rows.all() if a}

    async def delete_chat_answers(self, telegram_chat: str) -> int:
        """Forget a chat's answers (/forget)."""
        result = await self.session.execute(
            delete(MeetingInvitation).where(MeetingInvitation.telegram_chat == telegram_chat)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def invitees(
        self, meeting_id: int, answers: tuple[str | None, ...] | None = None
    ) -> list[tuple[MemberRecord, InvitationRecord]]:
        """Invited or answering members (with one of these answers; None = no answer)."""
        query = (
            select(Member, MeetingInvitation)
            .join(MeetingInvitation, MeetingInvitation.member_id == Member.id)
            .where(MeetingInvitation.meeting_id == meeting_id)
            .order_by(Member.id)
        )
        rows = [
            (member_record(m), invitation_record(i)) for m, i in await self.session.execute(query)
        ]
        if answers is None:
            return rows
        return [(m, i) for m, i in rows if i.answer in answers]

    async def answer_counts(self, meeting_id: int) -> dict[str, int]:
        """How many answered going, maybe and no, and how many have not answered."""
        counts = {"going": 0, "maybe": 0, "no": 0, "none": 0}
        rows = await self.session.scalars(
            select(MeetingInvitation.answer).where(MeetingInvitation.meeting_id == meeting_id)
        )
        for answer in rows:
            counts[answer or "none"] = counts.get(answer or "none", 0) + 1
        return counts

    async def answers_of(self, member_id: int, meeting_ids: list[int]) -> dict[int, str | None]:
        """A member's answers to these meetings."""
        if not meeting_ids:
            return {}
        rows = await self.session.execute(
            select(MeetingInvitation.meeting_id, MeetingInvitation.answer).where(
                MeetingInvitation.member_id == member_id,
                MeetingInvitation.meeting_id.in_(meeting_ids),
            )
        )
        return {int(m): a for m, a in rows.all()}
