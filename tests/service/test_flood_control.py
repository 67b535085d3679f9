"""A direct reply that meets Telegram's flood control (429) is sent again after a short
retry_after, instead of being lost with the action it answers already done."""

from __future__ import annotations

from tests.support.chat import received
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, neighborhood


async def test_a_reply_refused_by_flood_control_goes_again_after_retry_after(
    tg: TelegramHarness,
) -> None:
    await neighborhood(tg, extra=False)
    tg.api.fail_next("sendMessage", retry_after=1, chat_id=ANN)
    await tg.send(ANN, "/help")
    refused, accepted = [c for c in tg.api.calls_to("sendMessage") if c.params["chat_id"] == ANN][
        -2:
    ]
    assert refused.status == 429 and accepted.ok
    assert refused.params["text"] == accepted.params["text"]
    assert "what you can do here" in accepted.params["text"]


async def test_a_long_flood_wait_is_not_waited_out_in_the_chat(tg: TelegramHarness) -> None:
    await neighborhood(tg, extra=False)
    tg.api.fail_next("sendMessage", retry_after=30, chat_id=ANN)
    await tg.send(ANN, "/help")
    # The reply is not held for 30 s; the apology (the next call) goes through.
    assert received(tg, ANN, "something went wrong on our side")
