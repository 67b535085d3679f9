"""Daily check-ins for people who live alone: the schedule, the prompt, the escalation to the
person's contacts and then to the officer on duty, and every answer to them.

The schedule lives in `calendar_due`: each active enrollment has one pending prompt (keyed by
its schedule version and its local slot, "v3|2026-12-03 09:00"), and each open check-in has
its steps (the second prompt, the contacts, the reach check, the officer). Every step is
settled once by the due-item runner in the transaction that queues its messages, so restarts
and several instances never double or drop one; a change of times, days, pause or time zone
starts a new version and the older prompt is dropped unsent. A prompt is written up to
PROMPT_LEAD before its minute, its check-in begun and its message held in the outbox until
then, so that the minute itself is all sending; until the minute the check-in does not show
(a reply does not answer it, the lists do not show it) and a change or a stop takes it back
as if it had never been written. A prompt due while the service was down goes out late if its
window is still open, otherwise the escalation starts at once and says the service was down
(also when the prompt was written before the service went down and never went out).

Escalations are `urgent` (quiet hours never hold them). A missed check-in goes to every
contact who can be reached; if none can (no contacts, opted out, blocked, invalid number, or
their messages fail), the officer is told at once, and if no contact says "I've got it" in
CHECKIN_TAKE_MINUTES the officer is told then. Nothing is logged with a name or a number.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.checkins import messages
from core.checkins.rules import (
    CHANNELS,
    DEFAULT_WINDOW,
    DUE_ESCALATE,
    DUE_OFFICER,
    DUE_PROMPT,
    DUE_REACH,
    DUE_REMIND,
    MAX_CONTACTS,
    PROMPT_LEAD,
    ROUND_STEPS,
    Schedule,
    Slot,
    calls_for_help,
    clean_name,
    first_name,
    latest_slot,
    next_slot,
    parse_back_date,
    parse_days_off,
    parse_times,
    parse_window,
    parse_zone,
    slot_of,
    slot_time,
    slots_from,
)
from core.delivery import Message, Queued
from core.due import CANCELLED, DONE, MISSED, DueContext, DueRunner
from core.erasure import Erased
from core.errors import Conflict, InvalidInput, NotFound
from core.flows import Claim, take_in
from core.localtime import latest_weekly, parse_weekly
from core.members import OfficerService
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from storage.checkins.records import (
    ACTIVE,
    ANSWERED,
    AWAITING,
    DECLINED,
    ESCALATED,
    HELP,
    OFFICER,
    STOPPED,
    UNANSWERED,
    WAITING,
    ContactRecord,
    EnrollmentRecord,
    EventRecord,
    RoundRecord,
)
from storage.checkins.repositories import CheckinRepository
from storage.delivery.repositories import OutboxRepository
from storage.members.repositories import MemberRepository

log = logging.getLogger(__name__)

TELEGRAM, SMS = "telegram", "sms"
GONE = "That check-in sign-up is no longer there (it may have been stopped or deleted)."
LINK_GONE = "This link has been used or is no longer valid. Please ask for a new one."
OPEN = (AWAITING, ACTIVE)
REACH_EVERY = timedelta(minutes=1)
REACH_CHECKS = 30
HISTORY = 30
ANSWERED_RECENTLY = timedelta(hours=6)
HELP_AGAIN_AFTER = timedelta(minutes=10)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
FORMER_CONTACT = "a former contact"
SCAM_DIGEST = "checkin_scams"
# Delivery states that say a message reached (or is with) the provider.
REACHED = frozenset({"sent", "delivered"})
STILL_GOING = frozenset({"queued", "claimed", "sending"})


@dataclass(frozen=True, slots=True)
class Draft:
    """What a sign-up holds before it is written."""

    person_name: str
    times: tuple[str, ...]
    channels: str = TELEGRAM
    window_minutes: int = DEFAULT_WINDOW
    days_off: tuple[int, ...] = ()
    address: str | None = None
    phone: str | None = None
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Opened:
    """A sign-up for someone else: the enrollment and, for a Telegram link, its token."""

    enrollment: EnrollmentRecord
    invite_token: str | None


@dataclass(frozen=True, slots=True)
class Heard:
    """What a reply from an enrolled person did: the check-in it answered (if any), whether
    that was after the contacts were asked, and whether it was a call for help."""

    enrollment: EnrollmentRecord
    round: RoundRecord | None
    late: bool = False
    help: bool = False
    told: list[str] = field(default_factory=list)
    changed: bool = True


@dataclass(frozen=True, slots=True)
class Taken:
    """A press of "I've got it": the check-in and whether this press took it."""

    round: RoundRecord
    enrollment: EnrollmentRecord
    changed: bool


@dataclass(frozen=True, slots=True)
class OverviewRow:
    """One enrolled person in /checkins."""

    enrollment: EnrollmentRecord
    latest: RoundRecord | None
    contacts: int


def schedule_of(e: EnrollmentRecord) -> Schedule:
    """The schedule an enrollment holds."""
    times = tuple(time.fromisoformat(t) for t in e.time_list)
    paused = date.fromisoformat(e.paused_through) if e.paused_through else None
    return Schedule(times, ZoneInfo(e.timezone), e.weekdays_off, paused)


class CheckinService(SharedService):
    """Enrollments, the daily schedule, answers and escalations."""

    def __init__(self, shared: Shared, officers: OfficerService, due: DueRunner) -> None:
        super().__init__(shared)
        self.officers = officers
        self.due = due
        due.register_batch(DUE_PROMPT, self._prompt, self._prompts, lead=PROMPT_LEAD)
        due.register(DUE_REMIND, self._remind)
        due.register(DUE_ESCALATE, self._escalate)
        due.register(DUE_REACH, self._reach)
        due.register(DUE_OFFICER, self._officer)

    @property
    def take_minutes(self) -> int:
        """How long the contacts have to say "I've got it" before the officer is told."""
        return self.settings.checkin_take_minutes

    # Sign-up

    def _clean(self, draft: Draft) -> Draft:
        if draft.channels not in CHANNELS:
            raise InvalidInput("Choose Telegram, text messages or both with the buttons.")
        times = tuple(parse_times(",".join(draft.times)))
        window = parse_window(draft.window_minutes)
        zone = parse_zone(draft.timezone) if draft.timezone else self.settings.timezone
        phone = validation.phone_e164(draft.phone) if draft.phone else None
        if draft.channels in (SMS, "both"):
            if not self.settings.sms_enabled:
                raise Conflict("Texting is not set up for this service: choose Telegram.")
            if phone is None:
                raise InvalidInput("Check-ins by text need a phone number.")
        address = validation.street_address(draft.address) if draft.address else None
        return Draft(
            clean_name(draft.person_name),
            times,
            draft.channels,
            window,
            tuple(sorted(set(draft.days_off))),
            address,
            phone,
            zone,
        )

    async def enroll(
        self,
        draft: Draft,
        *,
        chat: str | None = None,
        member_id: int | None = None,
        claim: Claim | None = None,
    ) -> EnrollmentRecord:
        """The person signs themselves up (Telegram, or by text with `chat` None): check-ins
        start at the next of their times."""
        clean = self._clean(draft)
        now = self.clock.now()
        async with self.db.transaction() as session:
            await take_in(session, claim)
            repo = CheckinRepository(session)
            mine = await repo.of_person(
                member_id=member_id, chat=chat, phone=clean.phone, statuses=OPEN
            )
            if chat is not None:  # a phone shared with a sign-up by text is the same person
                mine = [m for m in mine if m.status == ACTIVE or m.telegram_chat == chat]
            if mine:
                raise Conflict("You already have daily check-ins: /checkin shows them.")
            e = await repo.add(
                now=now,
                member_id=member_id,
                person_name=clean.person_name,
                address=clean.address,
                channels=clean.channels,
                telegram_chat=chat,
                phone=clean.phone,
                times=",".join(clean.times),
                timezone=clean.timezone or self.settings.timezone,
                window_minutes=clean.window_minutes,
                days_off=",".join(str(d) for d in clean.days_off),
                status=ACTIVE,
                consented_at=now,
            )
            await repo.log(e.id, "enrolled", now)
            await self._schedule_next_in(session, e, now)
        log.info("checkins: %s enrolled", e.reference)
        return e

    async def sign_up_other(
        self,
        signer_name: str,
        signer_chat: str,
        draft: Draft,
        *,
        by_link: bool,
        claim: Claim | None = None,
    ) -> Opened:
        """A neighbor or relative signs someone up: the person confirms themselves (YES by
        text, or the link's question on Telegram); the signer becomes their first contact."""
        clean = self._clean(draft)
        if not by_link and clean.phone is None:
            raise InvalidInput("Give their phone number, or send them a Telegram link instead.")
        now = self.clock.now()
        token = secrets.token_urlsafe(12) if by_link else None
        async with self.db.transaction() as session:
            await take_in(session, claim)
            repo = CheckinRepository(session)
            if clean.phone and not by_link:
                if await self._phone_opted_out_in(session, clean.phone):
                    raise InvalidInput(
                        "That number has opted out of our texts (STOP): nothing can be sent "
                        "to it. They can text START to our number first, or use a Telegram "
                        "link."
                    )
                if await repo.of_person(phone=clean.phone, statuses=OPEN):
                    raise Conflict("That number already has daily check-ins (or a request).")
            e = await repo.add(
                now=now,
                person_name=clean.person_name,
                address=clean.address,
                channels=TELEGRAM if by_link else SMS,
                telegram_chat=None,
                phone=None if by_link else clean.phone,
                times=",".join(clean.times),
                timezone=clean.timezone or self.settings.timezone,
                window_minutes=clean.window_minutes,
                days_off=",".join(str(d) for d in clean.days_off),
                status=AWAITING,
                signed_up_by=clean_name(signer_name, "Your name")[:64],
                invite_token=token,
            )
            await repo.add_contact(
                e.id,
                now,
                name=clean_name(signer_name, "Your name"),
                telegram_chat=signer_chat,
                accepted_at=now,
            )
            await repo.log(e.id, "asked", now, f"by {e.signed_up_by}")
            if not by_link:
                await self._to_person_in(
                    session,
                    e,
                    None,
                    "checkin_consent",
                    messages.consent_request(e, self.settings.service_name),
                )
        return Opened(e, token)

    async def invitation(self, token: str) -> EnrollmentRecord:
        """The sign-up a person's link opens, still waiting for their answer."""
        async with self.db.transaction() as session:
            e = await CheckinRepository(session).by_invite(token[:32])
        if e is None or e.status != AWAITING:
            raise NotFound(LINK_GONE)
        return e

    async def accept_invitation(
        self, token: str, chat: str, member_id: int | None, yes: bool
    ) -> tuple[EnrollmentRecord, bool]:
        """The person's answer to their link: the chat becomes theirs; True when it changed."""
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            e = await repo.by_invite(token[:32])
            if e is not None and e.telegram_chat == chat:
                return e, False  # pressed twice
            if e is None or e.status != AWAITING:
                raise NotFound(LINK_GONE)
            if yes and any(c.telegram_chat == chat for c in await repo.contacts(e.id)):
                raise InvalidInput(
                    "This link is for the person you signed up: send it to them. Only they "
                    "can start their check-ins."
                )
            if yes and await repo.of_person(chat=chat, member_id=member_id, statuses=OPEN):
                raise Conflict("You already have daily check-ins: /checkin shows them.")
            return await self._confirm_in(session, e, yes, chat=chat, member_id=member_id), True

    async def _confirm_in(
        self,
        session: AsyncSession,
        e: EnrollmentRecord,
        yes: bool,
        *,
        chat: str | None = None,
        member_id: int | None = None,
    ) -> EnrollmentRecord:
        now = self.clock.now()
        repo = CheckinRepository(session)
        values: dict[str, object] = {}
        if chat is not None:
            values.update(telegram_chat=chat, member_id=member_id)
        if yes:
            values.update(status=ACTIVE, consented_at=now)
        else:
            values.update(status=DECLINED)
        updated = await repo.change(e.id, (AWAITING,), now, **values)
        if updated is None:
            found = await repo.get(e.id)
            if found is None:
                raise NotFound(GONE)
            return found
        await repo.log(e.id, "confirmed" if yes else "declined", now)
        if yes:
            await self._schedule_next_in(session, updated, now)
        signer = [c for c in await repo.contacts(e.id) if c.telegram_chat and c.position == 1]
        if signer and signer[0].telegram_chat:
            await self.outbox.enqueue_in(
                session,
                kind="checkin_signer",
                message=messages.signer_told(updated, yes),
                recipients=[],
                direct=[(TELEGRAM, signer[0].telegram_chat)],
                audience="whoever signed them up",
                subject=f"checkin-e:{e.id}",
            )
        return updated

    # The person's own enrollment

    async def mine(self, channel: str, address: str) -> EnrollmentRecord | None:
        """The person's enrollment (active or waiting for their answer), if any."""
        async with self.db.transaction() as session:
            return await self._mine_in(session, channel, address)

    async def _mine_in(
        self, session: AsyncSession, channel: str, address: str
    ) -> EnrollmentRecord | None:
        repo = CheckinRepository(session)
        found = await repo.of_person(
            chat=address if channel == TELEGRAM else None,
            phone=address if channel == SMS else None,
            statuses=(ACTIVE,) if channel == SMS else OPEN,
        )
        # A signer's chat holds no enrollment of its own until the person answers.
        found = [e for e in found if channel == SMS or e.telegram_chat == address]
        return found[0] if found else None

    async def _own_in(
        self, session: AsyncSession, enrollment_id: int, channel: str, address: str
    ) -> EnrollmentRecord:
        e = await CheckinRepository(session).get(enrollment_id)
        if e is None or e.status not in OPEN:
            raise NotFound(GONE)
        if (channel, address) not in ((TELEGRAM, e.telegram_chat), (SMS, e.phone)):
            raise NotFound(GONE)
        return e

    async def latest(self, enrollment_id: int) -> RoundRecord | None:
        """An enrollment's newest check-in that has begun."""
        async with self.db.transaction() as session:
            return await CheckinRepository(session).latest_round(
                enrollment_id, until=self.clock.now()
            )

    async def officer_shown(self, telegram_user_id: int) -> str:
        """How an officer is named (their chosen name, else 'an officer')."""
        for officer in await self.officers.all():
            if officer.telegram_user_id == telegram_user_id and officer.display_name:
                return officer.display_name
        return "an officer"

    async def contacts(self, enrollment_id: int) -> list[ContactRecord]:
        """An enrollment's contacts."""
        async with self.db.transaction() as session:
            return await CheckinRepository(session).contacts(enrollment_id)

    async def change(
        self, enrollment_id: int, channel: str, address: str, **changes: str | bool | int
    ) -> EnrollmentRecord:
        """Change the person's settings: times, channels, window, days_off, back (a pause
        until that day), resume, timezone, scam_digest, address, phone. A change of when
        starts a new schedule: the pending prompt is dropped and the next one scheduled."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            e = await self._own_in(session, enrollment_id, channel, address)
            if e.status != ACTIVE:
                raise Conflict("These check-ins have not started yet: they wait for a YES.")
            values: dict[str, object] = {}
            event, detail = "changed", ""
            for name, value in changes.items():
                if name == "times":
                    values["times"] = ",".join(parse_times(str(value)))
                    detail = "times"
                elif name == "channels":
                    if value not in CHANNELS:
                        raise InvalidInput("Choose Telegram, text messages or both.")
                    phone = e.phone
                    if phone is None and value in (SMS, "both") and e.member_id is not None:
                        member = await MemberRepository(session).get(e.member_id)
                        phone = member.phone_e164 if member is not None else None
                        values["phone"] = phone
                    if value in (SMS, "both") and not (phone and self.settings.sms_enabled):
                        raise Conflict(
                            "Check-ins by text need texting set up and your phone number: "
                            "share it with /phone first."
                        )
                    if value in (TELEGRAM, "both") and not e.telegram_chat:
                        raise Conflict("Open the bot in Telegram first to get check-ins there.")
                    values["channels"] = value
                    detail = "channel"
                elif name == "window":
                    values["window_minutes"] = parse_window(value)  # type: ignore[arg-type]
                    detail = "wait"
                elif name == "days_off":
                    values["days_off"] = ",".join(str(d) for d in parse_days_off(str(value)))
                    detail = "days off"
                elif name == "back":
                    today = now.astimezone(ZoneInfo(e.timezone)).date()
                    back = parse_back_date(str(value), today)
                    values["paused_through"] = (back - timedelta(days=1)).isoformat()
                    event, detail = "paused", f"back on {back:%a %b} {back.day}"
                elif name == "resume":
                    values["paused_through"] = None
                    event = "resumed"
                elif name == "timezone":
                    values["timezone"] = parse_zone(str(value))
                    detail = f"time zone {values['timezone']}"
                elif name == "scam_digest":
                    values["scam_digest"] = bool(value)
                    detail = f"scam warnings {'on' if value else 'off'}"
                elif name == "address":
                    values["address"] = validation.street_address(str(value))
                    detail = "address"
                elif name == "phone":
                    values["phone"] = validation.phone_e164(str(value))
                    detail = "phone"
                else:
                    raise InvalidInput(f"Unknown setting {name}.")
            updated = await repo.change(e.id, (ACTIVE,), now, **values)
            if updated is None:
                raise Conflict(GONE)
            await repo.log(e.id, event, now, detail)
            if {"times", "days_off", "back", "resume", "timezone"} & set(changes):
                await self._reschedule_in(session, updated, now)
                updated = await repo.get(e.id) or updated
        return updated

    async def stop(self, enrollment_id: int, channel: str, address: str) -> bool:
        """The person stops their check-ins (asked first by the face): nothing more is sent
        and the contacts are told. False when they were already stopped."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            e = await CheckinRepository(session).get(enrollment_id)
            if e is None or (channel, address) not in ((TELEGRAM, e.telegram_chat), (SMS, e.phone)):
                raise NotFound(GONE)
            if e.status not in OPEN:
                return False
            return await self._stop_in(session, e, now, by_sms=False)

    async def _stop_in(
        self, session: AsyncSession, e: EnrollmentRecord, now: datetime, *, by_sms: bool
    ) -> bool:
        repo = CheckinRepository(session)
        updated = await repo.change(e.id, OPEN, now, status=STOPPED, invite_token=None)
        if updated is None:
            return False
        await self.due.cancel_in(session, [DUE_PROMPT], e.id)
        await self._take_back_prepared_in(session, e.id, now)
        latest = await repo.latest_round(e.id)
        if latest is not None:
            await self.due.cancel_in(session, ROUND_STEPS, latest.id)
        await repo.log(e.id, "stopped", now, "STOP by text" if by_sms else "")
        if by_sms:
            message = messages.stopped_by_sms(updated)
            if updated.telegram_chat:
                await self._to_addresses_in(
                    session,
                    updated,
                    [(TELEGRAM, updated.telegram_chat)],
                    "checkin_stopped",
                    message,
                    subject=f"checkin-e:{e.id}",
                )
        else:
            text = f"{updated.person_name} has stopped their daily check-ins."
            message = Message(html=text, text=text)
        contacts = await self._reachable_in(session, await repo.contacts(e.id))
        if contacts:
            await self._to_addresses_in(
                session,
                updated,
                contacts,
                "checkin_stopped",
                message,
                subject=f"checkin-e:{e.id}",
            )
        return True

    # Contacts

    async def add_contact(
        self,
        enrollment_id: int,
        channel: str,
        address: str,
        name: str,
        phone: str | None,
        *,
        invite: bool,
    ) -> tuple[ContactRecord, str | None]:
        """Add a contact (up to three): a phone number is texted who named them; a Telegram
        contact gets a link to accept. Returns the contact and the link's token."""
        contact_name = clean_name(name, "Their name")
        number = None
        if phone:
            try:
                number = validation.phone_e164(phone)
            except InvalidInput:
                raise InvalidInput(
                    "That doesn't look like a phone number. Type it with its area code, e.g. "
                    "(203) 555-0142."
                ) from None
        if number is None and not invite:
            raise InvalidInput("A contact needs a phone number or a Telegram link.")
        if number is not None and not self.settings.sms_enabled and not invite:
            raise Conflict("Texting is not set up for this service: send them a Telegram link.")
        now = self.clock.now()
        token = secrets.token_urlsafe(12) if invite else None
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            e = await self._own_in(session, enrollment_id, channel, address)
            existing = await repo.contacts(e.id)
            if len(existing) >= MAX_CONTACTS:
                raise Conflict(f"You already have {MAX_CONTACTS} contacts: remove one first.")
            if number is not None and any(c.phone == number for c in existing):
                raise Conflict("That number is already one of your contacts.")
            if number is not None and number == e.phone:
                raise InvalidInput("That is your own number: a contact is someone else.")
            contact = await repo.add_contact(
                e.id, now, name=contact_name, phone=number, invite_token=token
            )
            await repo.log(e.id, "contact_added", now, contact_name)
            if number is not None and self.settings.sms_enabled:
                await self._to_addresses_in(
                    session,
                    e,
                    [(SMS, number)],
                    "checkin_contact",
                    messages.contact_added(e, contact),
                    subject=f"checkin-e:{e.id}",
                )
        return contact, token

    async def remove_contact(
        self, enrollment_id: int, channel: str, address: str, contact_id: int
    ) -> bool:
        """Remove one of the person's contacts."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            e = await self._own_in(session, enrollment_id, channel, address)
            contact = await repo.contact(contact_id)
            if contact is None or contact.enrollment_id != e.id:
                return False
            await repo.remove_contact(e.id, contact_id)
            await repo.log(e.id, "contact_removed", now, contact.name)
            return True

    async def contact_invitation(self, token: str) -> tuple[ContactRecord, EnrollmentRecord]:
        """The contact and the person a contact's link names."""
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            contact = await repo.contact_by_invite(token[:32])
            e = await repo.get(contact.enrollment_id) if contact else None
        if contact is None or e is None or e.status not in OPEN:
            raise NotFound(LINK_GONE)
        return contact, e

    async def accept_contact(
        self, token: str, chat: str
    ) -> tuple[ContactRecord, EnrollmentRecord, bool]:
        """The contact accepts: escalations reach this chat. True when it changed."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            contact = await repo.contact_by_invite(token[:32])
            e = await repo.get(contact.enrollment_id) if contact else None
            if contact is None or e is None or e.status not in OPEN:
                raise NotFound(LINK_GONE)
            if contact.telegram_chat is not None:
                if contact.telegram_chat != chat:
                    raise NotFound(LINK_GONE)
                return contact, e, False
            if chat == e.telegram_chat:
                raise InvalidInput("This link is for your contact: send it to them.")
            await repo.accept_contact(contact.id, chat, now)
            await repo.log(e.id, "contact_joined", now, contact.name)
            found = await repo.contact(contact.id)
            assert found is not None
            return found, e, True

    async def watched_by(
        self, channel: str, address: str
    ) -> list[tuple[ContactRecord, EnrollmentRecord]]:
        """The people this chat or number is a contact for."""
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            found = []
            for contact in await repo.contacts_of(
                chat=address if channel == TELEGRAM else None,
                phone=address if channel == SMS else None,
            ):
                e = await repo.get(contact.enrollment_id)
                if e is not None and e.status in OPEN:
                    found.append((contact, e))
            return found

    async def history(self, enrollment_id: int, channel: str, address: str) -> str:
        """The log, for the person or one of their contacts (HTML)."""
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            e = await repo.get(enrollment_id)
            if e is None:
                raise NotFound(GONE)
            contacts = await repo.contacts(e.id)
            own = (channel, address) in ((TELEGRAM, e.telegram_chat), (SMS, e.phone))
            contact = any(
                (channel == TELEGRAM and c.telegram_chat == address)
                or (channel == SMS and c.phone == address)
                for c in contacts
            )
            if not own and not contact:
                raise NotFound(GONE)
            events = await repo.events(e.id, HISTORY, self.clock.now())
        return messages.history(e, events, ZoneInfo(e.timezone), {})

    # Answers

    async def heard(self, channel: str, address: str, text: str | None = None) -> Heard | None:
        """Any message from an enrolled person: it answers their open check-in. A call for
        help (HELP, or an emergency word in the reply) tells the contacts and the officer at
        once. None when the sender has no enrollment or no open check-in."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            e = await self._mine_in(session, channel, address)
            if e is None or e.status != ACTIVE:
                return None
            latest = await CheckinRepository(session).latest_round(e.id, until=now)
            if latest is None:
                return None
            if not latest.unanswered:
                # Within hours of an answer, "I fell" is still a call for help; a second
                # "I'm fine" the same day is heard (and thanked), not news.
                answered = latest.answered_at
                recent = answered is not None and now - answered < ANSWERED_RECENTLY
                if recent and text and calls_for_help(text):
                    return await self._help_in(session, e, None, text, now)
                return Heard(e, latest, changed=False) if recent else None
            if text and calls_for_help(text):
                return await self._help_in(session, e, latest, text, now)
            return await self._answer_in(session, e, latest, now)

    async def ok(self, round_id: int, channel: str, address: str) -> Heard:
        """The prompt's "I'm OK" button."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            round_, e = await self._round_of_person_in(session, round_id, channel, address)
            if not round_.unanswered:
                return Heard(e, round_, changed=False)
            return await self._answer_in(session, e, round_, now)

    async def ask_help(
        self, channel: str, address: str, text: str | None = None, round_id: int | None = None
    ) -> Heard | None:
        """The person asks for help ("I need help", a bare HELP by text): contacts and the
        officer are told at once. None when the sender has no active enrollment."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            round_: RoundRecord | None
            if round_id is not None:
                round_, e = await self._round_of_person_in(session, round_id, channel, address)
            else:
                found = await self._mine_in(session, channel, address)
                if found is None or found.status != ACTIVE:
                    return None
                e = found
                round_ = await CheckinRepository(session).latest_round(e.id, until=now)
            return await self._help_in(session, e, round_, text, now)

    async def _round_of_person_in(
        self, session: AsyncSession, round_id: int, channel: str, address: str
    ) -> tuple[RoundRecord, EnrollmentRecord]:
        repo = CheckinRepository(session)
        round_ = await repo.round(round_id)
        e = await repo.get(round_.enrollment_id) if round_ else None
        if round_ is None or e is None or e.status != ACTIVE:
            raise NotFound(GONE)
        if (channel, address) not in ((TELEGRAM, e.telegram_chat), (SMS, e.phone)):
            raise NotFound(GONE)
        return round_, e

    async def _answer_in(
        self, session: AsyncSession, e: EnrollmentRecord, round_: RoundRecord, now: datetime
    ) -> Heard:
        repo = CheckinRepository(session)
        updated = await repo.change_round(round_.id, UNANSWERED, status=ANSWERED, answered_at=now)
        if updated is None:
            return Heard(e, await repo.round(round_.id), changed=False)
        await self.due.cancel_in(session, ROUND_STEPS, round_.id)
        # Decided from the row as the update found it: an escalation that committed while
        # this answer waited for the row still makes it a late one.
        late = updated.escalated_at is not None
        await repo.log(e.id, "answered_late" if late else "answered", now, round_id=round_.id)
        if late:
            message = messages.answered_after(e, round_, now, ZoneInfo(e.timezone))
            targets = await self._reachable_in(session, await repo.contacts(e.id))
            await self._to_addresses_in(
                session, e, targets, "checkin_answered", message, subject=f"checkin:{round_.id}"
            )
            if round_.officer_at is not None:
                await self._to_officers_in(
                    session, "checkin_answered", message, subject=f"checkin:{round_.id}"
                )
        return Heard(e, updated, late=late)

    async def _help_in(
        self,
        session: AsyncSession,
        e: EnrollmentRecord,
        round_: RoundRecord | None,
        text: str | None,
        now: datetime,
    ) -> Heard:
        repo = CheckinRepository(session)
        contacts = await repo.contacts(e.id)
        targets = await self._reachable_in(session, contacts)
        reached = {a for _c, a in targets}
        told = [
            first_name(c.name) for c in contacts if c.telegram_chat in reached or c.phone in reached
        ] + ["the police Crime Prevention Unit"]
        if round_ is not None and round_.unanswered:
            moved = await repo.change_round(round_.id, UNANSWERED, status=HELP, answered_at=now)
            if moved is None:
                return Heard(e, round_, help=True, told=told, changed=False)
            round_ = moved
            await self.due.cancel_in(session, ROUND_STEPS, round_.id)
        elif await repo.recent_event(e.id, HELP, now - HELP_AGAIN_AFTER):
            # A second press, a re-delivered update, HELP texted twice: told once already.
            return Heard(e, round_, help=True, told=told, changed=False)
        said = " ".join(text.split())[:300] if text and text.strip().upper() != "HELP" else None
        await repo.log(e.id, HELP, now, round_id=round_.id if round_ else None)
        message = messages.help_asked(e, said, now, ZoneInfo(e.timezone))
        subject = f"checkin:{round_.id}" if round_ else f"checkin-e:{e.id}"
        await self._to_addresses_in(session, e, targets, "checkin_help", message, subject=subject)
        await self._to_officers_in(session, "checkin_help", message, subject=subject)
        return Heard(e, round_, help=True, told=told)

    # "I've got it"

    async def take(
        self, round_id: int, channel: str, address: str, actor: Actor | None = None
    ) -> Taken:
        """A contact (or an officer) takes a missed check-in: the first press wins and the
        others are told; the officer is not asked then."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            round_ = await repo.round(round_id)
            e = await repo.get(round_.enrollment_id) if round_ else None
            if round_ is None or e is None:
                raise NotFound(GONE)
            contacts = await repo.contacts(e.id)
            mine = [
                c
                for c in contacts
                if (channel == TELEGRAM and c.telegram_chat == address)
                or (channel == SMS and c.phone == address)
            ]
            if actor is not None and actor.is_officer:
                who = actor.shown
            elif mine:
                who = mine[0].name
            else:
                raise NotFound(GONE)
            if round_.status in (ANSWERED, HELP):
                return Taken(round_, e, False)
            taken = await repo.take_round(round_.id, (ESCALATED, OFFICER), who, now)
            if taken is None:
                return Taken(await repo.round(round_.id) or round_, e, False)
            await self.due.cancel_in(session, [DUE_OFFICER, DUE_REACH], round_.id)
            await repo.log(e.id, "taken", now, who, round_id=round_.id)
            others = await self._reachable_in(session, [c for c in contacts if c not in mine])
            message = messages.taken(e, round_, who)
            await self._to_addresses_in(
                session, e, others, "checkin_taken", message, subject=f"checkin:{round_.id}"
            )
            if taken.officer_at is not None and not (actor is not None and actor.is_officer):
                await self._to_officers_in(
                    session, "checkin_taken", message, subject=f"checkin:{round_.id}"
                )
            if actor is not None and actor.is_officer:
                await self.audit.record_in(session, actor, "checkin.take", target=e.reference)
            return Taken(taken, e, True)

    # The schedule (the due runner)

    async def _schedule_next_in(
        self, session: AsyncSession, e: EnrollmentRecord, after: datetime
    ) -> Slot | None:
        """Schedule the first slot after `after` that has no check-in yet."""
        return (await self._schedule_next_many_in(session, [(e, after)]))[0]

    async def _schedule_next_many_in(
        self, session: AsyncSession, wanted: list[tuple[EnrollmentRecord, datetime]]
    ) -> list[Slot | None]:
        """Schedule each enrollment's first slot after its moment that has no check-in yet
        (a query and an insert for all of them); returns the slots, in order."""
        repo = CheckinRepository(session)
        found: list[Slot | None] = [None] * len(wanted)
        looking = [(i, e, after) for i, (e, after) in enumerate(wanted)]
        for _ in range(8):
            candidates = []
            for i, e, after in looking:
                slot = next_slot(schedule_of(e), after)
                if slot is not None:
                    candidates.append((i, e, slot))
            done = await repo.slots_done_of((e.id, slot.key) for _i, e, slot in candidates)
            items = []
            looking = []
            for i, e, slot in candidates:
                if (e.id, slot.key) in done:
                    looking.append((i, e, slot.due_at))  # that one happened: the one after
                else:
                    found[i] = slot
                    items.append((DUE_PROMPT, e.id, f"v{e.version}|{slot.key}", slot.due_at))
            await self.due.schedule_many_in(session, items)
            if not looking:
                break
        return found

    async def _reschedule_in(
        self, session: AsyncSession, e: EnrollmentRecord, now: datetime
    ) -> None:
        await self.due.cancel_in(session, [DUE_PROMPT], e.id)
        await self._take_back_prepared_in(session, e.id, now)
        bumped = await CheckinRepository(session).bump(e.id, now)
        if bumped is not None and bumped.status == ACTIVE:
            await self._schedule_next_in(session, bumped, now)

    async def _take_back_prepared_in(
        self, session: AsyncSession, enrollment_id: int, now: datetime
    ) -> None:
        """A check-in written ahead of its minute (PROMPT_LEAD) whose schedule changes or
        stops before the minute never begins: its prompt is not sent, its steps go and its
        slot is free again for the new schedule."""
        repo = CheckinRepository(session)
        prepared = await repo.prepared_rounds(enrollment_id, now)
        if not prepared:
            return
        # Deleted without a trace (its steps, its unsent prompt): a new check-in may take
        # the same id on SQLite, and must not find them.
        ids = [r.id for r in prepared]
        await self.due.drop_in(session, ROUND_STEPS, ids)
        await OutboxRepository(session).delete_unsent_about(
            [f"checkin:{i}" for i in ids], "checkin_prompt"
        )
        await repo.delete_rounds(ids)

    async def _prompt(self, context: DueContext) -> str:
        return (await self._prompts([context]))[0]

    async def _prompts(self, contexts: list[DueContext]) -> list[str]:
        """Settle prompts that came due (one, or the thousands due at one minute), or are
        about to (PROMPT_LEAD): the prompts whose window is open are written together, a few
        statements for all of them, each held in the outbox until its minute; one whose
        window closed while the service was down starts its escalation."""
        session = contexts[0].session
        repo = CheckinRepository(session)
        found = await repo.get_many(c.item.subject_id for c in contexts)
        statuses: list[str] = []
        fresh: list[tuple[EnrollmentRecord, Slot]] = []
        after: list[tuple[EnrollmentRecord, datetime]] = []
        for context in contexts:
            now = context.now
            e = found.get(context.item.subject_id)
            version, _bar, key = context.item.key.partition("|")
            if e is None or e.status != ACTIVE or version != f"v{e.version}":
                statuses.append(CANCELLED)
                continue
            statuses.append(DONE)
            schedule = schedule_of(e)
            window = timedelta(minutes=e.window_minutes)
            own = slot_of(slot_time(key).date(), slot_time(key).time(), schedule.zone)
            # After downtime, the latest slot that came due is the one that matters; the
            # ones before it are logged as not sent.
            latest = latest_slot(schedule, now, own.due_at) or own
            if latest.key != own.key:
                for skipped in slots_from(schedule, own.local.date()):
                    if skipped.due_at >= latest.due_at:
                        break
                    if skipped.due_at >= own.due_at:
                        await repo.log(e.id, "missed", now, skipped.key)
            if now < latest.due_at + window:
                fresh.append((e, latest))
            else:
                round_ = await repo.add_round(
                    e.id, latest.key, latest.due_at, WAITING, downtime=True
                )
                if round_ is not None:
                    await repo.log(e.id, "missed", now, latest.key, round_id=round_.id)
                    await self._escalate_in(session, e, round_, now)
            after.append((e, max(latest.due_at, now - window)))
        if fresh:
            await self._send_prompts_in(session, fresh, contexts[0].now)
        await self._schedule_next_many_in(session, after)
        return statuses

    async def _send_prompts_in(
        self, session: AsyncSession, due: list[tuple[EnrollmentRecord, Slot]], now: datetime
    ) -> None:
        """Start these check-ins and queue their prompts, second prompts and deadlines (a
        slot that already has a check-in, from another instance, is left alone)."""
        repo = CheckinRepository(session)
        rounds = await repo.add_prompted_rounds([(e.id, s.key, s.due_at) for e, s in due], now)
        started = [(e, s, rounds[(e.id, s.key)]) for e, s in due if (e.id, s.key) in rounds]
        await repo.log_many(
            [(e.id, "prompted", max(s.due_at, now), "", r.id) for e, s, r in started]
        )
        prompts = [
            self._for_person(e, r, "checkin_prompt", messages.prompt(e, r), send_at=s.due_at)
            for e, s, r in started
        ]
        await self.outbox.enqueue_many_in(session, [q for q in prompts if q is not None])
        steps: list[tuple[str, int, str, datetime]] = []
        for e, slot, round_ in started:
            window = timedelta(minutes=e.window_minutes)
            halfway = slot.due_at + window / 2
            if halfway > now:
                steps.append((DUE_REMIND, round_.id, "r", halfway))
            steps.append((DUE_ESCALATE, round_.id, "e", slot.due_at + window))
        await self.due.schedule_many_in(session, steps)

    async def _prompt_held_in(self, session: AsyncSession, round_: RoundRecord) -> bool:
        """Whether a check-in's prompt is still waiting in the outbox, none of it sent."""
        states = await CheckinRepository(session).delivery_states(
            f"checkin:{round_.id}", "checkin_prompt"
        )
        return "queued" in states and not REACHED & set(states)

    async def _step_round_in(
        self, context: DueContext, statuses: tuple[str, ...]
    ) -> tuple[RoundRecord, EnrollmentRecord] | None:
        repo = CheckinRepository(context.session)
        round_ = await repo.round(context.item.subject_id)
        if round_ is None or round_.status not in statuses:
            return None
        e = await repo.get(round_.enrollment_id)
        if e is None or e.status != ACTIVE:
            return None
        return round_, e

    async def _remind(self, context: DueContext) -> str:
        found = await self._step_round_in(context, (WAITING,))
        if found is None:
            return CANCELLED
        round_, e = found
        if context.now >= round_.due_at + timedelta(minutes=e.window_minutes):
            return MISSED  # came back after the window: the contacts are asked, not her again
        if await self._prompt_held_in(context.session, round_):
            # The first prompt has not gone out yet (the service was down at its minute, or
            # the provider is): it goes now, without a second one on top of it.
            return DONE
        await CheckinRepository(context.session).log(
            e.id, "reminded", context.now, round_id=round_.id
        )
        await self._to_person_in(
            context.session, e, round_, "checkin_remind", messages.prompt(e, round_, second=True)
        )
        return DONE

    async def _escalate(self, context: DueContext) -> str:
        found = await self._step_round_in(context, (WAITING,))
        if found is None:
            return CANCELLED
        round_, e = found
        if await self._prompt_held_in(context.session, round_):
            # The prompt never went out (the service was down from before its minute to
            # now): it is not sent this late, and the contacts are told we could not reach
            # the person rather than that they did not answer.
            await OutboxRepository(context.session).cancel_queued_about(
                [f"checkin:{round_.id}"],
                "checkin_prompt",
                "too late: the check-in's time is over",
                context.now,
            )
            repo = CheckinRepository(context.session)
            round_ = await repo.change_round(round_.id, (WAITING,), downtime=True) or round_
        await self._escalate_in(context.session, e, round_, context.now)
        return DONE

    async def _escalate_in(
        self, session: AsyncSession, e: EnrollmentRecord, round_: RoundRecord, now: datetime
    ) -> None:
        repo = CheckinRepository(session)
        updated = await repo.change_round(round_.id, (WAITING,), status=ESCALATED, escalated_at=now)
        if updated is None:
            return
        contacts = await repo.contacts(e.id)
        targets = await self._reachable_in(session, contacts)
        if not targets:
            await repo.log(e.id, "no_contact", now, round_id=round_.id)
            await self._tell_officer_in(
                session, e, updated, now, "None of their contacts can be reached"
            )
            return
        deadline = now + timedelta(minutes=self.take_minutes)
        await repo.log(e.id, "escalated", now, f"{len(targets)} message(s)", round_id=round_.id)
        await self._to_addresses_in(
            session,
            e,
            targets,
            "checkin_missed",
            messages.missed(e, updated, deadline, ZoneInfo(e.timezone)),
            subject=f"checkin:{round_.id}",
        )
        await self.due.schedule_in(session, DUE_REACH, round_.id, "1", now + REACH_EVERY)
        await self.due.schedule_in(session, DUE_OFFICER, round_.id, "o", deadline)

    async def _reach(self, context: DueContext) -> str:
        """A minute after the contacts were asked (and each minute until their messages
        settle): if none of them reached anyone, the officer is told now."""
        found = await self._step_round_in(context, (ESCALATED,))
        if found is None:
            return CANCELLED
        round_, e = found
        repo = CheckinRepository(context.session)
        states = await repo.delivery_states(f"checkin:{round_.id}", "checkin_missed")
        if any(s in REACHED for s in states):
            return DONE
        attempt = int(context.item.key) if context.item.key.isdigit() else 1
        if any(s in STILL_GOING for s in states) and attempt < REACH_CHECKS:
            await self.due.schedule_in(
                context.session, DUE_REACH, round_.id, str(attempt + 1), context.now + REACH_EVERY
            )
            return DONE
        await repo.log(e.id, "no_contact", context.now, round_id=round_.id)
        await self._tell_officer_in(
            context.session,
            e,
            round_,
            context.now,
            "The messages to their contacts could not be delivered",
        )
        return DONE

    async def _officer(self, context: DueContext) -> str:
        found = await self._step_round_in(context, (ESCALATED,))
        if found is None:
            return CANCELLED
        round_, e = found
        await self._tell_officer_in(
            context.session,
            e,
            round_,
            context.now,
            f"No contact said they had it within {self.take_minutes} minutes",
        )
        return DONE

    async def _tell_officer_in(
        self,
        session: AsyncSession,
        e: EnrollmentRecord,
        round_: RoundRecord,
        now: datetime,
        reason: str,
    ) -> None:
        repo = CheckinRepository(session)
        updated = await repo.change_round(
            round_.id, (WAITING, ESCALATED), status=OFFICER, officer_at=now
        )
        if updated is None:
            return
        await self.due.cancel_in(session, [DUE_OFFICER, DUE_REACH], round_.id)
        contacts = await repo.contacts(e.id)
        told = await self._to_officers_in(
            session,
            "checkin_officer",
            messages.to_officer(e, updated, contacts, reason),
            subject=f"checkin:{round_.id}",
        )
        await repo.log(e.id, "officer", now, reason, round_id=round_.id)
        if not told:
            log.error("checkins: %s escalated but there is no officer to tell", e.reference)

    # Sending

    async def _reachable_in(
        self, session: AsyncSession, contacts: list[ContactRecord]
    ) -> list[tuple[str, str]]:
        """Where the contacts can be reached now: accepted Telegram chats not known to block
        the bot, and numbers that have not opted out or failed as invalid."""
        members = MemberRepository(session)
        found: list[tuple[str, str]] = []
        for c in contacts:
            if c.telegram_chat:
                member = (
                    await members.by_telegram_user(int(c.telegram_chat))
                    if c.telegram_chat.lstrip("-").isdigit()
                    else None
                )
                if member is None or member.telegram_reachable:
                    found.append((TELEGRAM, c.telegram_chat))
            if (
                c.phone
                and self.settings.sms_enabled
                and not c.phone_opted_out
                and not await self._phone_opted_out_in(session, c.phone)
            ):
                found.append((SMS, c.phone))
        return found

    async def _phone_opted_out_in(self, session: AsyncSession, phone: str) -> bool:
        members = await MemberRepository(session).by_phone(phone)
        return any(m.sms_status in ("opted_out", "invalid", "not_mobile") for m in members)

    async def _to_person_in(
        self,
        session: AsyncSession,
        e: EnrollmentRecord,
        round_: RoundRecord | None,
        kind: str,
        message: Message,
    ) -> None:
        queued = self._for_person(e, round_, kind, message)
        if queued is not None:
            await self.outbox.enqueue_many_in(session, [queued])

    def _for_person(
        self,
        e: EnrollmentRecord,
        round_: RoundRecord | None,
        kind: str,
        message: Message,
        *,
        send_at: datetime | None = None,
    ) -> Queued | None:
        """A message to the person on their channels (by text only while they have not yet
        confirmed a sign-up made for them); held until `send_at` when given."""
        addresses = e.addresses
        if e.status == AWAITING and e.phone:
            addresses = [(SMS, e.phone)]
        return self._for_addresses(
            e,
            addresses,
            kind,
            message,
            subject=f"checkin:{round_.id}" if round_ else f"checkin-e:{e.id}",
            send_at=send_at,
        )

    async def _to_addresses_in(
        self,
        session: AsyncSession,
        e: EnrollmentRecord,
        addresses: list[tuple[str, str]],
        kind: str,
        message: Message,
        *,
        subject: str,
        urgency: str = "urgent",
    ) -> None:
        queued = self._for_addresses(e, addresses, kind, message, subject=subject, urgency=urgency)
        if queued is not None:
            await self.outbox.enqueue_many_in(session, [queued])

    def _for_addresses(
        self,
        e: EnrollmentRecord,
        addresses: list[tuple[str, str]],
        kind: str,
        message: Message,
        *,
        subject: str,
        urgency: str = "urgent",
        send_at: datetime | None = None,
    ) -> Queued | None:
        if not addresses:
            return None
        return Queued(
            kind=kind,
            message=message,
            direct=list(dict.fromkeys(addresses)),
            urgency=urgency,  # a check-in and its escalation are never held for quiet hours
            audience=f"check-in {e.reference}",
            subject=subject,
            send_at=send_at,
        )

    async def _to_officers_in(
        self, session: AsyncSession, kind: str, message: Message, *, subject: str
    ) -> int:
        """The officer on duty, or every officer when nobody is; returns how many."""
        duty = await CheckinRepository(session).duty()
        if duty is not None and duty not in {
            o.telegram_user_id for o in await self.officers.all_in(session)
        }:
            duty = None  # no longer an officer: never a civilian, and never nobody
        if duty is not None:
            direct = [(TELEGRAM, str(duty))]
            members = []
            member = await MemberRepository(session).by_telegram_user(duty)
            if member is not None:
                members, direct = [member], []
        else:
            members, direct = await self.officers.audience_in(session)
        if not members and not direct:
            return 0
        await self.outbox.enqueue_in(
            session,
            kind=kind,
            message=message,
            recipients=members,
            direct=direct,
            urgency="urgent",
            audience="the officer on duty" if duty is not None else "officers",
            subject=subject,
        )
        return len(members) + len(direct)

    # Officers

    async def _require(self, actor: Actor) -> None:
        await self.access.require(actor, Action.WORK_CHECKINS, target="checkins")

    async def overview(self, actor: Actor) -> list[OverviewRow]:
        """Everyone enrolled (or waiting to confirm), with their newest check-in."""
        await self._require(actor)
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            enrolled = await repo.active(statuses=OPEN)
            latest = await repo.latest_rounds([e.id for e in enrolled], self.clock.now())
            rows = [
                OverviewRow(e, latest.get(e.id), len(await repo.contacts(e.id))) for e in enrolled
            ]
            await self.audit.record_in(
                session, actor, "checkin.list", detail=f"{len(rows)} enrolled"
            )
        return rows

    async def officer_history(
        self, actor: Actor, enrollment_id: int
    ) -> tuple[EnrollmentRecord, str, list[ContactRecord]]:
        """One enrolled person's settings and log, for an officer."""
        await self._require(actor)
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            e = await repo.get(enrollment_id)
            if e is None:
                raise NotFound(GONE)
            events: list[EventRecord] = await repo.events(e.id, HISTORY, self.clock.now())
            contacts = await repo.contacts(e.id)
            await self.audit.record_in(session, actor, "checkin.view", target=e.reference)
        return e, messages.history(e, events, ZoneInfo(e.timezone), {}), contacts

    async def duty(self, actor: Actor) -> int | None:
        """Who is on duty for escalations."""
        await self.access.require(actor, Action.SET_DUTY, target="duty")
        async with self.db.transaction() as session:
            return await CheckinRepository(session).duty()

    async def set_duty(self, actor: Actor, on: bool) -> int | None:
        """Put this officer on duty (or take them off); returns who was on duty before."""
        await self.access.require(actor, Action.SET_DUTY, target="duty")
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            current = await repo.duty()
            if on:
                before = await repo.set_duty(actor.telegram_user_id, now)
            elif current == actor.telegram_user_id:
                before = await repo.set_duty(None, now)
            else:
                raise Conflict("You are not the officer on duty.")
            await self.audit.record_in(session, actor, "duty.on" if on else "duty.off")
            if on and before is not None and before != actor.telegram_user_id:
                text = f"{actor.shown} is now the officer on duty for check-in escalations."
                await self.outbox.enqueue_in(
                    session,
                    kind="duty_changed",
                    message=Message(html=text, text=text),
                    recipients=[],
                    direct=[(TELEGRAM, str(before))],
                    audience="the officer before",
                )
        return current

    # The weekly scam warnings

    async def send_scam_digest(self) -> str | None:
        """At CHECKIN_SCAM_DIGEST_TIME each week: the scam-category alerts of the last seven
        days to every enrolled person who wants them (nothing when there were none)."""
        now = self.clock.now()
        zone = self.settings.zone
        weekday, at = parse_weekly(self.settings.checkin_scam_digest_time)
        day, scheduled = latest_weekly(now, weekday, at, zone)

        async def send(session: AsyncSession) -> None:
            repo = CheckinRepository(session)
            items = await repo.scam_alerts(scheduled - timedelta(days=7), scheduled)
            if not items:
                return
            prefix = f"{self.settings.service_name}: "
            items = [(at, body.removeprefix(prefix)) for at, body in items]
            message = messages.scam_digest(items[:8], zone)
            for e in await repo.active(scam_digest=True):
                await self._to_addresses_in(
                    session,
                    e,
                    e.addresses,
                    SCAM_DIGEST,
                    message,
                    subject=f"checkin-e:{e.id}",
                    urgency="normal",
                )

        return await self.due.run_list(SCAM_DIGEST, day.isoformat(), scheduled, send)

    async def scams_off(self, channel: str, address: str) -> bool:
        """Turn the weekly scam warnings off; False when there was nothing to turn off."""
        e = await self.mine(channel, address)
        if e is None or e.status != ACTIVE or not e.scam_digest:
            return False
        await self.change(e.id, channel, address, scam_digest=False)
        return True

    # STOP, START and YES by text

    async def sms_opt_change(self, phone: str, kind: str, word: str) -> None:
        """STOP: the number's check-ins stop (contacts told), a contact's number is skipped
        (its person told). START: a contact's number is used again. YES: the person someone
        signed up confirms."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            if kind == "STOP":
                for e in await repo.of_person(phone=phone, statuses=OPEN):
                    await self._stop_in(session, e, now, by_sms=True)
                for contact in await repo.set_phone_opted_out(phone, True):
                    person = await repo.get(contact.enrollment_id)
                    if person is None or person.status not in OPEN:
                        continue
                    e = person
                    await repo.log(e.id, "contact_stopped", now, contact.name)
                    await self._to_addresses_in(
                        session,
                        e,
                        e.addresses,
                        "checkin_contact_stop",
                        messages.contact_unreachable(contact),
                        subject=f"checkin-e:{e.id}",
                    )
                return
            await repo.set_phone_opted_out(phone, False)
            if word == "YES":
                for e in await repo.of_person(phone=phone, statuses=(AWAITING,)):
                    if e.phone == phone and e.telegram_chat is None:
                        await self._confirm_in(session, e, True)
                        break

    async def sms_awaiting(self, phone: str) -> EnrollmentRecord | None:
        """A sign-up by someone else waiting for this number's YES."""
        async with self.db.transaction() as session:
            found = await CheckinRepository(session).of_person(phone=phone, statuses=(AWAITING,))
        return found[0] if found else None

    async def sms_decline(self, phone: str) -> bool:
        """NO to a sign-up by someone else."""
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            found = await repo.of_person(phone=phone, statuses=(AWAITING,))
            if not found:
                return False
            await self._confirm_in(session, found[0], False)
            return True

    # /forget

    async def _erase_in(
        self, session: AsyncSession, chat: str | None, phone: str | None, member_id: int | None
    ) -> int:
        repo = CheckinRepository(session)
        now = self.clock.now()
        mine = await repo.of_person(member_id=member_id, chat=chat, phone=phone)
        for e in mine:
            await self.due.cancel_in(session, [DUE_PROMPT], e.id)
            for round_ in await repo.rounds(e.id, EPOCH):
                await self.due.cancel_in(session, ROUND_STEPS, round_.id)
        subjects = [f"checkin-e:{e.id}" for e in mine]
        for e in mine:
            subjects += [f"checkin:{r.id}" for r in await repo.rounds(e.id, EPOCH)]
        # What was sent about them (names, address, phone) goes with them.
        await OutboxRepository(session).forget_subjects(subjects, now)
        count = await repo.delete([e.id for e in mine])
        as_contact = await repo.contacts_of(chat=chat, phone=phone)
        for contact in as_contact:
            await repo.scrub_name(contact.enrollment_id, contact.name, FORMER_CONTACT)
            await repo.log(contact.enrollment_id, "contact_removed", now, "asked to be forgotten")
        count += await repo.delete_contacts([c.id for c in as_contact])
        if chat is not None and chat.lstrip("-").isdigit() and await repo.duty() == int(chat):
            await repo.set_duty(None, now)
        return count

    async def erase_member_in(self, session: AsyncSession, erased: Erased) -> None:
        """/forget: the member's check-ins (and everything logged), and their place as anyone's
        contact."""
        await self._erase_in(session, erased.telegram_chat, erased.phone_e164, erased.member_id)

    async def count(self, channel: str, address: str) -> int:
        """How many enrollments and contact entries a chat or number has."""
        async with self.db.transaction() as session:
            repo = CheckinRepository(session)
            chat = address if channel == TELEGRAM else None
            phone = address if channel == SMS else None
            return len(await repo.of_person(chat=chat, phone=phone)) + len(
                await repo.contacts_of(chat=chat, phone=phone)
            )

    async def forget(self, channel: str, address: str) -> int:
        """Delete what a chat or number holds here (someone who never registered)."""
        async with self.db.transaction() as session:
            return await self._erase_in(
                session,
                address if channel == TELEGRAM else None,
                address if channel == SMS else None,
                None,
            )
