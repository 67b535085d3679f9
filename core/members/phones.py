"""Proving a phone number: nothing is texted to a number a member typed until they type back
the six-digit code we texted to it. A shared Telegram contact of their own needs no code.

The codes are rationed (one a minute, five a day per member and per number) so that the bot
cannot be used to flood a stranger's phone, and each code allows five guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.delivery import SMS, Message
from core.errors import AlreadyDone, Conflict, InvalidInput, NotFound, NotRegistered
from core.members.service import status_for, store_phone
from core.shared import SharedService
from storage.members.records import MemberRecord, PhoneCodeRecord
from storage.members.repositories import MemberRepository, PhoneCodeRepository

log = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
CODES_PER_DAY = 5  # per member, and per number whoever asks
MAX_GUESSES = 5
CODE = re.compile(r"\d{6}")


@dataclass(frozen=True, slots=True)
class CodeSent:
    """A code is on its way to a number: the member types it back to confirm the number."""

    phone_e164: str
    expires_at: datetime

    @property
    def masked(self) -> str:
        """The number with only its last four digits shown."""
        return "•••-•••-" + self.phone_e164[-4:]


def looks_like_code(text: str) -> bool:
    """Whether a message is a six-digit code ("123 456" and "123-456" count)."""
    return bool(CODE.fullmatch(re.sub(r"[\s-]", "", text)))


def hash_code(code: str, salt: str | None = None) -> str:
    """A salted hash of a code, as stored ("salt$digest")."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()
    return f"{salt}${digest}"


def code_matches(stored: str, code: str) -> bool:
    """Whether a typed code is the stored one, compared in constant time."""
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(hash_code(code, salt), stored)


def code_text(code: str) -> str:
    """The text that carries a code (the outbox puts the service's name in front)."""
    return (
        f"Your verification code is {code}. It expires in "
        f"{int(CODE_LIFETIME.total_seconds() // 60)} minutes. If you did not ask for it, "
        "ignore this text."
    )


class PhoneVerifier(SharedService):
    """Sends codes to typed numbers and checks what members type back."""

    async def offer(self, telegram_user_id: int, typed: str) -> CodeSent | None:
        """A member typed a number: text it a code (None when no code is needed: it is their
        verified number already, or SMS is off and the number is stored unverified)."""
        phone = validation.phone_e164(typed)
        now = self.clock.now()
        async with self.db.transaction() as session:
            members = MemberRepository(session)
            member = await self._member(members, telegram_user_id)
            if member.phone_e164 == phone and member.phone_verified:
                return None
            if not self.settings.sms_enabled:
                # Nothing can be texted, so nothing needs proving yet; SMS stays closed to the
                # number until it is verified.
                await store_phone(members, member, phone, now, verified=False)
                return None
            return await self._send_in(session, member, phone, now)

    async def resend(self, telegram_user_id: int) -> CodeSent:
        """Send a new code to the number the member is confirming."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            member = await self._member(MemberRepository(session), telegram_user_id)
            latest = await PhoneCodeRepository(session).latest(member.id)
            if latest is None or latest.phone_e164 is None:
                raise NotFound("There is no number waiting for a code: type your number again.")
            return await self._send_in(session, member, latest.phone_e164, now)

    async def confirm(self, telegram_user_id: int, typed: str) -> MemberRecord:
        """The member typed a code: store the number as theirs and verified if it is right."""
        code = re.sub(r"[\s-]", "", typed)
        if not CODE.fullmatch(code):
            raise InvalidInput("Type the 6-digit code from our text message.")
        now = self.clock.now()
        refusal: InvalidInput | None = None
        async with self.db.transaction() as session:
            members = MemberRepository(session)
            codes = PhoneCodeRepository(session)
            member = await self._member(members, telegram_user_id)
            latest = await codes.latest(member.id)
            if latest is None or latest.phone_e164 is None:
                raise InvalidInput("There is no code waiting: type your number again.")
            refusal = self._refusal(latest, now)
            if refusal is None and not code_matches(latest.code_hash, code):
                counted = await codes.add_guess(latest.id, MAX_GUESSES)
                left = MAX_GUESSES - latest.attempts - 1 if counted else 0
                refusal = InvalidInput(
                    f"That code isn't right. {left} {'try' if left == 1 else 'tries'} left."
                    if left > 0
                    else "That code isn't right, and that was the last try: press Send a new code."
                )
            if refusal is None:
                if not await codes.use(latest.id, member.id, now):
                    raise AlreadyDone("That code was already used.")
                stored = await store_phone(members, member, latest.phone_e164, now, verified=True)
                log.info("phone verified for member #%d", member.id)
                return stored
        # Outside the transaction, so that the counted guess stays counted.
        raise refusal

    @staticmethod
    def _refusal(code: PhoneCodeRecord, now: datetime) -> InvalidInput | None:
        if now >= code.expires_at:
            return InvalidInput("That code has expired: press Send a new code.")
        if code.attempts >= MAX_GUESSES:
            return InvalidInput("Too many wrong tries for that code: press Send a new code.")
        return None

    def _key(self, phone: str) -> str:
        """A number's keyed hash: counts codes per number without naming it (keyed with the
        bot's token, a secret only this service holds)."""
        token = self.settings.telegram_bot_token
        secret = token.get_secret_value() if token is not None else "crimewatch"
        return hmac.new(secret.encode(), f"phone-code:{phone}".encode(), hashlib.sha256).hexdigest()

    async def _member(self, members: MemberRepository, telegram_user_id: int) -> MemberRecord:
        member = await members.by_telegram_user(telegram_user_id)
        if member is None:
            raise NotRegistered("Please register first: send /start.")
        return member

    async def _send_in(
        self, session: AsyncSession, member: MemberRecord, phone: str, now: datetime
    ) -> CodeSent:
        codes = PhoneCodeRepository(session)
        await codes.purge(now - timedelta(days=1))
        if await status_for(MemberRepository(session), phone) == "opted_out":
            raise Conflict(
                "That number has opted out of our texts. Text START to our number from it, "
                "then type it here again, or share your contact with the button instead."
            )
        latest = await codes.latest(member.id)
        if latest and latest.phone_e164 == phone and now - latest.created_at < RESEND_AFTER:
            raise Conflict(
                "We have just texted a code to that number. Give it a minute to arrive before "
                "asking for another."
            )
        day = now - timedelta(days=1)
        if (
            await codes.count_since(day, member_id=member.id) >= CODES_PER_DAY
            or await codes.count_since(day, phone_key=self._key(phone)) >= CODES_PER_DAY
        ):
            raise Conflict(
                "That is as many codes as we can text in a day. Try again tomorrow, or share "
                "your contact with the button instead: that needs no code."
            )
        code = f"{secrets.randbelow(10**6):06d}"
        expires = now + CODE_LIFETIME
        await codes.add(member.id, phone, self._key(phone), hash_code(code), now, expires)
        text = code_text(code)
        await self.outbox.enqueue_in(
            session,
            kind="phone.verify",
            message=Message(html=text, text=text),
            recipients=(),
            urgency="urgent",  # the member is waiting for it: quiet hours don't apply
            author_member_id=member.id,
            direct=[(SMS, phone)],
        )
        log.info("phone code queued for member #%d", member.id)
        return CodeSent(phone, expires)
