"""Drives the real python-telegram-bot Application through the fake Bot API, as users would."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.sandbox.telegram_api import FakeBotAPI, UpdateFactory
from bot.telegram.common import unversioned
from core.services import Services

JSON = dict[str, Any]


class TelegramHarness:
    """Sends updates from simulated users and reads what the bot answered."""

    def __init__(self, app: Application, api: FakeBotAPI, services: Services) -> None:  # type: ignore[type-arg]
        self.app = app
        self.api = api
        self.services = services
        self.factory = UpdateFactory(api=api)
        self.names: dict[int, str] = {}

    def user(self, user_id: int) -> JSON:
        """The Telegram user object of a simulated person."""
        return self.factory.user(user_id, first_name=self.names.get(user_id, "Ann"))

    async def process(self, update: JSON) -> None:
        """Hand one update to the Application, as polling or the webhook would."""
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def send(self, user_id: int, text: str, chat_id: int | None = None) -> None:
        """A text message (or command) from a user."""
        await self.process(self.factory.text(self.user(user_id), text, chat_id=chat_id))

    async def edit(self, user_id: int, text: str, message_id: int) -> None:
        """The user edits one of their earlier messages to this text."""
        await self.process(self.factory.edited_text(self.user(user_id), text, message_id))

    async def contact(self, user_id: int, phone: str, contact_user_id: int | None = None) -> None:
        """A shared contact (the user's own unless told otherwise)."""
        await self.process(self.factory.contact(self.user(user_id), phone, contact_user_id))

    async def location(self, user_id: int, latitude: float, longitude: float) -> None:
        """A shared location."""
        await self.process(self.factory.location(self.user(user_id), latitude, longitude))

    async def photo(self, user_id: int) -> None:
        """A photo where the bot may expect something else."""
        await self.process(self.factory.photo(self.user(user_id)))

    def message_with_button(self, chat_id: int, data: str) -> int:
        """The id of the newest bot message in a chat whose keyboard has this callback data."""
        return self.button(chat_id, data)[0]

    def button(self, chat_id: int, data: str) -> tuple[int, str]:
        """The newest bot message in a chat with a button for this callback data, and the
        button's data as sent (with the version of the step it was made for, if any)."""
        for call in reversed(self.api.calls):
            if not call.ok or not isinstance(call.result, dict):
                continue
            if call.result.get("chat", {}).get("id") != chat_id:
                continue
            message_id = call.result["message_id"]
            current = self.api.message(chat_id, message_id) or {}
            rows = current.get("reply_markup", {}).get("inline_keyboard", [])
            for row in rows:
                for b in row:
                    sent = str(b.get("callback_data", ""))
                    if sent == data or unversioned(sent) == data:
                        return int(message_id), sent
        shown = self.api.buttons(chat_id)
        raise AssertionError(f"no button {data!r} in chat {chat_id}; newest keyboard: {shown}")

    def has_button(self, chat_id: int, data: str) -> bool:
        """Whether some bot message in a chat shows a button for this callback data now."""
        try:
            self.button(chat_id, data)
        except AssertionError:
            return False
        return True

    async def press(self, user_id: int, data: str) -> None:
        """Press an inline button the bot showed this user."""
        message_id, sent = self.button(user_id, data)
        await self.process(self.factory.callback(self.user(user_id), sent, message_id))

    async def press_if_shown(self, user_id: int, data: str) -> bool:
        """Press a button if the newest message with such a button is the newest message."""
        try:
            message_id, sent = self.button(user_id, data)
        except AssertionError:
            return False
        await self.process(self.factory.callback(self.user(user_id), sent, message_id))
        return True

    async def press_at_once(self, user_id: int, data: str, times: int = 2) -> None:
        """Press the same button several times at once, as a webhook delivers updates
        concurrently (python-telegram-bot runs them side by side)."""
        message_id, sent = self.button(user_id, data)
        updates = [
            self.factory.callback(self.user(user_id), sent, message_id) for _ in range(times)
        ]
        await asyncio.gather(*(self.process(update) for update in updates))

    def last(self, chat_id: int) -> str:
        """The text of the newest message the bot sent or edited in a chat."""
        for call in reversed(self.api.calls):
            if (
                call.ok
                and call.method in ("sendMessage", "editMessageText")
                and str(call.params.get("chat_id")) == str(chat_id)
            ):
                return str(call.params["text"])
        raise AssertionError(f"the bot sent nothing to chat {chat_id}")

    def texts(self, chat_id: int) -> list[str]:
        """Every text sent or edited in a chat, oldest first."""
        return [
            str(call.params["text"])
            for call in self.api.calls
            if call.ok
            and call.method in ("sendMessage", "editMessageText")
            and str(call.params.get("chat_id")) == str(chat_id)
        ]

    def answered_callbacks(self) -> int:
        """How many callback queries the bot answered."""
        return len([c for c in self.api.calls_to("answerCallbackQuery") if c.ok])

    async def deliver(self) -> int:
        """Run the delivery worker until the outbox holds nothing due."""
        total = 0
        while settled := await self.services.delivery.run_once():
            total += settled
        return total

    async def register(
        self, user_id: int, name: str, phone: str = "(203) 555-0142", address: str = "12 Main St"
    ) -> None:
        """Go through /start, consent and the three registration steps, sharing the phone as
        most people do: their own contact, which needs no code."""
        self.names[user_id] = name.split()[0]
        await self.send(user_id, "/start")
        await self.press(user_id, "consent:yes")
        await self.send(user_id, name)
        await self.contact(user_id, phone)
        await self.send(user_id, address)
