"""The sandbox's SMS provider: the tests' Twilio, plus the phones that text the service.

`SandboxTwilio` is the `FakeTwilio` the tests drive the twilio SDK through (every request
checked against Twilio's published OpenAPI spec). A person's phone texts the service the way
Twilio delivers an inbound SMS: a form POSTed to the service's webhook, signed with
`X-Twilio-Signature` for the service's public URL; the TwiML answer is the reply. Twilio's own
keywords behave as Twilio's do: STOP opts the number out (sends to it then fail with 21610)
and START back in, each answered by Twilio's standard text, and the service still hears them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bot.sandbox.outgoing import Outgoing
from bot.sandbox.twilio_api import Answer, FakeTwilio

log = logging.getLogger(__name__)

INBOUND_PATH = "/twilio/sms"
# Twilio's default answers to its keywords (Advanced Opt-Out off), as a phone shows them.
CARRIER_STOP = (
    "You have successfully been unsubscribed. You will not receive any more messages from this "
    "number. Reply START to resubscribe."
)
CARRIER_START = (
    "You have successfully been re-subscribed to messages from this number. Reply HELP for "
    "help. Reply STOP to unsubscribe. Msg&Data Rates May Apply."
)
STATUS_DELAY_SECONDS = 0.3  # how long after accepting a text the sandbox reports it sent
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "YES", "UNSTOP"})


@dataclass
class Text:
    """One text on a phone's screen."""

    direction: str  # "in" (the phone received it) or "out" (the phone sent it)
    body: str
    at: str
    sender: str = "service"  # "service" or "carrier"

    def as_json(self) -> dict[str, str]:
        """The text for the page."""
        return {"direction": self.direction, "body": self.body, "at": self.at, "from": self.sender}


@dataclass
class Phone:
    """What one number has received and sent."""

    texts: list[Text] = field(default_factory=list)


class SandboxTwilio(FakeTwilio):
    """The tests' Twilio, with phones that text the service and show what they get."""

    def __init__(self, *, from_number: str, on_change: Callable[[str, str], None]) -> None:
        super().__init__(from_number=from_number)
        self.on_change = on_change
        self.webhook_url = ""  # the service's inbound SMS webhook
        self.phones: dict[str, Phone] = {}
        self._numbers = itertools.count(1)
        self.outgoing = Outgoing()

    def save(self, folder: Path) -> None:
        """Write the phones' screens and the numbers that texted STOP to `folder`."""
        state = {
            "phones": {
                phone: [text.as_json() for text in screen.texts]
                for phone, screen in self.phones.items()
            },
            "opted_out": sorted(self.opted_out),
        }
        (folder / "phones.json").write_text(json.dumps(state), encoding="utf-8")

    def load(self, folder: Path) -> None:
        """Show what an earlier run saved (nothing when there is none)."""
        saved = folder / "phones.json"
        if not saved.exists():
            return
        state = json.loads(saved.read_text(encoding="utf-8"))
        for phone, texts in state["phones"].items():
            self.phones[phone] = Phone(
                [Text(t["direction"], t["body"], t["at"], t["from"]) for t in texts]
            )
        self.opted_out.update(state["opted_out"])

    def screen(self, phone: str) -> list[dict[str, str]]:
        """The phone's texts, oldest first."""
        return [text.as_json() for text in self.phones.get(phone, Phone()).texts]

    def handle(
        self,
        method: str,
        path: str,
        form: dict[str, list[str]],
        auth: tuple[str, str] | None,
        query: dict[str, list[str]] | None = None,
    ) -> Answer:
        """Answer as Twilio does; a message it accepted lands on its phone."""
        before = len(self.messages)
        answer = super().handle(method, path, form, auth, query)
        for message in self.messages[before:]:
            self._show(message["to"], Text("in", message["body"], _now()))
            if message.get("status_callback"):
                self.outgoing.spawn(self._report(message))
        return answer

    async def _report(self, message: dict[str, Any]) -> None:
        """Twilio's status callbacks for an accepted message: sent, then delivered."""
        for status in ("sent", "delivered"):
            await asyncio.sleep(STATUS_DELAY_SECONDS)
            params = {
                "MessageSid": message["sid"],
                "SmsSid": message["sid"],
                "MessageStatus": status,
                "SmsStatus": status,
                "AccountSid": self.account_sid,
                "From": str(message["from"] or self.from_number),
                "To": str(message["to"]),
                "ApiVersion": "2010-04-01",
            }
            await self._signed_post(str(message["status_callback"]), params)

    async def text(self, phone: str, body: str) -> list[str]:
        """The phone texts the service; returns the replies it got (Twilio's and the
        service's), which are also on its screen."""
        self._show(phone, Text("out", body, _now()))
        word = body.strip().upper()
        carrier: str | None = None
        if word in STOP_WORDS:
            self.opt_out(phone)
            carrier = CARRIER_STOP
        elif word in START_WORDS and phone in self.opted_out:
            self.opt_in(phone)
            carrier = CARRIER_START
        replies = [carrier] if carrier else []
        if carrier:
            self._show(phone, Text("in", carrier, _now(), "carrier"))
        for reply in await self._post(phone, body, word):
            replies.append(reply)
            self._show(phone, Text("in", reply, _now()))
        return replies

    async def _post(self, phone: str, body: str, word: str) -> list[str]:
        if not self.webhook_url:
            return []
        sid = f"SM{next(self._numbers):032x}"
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": self.account_sid,
            "From": phone,
            "To": self.from_number,
            "Body": body,
            "NumMedia": "0",
            "NumSegments": "1",
        }
        if word in STOP_WORDS:
            params["OptOutType"] = "STOP"
        elif word in START_WORDS:
            params["OptOutType"] = "START"
        response = await self._signed_post(self.webhook_url, params)
        return twiml_messages(response.text) if response is not None else []

    async def _signed_post(self, url: str, params: dict[str, str]) -> httpx.Response | None:
        """POST a webhook as Twilio does, signed for its URL; None when it failed."""
        headers = {"X-Twilio-Signature": self.sign(url, params)}
        try:
            response = await self.outgoing.http.post(url, data=params, headers=headers)
        except httpx.HTTPError as error:
            log.warning("sandbox: a Twilio webhook could not be reached: %s", error)
            return None
        if response.status_code >= 300:
            log.warning("sandbox: a Twilio webhook answered %s", response.status_code)
            return None
        return response

    def _show(self, phone: str, text: Text) -> None:
        self.phones.setdefault(phone, Phone()).texts.append(text)
        try:
            self.on_change("sms", phone)
        except Exception:
            log.exception("sandbox: a change listener failed")

    async def close(self) -> None:
        """Stop reporting and close the webhook client."""
        await self.outgoing.close()


def twiml_messages(body: str) -> list[str]:
    """The texts of a TwiML answer's <Message> elements."""
    if not body.strip():
        return []
    try:
        root = ET.fromstring(body)  # noqa: S314 (the service's own answer)
    except ET.ParseError:
        return []
    return ["".join(element.itertext()) for element in root.iter("Message")]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
