"""Victim assistance: an officer's follow-up with a consenting person after a crime.

The officer opens it (/victim) for a registered member (by chat id), for whoever opens an
invite link, or for a phone number; the person is asked first and nothing else reaches them
before they agree. Then they get the department's resources and check-ins at 2 days, 2 weeks
and 1 month (due items: a restart loses none), from which they can answer, ask to be called
back or stop the check-ins. What they write reaches the officer who opened it, who can reply
and close it.

Every officer action is checked here and audited (refusals too) naming the officer and the
case number only. Nothing is logged with a number or a name, and nothing goes to a group.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.delivery import Message
from core.due import CANCELLED, DONE, MISSED, DueContext, DueRunner
from core.emergency import emergency_terms
from core.erasure import Erased
from core.errors import AlreadyDone, Conflict, InvalidInput, NotFound, UserError
from core.flows import Claim, take_in
from core.members import OfficerService, send_untouched_digest
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from core.victims import messages
from core.victims.rules import (
    ACTIVE,
    AWAITING,
    BY_INVITE,
    BY_MEMBER,
    BY_PHONE,
    CHECKIN_DUE,
    CHECKIN_KEYS,
    CHECKINS,
    CLOSED,
    CONSENTED,
    CRIME_TYPES,
    DECLINED,
    LIST_PAGE,
    OPEN_STATUSES,
    OPTED_OUT,
    RESOURCES_KEY,
    SMS,
    STOPPED,
    TELEGRAM,
    FollowupDraft,
    clean_answer,
    clean_case_number,
    clean_chat_id,
    resources_text,
)
from storage.delivery.repositories import OutboxRepository
from storage.members.repositories import MemberRepository
from storage.victims.records import FollowupRecord
from storage.victims.repositories import FollowupRepository

REFUSAL_TARGET = "victims"
DIGEST = "victim_digest"
GONE = "That follow-up is no longer there (it may have been closed or deleted)."
# Check-ins land in the day: one due in the night waits for the morning.
DAY_STARTS, DAY_ENDS, MORNING = time(9, 0), time(20, 0), time(10, 0)


@dataclass(frozen=True, slots=True)
class Target:
    """Who a follow-up will reach, as the officer's review shows it."""

    how: str
    address: str | None
    shown: str  # the member's name, or the number's last digits
    member_id: int | None = None


@dataclass(frozen=True, slots=True)
class Opened:
    """A follow-up just opened: the record and, for an invite, the link's token."""

    followup: FollowupRecord
    invite_token: str | None


@dataclass(frozen=True, slots=True)
class Changed:
    """A person's answer to a button: the follow-up and whether this press changed it."""

    followup: FollowupRecord
    changed: bool


def touched_at(followup: FollowupRecord) -> datetime:
    """When an officer or the person last acted on a follow-up (check-ins do not count)."""
    return followup.updated_at


def officer_label(actor: Actor) -> str:
    """How the person and the list name the officer (the name they are shown by, else
    nothing: never their Telegram id)."""
    return (actor.name or "")[:100]


