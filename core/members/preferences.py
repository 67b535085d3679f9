"""A member's delivery choices: channels, text fallback, quiet hours, alert topics (the rules
that read them live in core.delivery.preferences)."""

from __future__ import annotations

from core.clock import Clock
from core.delivery.preferences import CATEGORIES, CHANNEL_CHOICES, parse_quiet_hours
from core.errors import InvalidInput, NotRegistered
from storage.engine import Database
from storage.members.records import MemberRecord
from storage.members.repositories import MemberRepository


class PreferenceService:
    """Reads and changes a member's delivery choices."""

    def __init__(self, db: Database, clock: Clock, sms_enabled: bool) -> None:
        self.db = db
        self.clock = clock
        self.sms_enabled = sms_enabled

    async def _change(self, telegram_user_id: int, **values: object) -> MemberRecord:
        async with self.db.transaction() as session:
            repo = MemberRepository(session)
            member = await repo.by_telegram_user(telegram_user_id)
            if member is None:
                raise NotRegistered("Please register first: send /start.")
            return await repo.update(member.id, self.clock.now(), **values)

    async def set_channels(self, telegram_user_id: int, choice: str) -> MemberRecord:
        """Telegram, SMS or both."""
        if choice not in CHANNEL_CHOICES:
            raise InvalidInput("Choose Telegram, SMS or both.")
        if choice != "telegram":
            if not self.sms_enabled:
                raise InvalidInput("Text messages are not available from this service yet.")
            async with self.db.transaction() as session:
                member = await MemberRepository(session).by_telegram_user(telegram_user_id)
            if member is None or not member.phone_e164:
                raise InvalidInput("Add your phone number in /profile first.")
            if not member.phone_verified:
                raise InvalidInput(
                    "Confirm your number first: in /profile press Phone and type it again (we "
                    "text you a code to type back), or share your contact there."
                )
            if member.sms_status == "opted_out":
                raise InvalidInput(
                    "Your number opted out of our texts. Text START to our number to allow them "
                    "again, then choose SMS here."
                )
            if member.sms_status in ("invalid", "not_mobile"):
                raise InvalidInput(
                    "Texts to your number failed (not a mobile number?). Update it in /profile."
                )
        return await self._change(telegram_user_id, channels=choice)

    async def set_sms_fallback(self, telegram_user_id: int, allowed: bool) -> MemberRecord:
        """Whether a text may replace a Telegram message that cannot be delivered."""
        return await self._change(telegram_user_id, sms_fallback=allowed)

    async def set_quiet_hours(self, telegram_user_id: int, text: str) -> MemberRecord:
        """Quiet hours from text like '22:00-07:00' or 'off'."""
        start, end = parse_quiet_hours(text)
        return await self._change(telegram_user_id, quiet_start=start, quiet_end=end)

    async def set_category(
        self, telegram_user_id: int, category: str, follow: bool | None
    ) -> MemberRecord:
        """Follow (True) or stop following (False) one alert category; None flips it (the
        buttons of messages sent before buttons said which)."""
        if category not in CATEGORIES:
            raise InvalidInput("Unknown alert topic.")
        async with self.db.transaction() as session:
            repo = MemberRepository(session)
            member = await repo.by_telegram_user(telegram_user_id)
            if member is None:
                raise NotRegistered("Please register first: send /start.")
            chosen = set(member.category_set)
            if follow is None:
                chosen ^= {category}
            elif follow:
                chosen.add(category)
            else:
                chosen.discard(category)
            ordered = ",".join(c for c in CATEGORIES if c in chosen)
            return await repo.update(member.id, self.clock.now(), categories=ordered)
