"""The sandbox's Telegram answers over Telegram's limits with 429 and retry_after."""

from __future__ import annotations

from bot.sandbox.bot_api import GLOBAL_PER_SECOND, PER_CHAT_BURST, RateLimits


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_chat_takes_a_burst_then_about_one_a_second() -> None:
    clock = Ticks()
    limits = RateLimits(clock)
    send = {"chat_id": 5, "text": "hi"}
    assert all(limits.fault("sendMessage", send) is None for _ in range(PER_CHAT_BURST))
    refused = limits.fault("sendMessage", send)
    assert refused is not None and refused.status == 429 and refused.retry_after == 1
    assert limits.fault("sendMessage", {"chat_id": 6, "text": "hi"}) is None  # another chat
    clock.now += 1.0
    assert limits.fault("sendMessage", send) is None
    assert limits.fault("sendMessage", send) is not None
    assert limits.refused == 2
    # What puts nothing in a chat is never counted.
    assert limits.fault("answerCallbackQuery", {"callback_query_id": "1"}) is None
    assert limits.fault("editMessageText", send) is None


def test_all_chats_together_take_thirty_a_second() -> None:
    clock = Ticks()
    limits = RateLimits(clock)
    for chat in range(GLOBAL_PER_SECOND):
        assert limits.fault("sendMessage", {"chat_id": chat, "text": "x"}) is None
    assert limits.fault("sendMessage", {"chat_id": 999, "text": "x"}) is not None
    clock.now += 1.01
    assert limits.fault("sendMessage", {"chat_id": 999, "text": "x"}) is None
