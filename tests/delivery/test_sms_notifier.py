"""SmsNotifier through the real twilio SDK against the fake Twilio API (in process and on a socket).

Every request the SDK builds is validated against Twilio's published OpenAPI spec; a test fails
on any violation unless it provoked one on purpose and took it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from bot.sandbox.twilio_api import FakeTwilio, FakeTwilioServer
from notifiers.base import Notifier, OutboundMessage, Outcome
from notifiers.sms import SmsNotifier, scrub
from notifiers.sms_segments import segments

PHONE = "+12035550142"
CALLBACK = "https://cw.stratford.example/twilio/status"


def message(
    text: str = "Stratford Crime Watch: Porch thefts on Elm St tonight.",
) -> OutboundMessage:
    """One SMS to PHONE."""
    return OutboundMessage(address=PHONE, html="<b>unused</b>", text=text)


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    """The fake Twilio API; the test fails on any request it would refuse."""
    api = FakeTwilio()
    yield api
    assert api.violations == [], f"invalid Twilio requests: {api.violations}"


@pytest.fixture
def notifier(fake: FakeTwilio) -> SmsNotifier:
    """An SmsNotifier on the in-process fake."""
    return SmsNotifier(
        fake.account_sid,
        fake.auth_token,
        from_number=fake.from_number,
        status_callback=CALLBACK,
        api_url=fake.base_url,
        timeout=7.5,
        http_client=fake.http_client(),
    )


@pytest.fixture
async def server(fake: FakeTwilio) -> AsyncIterator[FakeTwilioServer]:
    """The fake on a real socket."""
    running = FakeTwilioServer(fake).start()
    try:
        yield running
    finally:
        await asyncio.to_thread(running.stop)


def test_it_is_a_notifier_with_named_limits() -> None:
    def accepts(_: Notifier) -> None: ...

    sms = SmsNotifier("AC" + "0" * 32, "token", from_number="+12035550100")
    accepts(sms)
    assert sms.channel == "sms"
    assert (sms.MAX_BODY, sms.SEGMENTS_PER_SECOND_DEFAULT) == (1600, 1)
    assert (sms.OPTED_OUT, sms.INVALID_NUMBER, sms.NOT_MOBILE, sms.RATE_LIMITED) == (
        21610,
        21211,
        21614,
        20429,
    )
    assert "token" not in repr(sms)
    with pytest.raises(ValueError):
        SmsNotifier("AC" + "0" * 32, "token")


# ------------------------------------------------------------------------------ success


async def test_a_send_records_the_message_sid(fake: FakeTwilio, notifier: SmsNotifier) -> None:
    result = await notifier.send(message())

    assert result.outcome is Outcome.SENT
    assert len(fake.messages) == 1
    sent = fake.messages[0]
    assert result.provider_id == sent["sid"]
    assert sent["sid"].startswith("SM") and len(sent["sid"]) == 34
    assert sent["to"] == PHONE
    assert sent["from"] == fake.from_number
    assert sent["messaging_service_sid"] is None
    assert sent["body"] == "Stratford Crime Watch: Porch thefts on Elm St tonight."
    assert sent["status_callback"] == CALLBACK
    assert result.segments == 1


async def test_requests_go_to_api_url_with_basic_auth_and_a_timeout(
    fake: FakeTwilio, notifier: SmsNotifier
) -> None:
    await notifier.send(message())

    (request,) = fake.requests
    assert request.method == "POST"
    assert request.url == f"{fake.base_url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
    assert request.auth == (fake.account_sid, fake.auth_token)
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.timeout == 7.5  # the SDK itself passes None: no timeout at all
    assert set(request.form) == {"To", "From", "Body", "StatusCallback"}


async def test_edge_and_region_from_the_environment_do_not_move_the_host(
    fake: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_EDGE", "sydney")
    monkeypatch.setenv("TWILIO_REGION", "au1")
    sms = SmsNotifier(
        fake.account_sid,
        fake.auth_token,
        from_number=fake.from_number,
        api_url=fake.base_url + "/",
        http_client=fake.http_client(),
    )
    assert (await sms.send(message())).outcome is Outcome.SENT
    assert fake.requests[0].url.startswith(f"{fake.base_url}/2010-04-01/")


async def test_segments_come_from_twilios_num_segments(
    fake: FakeTwilio, notifier: SmsNotifier
) -> None:
    text = "Stratford Crime Watch: " + "Lock your car. " * 20  # 323 GSM-7 characters
    result = await notifier.send(message(text))
    assert result.segments == 3 == fake.messages[0]["segments"] == segments(text)

    emoji = "Stratford Crime Watch: 🚨 Scam calls today"
    result = await notifier.send(message(emoji))
    assert result.segments == 1


async def test_a_messaging_service_sends_without_from(fake: FakeTwilio) -> None:
    sms = SmsNotifier(
        fake.account_sid,
        fake.auth_token,
        messaging_service_sid=fake.messaging_service_sid,
        api_url=fake.base_url,
        http_client=fake.http_client(),
    )
    result = await sms.send(message())

    assert result.outcome is Outcome.SENT
    assert fake.messages[0]["from"] is None
    assert fake.messages[0]["messaging_service_sid"] == fake.messaging_service_sid
    assert "From" not in fake.requests[0].form
    assert "StatusCallback" not in fake.requests[0].form


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("code", "address_status"),
    [(21610, "opted_out"), (21211, "invalid"), (21614, "not_mobile")],
)
async def test_number_errors_are_unreachable_and_name_the_address_status(
    fake: FakeTwilio, notifier: SmsNotifier, code: int, address_status: str
) -> None:
    fake.fail_next(code)

    result = await notifier.send(message())

    assert result.outcome is Outcome.UNREACHABLE
    assert result.address_status == address_status
    assert result.reason.startswith(f"Twilio {code}")
    assert result.provider_id is None
    assert fake.messages == []


async def test_an_opted_out_number_is_unreachable(fake: FakeTwilio, notifier: SmsNotifier) -> None:
    fake.opt_out(PHONE)
    result = await notifier.send(message())
    assert (result.outcome, result.address_status) == (Outcome.UNREACHABLE, "opted_out")


async def test_reasons_never_hold_the_phone_number(fake: FakeTwilio, notifier: SmsNotifier) -> None:
    fake.fail_next(21211, message=f"The 'To' number {PHONE} is not a valid phone number.")
    result = await notifier.send(message())
    assert PHONE not in result.reason
    assert "2035550142" not in result.reason
    assert "[phone]" in result.reason
    assert scrub("call (203) 555-0142 now") == "call [phone] now"


async def test_429_is_rate_limited_with_retry_after(
    fake: FakeTwilio, notifier: SmsNotifier
) -> None:
    fake.fail_next(20429, status=429, retry_after=7)
    limited = await notifier.send(message())
    assert limited.outcome is Outcome.RATE_LIMITED
    assert limited.retry_after == 7.0

    fake.fail_next(20429, status=429)
    assert (await notifier.send(message())).retry_after == SmsNotifier.DEFAULT_RETRY_AFTER


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_retried(
    fake: FakeTwilio, notifier: SmsNotifier, status: int
) -> None:
    fake.fail_next(20500, status=status)
    result = await notifier.send(message())
    assert result.outcome is Outcome.RETRY
    assert len(fake.requests) == 1  # the SDK did not retry on its own


@pytest.mark.parametrize(("code", "status"), [(21606, 400), (20003, 401), (21617, 400)])
async def test_other_client_errors_fail(
    fake: FakeTwilio, notifier: SmsNotifier, code: int, status: int
) -> None:
    fake.fail_next(code, status=status)
    result = await notifier.send(message())
    assert result.outcome is Outcome.FAILED
    assert result.reason.startswith(f"Twilio {code} (HTTP {status})")


async def test_a_timeout_before_the_request_left_is_retried(
    fake: FakeTwilio, notifier: SmsNotifier
) -> None:
    fake.timeout_next(after_delivery=False)
    result = await notifier.send(message())
    assert result.outcome is Outcome.RETRY
    assert fake.messages == []


async def test_a_timeout_after_twilio_accepted_is_unknown(
    fake: FakeTwilio, notifier: SmsNotifier
) -> None:
    fake.timeout_next(after_delivery=True)
    result = await notifier.send(message())
    assert result.outcome is Outcome.UNKNOWN
    assert len(fake.messages) == 1  # it went out: sending again would double it
    # Twilio's message list says so: the SID of the one it created.
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert await notifier.find_sent(message(), since) == fake.messages[0]["sid"]
    assert await notifier.find_sent(message("another text"), since) is None
    assert fake.violations == []


async def test_a_body_over_1600_characters_is_refused_without_a_request(
    fake: FakeTwilio, notifier: SmsNotifier
) -> None:
    result = await notifier.send(message("x" * 1601))
    assert result.outcome is Outcome.FAILED
    assert (await notifier.send(message("   "))).outcome is Outcome.FAILED
    assert fake.requests == []


async def test_nothing_logs_the_number_or_the_token(
    fake: FakeTwilio, notifier: SmsNotifier, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await notifier.send(message())
    fake.fail_next(21610)
    await notifier.send(message())
    for record in caplog.records:
        text = record.getMessage()
        assert PHONE not in text
        assert fake.auth_token not in text


# ------------------------------------------------------------------------------ the fake itself


async def test_the_fake_refuses_what_twilio_would_refuse(fake: FakeTwilio) -> None:
    sms = SmsNotifier(
        fake.account_sid,
        fake.auth_token,
        from_number=fake.from_number,
        api_url=fake.base_url,
        http_client=fake.http_client(),
    )
    result = await sms.send(OutboundMessage(address="203-555-0142", html="", text="hi"))
    assert result.outcome is Outcome.UNREACHABLE  # 21211, as Twilio answers a non-E.164 To
    assert fake.violations == ["To is not E.164: '203-555-0142'"]
    fake.violations.clear()

    client = Client(fake.account_sid, "wrong-token", http_client=fake.http_client())
    client.api.base_url = fake.base_url
    with pytest.raises(TwilioRestException) as wrong:
        await client.messages.create_async(to=PHONE, from_=fake.from_number, body="hi")
    assert (wrong.value.status, wrong.value.code) == (401, 20003)

    client = Client(fake.account_sid, fake.auth_token, http_client=fake.http_client())
    client.api.base_url = fake.base_url
    with pytest.raises(TwilioRestException) as bad:
        await client.messages.create_async(to=PHONE, messaging_service_sid="MG123", body="x" * 1601)
    assert bad.value.status == 400
    with pytest.raises(TwilioRestException) as both:
        await client.messages.create_async(
            to=PHONE,
            from_=fake.from_number,
            messaging_service_sid=fake.messaging_service_sid,
            body="hi",
        )
    assert both.value.code == 21603
    with pytest.raises(TwilioRestException) as long_body:
        await client.messages.create_async(to=PHONE, from_=fake.from_number, body="x" * 1601)
    assert long_body.value.code == 21617
    assert len(fake.violations) == 4
    assert fake.messages == []
    fake.violations.clear()


def test_sign_matches_the_sdks_validator(fake: FakeTwilio) -> None:
    from twilio.request_validator import RequestValidator

    params = {"From": PHONE, "Body": "STOP"}
    signature = fake.sign("https://cw.stratford.example/twilio/sms", params)
    assert RequestValidator(fake.auth_token).validate(
        "https://cw.stratford.example/twilio/sms", params, signature
    )


# ------------------------------------------------------------------------------ real sockets


def closed_port() -> int:
    """A local port with nothing listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_over_a_socket_the_production_client_sends_once(
    fake: FakeTwilio, server: FakeTwilioServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sms = SmsNotifier(
        fake.account_sid, fake.auth_token, from_number=fake.from_number, api_url=server.url
    )
    try:
        sent = await sms.send(message())
        assert sent.outcome is Outcome.SENT
        assert sent.provider_id == fake.messages[0]["sid"]

        fake.fail_next(20429, status=429, retry_after=3)
        limited = await sms.send(message())
        assert (limited.outcome, limited.retry_after) == (Outcome.RATE_LIMITED, 3.0)

        fake.fail_next(20500, status=500)
        assert (await sms.send(message())).outcome is Outcome.RETRY
        assert len(fake.requests) == 3  # no SDK retries
    finally:
        await sms.close()
    assert caplog.records  # the SDK logs every request at INFO ...
    for record in caplog.records:  # ... but neither the number nor the credentials
        assert PHONE not in record.getMessage()
        assert fake.auth_token not in record.getMessage()


async def test_over_a_socket_our_timeout_applies_and_a_late_answer_is_unknown(
    fake: FakeTwilio, server: FakeTwilioServer
) -> None:
    sms = SmsNotifier(
        fake.account_sid,
        fake.auth_token,
        from_number=fake.from_number,
        api_url=server.url,
        timeout=0.3,
    )
    fake.timeout_next(after_delivery=True)
    try:
        started = asyncio.get_running_loop().time()
        result = await sms.send(message())
        elapsed = asyncio.get_running_loop().time() - started
    finally:
        await sms.close()
    assert result.outcome is Outcome.UNKNOWN
    assert elapsed < 5
    assert len(fake.messages) == 1


async def test_connection_refused_is_retried() -> None:
    sms = SmsNotifier(
        "AC" + "0" * 32,
        "token",
        from_number="+12035550100",
        api_url=f"http://127.0.0.1:{closed_port()}",
        timeout=5,
    )
    try:
        result = await sms.send(message())
    finally:
        await sms.close()
    assert result.outcome is Outcome.RETRY
    assert "ClientConnectorError" in result.reason
