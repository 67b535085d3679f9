"""A typed phone number is texted a six-digit code and is the member's only once they type it
back; their own shared contact needs no code. Nothing is texted to an unconfirmed number, and
the bot cannot be used to flood someone else's phone with codes."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from bot.sandbox.twilio_api import FakeTwilio
from bot.sms import INBOUND_PATH
from core.clock import FrozenClock
from core.members import MemberRecord
from core.members.phones import CODES_PER_DAY, hash_code
from storage.delivery.models import Delivery
from storage.members.models import PhoneCode
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.rows import rows
from tests.support.sms import post, text_form

pytestmark = pytest.mark.sms

ROSA, OMAR = 5101, 5102
TYPED = "(203) 555-0161"
E164 = "+12035550161"


async def start_registration(tg: TelegramHarness, uid: int, name: str = "Rosa Diaz") -> None:
    """/start, consent and a name: the next step asks for the phone."""
    tg.names[uid] = name.split()[0]
    await tg.send(uid, "/start")
    await tg.press(uid, "consent:yes")
    await tg.send(uid, name)


async def code_for(tg: TelegramHarness, twilio: FakeTwilio, phone: str = E164) -> str:
    """Deliver what is queued and read the newest code texted to a number."""
    await tg.deliver()
    bodies = twilio.bodies_to(phone)
    assert bodies, f"no text went to {phone}"
    found = re.search(r"code is (\d{6})", bodies[-1])
    assert found, bodies[-1]
    return found.group(1)


async def member(tg: TelegramHarness, uid: int) -> MemberRecord:
    """The member as stored now."""
    found = await tg.services.members.by_telegram(uid)
    assert found is not None
    return found


async def test_a_typed_number_is_confirmed_by_the_code_texted_to_it(
    tg: TelegramHarness, twilio: FakeTwilio, sms: httpx.AsyncClient
) -> None:
    await start_registration(tg, ROSA)
    await tg.send(ROSA, TYPED)
    assert "We texted a 6-digit code to <b>•••-•••-0161</b>" in tg.last(ROSA)
    assert "/cancel" in tg.last(ROSA)
    assert (await member(tg, ROSA)).phone_e164 is None  # not hers until she proves it
    code = await code_for(tg, twilio)
    [body] = twilio.bodies_to(E164)
    assert body.startswith("Stratford Crime Watch: Your verification code is")
    wrong = "000000" if code != "000000" else "111111"
    await tg.send(ROSA, wrong)
    assert "That code isn't right. 4 tries left." in tg.last(ROSA)
    await tg.send(ROSA, "123")
    assert "neither a 6-digit code nor a phone number" in tg.last(ROSA)
    await tg.send(ROSA, f"{code[:3]} {code[3:]}")  # as people type it
    assert "Number confirmed" in tg.texts(ROSA)[-2]
    assert "Step 3 of 3" in tg.last(ROSA)
    confirmed = await member(tg, ROSA)
    assert confirmed.phone_e164 == E164 and confirmed.phone_verified
    # Every code of hers is used up, and only salted hashes were ever stored.
    for row in await rows(tg.services.db, PhoneCode):
        assert row.expires_at <= tg.services.clock.now() and code not in row.code_hash
    await tg.send(ROSA, "12 Main St")
    assert (await member(tg, ROSA)).is_registered


async def test_her_own_shared_contact_needs_no_code(
    tg: TelegramHarness, twilio: FakeTwilio, sms: httpx.AsyncClient
) -> None:
    await start_registration(tg, ROSA)
    await tg.contact(ROSA, "12035550161")
    assert "Step 3 of 3" in tg.last(ROSA)
    assert (await member(tg, ROSA)).phone_verified
    await tg.deliver()
    assert twilio.bodies_to(E164) == []


async def test_while_a_code_is_awaited_a_contact_or_another_number_still_works(
    tg: TelegramHarness, twilio: FakeTwilio, sms: httpx.AsyncClient
) -> None:
    await start_registration(tg, ROSA)
    await tg.send(ROSA, "(203) 555-0199")  # a typo
    await tg.send(ROSA, TYPED)  # the right one, typed instead of a code
    assert "•••-•••-0161" in tg.last(ROSA)
    code = await code_for(tg, twilio)
    await tg.send(ROSA, code)
    assert (await member(tg, ROSA)).phone_e164 == E164
    # The "Use another number" button goes back to the question.
    await start_registration(tg, OMAR, "Omar Haddad")
    await tg.send(OMAR, "(203) 555-0162")
    await tg.press(OMAR, "phone:other")
    assert "Step 2 of 3" in tg.last(OMAR)
    await tg.contact(OMAR, "+12035550162")
    assert (await member(tg, OMAR)).phone_verified


async def test_a_new_code_replaces_the_old_one_and_is_rationed(
    tg: TelegramHarness, twilio: FakeTwilio, sms: httpx.AsyncClient, clock: FrozenClock
) -> None:
    await start_registration(tg, ROSA)
    await tg.send(ROSA, TYPED)
    first = await code_for(tg, twilio)
    await tg.press(ROSA, "phone:resend")
    assert "Give it a minute" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    clock.advance(seconds=61)
    await tg.press(ROSA, "phone:resend")
    assert "We texted a new 6-digit code" in tg.last(ROSA)
    second = await code_for(tg, twilio)
    if first != second:
        await tg.send(ROSA, first)
        assert "isn't right" in tg.last(ROSA)
    await tg.send(ROSA, second)
    assert (await member(tg, ROSA)).phone_verified


async def test_five_wrong_guesses_or_ten_minutes_end_a_code(
    tg: TelegramHarness, twilio: FakeTwilio, sms: httpx.AsyncClient, clock: FrozenClock
) -> None:
    await start_registration(tg, ROSA)
    await tg.send(ROSA, TYPED)
    code = await code_for(tg, twilio)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        await tg.send(ROSA, wrong)
    await tg.send(ROSA, wrong)
    assert "that was the last try" in tg.last(ROSA)
    await tg.send(ROSA, code)  # right, but too late
    assert "Too many wrong tries" in tg.last(ROSA)
    assert (await member(tg, ROSA)).phone_e164 is None
    clock.advance(minutes=1)
    await tg.press(ROSA, "phone:resend")
    code = await code_for(tg, twilio)
    clock.advance(minutes=10)
    await tg.send(ROSA, code)
    assert "That code has expired" in tg.last(ROSA)
    assert (await member(tg, ROSA)).phone_e164 is None


async def test_nobody_can_flood_a_number_with_codes(
    tg: TelegramHarness, twilio: FakeTwilio, sms: httpx.AsyncClient, clock: FrozenClock
) -> None:
    """Two accounts typing a stranger's number get at most five codes a day sent to it."""
    await start_registration(tg, ROSA)
    await start_registration(tg, OMAR, "Omar Haddad")
    await tg.send(ROSA, TYPED)
    for n in range(CODES_PER_DAY + 2):
        clock.advance(minutes=2)
        await tg.send(OMAR if n % 2 else ROSA, TYPED)
    await tg.deliver()
    assert len(twilio.bodies_to(E164)) == CODES_PER_DAY
    assert "as many codes as we can text in a day" in tg.last(OMAR)
    clock.advance(days=1)
    await tg.send(ROSA, TYPED)
    await tg.deliver()
    assert len(twilio.bodies_to(E164)) == CODES_PER_DAY + 1


