"""The tipster's side of the relay: /mytips, answers to officers, tips by SMS, and /forget.

A relay row (token -> channel and address) is the only link between a tip and who sent it.
Answers come back through it: on Telegram by replying to the relayed message or from /mytips,
by SMS as any text that is not a keyword, threaded under the newest open tip of the number
(or under the tip whose reference the text names). Nothing here is audited or logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.emergency import emergency_terms
from core.erasure import Erased
from core.errors import Conflict, Gone, NotFound, UserError
from core.flows import Claim, take_in
from core.members import OfficerService
from core.shared import Shared, SharedService
from core.tips import messages as tip_messages
from core.tips.filing import TipFiling
from core.tips.rules import (
    SMS,
    STATUS_LABELS,
    TELEGRAM,
    TEXT_MAX,
    Source,
    TipDraft,
    clean_tip_text,
    find_reference,
    notify_officers_in,
    tip_subject,
)
from storage.delivery.repositories import OutboxRepository
from storage.members.repositories import MemberRepository
from storage.tips.records import RelayRecord, TipRecord
from storage.tips.repositories import PreferenceRepository, RelayRepository, TipRepository

MY_TIPS_MAX = 20
MY_TIPS_PAGE = 5  # /mytips shows this many tips at a time, newest first
# A conversation with officers is open this long after their last question.
CONVERSATION_WINDOW = timedelta(hours=48)
# An answer sent without replying to the question waits this long, so that it can be taken back.
UNDO_WINDOW = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class OfficerWords:
    """The last message officers sent the tipster on a tip (it was relayed to them, so it is
    theirs to see); never an officer's name or anything officers keep to themselves."""

    at: datetime
    body: str


@dataclass(frozen=True, slots=True)
class MyTip:
    """One of the tipster's tips, as /mytips shows it."""

    reference: str
    token: str
    status: str  # received, in review, closed
    is_open: bool
    anonymous: bool
    created_at: datetime
    updated_at: datetime
    photos: int
    text: str = ""
    # received, in_review, asked (officers' last message is not answered yet), closed
    state: str = "received"
    outcome: str | None = None  # the outcome the tipster was told; never "spam"
    last_from_officers: OfficerWords | None = None


@dataclass(frozen=True, slots=True)
class Answered:
    """A tipster's answer was threaded under a tip; `undo` names what takes it back while it
    waits (the timeline line and the officers' notification), None when it went at once."""

    reference: str
    urgent: bool
    undo: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    """A tip of this chat's on which officers asked something lately."""

    reference: str
    token: str
    asked_at: datetime
    question: str


async def forget_tipster_in(
    session: AsyncSession, channel: str, address: str, member_id: int | None = None
) -> int:
    """Delete an address's relays and unname the named tips it (or the member) filed; returns
    how many relays went. Used by /forget, for members and for people who never registered."""
    tip_ids = await RelayRepository(session).delete_for_address(channel, address)
    await TipRepository(session).scrub_names(tip_ids, member_id)
    return len(tip_ids)


async def erase_member_in(session: AsyncSession, erased: Erased) -> None:
    """/forget: the relays of the member's chat and number go; named tips no longer say who."""
    await forget_tipster_in(session, TELEGRAM, erased.telegram_chat, erased.member_id)
    if erased.phone_e164:
        await forget_tipster_in(session, SMS, erased.phone_e164)


