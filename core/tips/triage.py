"""Officers' side of tips: the open list, one tip's view, claim, reply, close, spam; the digest.

Every action is checked here and audited (refusals too). An audit line names the officer and
the tip, never the tipster; a refusal names no tip, so that a tipster who tries to open their
own tip by reference is not linked to it in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.delivery import Message
from core.emergency import emergency_terms
from core.errors import Conflict, Gone, InvalidInput, NotFound
from core.members import OfficerService
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from core.tips import messages as tip_messages
from core.tips.rules import (
    OUTCOMES,
    REPLY_MAX,
    clean_tip_text,
    notify_officers_in,
    parse_reference,
    tip_of_subject,
)
from storage.delivery.repositories import OutboxRepository
from storage.tips.records import TipEventRecord, TipRecord
from storage.tips.repositories import RelayRepository, TipRepository

DIGEST_MAX = 30
REFUSAL_TARGET = "tips"


@dataclass(frozen=True, slots=True)
class TipView:
    """One tip as an officer sees it."""

    tip: TipRecord
    events: list[TipEventRecord]
    reachable: bool  # the tipster can still be messaged (the relay exists)
    terms: list[str]  # emergency words in the tip


class TipTriage(SharedService):
    """Officers' work on tips."""

    def __init__(self, shared: Shared, officers: OfficerService) -> None:
        super().__init__(shared)
        self.officers = officers

    async def _require(self, actor: Actor) -> None:
        await self.access.require(actor, Action.TRIAGE_TIPS, target=REFUSAL_TARGET)

    async def _tip_in(self, session: AsyncSession, tip: int | str) -> TipRecord:
        """A tip by id, or by reference ('T-2026-00042')."""
        repo = TipRepository(session)
        if isinstance(tip, str):
            parsed = parse_reference(tip)
            if parsed is None:
                raise InvalidInput("A tip reference looks like T-2026-00042.")
            record = await repo.by_reference(*parsed)
            if record is None:
                raise NotFound(f"There is no tip {tip.strip().upper()}.")
            return record
        record = await repo.get(tip)
        if record is None:
            raise NotFound("There is no such tip.")
        return record

    async def _relay_in(
        self, session: AsyncSession, actor: Actor, tip: TipRecord, message: Message
    ) -> bool:
        """Queue a message to the tip's author; False when they can no longer be reached."""
        relay = await RelayRepository(session).for_tip(tip.id)
        if relay is None:
            return False
        await self.outbox.enqueue_in(
            session,
            kind="tip_relay",
            message=message,
            recipients=[],
            direct=[(relay.channel, relay.address)],
            author_label=actor.label,
            audience=f"the tipster of {tip.reference}",
        )
        return True

    # Replies to the bot's messages

    async def remember_card(self, chat_id: int, message_ids: list[int], tip_id: int) -> None:
        """The messages of a tip card shown to an officer: a reply to any part is about it."""
        async with self.db.transaction() as session:
            await TipRepository(session).remember_messages(
                chat_id, message_ids, tip_id, self.clock.now()
            )

    async def tip_answered(self, chat_id: int, message_id: int) -> int | None:
        """The tip an officer's reply is about, by the bot message it answers (a card, or a
        notification about one tip); None when that message is about no single tip."""
        async with self.db.transaction() as session:
            tip_id = await TipRepository(session).tip_for_message(chat_id, message_id)
            if tip_id is not None:
                return tip_id
            subject = await OutboxRepository(session).subject_of_message(chat_id, message_id)
            return tip_of_subject(subject)

    # Reading

    async def open_tips(
        self, actor: Actor, *, limit: int = 8, offset: int = 0
    ) -> tuple[list[TipRecord], int]:
        """Open tips, urgent first then newest, and how many are open."""
        await self._require(actor)
        async with self.db.transaction() as session:
            repo = TipRepository(session)
            tips = await repo.open_tips(limit, offset)
            total = await repo.count_open()
            await self.audit.record_in(session, actor, "tip.list", detail=f"{total} open")
        return tips, total

    async def view(self, actor: Actor, tip: int | str) -> TipView:
        """A tip with its photos, place, timeline and claim, by id or reference."""
        await self._require(actor)
        async with self.db.transaction() as session:
            repo = TipRepository(session)
            record = await self._tip_in(session, tip)
            events = await repo.events(record.id)
            reachable = await RelayRepository(session).for_tip(record.id) is not None
            await self.audit.record_in(session, actor, "tip.view", target=f"tip {record.reference}")
        terms = emergency_terms(f"{record.text}\n{record.conduct or ''}")
        return TipView(record, events, reachable, terms)

    async def reference_of(self, actor: Actor, tip_id: int, *, open_only: bool = False) -> str:
        """A tip's reference, for an officer about to act on it (the act itself is audited);
        with `open_only`, refused at once for a closed tip (nobody writes a message that can
        no longer be sent)."""
        await self._require(actor)
        async with self.db.transaction() as session:
            tip = await self._tip_in(session, tip_id)
            if open_only and not tip.is_open:
                raise Gone(f"{tip.reference} is closed; its tipster is no longer messaged.")
            return tip.reference

    # Acting

    async def claim(self, actor: Actor, tip_id: int) -> tuple[TipRecord, bool]:
        """Take a tip on; returns it and whether anything changed. The tipster is told it is
        in review."""
        await self._require(actor)
        async with self.db.transaction() as session:
            tip = await self._tip_in(session, tip_id)
            if not tip.is_open:
                raise Conflict(f"{tip.reference} is closed.")
            if tip.claimed_by_telegram_id == actor.telegram_user_id:
                return tip, False
            if tip.claimed_by_telegram_id is not None:
                raise Conflict(f"{tip.claimed_by_label} has already claimed {tip.reference}.")
            now = self.clock.now()
            name = actor.shown
            repo = TipRepository(session)
            updated = await repo.update(
                tip.id,
                now,
                claimed_by_label=name[:100],
                claimed_by_telegram_id=actor.telegram_user_id,
                status="in_review",
            )
            await repo.add_event(tip.id, now, "claimed", name)
            if tip.status != "in_review":
                await self._relay_in(session, actor, updated, tip_messages.status_changed(updated))
            await self.audit.record_in(session, actor, "tip.claim", target=f"tip {tip.reference}")
            return updated, True

    async def reply(self, actor: Actor, tip_id: int | str, text: str) -> TipRecord:
        """Relay an officer's message to the tipster; it stays in the tip's timeline."""
        await self._require(actor)
        body = clean_tip_text(text, "message", REPLY_MAX)
        async with self.db.transaction() as session:
            tip = await self._tip_in(session, tip_id)
            if not tip.is_open:
                raise Gone(f"{tip.reference} is closed; its tipster is no longer messaged.")
            name = actor.shown
            unit = "Crime Prevention Unit"
            signature = f"{actor.name}, {unit}" if actor.name else unit
            if not await self._relay_in(
                session, actor, tip, tip_messages.officer_message(tip, body, signature)
            ):
                raise Gone(
                    f"The tipster of {tip.reference} can no longer be reached: they removed the "
                    "link to their tips with /forget."
                )
            now = self.clock.now()
            repo = TipRepository(session)
            if tip.status == "received":
                tip = await repo.update(tip.id, now, status="in_review")
            await repo.add_event(tip.id, now, "officer_message", name, body)
            await self.audit.record_in(session, actor, "tip.reply", target=f"tip {tip.reference}")
            return tip

    async def close(self, actor: Actor, tip_id: int, outcome: str) -> TipRecord:
        """Close a tip with an outcome; the tipster is told."""
        await self._require(actor)
        if outcome not in OUTCOMES:
            raise InvalidInput("Choose an outcome with the buttons.")
        return await self._finish(actor, tip_id, "closed", OUTCOMES[outcome])

    async def spam(self, actor: Actor, tip_id: int) -> TipRecord:
        """Close a tip as spam; the tipster is told only that it is closed."""
        await self._require(actor)
        return await self._finish(actor, tip_id, "spam", None)

    async def _finish(
        self, actor: Actor, tip_id: int, status: str, outcome: str | None
    ) -> TipRecord:
        async with self.db.transaction() as session:
            tip = await self._tip_in(session, tip_id)
            if not tip.is_open:
                raise Conflict(f"{tip.reference} is already closed.")
            now = self.clock.now()
            repo = TipRepository(session)
            updated = await repo.update(tip.id, now, status=status, outcome=outcome, closed_at=now)
            kind = "closed" if status == "closed" else "spam"
            await repo.add_event(tip.id, now, kind, actor.shown, outcome or "")
            await self._relay_in(session, actor, updated, tip_messages.status_changed(updated))
            await self.audit.record_in(
                session,
                actor,
                "tip.close" if status == "closed" else "tip.spam",
                target=f"tip {tip.reference}",
                detail=outcome or "",
            )
            return updated

    # Scheduled work

    async def digest(self) -> int:
        """Tell officers about new tips not yet told (one message); returns how many."""
        async with self.db.transaction() as session:
            repo = TipRepository(session)
            fresh = await repo.not_notified(DIGEST_MAX)
            if not fresh:
                return 0
            now = self.clock.now()
            # Tips an officer already handled before the digest went out need no mention.
            listed = [await repo.get(t.id) or t for t in fresh if t.is_open]
            if listed:
                await notify_officers_in(
                    session,
                    self.outbox,
                    self.officers,
                    kind="tip_digest",
                    message=tip_messages.digest(listed, self.settings.zone),
                    tip=listed[0],
                    urgent=False,
                    audience="officers (tip digest)",
                )
            await repo.mark_notified([t.id for t in fresh], now)
            return len(listed)

    async def scrub_relay_addresses(self) -> int:
        """Drop the chat ids and numbers of relays already delivered (or failed for good)."""
        async with self.db.transaction() as session:
            ids = await RelayRepository(session).settled_with_addresses("tip_relay")
            outbox = OutboxRepository(session)
            for notification_id in ids:
                await outbox.forget_address(notification_id)
            return len(ids)
