"""Residents: consent, registration, profile, pausing messages, and being forgotten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core import validation
from core.audit import AuditService
from core.clock import Clock
from core.erasure import Erased, Erasure
from core.errors import NotRegistered
from core.permissions import Actor
from storage.audit.repositories import AuditRepository
from storage.delivery.repositories import OutboxRepository
from storage.engine import Database
from storage.flows.repositories import FlowRepository
from storage.members.records import GroupRecord, MemberRecord, MembershipRecord
from storage.members.repositories import (
    GroupRepository,
    MemberRepository,
    OfficerRepository,
    PhoneCodeRepository,
)

__all__ = ["MemberRecord", "MemberService", "Profile", "RegistrationStep", "next_step"]


class RegistrationStep(StrEnum):
    """What registration still needs, in the order it is asked."""

    NAME = "name"
    PHONE = "phone"
    ADDRESS = "address"


def next_step(member: MemberRecord) -> RegistrationStep | None:
    """The first missing piece of a member's registration, or None when complete."""
    if not member.display_name:
        return RegistrationStep.NAME
    if not member.phone_e164:
        return RegistrationStep.PHONE
    if not member.has_location:
        return RegistrationStep.ADDRESS
    return None


async def update_member(
    repo: MemberRepository, member_id: int, now: datetime, **values: object
) -> MemberRecord:
    """Change a member's details; the change that fills the last missing one completes the
    registration."""
    updated = await repo.update(member_id, now, **values)
    if updated.registered_at is None and next_step(updated) is None:
        updated = await repo.update(member_id, now, registered_at=now)
    return updated


async def status_for(members: MemberRepository, phone: str) -> str:
    """A number's SMS status as we know it: opted out if any member with it opted out."""
    others = await members.by_phone(phone)
    return "opted_out" if any(m.sms_status == "opted_out" for m in others) else "ok"


async def store_phone(
    members: MemberRepository, member: MemberRecord, phone: str, now: datetime, *, verified: bool
) -> MemberRecord:
    """Store a member's number (verified or not) with what we know of it."""
    status = await status_for(members, phone) if phone != member.phone_e164 else member.sms_status
    return await update_member(
        members,
        member.id,
        now,
        phone_e164=phone,
        phone_verified_at=now if verified else None,
        sms_status=status,
    )


@dataclass(frozen=True, slots=True)
class Profile:
    """A member with their groups, as `/profile` shows it."""

    member: MemberRecord
    groups: list[tuple[GroupRecord, MembershipRecord]]
    leads: GroupRecord | None
    is_officer: bool


