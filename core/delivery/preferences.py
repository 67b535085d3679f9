"""Members' choices: channels, SMS fallback, quiet hours and alert categories."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.clock import Clock
from core.errors import InvalidInput, NotRegistered
from storage.engine import Database
from storage.members.records import MemberRecord
from storage.members.repositories import MemberRepository

CATEGORIES: dict[str, str] = {
    "scam": "Scams",
    "burglary": "Burglary",
    "vehicle": "Vehicle crime",
    "fraud": "Fraud",
    "personal_safety": "Personal safety",
    "meetings": "Meetings",
    "news": "Safety news",
}
CHANNEL_CHOICES = ("telegram", "sms", "both")
QUIET_PATTERN = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$")


def parse_quiet_hours(text: str) -> tuple[int, int]:
    """'22:00-07:00' (or '22-7') as minutes after midnight; 'off' as (0, 0)."""
    if text.strip().lower() in ("off", "none", "no"):
        return 0, 0
    match = QUIET_PATTERN.match(text)
    if match is None:
        raise InvalidInput("Please send quiet hours like 22:00-07:00, or 'off'.")
    sh, sm, eh, em = (int(g) if g else 0 for g in match.groups())
    if sh > 23 or eh > 23 or sm > 59 or em > 59:
        raise InvalidInput("Hours go from 00 to 23 and minutes from 00 to 59, e.g. 22:00-07:00.")
    return sh * 60 + sm, eh * 60 + em


def format_quiet_hours(start: int, end: int) -> str:
    """'22:00-07:00', or 'off'."""
    if start == end:
        return "off"
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def quiet_until(member: MemberRecord, when: datetime, zone: ZoneInfo) -> datetime | None:
    """If `when` falls in the member's quiet hours, the (UTC) moment they end; else None.

    Works on local wall-clock time, so the window stays 22:00-07:00 across daylight saving.
    """
    start, end = member.quiet_start, member.quiet_end
    if start == end:
        return None
    local = when.astimezone(zone)
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    day = local.date() if minute < end else local.date() + timedelta(days=1)
    wake = datetime.combine(day, time(end // 60, end % 60), tzinfo=zone)
    return wake.astimezone(UTC)


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

    async def toggle_category(self, telegram_user_id: int, category: str) -> MemberRecord:
        """Subscribe to or unsubscribe from one alert category."""
        if category not in CATEGORIES:
            raise InvalidInput("Unknown alert topic.")
        async with self.db.transaction() as session:
            repo = MemberRepository(session)
            member = await repo.by_telegram_user(telegram_user_id)
            if member is None:
                raise NotRegistered("Please register first: send /start.")
            chosen = set(member.category_set) ^ {category}
            ordered = ",".join(c for c in CATEGORIES if c in chosen)
            return await repo.update(member.id, self.clock.now(), categories=ordered)
