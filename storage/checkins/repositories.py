"""Daily check-ins: enrollments, contacts, rounds, the log and the duty officer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checkins.models import (
    CheckinContact,
    CheckinEnrollment,
    CheckinEvent,
    CheckinRound,
    DutyOfficer,
)
from storage.checkins.records import (
    WAITING,
    ContactRecord,
    EnrollmentRecord,
    EventRecord,
    RoundRecord,
)
from storage.delivery.models import Delivery, Notification

ENROLLMENT_FIELDS = frozenset(
    {
        "member_id",
        "person_name",
        "address",
        "channels",
        "telegram_chat",
        "phone",
        "times",
        "timezone",
        "window_minutes",
        "days_off",
        "paused_through",
        "scam_digest",
        "status",
        "version",
        "invite_token",
        "consented_at",
    }
)
ROUND_FIELDS = frozenset(
    {
        "status",
        "downtime",
        "prompted_at",
        "answered_at",
        "escalated_at",
        "officer_at",
        "taken_by",
        "taken_at",
    }
)


def enrollment_record(row: CheckinEnrollment) -> EnrollmentRecord:
    """Copy an ORM row into a plain record."""
    return EnrollmentRecord(
        id=row.id,
        member_id=row.member_id,
        person_name=row.person_name,
        address=row.address,
        channels=row.channels,
        telegram_chat=row.telegram_chat,
        phone=row.phone,
        times=row.times,
        timezone=row.timezone,
        window_minutes=row.window_minutes,
        days_off=row.days_off or "",
        paused_through=row.paused_through,
        scam_digest=bool(row.scam_digest),
        status=row.status,
        version=row.version or 0,
        signed_up_by=row.signed_up_by,
        invite_token=row.invite_token,
        created_at=row.created_at,
        updated_at=row.updated_at,
        consented_at=row.consented_at,
    )


def contact_record(row: CheckinContact) -> ContactRecord:
    """Copy an ORM row into a plain record."""
    return ContactRecord(
        id=row.id,
        enrollment_id=row.enrollment_id,
        position=row.position,
        name=row.name,
        phone=row.phone,
        telegram_chat=row.telegram_chat,
        invite_token=row.invite_token,
        phone_opted_out=bool(row.phone_opted_out),
        created_at=row.created_at,
        accepted_at=row.accepted_at,
    )


def round_record(row: CheckinRound) -> RoundRecord:
    """Copy an ORM row into a plain record."""
    return RoundRecord(
        id=row.id,
        enrollment_id=row.enrollment_id,
        slot=row.slot,
        due_at=row.due_at,
        status=row.status,
        downtime=bool(row.downtime),
        prompted_at=row.prompted_at,
        answered_at=row.answered_at,
        escalated_at=row.escalated_at,
        officer_at=row.officer_at,
        taken_by=row.taken_by,
        taken_at=row.taken_at,
    )


def event_record(row: CheckinEvent) -> EventRecord:
    """Copy an ORM row into a plain record."""
    return EventRecord(row.id, row.enrollment_id, row.round_id, row.at, row.event, row.detail)


class CheckinRepository:
    """Reads and writes the check-in tables."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Enrollments

    async def add(self, *, now: datetime, **values: Any) -> EnrollmentRecord:
        """Write an enrollment."""
        row = CheckinEnrollment(created_at=now, updated_at=now, version=0, **values)
        self.session.add(row)
        await self.session.flush()
        return enrollment_record(row)

    async def get(self, enrollment_id: int) -> EnrollmentRecord | None:
        """An enrollment by id."""
        row = await self.session.get(CheckinEnrollment, enrollment_id)
        return None if row is None else enrollment_record(row)

    async def get_many(self, enrollment_ids: Iterable[int]) -> dict[int, EnrollmentRecord]:
        """Enrollments by id (one query), keyed by id; missing ones are left out."""
        wanted = sorted(set(enrollment_ids))
        if not wanted:
            return {}
        rows = await self.session.scalars(
            select(CheckinEnrollment).where(CheckinEnrollment.id.in_(wanted))
        )
        return {r.id: enrollment_record(r) for r in rows}

    async def by_invite(self, token: str) -> EnrollmentRecord | None:
        """The enrollment a person's confirmation link opens."""
        row = await self.session.scalar(
            select(CheckinEnrollment).where(CheckinEnrollment.invite_token == token)
        )
        return None if row is None else enrollment_record(row)

    async def of_person(
        self,
        *,
        member_id: int | None = None,
        chat: str | None = None,
        phone: str | None = None,
        statuses: Iterable[str] | None = None,
    ) -> list[EnrollmentRecord]:
        """The enrollments of a member, a chat or a phone number, newest first."""
        clauses = []
        if member_id is not None:
            clauses.append(CheckinEnrollment.member_id == member_id)
        if chat is not None:
            clauses.append(CheckinEnrollment.telegram_chat == chat)
        if phone is not None:
            clauses.append(CheckinEnrollment.phone == phone)
        if not clauses:
            return []
        query = select(CheckinEnrollment).where(or_(*clauses))
        if statuses is not None:
            query = query.where(CheckinEnrollment.status.in_(list(statuses)))
        rows = await self.session.scalars(query.order_by(CheckinEnrollment.id.desc()))
        return [enrollment_record(r) for r in rows]

    async def change(
        self, enrollment_id: int, expected: Sequence[str], now: datetime, **values: Any
    ) -> EnrollmentRecord | None:
        """Change an enrollment if its status is one of `expected` (one conditional update,
        so two presses or two instances change it once); None when it was not."""
        unknown = set(values) - ENROLLMENT_FIELDS
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        result = await self.session.execute(
            update(CheckinEnrollment)
            .where(
                CheckinEnrollment.id == enrollment_id,
                CheckinEnrollment.status.in_(list(expected)),
            )
            .values(updated_at=now, **values)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        row = await self.session.get(CheckinEnrollment, enrollment_id, populate_existing=True)
        return None if row is None else enrollment_record(row)

    async def bump(self, enrollment_id: int, now: datetime) -> EnrollmentRecord | None:
        """Start a new schedule version (after a change of times, days, pause or zone)."""
        await self.session.execute(
            update(CheckinEnrollment)
            .where(CheckinEnrollment.id == enrollment_id)
            .values(version=CheckinEnrollment.version + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        row = await self.session.get(CheckinEnrollment, enrollment_id, populate_existing=True)
        return None if row is None else enrollment_record(row)

    async def active(
        self, *, scam_digest: bool | None = None, statuses: Iterable[str] = ("active",)
    ) -> list[EnrollmentRecord]:
        """Enrollments of these statuses, oldest first."""
        query = select(CheckinEnrollment).where(CheckinEnrollment.status.in_(list(statuses)))
        if scam_digest is not None:
            query = query.where(CheckinEnrollment.scam_digest == scam_digest)
        rows = await self.session.scalars(query.order_by(CheckinEnrollment.id))
        return [enrollment_record(r) for r in rows]

    async def delete(self, ids: Sequence[int]) -> int:
        """Delete enrollments with their contacts, rounds and log."""
        if not ids:
            return 0
        for model in (CheckinEvent, CheckinRound, CheckinContact):
            await self.session.execute(delete(model).where(model.enrollment_id.in_(list(ids))))
        result = await self.session.execute(
            delete(CheckinEnrollment).where(CheckinEnrollment.id.in_(list(ids)))
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # Contacts

    async def contacts(self, enrollment_id: int) -> list[ContactRecord]:
        """An enrollment's contacts in order."""
        rows = await self.session.scalars(
            select(CheckinContact)
            .where(CheckinContact.enrollment_id == enrollment_id)
            .order_by(CheckinContact.position, CheckinContact.id)
        )
        return [contact_record(r) for r in rows]

    async def add_contact(self, enrollment_id: int, now: datetime, **values: Any) -> ContactRecord:
        """Add a contact at the end of the list."""
        last = await self.session.scalar(
            select(func.max(CheckinContact.position)).where(
                CheckinContact.enrollment_id == enrollment_id
            )
        )
        row = CheckinContact(
            enrollment_id=enrollment_id,
            position=int(last or 0) + 1,
            created_at=now,
            phone_opted_out=False,
            **values,
        )
        self.session.add(row)
        await self.session.flush()
        return contact_record(row)

    async def contact(self, contact_id: int) -> ContactRecord | None:
        """A contact by id."""
        row = await self.session.get(CheckinContact, contact_id)
        return None if row is None else contact_record(row)

    async def contact_by_invite(self, token: str) -> ContactRecord | None:
        """The contact an invite link names."""
        row = await self.session.scalar(
            select(CheckinContact).where(CheckinContact.invite_token == token)
        )
        return None if row is None else contact_record(row)

    async def accept_contact(self, contact_id: int, chat: str, now: datetime) -> bool:
        """The contact opened their link: their chat is theirs (once)."""
        result = await self.session.execute(
            update(CheckinContact)
            .where(CheckinContact.id == contact_id, CheckinContact.telegram_chat.is_(None))
            .values(telegram_chat=chat, accepted_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def remove_contact(self, enrollment_id: int, contact_id: int) -> bool:
        """Remove a contact of this enrollment."""
        result = await self.session.execute(
            delete(CheckinContact).where(
                CheckinContact.id == contact_id, CheckinContact.enrollment_id == enrollment_id
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def contacts_of(
        self, *, chat: str | None = None, phone: str | None = None
    ) -> list[ContactRecord]:
        """The contact entries a chat or a phone number holds (for anyone's check-in)."""
        clauses = []
        if chat is not None:
            clauses.append(CheckinContact.telegram_chat == chat)
        if phone is not None:
            clauses.append(CheckinContact.phone == phone)
        if not clauses:
            return []
        rows = await self.session.scalars(
            select(CheckinContact).where(or_(*clauses)).order_by(CheckinContact.id)
        )
        return [contact_record(r) for r in rows]

    async def set_phone_opted_out(self, phone: str, opted_out: bool) -> list[ContactRecord]:
        """Mirror a contact number's STOP or START; returns the contacts it changed."""
        rows = list(
            await self.session.scalars(
                select(CheckinContact).where(
                    CheckinContact.phone == phone, CheckinContact.phone_opted_out != opted_out
                )
            )
        )
        for row in rows:
            row.phone_opted_out = opted_out
        await self.session.flush()
        return [contact_record(r) for r in rows]

    async def delete_contacts(self, ids: Sequence[int]) -> int:
        """Delete contact entries (a contact asked to be forgotten)."""
        if not ids:
            return 0
        result = await self.session.execute(
            delete(CheckinContact).where(CheckinContact.id.in_(list(ids)))
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # Rounds

    async def add_round(
        self, enrollment_id: int, slot: str, due_at: datetime, status: str, **values: Any
    ) -> RoundRecord | None:
        """Start a day's check-in; None when this slot already has one (a second instance,
        a changed zone that lands on a slot already done)."""
        if await self.round_at(enrollment_id, slot) is not None:
            return None
        row = CheckinRound(
            enrollment_id=enrollment_id, slot=slot, due_at=due_at, status=status, **values
        )
        self.session.add(row)
        await self.session.flush()
        return round_record(row)

    async def add_prompted_rounds(
        self, rounds: Sequence[tuple[int, str, datetime]], now: datetime
    ) -> dict[tuple[int, str], RoundRecord]:
        """Start many check-ins at once, prompted at their due time or now if that is later:
        (enrollment, slot, due time) each, in one statement that skips a slot that already
        has one; returns the new ones by (enrollment, slot)."""
        if not rounds:
            return {}
        dialect = self.session.get_bind().dialect.name
        insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
        table = cast(Table, CheckinRound.__table__)
        result = await self.session.execute(
            insert_(table)
            .on_conflict_do_nothing(index_elements=["enrollment_id", "slot"])
            .returning(table.c.id, table.c.enrollment_id, table.c.slot),
            [
                {
                    "enrollment_id": enrollment_id,
                    "slot": slot,
                    "due_at": at,
                    "status": WAITING,
                    "downtime": False,
                    "prompted_at": max(at, now),
                }
                for enrollment_id, slot, at in rounds
            ],
        )
        due = {(enrollment_id, slot): at for enrollment_id, slot, at in rounds}
        return {
            (enrollment_id, slot): RoundRecord(
                id=round_id,
                enrollment_id=enrollment_id,
                slot=slot,
                due_at=due[(enrollment_id, slot)],
                status=WAITING,
                downtime=False,
                prompted_at=max(due[(enrollment_id, slot)], now),
                answered_at=None,
                escalated_at=None,
                officer_at=None,
                taken_by=None,
                taken_at=None,
            )
            for round_id, enrollment_id, slot in result.all()
        }

    async def round_at(self, enrollment_id: int, slot: str) -> RoundRecord | None:
        """The check-in of one slot."""
        row = await self.session.scalar(
            select(CheckinRound).where(
                CheckinRound.enrollment_id == enrollment_id, CheckinRound.slot == slot
            )
        )
        return None if row is None else round_record(row)

    async def slots_done(self, enrollment_id: int, slots: Iterable[str]) -> set[str]:
        """Which of these slots already have a check-in."""
        wanted = list(slots)
        if not wanted:
            return set()
        rows = await self.session.scalars(
            select(CheckinRound.slot).where(
                CheckinRound.enrollment_id == enrollment_id, CheckinRound.slot.in_(wanted)
            )
        )
        return set(rows)

    async def slots_done_of(self, wanted: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
        """Which of these (enrollment, slot) pairs already have a check-in (one query)."""
        pairs = set(wanted)
        if not pairs:
            return set()
        rows = await self.session.execute(
            select(CheckinRound.enrollment_id, CheckinRound.slot).where(
                CheckinRound.enrollment_id.in_(sorted({e for e, _slot in pairs})),
                CheckinRound.slot.in_(sorted({slot for _e, slot in pairs})),
            )
        )
        return {(e, slot) for e, slot in rows.all() if (e, slot) in pairs}

    async def round(self, round_id: int) -> RoundRecord | None:
        """A check-in by id."""
        row = await self.session.get(CheckinRound, round_id)
        return None if row is None else round_record(row)

    async def change_round(
        self, round_id: int, expected: Sequence[str], **values: Any
    ) -> RoundRecord | None:
        """Move a check-in on if its status is one of `expected`; None when it was not."""
        unknown = set(values) - ROUND_FIELDS
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        result = await self.session.execute(
            update(CheckinRound)
            .where(CheckinRound.id == round_id, CheckinRound.status.in_(list(expected)))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        row = await self.session.get(CheckinRound, round_id, populate_existing=True)
        return None if row is None else round_record(row)

    async def take_round(
        self, round_id: int, expected: Sequence[str], who: str, now: datetime
    ) -> RoundRecord | None:
        """A contact (or officer) takes a missed check-in: the first one only."""
        result = await self.session.execute(
            update(CheckinRound)
            .where(
                CheckinRound.id == round_id,
                CheckinRound.status.in_(list(expected)),
                CheckinRound.taken_by.is_(None),
            )
            .values(status="taken", taken_by=who[:80], taken_at=now)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        row = await self.session.get(CheckinRound, round_id, populate_existing=True)
        return None if row is None else round_record(row)

    async def latest_round(
        self,
        enrollment_id: int,
        statuses: Iterable[str] | None = None,
        until: datetime | None = None,
    ) -> RoundRecord | None:
        """The newest check-in of an enrollment (of these statuses; due by `until`, which
        leaves out one written ahead of its minute)."""
        query = select(CheckinRound).where(CheckinRound.enrollment_id == enrollment_id)
        if statuses is not None:
            query = query.where(CheckinRound.status.in_(list(statuses)))
        if until is not None:
            query = query.where(CheckinRound.due_at <= until)
        row = await self.session.scalar(
            query.order_by(CheckinRound.due_at.desc(), CheckinRound.id.desc()).limit(1)
        )
        return None if row is None else round_record(row)

    async def rounds(self, enrollment_id: int, since: datetime) -> list[RoundRecord]:
        """An enrollment's check-ins since a moment, newest first."""
        rows = await self.session.scalars(
            select(CheckinRound)
            .where(CheckinRound.enrollment_id == enrollment_id, CheckinRound.due_at >= since)
            .order_by(CheckinRound.due_at.desc(), CheckinRound.id.desc())
        )
        return [round_record(r) for r in rows]

    async def prepared_rounds(self, enrollment_id: int, now: datetime) -> list[RoundRecord]:
        """An enrollment's check-ins written ahead of their minute, not yet due."""
        rows = await self.session.scalars(
            select(CheckinRound).where(
                CheckinRound.enrollment_id == enrollment_id, CheckinRound.due_at > now
            )
        )
        return [round_record(r) for r in rows]

    async def delete_rounds(self, round_ids: Sequence[int]) -> None:
        """Delete check-ins with their log lines (ones that had not begun)."""
        if round_ids:
            ids = list(round_ids)
            await self.session.execute(delete(CheckinEvent).where(CheckinEvent.round_id.in_(ids)))
            await self.session.execute(delete(CheckinRound).where(CheckinRound.id.in_(ids)))

    async def latest_rounds(
        self, enrollment_ids: Sequence[int], until: datetime
    ) -> dict[int, RoundRecord]:
        """Each enrollment's newest check-in due by `until` (for the officers' list)."""
        if not enrollment_ids:
            return {}
        newest = (
            select(CheckinRound.enrollment_id, func.max(CheckinRound.due_at).label("due"))
            .where(
                CheckinRound.enrollment_id.in_(list(enrollment_ids)),
                CheckinRound.due_at <= until,
            )
            .group_by(CheckinRound.enrollment_id)
            .subquery()
        )
        rows = await self.session.scalars(
            select(CheckinRound).join(
                newest,
                (CheckinRound.enrollment_id == newest.c.enrollment_id)
                & (CheckinRound.due_at == newest.c.due),
            )
        )
        return {r.enrollment_id: round_record(r) for r in rows}

    # The log

    async def log(
        self,
        enrollment_id: int,
        event: str,
        now: datetime,
        detail: str = "",
        round_id: int | None = None,
    ) -> None:
        """Write one step to the log."""
        self.session.add(
            CheckinEvent(
                enrollment_id=enrollment_id,
                round_id=round_id,
                at=now,
                event=event,
                detail=detail[:200],
            )
        )
        await self.session.flush()

    async def log_many(self, events: Sequence[tuple[int, str, datetime, str, int | None]]) -> None:
        """Write many steps to the log: (enrollment, event, at, detail, round) each."""
        if events:
            await self.session.execute(
                insert(cast(Table, CheckinEvent.__table__)),
                [
                    {
                        "enrollment_id": enrollment_id,
                        "round_id": round_id,
                        "at": at,
                        "event": event,
                        "detail": detail[:200],
                    }
                    for enrollment_id, event, at, detail, round_id in events
                ],
            )

    async def recent_event(self, enrollment_id: int, event: str, since: datetime) -> bool:
        """Whether this step was logged since a moment."""
        found = await self.session.scalar(
            select(CheckinEvent.id)
            .where(
                CheckinEvent.enrollment_id == enrollment_id,
                CheckinEvent.event == event,
                CheckinEvent.at >= since,
            )
            .limit(1)
        )
        return found is not None

    async def scrub_name(self, enrollment_id: int, name: str, instead: str) -> None:
        """A forgotten contact's name leaves the log, who took check-ins and who signed up."""
        await self.session.execute(
            update(CheckinEvent)
            .where(CheckinEvent.enrollment_id == enrollment_id, CheckinEvent.detail.contains(name))
            .values(detail=func.replace(CheckinEvent.detail, name, instead))
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(CheckinRound)
            .where(CheckinRound.enrollment_id == enrollment_id, CheckinRound.taken_by == name)
            .values(taken_by=instead)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(CheckinEnrollment)
            .where(CheckinEnrollment.id == enrollment_id, CheckinEnrollment.signed_up_by == name)
            .values(signed_up_by=instead)
            .execution_options(synchronize_session=False)
        )

    async def events(self, enrollment_id: int, limit: int, until: datetime) -> list[EventRecord]:
        """The newest steps of an enrollment's log up to `until`, newest first (a prompt
        written ahead of its minute is logged at that minute)."""
        rows = await self.session.scalars(
            select(CheckinEvent)
            .where(CheckinEvent.enrollment_id == enrollment_id, CheckinEvent.at <= until)
            .order_by(CheckinEvent.at.desc(), CheckinEvent.id.desc())
            .limit(limit)
        )
        return [event_record(r) for r in rows]

    # Deliveries of a check-in's messages

    async def delivery_states(self, subject: str, kind: str) -> list[str]:
        """The delivery statuses of the messages of one kind about a subject ("checkin:7")."""
        rows = await self.session.scalars(
            select(Delivery.status)
            .join(Notification, Notification.id == Delivery.notification_id)
            .where(Notification.subject == subject, Notification.kind == kind)
        )
        return list(rows)

    # Duty

    async def duty(self) -> int | None:
        """The officer on duty, if any."""
        return await self.session.scalar(select(DutyOfficer.telegram_user_id).limit(1))

    async def set_duty(self, officer_id: int | None, now: datetime) -> int | None:
        """Put an officer on duty (or nobody); returns who was before."""
        before = await self.duty()
        await self.session.execute(delete(DutyOfficer))
        if officer_id is not None:
            self.session.add(DutyOfficer(telegram_user_id=officer_id, since=now))
            await self.session.flush()
        return before

    async def scam_alerts(self, since: datetime, until: datetime) -> list[tuple[datetime, str]]:
        """The scam-category alerts sent between two moments (plain text, oldest first),
        each text once."""
        rows = await self.session.execute(
            select(Notification.created_at, Notification.body_text)
            .where(
                Notification.category == "scam",
                Notification.kind != "checkin_scams",
                Notification.cancelled_at.is_(None),
                Notification.created_at >= since,
                Notification.created_at < until,
            )
            .order_by(Notification.created_at)
        )
        seen: set[str] = set()
        found: list[tuple[datetime, str]] = []
        for created_at, body in rows:
            if body not in seen:
                seen.add(body)
                found.append((created_at, body))
        return found
