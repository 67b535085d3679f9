"""The Telegram channel: long texts split on paragraphs, errors classified."""

from __future__ import annotations

import pytest

from notifiers.base import OutboundMessage, Outcome
from notifiers.telegram import TelegramNotifier
from notifiers.telegram_html import split_html


def test_short_text_is_one_part() -> None:
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


def test_long_text_splits_on_paragraphs_and_stays_valid() -> None:
    paragraph = "<b>Note</b> " + "word " * 150
    text = "\n\n".join([paragraph] * 20)
    parts = split_html(text, 4096)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert all(p.startswith("<b>Note</b>") for p in parts)
    assert "".join(p.replace("\n", "") for p in parts) == text.replace("\n", "")


def test_a_single_huge_line_is_cut_between_words_as_escaped_text() -> None:
    line = "<i>" + "a&b " * 3000 + "</i>"
    parts = split_html(line, 4096)
    assert all(len(p) <= 4096 for p in parts)
    assert all("<i>" not in p and "&amp;" in p for p in parts)


async def test_long_message_goes_in_parts(bot_and_api) -> None:  # type: ignore[no-untyped-def]
    bot, api = bot_and_api
    text = "\n\n".join(["<b>Paragraph</b> " + "x" * 3000] * 3)
    result = await TelegramNotifier(bot, part_interval=0).send(OutboundMessage("42", text, ""))
    assert result.outcome is Outcome.SENT and result.provider_id == "1"
    assert len(api.calls_to("sendMessage")) == 3


@pytest.mark.parametrize(
    ("fault", "outcome"),
    [
        (
            {"status": 403, "description": "Forbidden: bot was blocked by the user"},
            Outcome.UNREACHABLE,
        ),
        ({"status": 400, "description": "Bad Request: chat not found"}, Outcome.UNREACHABLE),
        ({"status": 400, "description": "Bad Request: message is too long"}, Outcome.FAILED),
        ({"retry_after": 3}, Outcome.RATE_LIMITED),
        ({"status": 502, "description": "Bad Gateway"}, Outcome.RETRY),  # nginx's HTML page
        ({"status": 504, "description": "Gateway Time-out"}, Outcome.RETRY),  # HTML too
        ({"status": 500, "description": "Internal Server Error"}, Outcome.RETRY),  # JSON
        (
            {
                "status": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup",
                "migrate_to_chat_id": -100777,
            },
            Outcome.RETRY,
        ),
    ],
)
async def test_errors_are_classified(bot_and_api, fault, outcome) -> None:  # type: ignore[no-untyped-def]
    bot, api = bot_and_api
    api.fail_next("sendMessage", **fault)
    result = await TelegramNotifier(bot).send(OutboundMessage("42", "hi", "hi"))
    assert result.outcome is outcome
    assert "<html>" not in result.reason
    if outcome is Outcome.RATE_LIMITED:
        assert result.retry_after == 3
    if "migrate_to_chat_id" in fault:
        assert result.new_address == "-100777"


async def test_timeout_after_sending_is_unknown(bot_and_api) -> None:  # type: ignore[no-untyped-def]
    bot, api = bot_and_api
    api.raise_timeout_next("sendMessage", after_delivery=True)
    result = await TelegramNotifier(bot).send(OutboundMessage("42", "hi", "hi"))
    assert result.outcome is Outcome.UNKNOWN
    assert len(api.sent_messages(42)) == 1