async def test_an_opted_out_number_is_not_texted_a_code(
    tg: TelegramHarness, twilio: FakeTwilio, sms: httpx.AsyncClient
) -> None:
    await start_registration(tg, OMAR, "Omar Haddad")
    await tg.contact(OMAR, E164)
    await tg.send(OMAR, "4 Elm St")
    await post(sms, twilio, INBOUND_PATH, text_form("STOP", E164))
    await start_registration(tg, ROSA)
    await tg.send(ROSA, TYPED)
    assert "opted out of our texts" in tg.last(ROSA)
    await tg.deliver()
    assert twilio.bodies_to(E164) == []


async def test_a_changed_number_gets_nothing_until_confirmed(
    tg: TelegramHarness, twilio: FakeTwilio, sms: httpx.AsyncClient, clock: FrozenClock
) -> None:
    """Texts keep going to the confirmed number while a new one waits for its code."""
    await start_registration(tg, ROSA)
    await tg.contact(ROSA, E164)
    await tg.send(ROSA, "12 Main St")
    await tg.send(ROSA, "/settings")
    await tg.press(ROSA, "set:ch:sms")
    await tg.send(ROSA, "/profile")
    await tg.press(ROSA, "edit:phone")
    await tg.send(ROSA, "(203) 555-0163")
    await tg.send(OFFICER_ID, "/alert urgent all Water main break on Elm")
    await tg.press(OFFICER_ID, "alert:send")
    await tg.deliver()
    assert any("Water main" in b for b in twilio.bodies_to(E164))
    new = await code_for(tg, twilio, "+12035550163")
    assert not any("Water main" in b for b in twilio.bodies_to("+12035550163"))
    await tg.send(ROSA, new)
    assert "Number confirmed" in "".join(tg.texts(ROSA)[-3:])
    assert (await member(tg, ROSA)).phone_e164 == "+12035550163"


async def test_forget_leaves_no_number_the_codes_went_to(
    tg: TelegramHarness, twilio: FakeTwilio, sms: httpx.AsyncClient
) -> None:
    await start_registration(tg, ROSA)
    await tg.send(ROSA, "(203) 555-0199")
    await tg.deliver()
    await tg.send(ROSA, TYPED)
    await tg.send(ROSA, "/forget")
    await tg.press(ROSA, "forget:yes")
    await tg.deliver()
    async with tg.services.db.transaction() as session:
        addresses = list(await session.scalars(select(Delivery.address)))
        codes = list(await session.scalars(select(PhoneCode)))
    assert not [a for a in addresses if a and "555" in a]
    # The codes' rows stay a day to count per number, but name no one any more.
    assert codes and all(
        c.member_id is None and c.phone_e164 is None and not c.code_hash for c in codes
    )
    # The code still queued for the last number was not sent after /forget.
    assert twilio.bodies_to(E164) == []


async def test_forgetting_does_not_reset_a_numbers_daily_limit(
    tg: TelegramHarness, twilio: FakeTwilio, sms: httpx.AsyncClient, clock: FrozenClock
) -> None:
    """Register, ask for codes to a stranger's number, /forget, register again: still at most
    five codes a day reach that number."""
    for round_ in range(4):
        uid = 6000 + round_
        await start_registration(tg, uid, "Mallory Smith")
        for _ in range(2):
            clock.advance(minutes=2)
            await tg.send(uid, TYPED)
        await tg.deliver()
        await tg.send(uid, "/forget")
        await tg.press_if_shown(uid, "forget:yes")
    await tg.deliver()
    assert len(twilio.bodies_to(E164)) == CODES_PER_DAY


def test_codes_are_stored_salted() -> None:
    assert hash_code("123456") != hash_code("123456")
    assert "123456" not in hash_code("123456")
