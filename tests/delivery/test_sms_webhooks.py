"""Twilio's webhooks: signatures, STOP/START/HELP mirrored on members, and status callbacks."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import update
from starlette.applications import Starlette

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH, MAX_FORM_BYTES, STATUS_PATH, sms_routes
from core.clock import FrozenClock
from core.delivery.outbox import Message
from core.delivery.sms_inbound import SmsInbound
from core.delivery.sms_text import is_gsm7, segments
from core.services import Services
from storage.delivery.models import Delivery
from storage.engine import Database
from storage.members.records import MemberRecord
from storage.members.repositories import MemberRepository
from tests.conftest import make_settings
from tests.support.rows import rows
from tests.support.sms import PHONE, PUBLIC_URL, post, reply_of, text_form

OTHER_PHONE = "+12035550199"


SERVICE = "Stratford Crime Watch"


BOT = "crimewatch_test_bot"


XML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


@pytest.fixture
def twilio() -> FakeTwilio:
    """Holds the auth token and signs webhooks the way Twilio does."""
    return FakeTwilio()


@pytest.fixture
async def client(
    database: Database, clock: FrozenClock, twilio: FakeTwilio
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for a Starlette app with just the SMS routes."""
    inbound = SmsInbound(database, clock, SERVICE, BOT)
    app = Starlette(routes=sms_routes(inbound, PUBLIC_URL + "/", twilio.auth_token))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as http:
        yield http


async def add_member(
    db: Database, clock: FrozenClock, user_id: int, phone: str, sms_status: str = "ok"
) -> MemberRecord:
    """A registered member with a phone number."""
    async with db.transaction() as session:
        members = MemberRepository(session)
        member = await members.create(
            telegram_user_id=user_id, telegram_chat_id=user_id, now=clock.now()
        )
        return await members.update(
            member.id,
            clock.now(),
            display_name=f"Resident {user_id}",
            phone_e164=phone,
            phone_verified_at=clock.now(),
            registered_at=clock.now(),
            channels="sms",
            sms_status=sms_status,
        )


async def sms_status(db: Database, member_id: int) -> str:
    """A member's stored SMS status."""
    async with db.transaction() as session:
        member = await MemberRepository(session).get(member_id)
    assert member is not None
    return member.sms_status


@pytest.mark.parametrize("path", [INBOUND_PATH, STATUS_PATH])
async def test_an_unsigned_request_is_refused(
    client: httpx.AsyncClient,
    twilio: FakeTwilio,
    database: Database,
    clock: FrozenClock,
    path: str,
) -> None:
    member = await add_member(database, clock, 1001, PHONE)
    response = await post(client, twilio, path, text_form("STOP"), signature=None)
    assert response.status_code == 403
    assert await sms_status(database, member.id) == "ok"


@pytest.mark.parametrize("path", [INBOUND_PATH, STATUS_PATH])
async def test_a_wrongly_signed_request_changes_nothing(
    client: httpx.AsyncClient,
    twilio: FakeTwilio,
    database: Database,
    clock: FrozenClock,
    path: str,
) -> None:
    member = await add_member(database, clock, 1001, PHONE)
    forged = FakeTwilio(auth_token="somebody-elses-token-0000000000")
    params = text_form("STOP")
    cases = [
        forged.sign(f"{PUBLIC_URL}{path}", params),  # another account's token
        twilio.sign(f"{PUBLIC_URL}{path}", text_form("HELLO")),  # the form was altered
        twilio.sign(f"https://elsewhere.example{path}", params),  # signed for another URL
        "not-a-signature",
    ]
    for signature in cases:
        response = await post(client, twilio, path, params, signature=signature)
        assert response.status_code == 403
    assert await sms_status(database, member.id) == "ok"