class MemberService:
    """Everything about a member's own record."""

    def __init__(self, db: Database, clock: Clock, audit: AuditService, erasure: Erasure) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.erasure = erasure  # what each feature deletes or scrubs when a member is forgotten

    async def by_telegram(self, telegram_user_id: int) -> MemberRecord | None:
        """The member behind a Telegram user, if they registered."""
        async with self.db.transaction() as session:
            return await MemberRepository(session).by_telegram_user(telegram_user_id)

    async def consent(self, telegram_user_id: int, chat_id: int) -> MemberRecord:
        """Record consent: the first moment anything about the person is stored."""
        async with self.db.transaction() as session:
            repo = MemberRepository(session)
            existing = await repo.by_telegram_user(telegram_user_id)
            if existing:
                return existing
            return await repo.create(
                telegram_user_id=telegram_user_id, telegram_chat_id=chat_id, now=self.clock.now()
            )

    async def _update(self, telegram_user_id: int, **values: object) -> MemberRecord:
        async with self.db.transaction() as session:
            repo = MemberRepository(session)
            member = await repo.by_telegram_user(telegram_user_id)
            if member is None:
                raise NotRegistered("Please register first: send /start.")
            return await update_member(repo, member.id, self.clock.now(), **values)

    async def set_name(self, telegram_user_id: int, name: str) -> MemberRecord:
        """Set the display name (1-64 characters)."""
        return await self._update(telegram_user_id, display_name=validation.display_name(name))

    async def set_shared_phone(self, telegram_user_id: int, phone: str) -> MemberRecord:
        """Set the number of a Telegram contact the member shared of themselves (Telegram
        vouches for it: verified at once), stored in E.164. A typed number goes through
        `PhoneVerifier` instead."""
        phone = validation.phone_e164(phone)
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = MemberRepository(session)
            member = await repo.by_telegram_user(telegram_user_id)
            if member is None:
                raise NotRegistered("Please register first: send /start.")
            return await store_phone(repo, member, phone, now, verified=True)

    async def set_address(self, telegram_user_id: int, address: str) -> MemberRecord:
        """Set the street address (5-200 characters)."""
        return await self._update(telegram_user_id, address=validation.street_address(address))

    async def set_location(
        self, telegram_user_id: int, latitude: float, longitude: float
    ) -> MemberRecord:
        """Set a shared map location."""
        lat, lon = validation.location(latitude, longitude)
        return await self._update(telegram_user_id, latitude=lat, longitude=lon)

    async def set_paused(self, telegram_user_id: int, paused: bool) -> MemberRecord:
        """Stop or resume every message the service sends on its own."""
        return await self._update(telegram_user_id, messages_paused=paused)

    async def seen_in_chat(self, telegram_user_id: int, chat_id: int) -> None:
        """A member wrote to the bot: their chat works again (they unblocked it, or moved)."""
        async with self.db.transaction() as session:
            repo = MemberRepository(session)
            member = await repo.by_telegram_user(telegram_user_id)
            if member and (member.telegram_chat_id != chat_id or not member.telegram_reachable):
                await repo.update(
                    member.id, self.clock.now(), telegram_chat_id=chat_id, telegram_reachable=True
                )

    async def profile(self, telegram_user_id: int) -> Profile:
        """The member's record, groups and roles."""
        async with self.db.transaction() as session:
            member = await MemberRepository(session).by_telegram_user(telegram_user_id)
            if member is None:
                raise NotRegistered("You haven't registered yet. Send /start to begin.")
            groups = GroupRepository(session)
            return Profile(
                member=member,
                groups=await groups.groups_of(member.id),
                leads=await groups.led_by(member.id),
                is_officer=await OfficerRepository(session).is_officer(telegram_user_id),
            )

    async def forget(self, actor: Actor) -> bool:
        """Delete the member's personal data; False when nothing was stored.

        The member row goes (memberships with it, leadership is vacated, deliveries keep their
        counts but lose the link), the chat's flow is cleared, and past audit lines keep what
        happened but no longer say who.
        """
        if actor.member is None or actor.telegram_user_id is None:
            return False
        member = actor.member
        async with self.db.transaction() as session:
            groups = GroupRepository(session)
            led = await groups.led_by(member.id)
            if led:
                await groups.set_leader(led.id, None)
            chat = member.telegram_chat_id or actor.telegram_user_id
            erased = Erased(
                member.id, str(chat), member.phone_e164, self.clock.now(), member.display_name
            )
            # Notifications they wrote keep their counts, not their name or signature; texts
            # to their numbers (codes) keep their outcome, not the number.
            outbox = OutboxRepository(session)
            await outbox.forget_author(member.id, member.display_name, erased.forgotten)
            codes = PhoneCodeRepository(session)
            phones = {p for p in (member.phone_e164, *await codes.phones_of(member.id)) if p}
            for phone in sorted(phones):
                await outbox.forget_phone(phone, erased.now)
            await codes.detach(member.id)  # the day's count per number outlives the person
            await self.erasure.erase_in(session, erased)
            await MemberRepository(session).delete(member.id)
            if member.telegram_chat_id is not None:
                await FlowRepository(session).delete(member.telegram_chat_id)
            label = f"forgotten member #{member.id}"
            if not actor.is_officer:  # an officer's official acts stay attributable
                await AuditRepository(session).scrub_actor(actor.telegram_user_id, label)
            await self.audit.record_in(
                session,
                Actor.system(label),
                "member.forget",
                target=f"member #{member.id}",
                detail="leader of " + led.code + " vacated" if led else "",
            )
        return True
