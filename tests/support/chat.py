"""What the bot said in a chat, as the fake Bot API recorded it."""

from __future__ import annotations

from bot.sandbox.telegram_api import ApiCall
from core.ics import unfold
from tests.support.harness import TelegramHarness


def sent_to(tg: TelegramHarness, chat: int) -> list[str]:
    """Every text and caption the bot sent to or edited in a chat, oldest first."""
    out = []
    for call in tg.api.calls:
        if not call.ok or str(call.params.get("chat_id")) != str(chat):
            continue
        for key in ("text", "caption"):
            if key in call.params:
                out.append(str(call.params[key]))
    return out


def received(tg: TelegramHarness, chat: int, fragment: str) -> bool:
    """Whether the bot sent a chat something containing the fragment."""
    return any(fragment in text for text in sent_to(tg, chat))


def count_received(tg: TelegramHarness, chat: int, fragment: str) -> int:
    """How many messages to a chat contain the fragment."""
    return sum(fragment in text for text in sent_to(tg, chat))


def documents(tg: TelegramHarness, chat: int) -> list[ApiCall]:
    """Files the bot sent to a chat."""
    return [
        c for c in tg.api.calls_to("sendDocument") if c.ok and str(c.params["chat_id"]) == str(chat)
    ]


def document_text(call: ApiCall) -> str:
    """An uploaded file's content as text."""
    return call.files["document"].content.decode("utf-8")


def ics_lines(call: ApiCall) -> list[str]:
    """An uploaded .ics file's unfolded content lines."""
    return unfold(document_text(call))


def shown(tg: TelegramHarness, chat: int, message_id: int) -> tuple[str, list[str]]:
    """What a bot message shows now: its text (as Telegram renders it) and its buttons' data."""
    message = tg.api.message(chat, message_id)
    assert message is not None, f"no message {message_id} in chat {chat}"
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return str(message.get("text", "")), [str(b.get("callback_data")) for r in rows for b in r]
