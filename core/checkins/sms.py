"""Daily check-ins by text: CHECKIN to sign up or see and change one's check-ins, CONTACT to
add a contact, GOT for a contact who will check, SCAMS OFF; any other text from an enrolled
person answers their open check-in, and an emergency word in it (or a bare HELP) is a call
for help. Replies are short plain text naming the service; no number is logged."""

from __future__ import annotations

import re

from core.checkins import messages
from core.checkins.rules import first_name, parse_times, sounds_ok, times_text
from core.checkins.service import SMS, CheckinService, Draft
from core.delivery import Overheard
from core.errors import UserError
from storage.checkins.records import ACTIVE, ESCALATED, OFFICER, EnrollmentRecord
from storage.checkins.repositories import CheckinRepository
from storage.members.repositories import MemberRepository

TIMES_FIRST = re.compile(
    r"^\s*((?:(?:\d{1,2}(?:[:.]\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)?|noon)\s*(?:and|&|,)?\s*)+)(.*)$",
    re.IGNORECASE,
)
USAGE = (
    "Daily check-ins: text CHECKIN, the time and your name, e.g. CHECKIN 9am Ruth Miller. "
    "We text you each day; reply OK. If you don't, the contacts you choose are told."
)


class CheckinTexts:
    """The SMS face of daily check-ins (registered with the keyword registry)."""

    def __init__(self, checkins: CheckinService) -> None:
        self.checkins = checkins

    @property
    def service(self) -> str:
        """The service's name, which every reply starts with."""
        return self.checkins.settings.service_name

    def _say(self, text: str) -> str:
        return f"{self.service}: {text}"

    async def heard(self, phone: str, body: str) -> Overheard | None:
        """Every text: from an enrolled person with an open check-in, it answers it."""
        found = await self.checkins.heard(SMS, phone, body)
        if found is None:
            return None
        if not found.changed:
            if sounds_ok(body):
                return Overheard(self._say(messages.sms_checked_in(found.enrollment)))
            return None
        if found.help:
            return Overheard(self._say(messages.sms_help(found.told)), first=True)
        return Overheard(self._say(messages.sms_checked_in(found.enrollment)))

    async def help(self, phone: str) -> None:
        """A bare HELP from an enrolled person is a call for help too."""
        await self.checkins.ask_help(SMS, phone, None)

    async def checkin(self, phone: str, body: str) -> str | None:
        """CHECKIN: the person's check-ins, or a sign-up (CHECKIN 9am Ruth Miller), or a
        change: OFF, AWAY <day back>, BACK, or a new time."""
        rest = body.strip()[len(body.strip().split()[0]) :].strip()
        word = rest.split()[0].upper().strip(".!") if rest else ""
        mine = await self.checkins.mine(SMS, phone)
        try:
            if mine is None:
                awaiting = await self.checkins.sms_awaiting(phone)
                if awaiting is not None:
                    return self._say("Someone asked to sign you up: reply YES to start, or NO.")
                return await self._sign_up(phone, rest)
            if not rest:
                return self._say(
                    self._status(mine) + " Text CHECKIN OFF to stop, CHECKIN AWAY "
                    "and the day you're back to pause, CONTACT name number to add "
                    "a contact."
                )
            if word in ("OFF", "STOP", "END"):
                await self.checkins.stop(mine.id, SMS, phone)
                return self._say("Your daily check-ins have stopped. Text CHECKIN to start again.")
            if word in ("AWAY", "PAUSE"):
                changed = await self.checkins.change(mine.id, SMS, phone, back=rest[len(word) :])
                return self._say(
                    f"Paused: no check-ins through {changed.paused_through}. Text CHECKIN BACK "
                    "to start again sooner."
                )
            if word in ("BACK", "RESUME"):
                await self.checkins.change(mine.id, SMS, phone, resume=True)
                return self._say("Welcome back: your daily check-ins are on again.")
            changed = await self.checkins.change(mine.id, SMS, phone, times=rest)
            return self._say(self._status(changed))
        except UserError as refusal:
            return self._say(str(refusal))

    def _status(self, e: EnrollmentRecord) -> str:
        times = times_text(e.time_list)
        paused = f" Paused through {e.paused_through}." if e.paused_through else ""
        return f"Your check-in is every day at {times}.{paused}"

    async def _sign_up(self, phone: str, rest: str) -> str:
        match = TIMES_FIRST.match(rest)
        if not rest or match is None or not match.group(1).strip():
            return self._say(USAGE)
        times = parse_times(match.group(1))
        name = match.group(2).strip()
        if not name:
            async with self.checkins.db.transaction() as session:
                members = await MemberRepository(session).by_phone(phone)
            named = [m.display_name for m in members if m.display_name]
            if not named:
                return self._say("Please add your name, e.g. CHECKIN 9am Ruth Miller.")
            name = named[0] or ""
        if not self.checkins.settings.sms_enabled:
            return self._say("Texting is not set up for this service.")
        e = await self.checkins.enroll(
            Draft(person_name=name, times=tuple(times), channels=SMS, phone=phone)
        )
        times_text_ = times_text(e.time_list)
        return self._say(
            f"Thank you, {first_name(e.person_name)}: we'll text you every day at {times_text_}. "
            "Reply OK when we do. Add someone to be told if you don't: CONTACT Dana 2035550142. "
            "Emergency? Call 911."
        )

    async def contact(self, phone: str, body: str) -> str | None:
        """CONTACT <name> <phone>: add a contact to the sender's check-ins."""
        mine = await self.checkins.mine(SMS, phone)
        if mine is None:
            return None
        rest = body.strip()[len(body.strip().split()[0]) :].strip()
        number = re.search(r"\+?[\d\s().-]{7,}$", rest)
        if number is None:
            return self._say("Text CONTACT, their name and number, e.g. CONTACT Dana 2035550142.")
        name = rest[: number.start()].strip()
        try:
            contact, _token = await self.checkins.add_contact(
                mine.id, SMS, phone, name, number.group(0).strip(), invite=False
            )
        except UserError as refusal:
            return self._say(str(refusal))
        return self._say(
            f"{contact.name} is now a contact for your check-ins: we've texted them to say so."
        )

    async def got(self, phone: str, body: str) -> str | None:
        """GOT (or GOT IT) from a contact: they will check on the person."""
        if len(body.split()) > 2:
            return None
        async with self.checkins.db.transaction() as session:
            repo = CheckinRepository(session)
            rounds = []
            for contact in await repo.contacts_of(phone=phone):
                e = await repo.get(contact.enrollment_id)
                if e is None or e.status != ACTIVE:
                    continue
                latest = await repo.latest_round(e.id, (ESCALATED, OFFICER, "taken"))
                if latest is not None:
                    rounds.append(latest)
        if not rounds:
            return None
        newest = max(rounds, key=lambda r: r.due_at)
        taken = await self.checkins.take(newest.id, SMS, phone)
        name = first_name(taken.enrollment.person_name)
        if taken.changed:
            return self._say(f"Thank you: the others are told you're checking on {name}.")
        if taken.round.status in ("answered", "help"):
            return self._say(f"{name} has already answered.")
        return self._say(f"{taken.round.taken_by or 'Someone'} is already checking on {name}.")

    async def no(self, phone: str, body: str) -> str | None:
        """NO to a sign-up someone else made."""
        if len(body.split()) > 1 or not await self.checkins.sms_decline(phone):
            return None
        return self._say("All right: you won't get daily check-ins. Nothing more will be sent.")

    async def scams(self, phone: str, body: str) -> str | None:
        """SCAMS OFF: no more weekly scam warnings."""
        words = body.upper().split()
        if len(words) != 2 or words[1] != "OFF":
            return None
        if not await self.checkins.scams_off(SMS, phone):
            return None
        return self._say("Weekly scam warnings are off. Your daily check-ins go on.")
