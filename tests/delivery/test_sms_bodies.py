"""Every text message the service sends in a busy day, read as the recipient reads it: the
sender's name once at the start, the signature of whoever wrote it, within the SMS length
limit; and the alert preview shows exactly what is delivered."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox.twilio_api import FakeTwilio
from core.delivery import segments
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, EVE, neighborhood

pytestmark = pytest.mark.sms

PREFIX = "Stratford Crime Watch: "


async def both_channels(tg: TelegramHarness, *uids: int) -> None:
    for uid in uids:
        await tg.send(uid, "/settings")
        await tg.press(uid, "set:ch:both")


async def test_every_text_names_the_sender_once_and_is_signed(
    tg: TelegramHarness, twilio: FakeTwilio, sms: httpx.AsyncClient
) -> None:
    await neighborhood(tg)
    await both_channels(tg, ANN, BOB, EVE)
    await tg.send(OFFICER_ID, "/alert all Water main break on Elm St")
    await tg.press(OFFICER_ID, "alert:send")
    await tg.send(OFFICER_ID, "/alert urgent all Gas leak on Oak St: stay inside")
    await tg.press(OFFICER_ID, "alert:send")
    await tg.send(OFFICER_ID, "/scam Callers claiming to be the IRS")
    await tg.press(OFFICER_ID, "alert:send")
    await tg.send(ANN, "/broadcast Porch lights on tonight, please")
    await tg.press(ANN, "alert:send")
    await tg.send(OFFICER_ID, "/setleader OAK none")  # Ann is told by text too
    await tg.send(BOB, "/leave OAK")
    await tg.press(BOB, "leave:yes:OAK")
    await tg.deliver()
    bodies = [m["body"] for m in twilio.messages]
    assert len(bodies) >= 10
    for body in bodies:
        assert body.startswith(PREFIX), body
        assert body.count("Stratford Crime Watch:") == 1, body
        assert segments(body) <= 10 and len(body) <= 1600

    def one(fragment: str) -> str:
        return next(b for b in bodies if fragment in b)

    assert one("Porch lights").endswith("- Ann")  # the leader's signature survives
    assert "- Crime Prevention Unit" in one("Water main break")
    assert "- Crime Prevention Unit" in one("Gas leak") and "URGENT" in one("Gas leak")
    assert "never ask for gift cards" in one("IRS")
    assert one("no longer the leader").startswith(PREFIX + "You are no longer")


async def test_the_preview_shows_exactly_what_is_delivered(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    for sender, command in (
        (OFFICER_ID, "/alert all Water main break on Elm St"),
        (OFFICER_ID, "/scam Callers claiming to be the IRS"),
        (ANN, "/broadcast Porch lights on tonight, please"),
    ):
        await tg.send(sender, command)
        preview = tg.last(sender)
        await tg.press(sender, "alert:send")
        await tg.deliver()
        delivered = tg.api.texts(BOB)[-1]
        assert delivered in preview, (delivered, preview)
