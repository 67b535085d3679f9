"""Filing tips: stored in one transaction with their relay, reference and (when urgent) the
officers' alert; then details added by the tipster through the relay token.

The tipster is told the reference only after the tip is stored. Nothing here is audited or
logged with an address: who filed an anonymous tip is written nowhere but the relay row.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.emergency import emergency_terms
from core.errors import Conflict, InvalidInput, NotFound
from core.flows import Claim, take_in
from core.members import OfficerService
from core.request_limits import (
    WINDOW,
    LimitReached,
    is_officer_in,
    next_allowed,
    reached,
    record_refusal,
)
from core.shared import Shared, SharedService
from core.tips import messages as tip_messages
from core.tips.rules import (
    CATEGORIES,
    CONDUCT_MAX,
    PHOTOS_MAX,
    PLACE_MAX,
    WHEN_MAX,
    Filed,
    Source,
    TipDraft,
    clean_location,
    clean_optional,
    clean_tip_text,
    new_alias,
    new_token,
    notify_officers_in,
    rate_key,
)
from storage.members.repositories import MemberRepository
from storage.tips.records import TipRecord
from storage.tips.repositories import RateRepository, RelayRepository, TipRepository

RATE_WINDOW = timedelta(hours=1)
KEEP_MARKS = max(RATE_WINDOW, WINDOW)  # the daily limit counts the same marks
RATE_KEY_ROW = "rate-limit"


class TipFiling(SharedService):
    """Files tips and takes the details their authors add."""

    def __init__(self, shared: Shared, officers: OfficerService) -> None:
        super().__init__(shared)
        self.officers = officers

    # Limits

    async def _check_rate_in(self, session: AsyncSession, source: Source, now: datetime) -> str:
        """Raise Conflict when the address has filed its hourly share; returns its rate key."""
        rates = RateRepository(session)
        key = rate_key(await rates.secret(RATE_KEY_ROW), source.channel, source.address)
        since = now - RATE_WINDOW
        await rates.prune(now - KEEP_MARKS)
        limit = self.settings.tips_per_hour
        if await rates.count_since(key, since) >= limit:
            oldest = await rates.oldest_since(key, since)
            wait = (oldest + RATE_WINDOW - now) if oldest else RATE_WINDOW
            minutes = max(1, math.ceil(wait.total_seconds() / 60))
            raise Conflict(
                f"Thank you for all your tips. You've sent {limit} in the last hour, the most we "
                f"take from one chat or number. Please wait about {minutes} minutes before "
                "sending another. If this is an emergency, call 911 now."
            )
        daily = self.settings.tips_per_day
        if daily > 0 and not await is_officer_in(session, source.telegram_user_id):
            # Counted from the same marks: an HMAC of the chat or number and a time, so the
            # daily limit links no tip to anyone either.
            until = next_allowed(await rates.times_since(key, now - WINDOW), daily, now)
            if until is not None:
                raise reached("tip", daily, until, self.settings.zone)
        return key

    async def prune_rate_marks(self) -> None:
        """Forget rate-limit marks older than the window (the digest job calls it)."""
        async with self.db.transaction() as session:
            await RateRepository(session).prune(self.clock.now() - KEEP_MARKS)

    async def check_rate(self, source: Source) -> None:
        """Refuse early (before a guided tip is typed) when the address is over its limit."""
        try:
            async with self.db.transaction() as session:
                await self._check_rate_in(session, source, self.clock.now())
        except LimitReached:
            await record_refusal(self.audit, "tip.file", None, None, anonymous=True)
            raise

    # Filing

    async def file(
        self,
        draft: TipDraft,
        source: Source,
        *,
        named: bool = False,
        name: str | None = None,
        member_id: int | None = None,
        claim: Claim | None = None,
    ) -> Filed:
        """Store a tip with its relay; an urgent one alerts the officers in the same transaction.

        A named tip from Telegram takes the member's registered name unless `name` is given.
        """
        try:
            async with self.db.transaction() as session:
                return await self.file_in(
                    session, draft, source, named=named, name=name, member_id=member_id, claim=claim
                )
        except LimitReached:
            await record_refusal(self.audit, "tip.file", None, None, anonymous=True)
            raise

    async def file_in(
        self,
        session: AsyncSession,
        draft: TipDraft,
        source: Source,
        *,
        named: bool = False,
        name: str | None = None,
        member_id: int | None = None,
        claim: Claim | None = None,
    ) -> Filed:
        """`file` inside the caller's transaction: another feature's effect (items marked
        stolen) lands with the tip or not at all."""
        text = clean_tip_text(draft.text)
        conduct = (
            clean_tip_text(draft.conduct, "description", CONDUCT_MAX) if draft.conduct else None
        )
        when_text = clean_optional(draft.when_text, "time", WHEN_MAX)
        place = clean_optional(draft.place, "place", PLACE_MAX)
        location = (
            clean_location(draft.latitude, draft.longitude)
            if draft.latitude is not None and draft.longitude is not None
            else (None, None)
        )
        if draft.category is not None and draft.category not in CATEGORIES:
            raise InvalidInput("Unknown category.")
        if len(draft.photos) > PHOTOS_MAX:
            raise InvalidInput(f"A tip can have at most {PHOTOS_MAX} photos.")
        terms = emergency_terms(f"{text}\n{conduct or ''}\n{when_text or ''}\n{place or ''}")
        now = self.clock.now()
        await take_in(session, claim)  # a guided tip's last step: filed once
        key = await self._check_rate_in(session, source, now)
        tipster_name: str | None = None
        if named:
            tipster_name, member_id = await self._name_in(session, source, name, member_id)
        else:
            member_id = None
        repo = TipRepository(session)
        year = now.astimezone(self.settings.zone).year
        tip = await repo.add(
            year=year,
            seq=await repo.next_seq(year),
            now=now,
            text=text,
            conduct=conduct,
            category=draft.category,
            when_text=when_text,
            occurred_at=now if draft.occurred_now else None,
            place=place,
            latitude=location[0],
            longitude=location[1],
            anonymous=not named,
            alias=new_alias(),
            tipster_name=tipster_name,
            tipster_member_id=member_id,
            channel=source.channel,
            urgent=bool(terms),
            status="received",
            notified_at=now if terms else None,
        )
        for file_id in draft.photos:
            await repo.add_photo(tip.id, file_id, now)
        token = new_token()
        await RelayRepository(session).add(token, tip.id, source.channel, source.address, now)
        await RateRepository(session).mark(key, now)
        note = f"flagged urgent: mentions {', '.join(terms)}" if terms else ""
        await repo.add_event(tip.id, now, "filed", tip.tipster_label, note)
        if terms:
            tip = await repo.get(tip.id) or tip
            await notify_officers_in(
                session,
                self.outbox,
                self.officers,
                kind="tip_urgent",
                message=tip_messages.urgent_tip(tip, terms),
                tip=tip,
                urgent=True,
            )
        return Filed(tip.reference, token, bool(terms), not named, tipster_name)

    async def _name_in(
        self, session: AsyncSession, source: Source, name: str | None, member_id: int | None
    ) -> tuple[str, int | None]:
        """The name a named tip carries, and the member it links to (if registered)."""
        if source.telegram_user_id is not None:
            member = await MemberRepository(session).by_telegram_user(source.telegram_user_id)
            member_id = member.id if member else None
            if name is None and member is not None and member.display_name:
                name = member.display_name
        if name is None:
            raise InvalidInput("Please tell us the name officers should see.")
        return validation.display_name(name), member_id

    # Details added later, through the relay token

    async def _open_tip_in(self, session: AsyncSession, token: str) -> TipRecord:
        relay = await RelayRepository(session).by_token(token)
        tip = await TipRepository(session).get(relay.tip_id) if relay else None
        if tip is None:
            raise NotFound("That tip can no longer be changed from here.")
        if not tip.is_open:
            raise Conflict(f"Tip {tip.reference} is closed. Please send a new one with /tip.")
        return tip

    async def tip_of(self, token: str) -> TipRecord:
        """The open tip a relay token belongs to."""
        async with self.db.transaction() as session:
            return await self._open_tip_in(session, token)

    async def amend(
        self,
        token: str,
        *,
        when_text: str | None = None,
        occurred_now: bool = False,
        place: str | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
        category: str | None = None,
        conduct: str | None = None,
    ) -> TipRecord:
        """Add details to a stored tip; officers already told about it hear of them."""
        values: dict[str, object] = {}
        what: list[str] = []
        if occurred_now:
            values["occurred_at"] = self.clock.now()
            what.append("when: just now")
        cleaned_when = clean_optional(when_text, "time", WHEN_MAX)
        if cleaned_when:
            values["when_text"] = cleaned_when
            what.append(f"when: {cleaned_when}")
        cleaned_place = clean_optional(place, "place", PLACE_MAX)
        if cleaned_place:
            values["place"] = cleaned_place
            what.append(f"place: {cleaned_place}")
        if latitude is not None and longitude is not None:
            values["latitude"], values["longitude"] = clean_location(latitude, longitude)
            what.append("map location")
        if category is not None:
            if category not in CATEGORIES:
                raise InvalidInput("Unknown category.")
            values["category"] = category
            what.append(f"category: {CATEGORIES[category]}")
        if conduct is not None:
            values["conduct"] = clean_tip_text(conduct, "description", CONDUCT_MAX)
            what.append("what the person did")
        terms = emergency_terms(f"{values.get('conduct') or ''}\n{cleaned_when or ''}")
        async with self.db.transaction() as session:
            tip = await self._open_tip_in(session, token)
            if not values:
                return tip
            now = self.clock.now()
            repo = TipRepository(session)
            newly_urgent = bool(terms) and not tip.urgent
            if newly_urgent:
                values["urgent"] = True
                values["notified_at"] = now
            told_before = tip.notified_at is not None
            tip = await repo.update(tip.id, now, **values)
            await repo.add_event(tip.id, now, "details", tip.tipster_label, "; ".join(what))
            await self._tell_officers_in(session, tip, what, terms, newly_urgent, told_before)
            return tip

    async def _tell_officers_in(
        self,
        session: AsyncSession,
        tip: TipRecord,
        what: list[str],
        terms: list[str],
        newly_urgent: bool,
        told_before: bool,
    ) -> None:
        if newly_urgent:
            message = tip_messages.urgent_tip(tip, terms)
            await notify_officers_in(
                session,
                self.outbox,
                self.officers,
                kind="tip_urgent",
                message=message,
                tip=tip,
                urgent=True,
            )
        elif told_before:  # else the digest will show the tip with its details
            await notify_officers_in(
                session,
                self.outbox,
                self.officers,
                kind="tip_details",
                message=tip_messages.details_added(tip, what),
                tip=tip,
                urgent=tip.urgent,
                claimer_only=tip.claimed_by_telegram_id is not None,
            )

    async def add_photo(self, token: str, file_id: str) -> int:
        """Attach a photo (by Telegram file id); returns how many the tip has."""
        async with self.db.transaction() as session:
            tip = await self._open_tip_in(session, token)
            if len(tip.photos) >= PHOTOS_MAX:
                raise Conflict(f"Tip {tip.reference} already has {PHOTOS_MAX} photos, the most.")
            await TipRepository(session).add_photo(tip.id, file_id[:200], self.clock.now())
            return len(tip.photos) + 1

    async def photos_added(self, token: str, count: int) -> None:
        """The tipster finished adding photos: a timeline line, and officers told if due."""
        if count <= 0:
            return
        async with self.db.transaction() as session:
            tip = await self._open_tip_in(session, token)
            now = self.clock.now()
            what = [f"{count} photo{'s' if count != 1 else ''}"]
            await TipRepository(session).add_event(
                tip.id, now, "details", tip.tipster_label, what[0]
            )
            await self._tell_officers_in(session, tip, what, [], False, tip.notified_at is not None)

    async def add_name(self, token: str, telegram_user_id: int | None, name: str | None) -> str:
        """The tipster of an anonymous tip chose to give their name; returns it."""
        async with self.db.transaction() as session:
            tip = await self._open_tip_in(session, token)
            relay = await RelayRepository(session).by_token(token)
            assert relay is not None
            source = Source(relay.channel, relay.address, telegram_user_id)
            given, member_id = await self._name_in(session, source, name, None)
            now = self.clock.now()
            repo = TipRepository(session)
            await repo.update(
                tip.id, now, anonymous=False, tipster_name=given, tipster_member_id=member_id
            )
            await repo.add_event(tip.id, now, "named", tip.alias, f"gave their name: {given}")
            return given