class TipRelay(SharedService):
    """Tipsters' tips, their answers, tips by text, and forgetting the link."""

    def __init__(self, shared: Shared, officers: OfficerService, filing: TipFiling) -> None:
        super().__init__(shared)
        self.officers = officers
        self.filing = filing

    # /mytips

    async def my_tips(self, channel: str, address: str, limit: int = MY_TIPS_MAX) -> list[MyTip]:
        """The tips filed from this chat or number (anonymous ones only from here), newest
        first."""
        page, _ = await self.my_tips_page(channel, address, 0, limit)
        return page

    async def my_tips_page(
        self, channel: str, address: str, offset: int = 0, size: int = MY_TIPS_PAGE
    ) -> tuple[list[MyTip], int]:
        """A page of this chat's or number's tips, newest first, and how many it has. Only
        the relay links a tip to its tipster, so nobody else's chat can list an anonymous
        tip."""
        async with self.db.transaction() as session:
            relays = await RelayRepository(session).for_address(channel, address)
            repo = TipRepository(session)
            found = []
            for relay in relays[max(offset, 0) : max(offset, 0) + size]:
                tip = await repo.get(relay.tip_id)
                if tip is not None:
                    found.append(await self._my_tip(repo, tip, relay.token))
            return found, len(relays)

    @staticmethod
    async def _my_tip(repo: TipRepository, tip: TipRecord, token: str) -> MyTip:
        # Only what was relayed to the tipster counts: officers' messages to them, and their
        # own answers. Claims, notes and spam marks stay with officers.
        last_asked: OfficerWords | None = None
        answered = True
        for event in await repo.events(tip.id):
            if event.kind == "officer_message":
                last_asked, answered = OfficerWords(event.at, event.body), False
            elif event.kind == "tipster_message":
                answered = True
        if not tip.is_open:
            state = "closed"
        elif last_asked is not None and not answered:
            state = "asked"
        else:
            state = tip.status
        return MyTip(
            tip.reference,
            token,
            STATUS_LABELS.get(tip.status, tip.status),
            tip.is_open,
            tip.anonymous,
            tip.created_at,
            tip.updated_at,
            len(tip.photos),
            text=tip.text,
            state=state,
            outcome=tip.outcome if tip.status == "closed" else None,
            last_from_officers=last_asked,
        )

    async def relay_count(self, channel: str, address: str) -> int:
        """How many tips this chat or number is still linked to."""
        async with self.db.transaction() as session:
            return len(await RelayRepository(session).for_address(channel, address))

    # Answers

    async def answer(
        self,
        token: str,
        text: str,
        *,
        hold: bool = False,
        claim: Claim | None = None,
        owner: tuple[str, str] | None = None,
    ) -> Answered:
        """Thread the tipster's answer under the tip and tell the officers (its claimer if
        claimed; everyone when the answer suggests an emergency). With `hold`, the officers'
        copy waits UNDO_WINDOW so that it can be taken back (never an emergency's). With
        `owner` (channel, address), the token must be that chat's or number's."""
        body = clean_tip_text(text, "message", TEXT_MAX)
        terms = emergency_terms(body)
        async with self.db.transaction() as session:
            await take_in(session, claim)
            relay = await RelayRepository(session).by_token(token)
            if relay is not None and owner is not None and (relay.channel, relay.address) != owner:
                relay = None
            repo = TipRepository(session)
            tip = await repo.get(relay.tip_id) if relay else None
            if tip is None:
                raise NotFound("That tip can no longer be answered from here.")
            return await self._answer_in(session, tip, body, terms, hold=hold)

    async def _answer_in(
        self,
        session: AsyncSession,
        tip: TipRecord,
        body: str,
        terms: list[str],
        *,
        hold: bool = False,
    ) -> Answered:
        if not tip.is_open:
            raise Gone(
                f"Tip {tip.reference} is closed. If there is something new, please send a new tip."
            )
        now = self.clock.now()
        repo = TipRepository(session)
        newly_urgent = bool(terms) and not tip.urgent
        if newly_urgent:
            tip = await repo.update(tip.id, now, urgent=True, notified_at=tip.notified_at or now)
        event_id = await repo.add_event(tip.id, now, "tipster_message", tip.tipster_label, body)
        held = hold and not terms
        notification_id = await notify_officers_in(
            session,
            self.outbox,
            self.officers,
            kind="tip_answer",
            message=tip_messages.tipster_answered(tip, body, terms),
            tip=tip,
            urgent=tip.urgent or bool(terms),
            claimer_only=tip.claimed_by_telegram_id is not None and not terms,
            send_at=now + UNDO_WINDOW if held else None,
        )
        return Answered(tip.reference, bool(terms), (event_id, notification_id) if held else None)

    async def withdraw(
        self, channel: str, address: str, event_id: int, notification_id: int
    ) -> str:
        """Take back an answer that has not gone to officers yet; returns the tip's reference."""
        gone = Conflict("Too late to take it back: the officers already have it.")
        async with self.db.transaction() as session:
            repo = TipRepository(session)
            event = await repo.event(event_id)
            tip = await repo.get(event.tip_id) if event else None
            relay = await RelayRepository(session).for_tip(tip.id) if tip else None
            if (
                event is None
                or tip is None
                or event.kind != "tipster_message"
                or relay is None
                or (relay.channel, relay.address) != (channel, address)
            ):
                raise gone
            outbox = OutboxRepository(session)
            notification = await outbox.notification(notification_id, None)
            now = self.clock.now()
            if (
                notification is None
                or notification.subject != tip_subject(tip.id)
                or notification.kind != "tip_answer"
                # The held copy of this very answer: it was queued with the answer's time plus
                # the window (a button pairing one answer with another's copy takes nothing).
                or notification.send_at is None
                or notification.send_at != event.at + UNDO_WINDOW
                or notification.send_at <= now
                or notification.cancelled_at is not None
            ):
                raise gone
            counts = await outbox.counts(notification_id)
            if any(status != "queued" for _, status in counts):
                raise gone  # a copy is already on its way
            if not await outbox.cancel_queued(notification_id, "taken back", now):
                raise gone
            await repo.delete_event(event_id)
            return tip.reference

    async def open_conversations(self, channel: str, address: str) -> list[Conversation]:
        """This chat's open tips on which officers asked something in the last 48 hours,
        newest question first: where a plain message (not a reply) is likely an answer."""
        since = self.clock.now() - CONVERSATION_WINDOW
        found = []
        async with self.db.transaction() as session:
            repo = TipRepository(session)
            for relay in await RelayRepository(session).for_address(channel, address):
                tip = await repo.get(relay.tip_id)
                if tip is None or not tip.is_open:
                    continue
                asked = [e for e in await repo.events(tip.id) if e.kind == "officer_message"]
                if asked and asked[-1].at >= since:
                    last = asked[-1]
                    found.append(Conversation(tip.reference, relay.token, last.at, last.body))
        return sorted(found, key=lambda c: c.asked_at, reverse=True)

    async def token_for(self, channel: str, address: str, reference: tuple[int, int]) -> str | None:
        """The relay token linking this chat or number to the tip, if it does."""
        relay = await self._relay_for(channel, address, reference)
        return relay.token if relay else None

    async def _relay_for(
        self, channel: str, address: str, reference: tuple[int, int] | None
    ) -> RelayRecord | None:
        """The address's relay to the named tip, or to its newest open tip."""
        async with self.db.transaction() as session:
            repo = TipRepository(session)
            for relay in await RelayRepository(session).for_address(channel, address):
                tip = await repo.get(relay.tip_id)
                if tip is None:
                    continue
                if reference is None and tip.is_open:
                    return relay
                if reference is not None and (tip.year, tip.seq) == reference:
                    return relay
        return None

    # By text message

    async def _sms_identity(self, phone: str) -> tuple[bool, str | None, int | None]:
        """Named only when the number belongs to one registered member who proved they hold it
        and chose so."""
        async with self.db.transaction() as session:
            found = await MemberRepository(session).by_phone(phone, verified=True)
            members = [m for m in found if m.is_registered]
            if len(members) != 1 or not members[0].display_name:
                return False, None, None
            member = members[0]
            if not await PreferenceRepository(session).sms_named(member.id):
                return False, None, None
            return True, member.display_name, member.id

    async def text_tip(self, phone: str, body: str) -> str:
        """'TIP <text>' texted to the service number: file it; returns the SMS reply."""
        service = self.settings.service_name
        parts = body.strip().split(None, 1)
        text = parts[1] if len(parts) > 1 else ""
        if not text.strip():
            return tip_messages.sms_usage(service)
        named, name, member_id = await self._sms_identity(phone)
        try:
            filed = await self.filing.file(
                TipDraft(text=text), Source.sms(phone), named=named, name=name, member_id=member_id
            )
        except UserError as refusal:
            return tip_messages.sms_refused(service, str(refusal))
        return tip_messages.sms_filed(service, filed.reference, urgent=filed.urgent, named=named)

    async def text_message(self, phone: str, body: str) -> str | None:
        """Any other text from a number with an open tip: threaded as an answer under that tip
        (or the one it names); None when the number has none, so the usual reply applies."""
        relay = await self._relay_for(SMS, phone, find_reference(body))
        if relay is None:
            return None
        service = self.settings.service_name
        try:
            answered = await self.answer(relay.token, body)
        except UserError as refusal:
            return tip_messages.sms_refused(service, str(refusal))
        return tip_messages.sms_answer_added(service, answered.reference, urgent=answered.urgent)

    # Members' choice for tips by text

    async def sms_named(self, telegram_user_id: int) -> bool | None:
        """Whether a member's texted tips carry their name; None when not registered."""
        async with self.db.transaction() as session:
            member = await MemberRepository(session).by_telegram_user(telegram_user_id)
            if member is None or not member.is_registered:
                return None
            return await PreferenceRepository(session).sms_named(member.id)

    async def set_sms_named(self, telegram_user_id: int, named: bool) -> None:
        """Choose anonymous or named tips by text."""
        async with self.db.transaction() as session:
            member = await MemberRepository(session).by_telegram_user(telegram_user_id)
            if member is None or not member.is_registered:
                raise NotFound("Please register first: send /start.")
            await PreferenceRepository(session).set_sms_named(member.id, named)

    # /forget

    async def forget(self, channel: str, address: str) -> int:
        """Delete the relays of a chat or number (someone who never registered); returns how
        many tips it was linked to."""
        async with self.db.transaction() as session:
            return await forget_tipster_in(session, channel, address)
