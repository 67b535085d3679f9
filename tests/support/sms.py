"""SMS wiring shared by the end-to-end tests: settings with Twilio on, the real SmsNotifier on
the fake Twilio, and the signed webhooks in front of the service."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from xml.etree import ElementTree

import httpx
from starlette.applications import Starlette

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import STATUS_PATH, sms_routes
from core.delivery.sms_inbound import SmsInbound
from core.settings import Settings
from notifiers.sms import SmsNotifier
from tests.conftest import make_settings
from tests.support.harness import TelegramHarness

FROM_NUMBER = "+12035550100"


def twilio_settings(twilio: FakeTwilio, public_url: str) -> Settings:
    """Test settings with Twilio configured (SMS on) and fast SMS pacing."""
    return make_settings(
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_from_number=FROM_NUMBER,
        public_url=public_url,
        webhook_secret="secret-token-of-thirty-two-or-more-chars",
        sms_segments_per_second=200,  # tests should not wait on a real long code's pace
    )


def add_sms_channel(tg: TelegramHarness, twilio: FakeTwilio, public_url: str) -> SmsNotifier:
    """The real SmsNotifier on the fake Twilio, registered with the delivery worker."""
    notifier = SmsNotifier(
        twilio.account_sid,
        twilio.auth_token,
        from_number=FROM_NUMBER,
        status_callback=f"{public_url}{STATUS_PATH}",
        api_url=twilio.base_url,
        http_client=twilio.http_client(),
    )
    tg.services.delivery.add_notifier("sms", notifier)
    return notifier


@asynccontextmanager
async def sms_both_ways(
    tg: TelegramHarness, twilio: FakeTwilio, public_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    """The SMS channel out, and a client for Twilio's webhooks in (tips routed)."""
    notifier = add_sms_channel(tg, twilio, public_url)
    svc = tg.services
    inbound = SmsInbound(
        svc.db, svc.clock, svc.settings.service_name, None, keywords=svc.sms_keywords
    )
    app = Starlette(routes=sms_routes(inbound, public_url, twilio.auth_token))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as c:
            yield c
    finally:
        await notifier.close()


PUBLIC_URL = "https://cw.stratford.example/hooks"


PHONE = "+12035550142"


async def post(
    http: httpx.AsyncClient,
    twilio: FakeTwilio,
    path: str,
    params: dict[str, str],
    *,
    signature: str | None = "valid",
) -> httpx.Response:
    """POST a form as Twilio would, signed for the public URL (or not, or wrongly)."""
    headers = {}
    if signature == "valid":
        headers["X-Twilio-Signature"] = twilio.sign(f"{PUBLIC_URL}{path}", params)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    return await http.post(path, data=params, headers=headers)


_message_numbers = itertools.count(1)


def text_form(body: str, sender: str = PHONE, sid: str | None = None) -> dict[str, str]:
    """An inbound SMS webhook's parameters (each text its own MessageSid unless given)."""
    sid = sid or f"SM{next(_message_numbers):032x}"
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0123456789abcdef" * 2,
        "From": sender,
        "To": "+12035550100",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
    }


def reply_of(response: httpx.Response) -> str | None:
    """The text of the TwiML <Message>, or None for an empty <Response/>."""
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(response.text)  # noqa: S314 - our own TwiML
    assert root.tag == "Response"
    messages = root.findall("Message")
    assert len(messages) <= 1
    return messages[0].text if messages else None