async def test_the_signature_covers_the_query_string(
    client: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    params = text_form("HELP")
    good = twilio.sign(f"{PUBLIC_URL}{INBOUND_PATH}?src=tw", params)
    response = await client.post(
        f"{INBOUND_PATH}?src=tw", data=params, headers={"X-Twilio-Signature": good}
    )
    assert response.status_code == 200
    without = twilio.sign(f"{PUBLIC_URL}{INBOUND_PATH}", params)
    response = await client.post(
        f"{INBOUND_PATH}?src=tw", data=params, headers={"X-Twilio-Signature": without}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body", ["STOP", "stop", "Unsubscribe", " Cancel ", "END", "quit", "STOPALL", "Stop."]
)
async def test_stop_keywords_opt_out_every_member_with_the_number(
    client: httpx.AsyncClient,
    twilio: FakeTwilio,
    database: Database,
    clock: FrozenClock,
    body: str,
) -> None:
    ann = await add_member(database, clock, 1001, PHONE)
    bob = await add_member(database, clock, 1002, PHONE)  # same household phone
    other = await add_member(database, clock, 1003, OTHER_PHONE)

    response = await post(client, twilio, INBOUND_PATH, text_form(body))

    assert response.text == XML_EMPTY  # Twilio confirms STOP itself
    assert reply_of(response) is None
    assert await sms_status(database, ann.id) == "opted_out"
    assert await sms_status(database, bob.id) == "opted_out"
    assert await sms_status(database, other.id) == "ok"


@pytest.mark.parametrize(
    "body", ["Stop sign at Oak is down again", "stop sending these please", "END of the block"]
)
async def test_a_keyword_inside_a_sentence_is_a_message_not_an_opt_out(
    client: httpx.AsyncClient, twilio: FakeTwilio, database: Database, clock: FrozenClock, body: str
) -> None:
    # Twilio opts a number out only on the bare keyword; mirroring more would stop texts that
    # Twilio still delivers, and swallow what the person wrote.
    ann = await add_member(database, clock, 1001, PHONE)
    reply = reply_of(await post(client, twilio, INBOUND_PATH, text_form(body)))
    assert reply is not None and "Emergency? Call 911" in reply  # the usage reply
    assert await sms_status(database, ann.id) == "ok"


@pytest.mark.parametrize("body", ["  stop  ", "Stop!", "optout", "REVOKE"])
async def test_a_bare_keyword_in_any_case_opts_out(
    client: httpx.AsyncClient, twilio: FakeTwilio, database: Database, clock: FrozenClock, body: str
) -> None:
    ann = await add_member(database, clock, 1001, PHONE)
    assert reply_of(await post(client, twilio, INBOUND_PATH, text_form(body))) is None
    assert await sms_status(database, ann.id) == "opted_out"


async def test_help_inside_an_emergency_gets_911_first_not_the_help_text(
    client: httpx.AsyncClient, twilio: FakeTwilio, database: Database, clock: FrozenClock
) -> None:
    await add_member(database, clock, 1001, PHONE)
    reply = reply_of(
        await post(client, twilio, INBOUND_PATH, text_form("Help! he's back with a knife"))
    )
    assert reply is not None
    assert reply.startswith("Stratford Crime Watch: if this is an emergency, call 911 now.")
    assert "Reply STOP" not in reply  # not the HELP boilerplate
    assert segments(reply) == 1


async def test_twilios_opt_out_type_wins_for_custom_keywords(
    client: httpx.AsyncClient, twilio: FakeTwilio, database: Database, clock: FrozenClock
) -> None:
    ann = await add_member(database, clock, 1001, PHONE)
    form = text_form("ARRET") | {"OptOutType": "STOP"}
    assert reply_of(await post(client, twilio, INBOUND_PATH, form)) is None
    assert await sms_status(database, ann.id) == "opted_out"


@pytest.mark.parametrize("body", ["START", "unstop", "Yes"])
async def test_start_restores_an_opt_out_but_not_a_carrier_verdict(
    client: httpx.AsyncClient,
    twilio: FakeTwilio,
    database: Database,
    clock: FrozenClock,
    body: str,
) -> None:
    opted = await add_member(database, clock, 1001, PHONE, sms_status="opted_out")
    invalid = await add_member(database, clock, 1002, PHONE, sms_status="invalid")

    response = await post(client, twilio, INBOUND_PATH, text_form(body))

    assert response.text == XML_EMPTY  # Twilio confirms START itself
    assert await sms_status(database, opted.id) == "ok"
    assert await sms_status(database, invalid.id) == "invalid"


async def test_yes_inside_a_sentence_does_not_opt_back_in(
    client: httpx.AsyncClient, twilio: FakeTwilio, database: Database, clock: FrozenClock
) -> None:
    # Twilio only unblocks on the bare keyword; believing otherwise would be wrong.
    opted = await add_member(database, clock, 1001, PHONE, sms_status="opted_out")
    response = await post(client, twilio, INBOUND_PATH, text_form("yes there was a break-in"))
    assert reply_of(response) is not None
    assert await sms_status(database, opted.id) == "opted_out"


@pytest.mark.parametrize("body", ["HELP", "help", "Info"])
async def test_help_names_the_service_911_telegram_and_stop(
    client: httpx.AsyncClient, twilio: FakeTwilio, body: str
) -> None:
    reply = reply_of(await post(client, twilio, INBOUND_PATH, text_form(body)))
    assert reply == (
        "Stratford Crime Watch: neighborhood Crime Watch alerts from the police Crime "
        "Prevention Unit. Not for emergencies: call 911. Chat with us on Telegram: "
        "https://t.me/crimewatch_test_bot. Reply STOP to opt out."
    )


async def test_help_without_a_bot_username_leaves_telegram_out(
    database: Database, clock: FrozenClock
) -> None:
    inbound = SmsInbound(database, clock, SERVICE, None)
    reply = await inbound.inbound(PHONE, "HELP")
    assert reply is not None
    assert "Telegram" not in reply
    assert "911" in reply


async def test_anything_else_gets_a_short_usage_reply(
    client: httpx.AsyncClient, twilio: FakeTwilio, database: Database, clock: FrozenClock
) -> None:
    ann = await add_member(database, clock, 1001, PHONE)
    reply = reply_of(await post(client, twilio, INBOUND_PATH, text_form("Someone is in my yard")))
    assert reply is not None
    assert reply.startswith("Stratford Crime Watch: ")
    # No feature offers a keyword here (tests/tips/test_sms.py has the service's full reply).
    for words in ("sends Crime Watch alerts", "911", "HELP", "STOP"):
        assert words in reply
    assert is_gsm7(reply)
    assert len(reply) <= 160 and segments(reply) == 1
    assert await sms_status(database, ann.id) == "ok"


async def test_replies_are_xml_escaped(database: Database, clock: FrozenClock) -> None:
    twilio = FakeTwilio()
    inbound = SmsInbound(database, clock, "Oak & Elm <Watch>", None)
    app = Starlette(routes=sms_routes(inbound, PUBLIC_URL, twilio.auth_token))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await post(http, twilio, INBOUND_PATH, text_form("hello"))
    assert "Oak &amp; Elm &lt;Watch&gt;" in response.text
    assert (reply_of(response) or "").startswith("Oak & Elm <Watch>: ")


async def test_odd_senders_get_the_usage_reply_and_nothing_is_stored(
    client: httpx.AsyncClient, twilio: FakeTwilio, database: Database, clock: FrozenClock
) -> None:
    ann = await add_member(database, clock, 1001, PHONE)
    reply = reply_of(await post(client, twilio, INBOUND_PATH, text_form("hi", sender="12345")))
    assert reply is not None and "HELP" in reply
    stop = reply_of(await post(client, twilio, INBOUND_PATH, text_form("STOP", sender="CWATCH")))
    assert stop is None  # never a reply of ours to STOP
    assert await sms_status(database, ann.id) == "ok"


async def test_the_phone_number_is_never_logged(
    client: httpx.AsyncClient,
    twilio: FakeTwilio,
    database: Database,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await add_member(database, clock, 1001, PHONE)
    for body in ("STOP", "START", "HELP", "hello"):
        await post(client, twilio, INBOUND_PATH, text_form(body))
    await post(client, twilio, INBOUND_PATH, text_form("STOP"), signature="forged")
    ours = [r for r in caplog.records if r.name.startswith(("bot.", "core.", "notifiers."))]
    assert ours  # opt-outs, opt-ins and the refusal were logged ...
    for record in ours:  # ... without the number (database drivers' debug lines are not ours)
        assert "2035550142" not in record.getMessage()


@pytest.fixture
async def sms_services(database: Database, clock: FrozenClock) -> Services:
    """Services with SMS configured, so that deliveries on the SMS channel are queued."""
    settings = make_settings(
        twilio_account_sid="AC" + "0123456789abcdef" * 2,
        twilio_auth_token="fake-twilio-auth-token-0123456789",
        twilio_from_number="+12035550100",
    )
    return Services.build(settings, database, clock=clock)


async def queued_sms(services: Services, clock: FrozenClock, sid: str, status: str) -> int:
    """A notification with one SMS delivery, handed to Twilio as `sid` and now in `status`."""
    member = await add_member(services.db, clock, 2001, PHONE)
    async with services.db.transaction() as session:
        notification_id = await services.outbox.enqueue_in(
            session,
            kind="alert",
            message=Message(html="<b>Scam calls</b> today", text="Scam calls today"),
            recipients=[member],
            urgency="urgent",
        )
        # What the delivery worker records once Twilio accepted the message.
        await session.execute(
            update(Delivery)
            .where(Delivery.notification_id == notification_id, Delivery.channel == "sms")
            .values(status=status, provider_id=sid)
        )
    return notification_id


async def delivery_row(db: Database, notification_id: int) -> tuple[str, str]:
    """(status, reason) of the notification's SMS delivery."""
    [row] = await rows(
        db, Delivery, Delivery.notification_id == notification_id, Delivery.channel == "sms"
    )
    return row.status, row.reason


def status_form(sid: str, status: str, error_code: str | None = None) -> dict[str, str]:
    """A status callback's parameters."""
    form = {
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "AccountSid": "AC" + "0123456789abcdef" * 2,
        "From": "+12035550100",
        "To": PHONE,
        "ApiVersion": "2010-04-01",
    }
    if error_code:
        form["ErrorCode"] = error_code
    return form


async def test_delivered_moves_forward_and_a_late_sent_is_ignored(
    client: httpx.AsyncClient, twilio: FakeTwilio, sms_services: Services, clock: FrozenClock
) -> None:
    sid = "SM" + "a" * 32
    notification_id = await queued_sms(sms_services, clock, sid, "sent")

    for status in ("queued", "sending"):  # nothing new: ignored
        response = await post(client, twilio, STATUS_PATH, status_form(sid, status))
        assert response.status_code == 200
    assert (await delivery_row(sms_services.db, notification_id))[0] == "sent"

    await post(client, twilio, STATUS_PATH, status_form(sid, "delivered"))
    assert (await delivery_row(sms_services.db, notification_id))[0] == "delivered"

    await post(client, twilio, STATUS_PATH, status_form(sid, "sent"))  # arrives late
    await post(client, twilio, STATUS_PATH, status_form(sid, "failed", "30008"))
    assert (await delivery_row(sms_services.db, notification_id))[0] == "delivered"


async def test_undelivered_with_30003_fails_the_delivery_with_a_reason(
    client: httpx.AsyncClient, twilio: FakeTwilio, sms_services: Services, clock: FrozenClock
) -> None:
    sid = "SM" + "b" * 32
    notification_id = await queued_sms(sms_services, clock, sid, "sending")

    await post(client, twilio, STATUS_PATH, status_form(sid, "undelivered", "30003"))

    status, reason = await delivery_row(sms_services.db, notification_id)
    assert status == "failed"
    assert reason == "Twilio 30003: unreachable destination handset"


async def test_an_unsigned_status_callback_changes_nothing(
    client: httpx.AsyncClient, twilio: FakeTwilio, sms_services: Services, clock: FrozenClock
) -> None:
    sid = "SM" + "c" * 32
    notification_id = await queued_sms(sms_services, clock, sid, "sent")
    response = await post(
        client, twilio, STATUS_PATH, status_form(sid, "undelivered", "30003"), signature=None
    )
    assert response.status_code == 403
    assert await delivery_row(sms_services.db, notification_id) == ("sent", "")


async def test_status_callback_service_rules(sms_services: Services, clock: FrozenClock) -> None:
    sid = "SM" + "d" * 32
    notification_id = await queued_sms(sms_services, clock, sid, "sent")
    inbound = SmsInbound(sms_services.db, clock, SERVICE, BOT)

    assert await inbound.status_callback("SM" + "e" * 32, "delivered", None) is False  # unknown
    assert await inbound.status_callback(sid, "accepted", None) is False
    assert await inbound.status_callback(sid, "FAILED", "30099") is True
    status, reason = await delivery_row(sms_services.db, notification_id)
    assert status == "failed"
    assert reason == "Twilio 30099: see twilio.com/docs/api/errors/30099"
    assert await inbound.status_callback(sid, "delivered", None) is False  # failed is final


async def test_a_chunked_body_is_refused_once_it_passes_the_limit(
    client: httpx.AsyncClient,
) -> None:
    """An unauthenticated body without Content-Length is counted as it arrives, never read
    whole into memory before the signature is checked."""
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        while sent < 10 * MAX_FORM_BYTES:
            sent += 4096
            yield b"a" * 4096

    response = await client.post(
        INBOUND_PATH, content=endless(), headers={"X-Twilio-Signature": "anything"}
    )
    assert response.status_code == 403
    assert sent < 2 * MAX_FORM_BYTES + 8192
