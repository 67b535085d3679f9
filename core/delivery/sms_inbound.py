"""The SMS keyword face's rules: STOP/START/HELP mirrored from Twilio, and delivery receipts.

Twilio itself answers STOP, START and HELP and blocks opted-out numbers (error 21610); the
webhook still receives those messages, so here we only mirror the state on our members and never
send a confirmation of our own. Like Twilio, we take a keyword only when it is the whole
message (trimmed, any case, a trailing "!" or "." allowed): "Stop sign at Oak is down again" is
a message, not an opt-out, and "Help! he's back with a knife" is not a request for the HELP
text. Every other text goes to the features (a TIP, an answer on an open tip); one that none of
them takes gets 911 first when it sounds like an emergency. Phone numbers are never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.clock import Clock
from core.emergency import emergency_terms
from core.errors import InvalidInput
from core.validation import phone_e164
from storage.delivery.repositories import OutboxRepository
from storage.engine import Database
from storage.members.repositories import MemberRepository

log = logging.getLogger(__name__)

OPT_OUT_KEYWORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_KEYWORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})

# Twilio message statuses -> our delivery statuses; those not listed change nothing.
STATUS_MAP = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",  # RCS/WhatsApp read receipts imply delivery
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}
# Twilio statuses that say nothing new about a delivery we already recorded as handed over.
PENDING_STATUSES = frozenset({"queued", "accepted", "scheduled", "sending"})

# The carrier errors that arrive by status callback (https://www.twilio.com/docs/api/errors).
CARRIER_ERRORS = {
    "30003": "unreachable destination handset",
    "30004": "message blocked",
    "30005": "unknown destination handset",
    "30006": "landline or unreachable carrier",
    "30007": "carrier violation (filtered)",
    "30008": "unknown error",
    "30034": "message from an unregistered number (A2P 10DLC)",
}

# The face's texts, in one place (English first).
HELP_TEXT = (
    "{service}: neighborhood Crime Watch alerts from the police Crime Prevention Unit. "
    "Not for emergencies: call 911.{telegram} Reply STOP to opt out."
)
TELEGRAM_TEXT = " Chat with us on Telegram: https://t.me/{bot}."
EMERGENCY_TEXT = (
    "{service}: if this is an emergency, call 911 now. To send what you saw to the police as a "
    "tip, text TIP and the details."
)
USAGE_TEXT = "{service}: {offers}. Emergency? Call 911. Reply HELP for help, STOP to opt out."
# Before any feature offers a keyword (a deployment without them).
NO_OFFERS = "this number sends Crime Watch alerts"


# A feature's answer to a text: (the sender's E.164 phone, the whole text) -> the reply, or None
# when the text was not for it.
SmsHandler = Callable[[str, str], Awaitable[str | None]]


# A feature that hears every text from a number before it is routed (any reply to a daily
# check-in answers it): its reply is used when no feature answered the text, or first when
# `first` is set (a call for help).
@dataclass(frozen=True, slots=True)
class Overheard:
    """What a listener says about a text it heard."""

    reply: str
    first: bool = False


SmsListener = Callable[[str, str], Awaitable[Overheard | None]]
# A feature's step after a bare HELP from a number (Twilio's help text still goes out).
HelpHandler = Callable[[str], Awaitable[None]]
# A feature's step after an opt-out or opt-in was mirrored: (phone, "STOP" or "START", the
# keyword as sent, e.g. "YES"). Twilio answers those texts, so it returns no reply.
OptHandler = Callable[[str, str, str], Awaitable[None]]


class SmsKeywords:
    """What features answer by text: a keyword as the first word ("TIP ..."), and texts that
    may continue a conversation (an answer to an officer's question)."""

    def __init__(self) -> None:
        self.keywords: dict[str, SmsHandler] = {}
        # What the usage reply offers, in the order features registered ("text TIP and what
        # you saw to send a tip"); keywords for people already in a conversation offer none.
        self.offers: list[str] = []
        self.threads: list[SmsHandler] = []
        self.opt_changes: list[OptHandler] = []
        self.listeners: list[SmsListener] = []
        self.helps: list[HelpHandler] = []

    def register_keyword(self, word: str, handler: SmsHandler, *, offer: str | None = None) -> None:
        """Let a feature answer texts whose first word is `word`; `offer` is how the usage
        reply tells anyone about it ("FIX and a place for a street light out")."""
        self.keywords[word.upper()] = handler
        if offer:
            self.offers.append(offer)

    def register_thread(self, handler: SmsHandler) -> None:
        """Let a feature claim other texts that continue one of its conversations."""
        self.threads.append(handler)

    def register_opt_change(self, handler: OptHandler) -> None:
        """Let a feature act on a number's opt-out or opt-in (STOP, START, YES)."""
        self.opt_changes.append(handler)

    def register_listener(self, handler: SmsListener) -> None:
        """Let a feature hear every text (not STOP, START or HELP) before it is routed."""
        self.listeners.append(handler)

    def register_help(self, handler: HelpHandler) -> None:
        """Let a feature act on a bare HELP from a number (a call for help from someone
        enrolled in daily check-ins); the reply is still the HELP text."""
        self.helps.append(handler)

    async def hear(self, phone: str, body: str) -> None:
        """Let the listeners hear a text that needs no reply of theirs (an opt-in keyword)."""
        for listener in self.listeners:
            await listener(phone, body)

    async def helped(self, phone: str) -> None:
        """Tell the features a number texted HELP."""
        for handler in self.helps:
            await handler(phone)

    async def opted(self, phone: str, kind: str, word: str) -> None:
        """Tell the features a number opted out or in."""
        for handler in self.opt_changes:
            await handler(phone, kind, word)

    async def answer(self, word: str, phone: str, body: str) -> str | None:
        """The reply of the feature the text is for; None when it is for none of them. A
        keyword's feature that does not take the text (CALL from a number it does not know)
        leaves it to the conversations."""
        heard: Overheard | None = None
        for listener in self.listeners:
            heard = heard or await listener(phone, body)
        if heard is not None and heard.first:
            return heard.reply
        handler = self.keywords.get(word)
        if handler is not None:
            answered = await handler(phone, body)
            if answered is not None:
                return answered
        for thread in self.threads:
            answered = await thread(phone, body)
            if answered is not None:
                return answered
        return heard.reply if heard is not None else None


def keyword(body: str) -> tuple[str, bool]:
    """The upper-cased first word without trailing punctuation, and whether it was all."""
    words = body.strip().split()
    if not words:
        return "", False
    return words[0].strip(".!,;:'\"").upper(), len(words) == 1


def failure_reason(error_code: str | None, status: str) -> str:
    """Why Twilio could not deliver, e.g. 'Twilio 30003: unreachable destination handset'."""
    if not error_code:
        return f"Twilio: {status}"
    description = CARRIER_ERRORS.get(error_code, f"see twilio.com/docs/api/errors/{error_code}")
    return f"Twilio {error_code}: {description}"


class SmsInbound:
    """Handles texts to our number and Twilio's delivery status callbacks."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        service_name: str,
        bot_username: str | None,
        *,
        keywords: SmsKeywords | None = None,
    ) -> None:
        self.keywords = keywords or SmsKeywords()  # what the features answer by text
        self.db = db
        self.clock = clock
        self.service_name = service_name
        self.bot_username = bot_username

    def help_text(self) -> str:
        """The answer to HELP/INFO."""
        telegram = TELEGRAM_TEXT.format(bot=self.bot_username) if self.bot_username else ""
        return HELP_TEXT.format(service=self.service_name, telegram=telegram)

    def usage_text(self) -> str:
        """The answer to anything that is not a keyword: the keywords features offer (two
        GSM-7 segments at most with all of them)."""
        offers = self.keywords.offers
        if not offers:
            listed = NO_OFFERS
        elif len(offers) == 1:
            listed = offers[0]
        else:
            listed = ", ".join(offers[:-1]) + " or " + offers[-1]
        return USAGE_TEXT.format(service=self.service_name, offers=listed)

    async def inbound(
        self, from_phone: str, body: str, *, opt_out_type: str | None = None
    ) -> str | None:
        """Handle one text; returns the reply, or None when Twilio answers (or none is due).

        `opt_out_type` is Twilio's OptOutType parameter (STOP, START or HELP), sent when a
        Messaging Service with Advanced Opt-Out recognised a keyword; it wins over our matching.
        """
        word, alone = keyword(body)
        kind = (opt_out_type or "").upper()
        if kind not in ("STOP", "START", "HELP"):
            kind = ""
            if alone and word in OPT_OUT_KEYWORDS:
                kind = "STOP"
            elif alone and word in OPT_IN_KEYWORDS:
                kind = "START"
            elif alone and word in HELP_KEYWORDS:
                kind = "HELP"
        try:
            phone: str | None = phone_e164(from_phone)
        except InvalidInput:
            phone = None
        if kind == "HELP":
            if phone is not None and word == "HELP":  # INFO asks about the service
                await self.keywords.helped(phone)
            return self.help_text()
        if phone is None:
            # Short codes and alphanumeric senders: nothing of ours to change.
            return None if kind in ("STOP", "START") else self.usage_text()
        if kind == "STOP":
            await self._opt_out(phone)
            await self.keywords.opted(phone, kind, word)
            return None  # Twilio has already confirmed; a reply of ours would be a second one
        if kind == "START":
            await self._opt_in(phone)
            await self.keywords.opted(phone, kind, word)
            # "Yes" is also the natural answer to "are you OK?": the features hear it (Twilio
            # still answers the opt-in keyword, so no reply of ours goes out).
            await self.keywords.hear(phone, body)
            return None
        answered = await self.keywords.answer(word, phone, body)
        if answered is not None:
            return answered
        if emergency_terms(body):
            return EMERGENCY_TEXT.format(service=self.service_name)
        return self.usage_text()

    async def _opt_out(self, phone: str) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            changed = await MemberRepository(session).set_sms_status_by_phone(
                phone, "opted_out", now
            )
        log.info("sms: opt-out mirrored on %d member(s)", changed)

    async def _opt_in(self, phone: str) -> None:
        now = self.clock.now()
        changed = 0
        async with self.db.transaction() as session:
            members = MemberRepository(session)
            for member in await members.by_phone(phone):
                # Only an opt-out is undone: "invalid" and "not_mobile" came from the carrier.
                if member.sms_status == "opted_out":
                    await members.update(member.id, now, sms_status="ok")
                    changed += 1
        log.info("sms: opt-in mirrored on %d member(s)", changed)

    async def status_callback(self, message_sid: str, status: str, error_code: str | None) -> bool:
        """Move the delivery with this Message SID forward; False when nothing changed."""
        twilio_status = status.strip().lower()
        mapped = STATUS_MAP.get(twilio_status)
        if mapped is None:
            if twilio_status not in PENDING_STATUSES:
                log.info("sms status %r for %s ignored", twilio_status[:20], message_sid[:40])
            return False
        code = (error_code or "").strip() or None
        reason = failure_reason(code, twilio_status) if mapped == "failed" else ""
        async with self.db.transaction() as session:
            changed = await OutboxRepository(session).apply_provider_status(
                message_sid, mapped, reason, self.clock.now()
            )
        if mapped == "failed":
            log.info("sms %s %s (%s)", message_sid[:40], twilio_status, reason)
        return changed