class VictimFollowups(SharedService):
    """Officers' follow-ups with victims, and the person's side of them."""

    def __init__(self, shared: Shared, officers: OfficerService, due: DueRunner) -> None:
        super().__init__(shared)
        self.officers = officers
        self.due = due
        due.register(CHECKIN_DUE, self._checkin)

    async def _require(self, actor: Actor, target: str = REFUSAL_TARGET) -> None:
        await self.access.require(actor, Action.WORK_VICTIMS, target=target)

    async def require(self, actor: Actor) -> None:
        """Refuse (audited) anyone but an officer."""
        await self._require(actor)

    def resources(self) -> str:
        """The department's resources text (VICTIM_RESOURCES_FILE or VICTIM_RESOURCES)."""
        return resources_text(self.settings.victim_resources, self.settings.victim_resources_file)

    # The officer's side

    async def _get_in(self, session: AsyncSession, followup_id: int) -> FollowupRecord:
        found = await FollowupRepository(session).get(followup_id)
        if found is None:
            raise NotFound(GONE)
        return found

    async def _opted_out_in(self, session: AsyncSession, phone: str) -> bool:
        members = await MemberRepository(session).by_phone(phone)
        if any(m.sms_status == "opted_out" for m in members):
            return True
        return bool(await FollowupRepository(session).for_person(SMS, phone, (OPTED_OUT,)))

    async def target(self, actor: Actor, how: str, text: str | None) -> Target:
        """Check who /victim names: a registered member's chat id, or a phone number that
        can be texted (not opted out). An invite names nobody yet."""
        await self._require(actor)
        if how == BY_INVITE:
            return Target(BY_INVITE, None, "whoever opens the link")
        if how == BY_MEMBER:
            chat = clean_chat_id(text)
            async with self.db.transaction() as session:
                member = await MemberRepository(session).by_telegram_user(chat)
            if member is None or not member.is_registered:
                raise InvalidInput(  # not NotFound: the step stays for another try
                    f"No registered member has the chat id {chat}. Check /members, or use an "
                    "invite link instead. (/cancel)"
                )
            address = str(member.telegram_chat_id or chat)
            return Target(
                BY_MEMBER, address, member.display_name or f"member #{member.id}", member.id
            )
        if how == BY_PHONE:
            if not self.settings.sms_enabled:
                raise Conflict(
                    "Texting is not set up for this service, so a phone number can't be "
                    "followed up. Use an invite link instead. (/cancel)"
                )
            try:
                phone = validation.phone_e164(text or "")
            except InvalidInput:
                raise InvalidInput(
                    "That doesn't look like a phone number. Please type it with its area code, "
                    "e.g. (203) 555-0142 or +12035550142. (/cancel)"
                ) from None
            async with self.db.transaction() as session:
                if await self._opted_out_in(session, phone):
                    raise InvalidInput(
                        f"The number {messages.masked(phone)} has opted out of our texts "
                        "(STOP), so nothing can be sent to it. They can text START to our "
                        "number, or use an invite link instead. (/cancel)"
                    )
            return Target(BY_PHONE, phone, messages.masked(phone))
        raise InvalidInput("Choose how to reach them with the buttons.")

    async def open(
        self, actor: Actor, draft: FollowupDraft, *, claim: Claim | None = None
    ) -> Opened:
        """Open a follow-up and ask the person first (the consent request goes through the
        outbox in the same transaction); with `claim`, the review step is taken with it."""
        await self._require(actor)
        if draft.crime_type not in CRIME_TYPES:
            raise InvalidInput("Choose the crime type with the buttons.")
        case = clean_case_number(draft.case_number)
        target = await self.target(actor, draft.how, draft.target)
        token = secrets.token_urlsafe(12) if target.how == BY_INVITE else None
        now = self.clock.now()
        async with self.db.transaction() as session:
            await take_in(session, claim)
            if target.how == BY_PHONE and await self._opted_out_in(session, target.address or ""):
                raise Conflict("That number has opted out of our texts (STOP).")
            followup = await FollowupRepository(session).add(
                now=now,
                case_number=case,
                crime_type=draft.crime_type,
                channel=SMS if target.how == BY_PHONE else TELEGRAM,
                address=target.address,
                member_id=target.member_id,
                invite_token=token,
                status=AWAITING,
                officer_telegram_id=actor.telegram_user_id or 0,
                officer_label=officer_label(actor),
            )
            if followup.address is not None:
                await self._to_person_in(
                    session,
                    followup,
                    "victim_consent",
                    messages.consent_request(followup, self.settings.service_name),
                )
            await self.audit.record_in(session, actor, "victim.open", target=f"case {case}")
        return Opened(followup, token)

    async def followups(self, actor: Actor, *, offset: int = 0) -> tuple[list[FollowupRecord], int]:
        """A page of the open follow-ups (oldest first) and how many there are."""
        await self._require(actor)
        async with self.db.transaction() as session:
            repo = FollowupRepository(session)
            page = await repo.open_followups(LIST_PAGE, max(offset, 0))
            total = await repo.count_open()
            await self.audit.record_in(session, actor, "victim.list", detail=f"{total} open")
        return page, total

    async def view(self, actor: Actor, followup_id: int) -> FollowupRecord:
        """One follow-up."""
        await self._require(actor)
        async with self.db.transaction() as session:
            followup = await self._get_in(session, followup_id)
            await self.audit.record_in(
                session, actor, "victim.view", target=f"case {followup.case_number}"
            )
        return followup

    async def check_reply(self, actor: Actor, followup_id: int) -> FollowupRecord:
        """Whether the officer may write to the person now (they agreed, it is open)."""
        followup = await self.view(actor, followup_id)
        if followup.status not in CONSENTED:
            raise Conflict(
                f"{followup.reference} is {messages.STATUSES.get(followup.status, followup.status)}"
                ": nothing can be sent to them."
            )
        return followup

    async def reply(self, actor: Actor, followup_id: int, text: str) -> FollowupRecord:
        """The officer writes to the person (through the outbox)."""
        await self._require(actor)
        body = clean_answer(text, who="Your reply")
        async with self.db.transaction() as session:
            followup = await self._get_in(session, followup_id)
            if followup.status not in CONSENTED:
                raise Conflict(f"{followup.reference} is closed: nothing can be sent to them.")
            await self._to_person_in(
                session, followup, "victim_reply", messages.officer_wrote(followup, body)
            )
            await FollowupRepository(session).touch(followup.id, self.clock.now())
            await self.audit.record_in(
                session, actor, "victim.reply", target=f"case {followup.case_number}"
            )
        return followup

    async def close(self, actor: Actor, followup_id: int) -> Changed:
        """Close a follow-up: no more check-ins; a person who agreed is told."""
        await self._require(actor)
        now = self.clock.now()
        async with self.db.transaction() as session:
            followup = await self._get_in(session, followup_id)
            if followup.status == CLOSED:
                return Changed(followup, False)
            updated = await FollowupRepository(session).change(
                followup.id,
                (AWAITING, ACTIVE, STOPPED, DECLINED, OPTED_OUT),
                now,
                status=CLOSED,
                closed_at=now,
                invite_token=None,
            )
            if updated is None:
                return Changed(await self._get_in(session, followup.id), False)
            await self.due.cancel_in(session, [CHECKIN_DUE], followup.id)
            if followup.status in CONSENTED:
                await self._to_person_in(
                    session, updated, "victim_closed", messages.closed_for_person(updated)
                )
            await self.audit.record_in(
                session, actor, "victim.close", target=f"case {followup.case_number}"
            )
        return Changed(updated, True)

    async def send_digest(self) -> str | None:
        """The officers' daily list of untouched follow-ups at VICTIM_DIGEST_TIME (none when
        there are none); once a day however often it is asked. None when already handled.

        Untouched means open (awaiting consent, check-ins on, or check-ins stopped by the
        person) with no officer action (open, reply) and nothing from the person (consent,
        an answer, "call me back", "no more check-ins") for three working days: the
        scheduled check-ins are nobody's touch, so an active follow-up whose person never
        answers comes back to its officer. Each line names the case number, the crime type,
        the age and the owning officer, nothing about the person."""
        return await send_untouched_digest(
            self.shared,
            self.officers,
            self.due,
            kind=DIGEST,
            at=self.settings.victim_digest_time,
            open_items=lambda session: FollowupRepository(session).open_followups(None),
            touched_at=touched_at,
            render=messages.digest,
        )

    # Messages

    async def _to_person_in(
        self, session: AsyncSession, followup: FollowupRecord, kind: str, message: Message
    ) -> None:
        assert followup.address is not None
        await self.outbox.enqueue_in(
            session,
            kind=kind,
            message=message,
            recipients=[],
            direct=[(followup.channel, followup.address)],
            urgency="urgent",  # one person, who asked for it: not held for quiet hours
            audience=f"the person of {followup.reference}",
            subject=f"victim:{followup.id}",
        )

    async def _to_officer_in(
        self, session: AsyncSession, followup: FollowupRecord, kind: str, message: Message
    ) -> None:
        await self.outbox.enqueue_in(
            session,
            kind=kind,
            message=message,
            recipients=[],
            direct=[(TELEGRAM, str(followup.officer_telegram_id))],
            audience=f"the officer of {followup.reference}",
            subject=f"victim:{followup.id}",
        )

    # Consent

    def _checkin_at(self, consented: datetime, after: timedelta) -> datetime:
        """When a check-in is due: `after` the consent, moved into the day (9 AM-8 PM)."""
        zone = self.settings.zone
        local = (consented + after).astimezone(zone)
        if local.time() < DAY_STARTS:
            local = datetime.combine(local.date(), MORNING, zone)
        elif local.time() >= DAY_ENDS:
            local = datetime.combine(local.date() + timedelta(days=1), MORNING, zone)
        return local

    async def _consent_in(
        self,
        session: AsyncSession,
        followup: FollowupRecord,
        yes: bool,
        *,
        address: str | None = None,
        member_id: int | None = None,
    ) -> Changed:
        now = self.clock.now()
        values: dict[str, object] = {}
        if address is not None:
            values.update(address=address, channel=TELEGRAM)
            if member_id is not None:
                values["member_id"] = member_id
        if yes:
            values.update(status=ACTIVE, consented_at=now)
        else:
            # The invite's token stays: pressed again, No finds its answer (a declined
            # follow-up takes no one else's).
            values.update(status=DECLINED, closed_at=now)
        updated = await FollowupRepository(session).change(followup.id, (AWAITING,), now, **values)
        if updated is None:
            return Changed(await self._get_in(session, followup.id), False)
        if not yes:
            await self._to_officer_in(
                session, updated, "victim_declined", messages.declined(updated)
            )
            return Changed(updated, True)
        for key, after in CHECKINS:
            await self.due.schedule_in(
                session, CHECKIN_DUE, updated.id, key, self._checkin_at(now, after)
            )
        await self._to_person_in(
            session, updated, "victim_resources", messages.resources(updated, self.resources())
        )
        await self._to_officer_in(session, updated, "victim_consented", messages.consented(updated))
        return Changed(updated, True)

    async def _mine_in(
        self, session: AsyncSession, followup_id: int, channel: str, address: str
    ) -> FollowupRecord:
        followup = await FollowupRepository(session).get(followup_id)
        if followup is None or (followup.channel, followup.address) != (channel, address):
            raise NotFound(GONE)
        return followup

    async def consent(self, followup_id: int, chat_id: int, yes: bool) -> Changed:
        """A registered member's answer to the consent request (its buttons)."""
        async with self.db.transaction() as session:
            followup = await self._mine_in(session, followup_id, TELEGRAM, str(chat_id))
            return await self._consent_in(session, followup, yes)

    async def invitation(self, token: str, chat_id: int) -> FollowupRecord:
        """The follow-up an invite link opens, still waiting for an answer (or already this
        chat's, when the link is opened again)."""
        async with self.db.transaction() as session:
            followup = await FollowupRepository(session).by_invite(token[:32])
        if followup is None or (followup.status != AWAITING and followup.address != str(chat_id)):
            raise NotFound(
                "This link has been used or is no longer valid. Please ask the officer who "
                "gave it to you for a new one."
            )
        return followup

    async def accept_invitation(self, token: str, chat_id: int, user_id: int, yes: bool) -> Changed:
        """The answer to an invite link's question: the chat becomes the person's."""
        async with self.db.transaction() as session:
            followup = await FollowupRepository(session).by_invite(token[:32])
            if followup is not None and followup.address == str(chat_id):
                return Changed(followup, False)  # pressed twice
            if followup is None or followup.status != AWAITING:
                raise NotFound(
                    "This link has been used or is no longer valid. Please ask the officer "
                    "who gave it to you for a new one."
                )
            member = await MemberRepository(session).by_telegram_user(user_id)
            return await self._consent_in(
                session,
                followup,
                yes,
                address=str(chat_id),
                member_id=member.id if member is not None else None,
            )

    # After consent: answers, call me back, no more check-ins

    async def callback(self, followup_id: int, channel: str, address: str, key: str) -> Changed:
        """ "Call me back" from the resources or a check-in: the officer is told once per
        message however often it is pressed."""
        if key not in (RESOURCES_KEY, *CHECKIN_KEYS):
            raise Conflict("That button belongs to an older message. Please use the newest one.")
        async with self.db.transaction() as session:
            followup = await self._mine_in(session, followup_id, channel, address)
            if followup.status not in CONSENTED:
                raise Conflict(GONE)
            if not await FollowupRepository(session).ask_callback(
                followup.id, key, CONSENTED, self.clock.now()
            ):
                return Changed(followup, False)
            phone = await self._phone_in(session, followup)
            await self._to_officer_in(
                session, followup, "victim_callback", messages.callback_asked(followup, phone)
            )
            return Changed(followup, True)

    async def _phone_in(self, session: AsyncSession, followup: FollowupRecord) -> str | None:
        if followup.channel == SMS:
            return followup.address
        if followup.member_id is not None:
            member = await MemberRepository(session).get(followup.member_id)
            return member.phone_e164 if member is not None else None
        return None

    async def mine(self, followup_id: int, channel: str, address: str) -> FollowupRecord:
        """One of this chat's or number's follow-ups."""
        async with self.db.transaction() as session:
            return await self._mine_in(session, followup_id, channel, address)

    async def stop(self, followup_id: int, channel: str, address: str) -> Changed:
        """No more check-ins, at once (the person confirmed); the officer is told."""
        async with self.db.transaction() as session:
            followup = await self._mine_in(session, followup_id, channel, address)
            if followup.status == STOPPED:
                return Changed(followup, False)
            updated = await FollowupRepository(session).change(
                followup.id, (ACTIVE,), self.clock.now(), status=STOPPED
            )
            if updated is None:
                raise Conflict(GONE)
            await self.due.cancel_in(session, [CHECKIN_DUE], followup.id)
            await self._to_officer_in(session, updated, "victim_stopped", messages.stopped(updated))
            return Changed(updated, True)

    async def answer(
        self, followup_id: int, channel: str, address: str, text: str
    ) -> tuple[FollowupRecord, bool]:
        """The person writes to the officer; returns the follow-up and whether the text
        sounds like an emergency (they are told 911 first)."""
        body = clean_answer(text)
        emergency = bool(emergency_terms(body))
        async with self.db.transaction() as session:
            followup = await self._mine_in(session, followup_id, channel, address)
            if followup.status not in CONSENTED:
                raise NotFound(GONE)
            await self._to_officer_in(
                session,
                followup,
                "victim_answer",
                messages.answered(followup, body, emergency=emergency),
            )
            await FollowupRepository(session).touch(followup.id, self.clock.now())
        return followup, emergency

    async def answered_message(self, chat_id: int, message_id: int) -> FollowupRecord | None:
        """The follow-up a Telegram reply is about, by the bot message it quotes (a check-in,
        the resources, the officer's words, or an answer shown to the officer)."""
        async with self.db.transaction() as session:
            subject = await OutboxRepository(session).subject_of_message(chat_id, message_id)
            prefix, _colon, number = (subject or "").partition(":")
            if prefix != "victim" or not number.isdigit():
                return None
            return await FollowupRepository(session).get(int(number))

    # Check-ins (the due runner)

    async def _checkin(self, context: DueContext) -> str:
        repo = FollowupRepository(context.session)
        followup = await repo.get(context.item.subject_id)
        if followup is None or followup.status != ACTIVE or followup.address is None:
            return CANCELLED
        key = context.item.key
        if context.stale and followup.consented_at is not None:
            # Late after downtime: still sent, unless a later check-in is due too (then that
            # one goes, and this one is skipped rather than sending two at once).
            later = [
                self._checkin_at(followup.consented_at, after)
                for k, after in CHECKINS
                if CHECKIN_KEYS.index(k) > CHECKIN_KEYS.index(key)
            ]
            if any(at <= context.now for at in later):
                return MISSED
        await repo.count_checkin(followup.id)
        await self._to_person_in(
            context.session, followup, "victim_checkin", messages.checkin(followup, key)
        )
        return DONE

    # SMS

    async def _sms_followup(self, phone: str, statuses: tuple[str, ...]) -> FollowupRecord | None:
        async with self.db.transaction() as session:
            found = await FollowupRepository(session).for_person(SMS, phone, statuses)
        return found[0] if found else None

    async def sms_opt_change(self, phone: str, kind: str, word: str) -> None:
        """STOP: the number's follow-ups stop, their officers told. YES (an opt-in keyword to
        Twilio, which answers it): consent to the newest waiting follow-up; any other START
        lifts our own record of the opt-out."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = FollowupRepository(session)
            if kind == "STOP":
                for followup in await repo.for_person(SMS, phone, OPEN_STATUSES):
                    updated = await repo.change(
                        followup.id, OPEN_STATUSES, now, status=OPTED_OUT, closed_at=now
                    )
                    if updated is not None:
                        await self.due.cancel_in(session, [CHECKIN_DUE], followup.id)
                        await self._to_officer_in(
                            session, updated, "victim_opted_out", messages.opted_out(updated)
                        )
                return
            for followup in await repo.for_person(SMS, phone, (OPTED_OUT,)):
                await repo.change(followup.id, (OPTED_OUT,), now, status=CLOSED)
            if word == "YES":
                waiting = await repo.for_person(SMS, phone, (AWAITING,))
                if waiting:
                    await self._consent_in(session, waiting[0], True)

    async def sms_message(self, phone: str, body: str) -> str | None:
        """A text from a number with a follow-up: YES/NO before consenting, else a message
        for the officer. None when the number has none (the text is for someone else)."""
        service = self.settings.service_name
        waiting = await self._sms_followup(phone, (AWAITING,))
        if waiting is not None:
            word = body.strip().split()[0].strip(".!,;:").upper() if body.strip() else ""
            if word in ("YES", "NO"):
                async with self.db.transaction() as session:
                    await self._consent_in(session, waiting, word == "YES")
                return (messages.sms_consented if word == "YES" else messages.sms_declined)(service)
            return messages.sms_consent_first(service)
        followup = await self._sms_followup(phone, CONSENTED)
        if followup is None:
            return None
        try:
            _record, emergency = await self.answer(followup.id, SMS, phone, body)
        except UserError as refusal:
            return messages.sms_refused(service, str(refusal).replace(", or /cancel", ""))
        return messages.sms_answered(service, messages.named_within(followup), emergency=emergency)

    async def sms_call(self, phone: str, body: str) -> str | None:
        """CALL: ask the officer to call back (once per message the number was sent)."""
        if len(body.split()) > 1:
            return await self.sms_message(phone, body)  # "call me when you can" is a message
        followup = await self._sms_followup(phone, CONSENTED)
        if followup is None:
            return None
        key = CHECKIN_KEYS[followup.checkins_sent - 1] if followup.checkins_sent else RESOURCES_KEY
        changed = await self.callback(followup.id, SMS, phone, key)
        return messages.sms_callback(
            self.settings.service_name, messages.named_within(followup), again=not changed.changed
        )

    async def sms_nomore(self, phone: str, body: str) -> str | None:
        """NOMORE asks; NOMORE YES stops the check-ins."""
        service = self.settings.service_name
        followup = await self._sms_followup(phone, CONSENTED)
        if followup is None:
            return messages.sms_nothing_open(service)
        words = body.upper().split()
        if len(words) >= 2 and words[1].strip(".!") == "YES":
            await self.stop(followup.id, SMS, phone)
            return messages.sms_nomore_done(service, followup.case_number)
        return messages.sms_nomore_question(service, followup.case_number)

    # /forget

    async def _erase_in(
        self, session: AsyncSession, addresses: list[tuple[str, str]], member_id: int | None
    ) -> int:
        repo = FollowupRepository(session)
        followups = await repo.of_person(addresses, member_id)
        ids = [f.id for f in followups]
        # What was said to and about them goes first; then the officers are told (a
        # message that names the case only, under no follow-up's subject).
        await repo.scrub_messages(ids, self.clock.now())
        for followup in followups:
            await self.due.cancel_in(session, [CHECKIN_DUE], followup.id)
            if followup.is_open:
                await self.outbox.enqueue_in(
                    session,
                    kind="victim_forgotten",
                    message=messages.forgotten(followup),
                    recipients=[],
                    direct=[(TELEGRAM, str(followup.officer_telegram_id))],
                    audience=f"the officer of {followup.reference}",
                )
        return await repo.delete_many(ids)

    async def erase_member_in(self, session: AsyncSession, erased: Erased) -> None:
        """/forget: every follow-up of the member, their chat or their number."""
        addresses = [(TELEGRAM, erased.telegram_chat)]
        if erased.phone_e164:
            addresses.append((SMS, erased.phone_e164))
        await self._erase_in(session, addresses, erased.member_id)

    async def count(self, channel: str, address: str) -> int:
        """How many follow-ups a chat or number has."""
        async with self.db.transaction() as session:
            return len(await FollowupRepository(session).of_person([(channel, address)]))

    async def forget(self, channel: str, address: str) -> int:
        """Delete every follow-up of a chat or number (someone who never registered)."""
        async with self.db.transaction() as session:
            return await self._erase_in(session, [(channel, address)], None)


__all__ = ["AlreadyDone", "Changed", "Opened", "Target", "VictimFollowups"]
