"""The sandbox's Telegram: the tests' Bot API with a client's memory and Telegram's limits.

`SandboxBotAPI` is the `FakeBotAPI` the tests drive the service through (every call checked
against the published spec, answered as Telegram answers), plus what a Telegram app keeps for
its user: the HTML each message was sent with, the reply keyboard on screen, the toast a button
press answered with. It delivers updates by webhook, as Telegram does to a service with a
public URL (several at once, with the secret token header), and answers over Telegram's limits
with 429 and `retry_after`.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bot.sandbox.outgoing import Outgoing
from bot.sandbox.telegram_api import JSON, FakeBotAPI, Fault, UpdateFactory, UploadedFile

log = logging.getLogger(__name__)

# Telegram's published limits, as the sandbox enforces them: about 30 messages a second to
# different chats; about one a second to one chat, which takes a burst (a reply and the next
# step) but not a stream: a bucket of PER_CHAT_BURST refilled at PER_CHAT_PER_SECOND.
GLOBAL_PER_SECOND = 30
PER_CHAT_PER_SECOND = 1.0
PER_CHAT_BURST = 10
# Calls that put a message in a chat, and so count against the limits.
_SENDING = ("sendMessage", "sendDocument", "sendPhoto", "sendLocation", "copyMessage")
WEBHOOK_CONCURRENCY = 8  # Telegram's default max_connections is 40; a sandbox needs fewer


class RateLimits:
    """A sliding one-second window over everything sent, and a bucket per chat."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.overall: collections.deque[float] = collections.deque()
        self.chats: dict[int, tuple[float, float]] = {}  # chat -> (tokens, when counted)
        self.refused = 0

    def fault(self, method: str, params: JSON) -> Fault | None:
        """A 429 when this send would go over a limit; otherwise it is counted."""
        if method not in _SENDING or "chat_id" not in params:
            return None
        now = self.clock()
        while self.overall and self.overall[0] <= now - 1.0:
            self.overall.popleft()
        chat = _chat_key(params["chat_id"])
        tokens, then = self.chats.get(chat, (float(PER_CHAT_BURST), now))
        tokens = min(float(PER_CHAT_BURST), tokens + (now - then) * PER_CHAT_PER_SECOND)
        if len(self.overall) >= GLOBAL_PER_SECOND or tokens < 1.0:
            self.refused += 1
            self.chats[chat] = (tokens, now)
            return Fault("status", status=429, retry_after=1)
        self.overall.append(now)
        self.chats[chat] = (tokens - 1.0, now)
        return None


def _chat_key(chat_id: object) -> int:
    try:
        return int(str(chat_id))
    except ValueError:
        return 0


class SandboxBotAPI(FakeBotAPI):
    """The tests' Bot API, remembering what a Telegram client shows."""

    def __init__(self, *, bot_username: str, on_change: Callable[[str, int], None]) -> None:
        super().__init__(bot_id=700700, bot_username=bot_username, bot_name="Crime Watch")
        self.token = "700700:SANDBOX" + "x" * 28
        self.on_change = on_change
        self.limits = RateLimits(lambda: asyncio.get_running_loop().time())
        self.chaos = self.limits.fault
        self.factory = UpdateFactory(api=self)
        self.html: dict[tuple[int, int], str] = {}  # (chat, message) -> the HTML it was sent in
        self.keyboards: dict[int, JSON] = {}  # chat -> the reply keyboard on screen
        self.toasts: dict[int, str] = {}  # chat -> the last callback answer's text
        self.webhook_secret = ""
        self.listening = asyncio.Event()  # set once the service set its webhook
        self._callbacks: dict[str, int] = {}  # callback query id -> chat
        self.outgoing = Outgoing()
        self._deliveries = asyncio.Semaphore(WEBHOOK_CONCURRENCY)

    # ------------------------------------------------------------------ what the client shows

    def transcript(self, chat: int) -> list[JSON]:
        """The chat as its user sees it, oldest first: their messages and the bot's."""
        shown: list[JSON] = []
        for (chat_id, message_id), message in self._incoming.items():
            if chat_id == chat and (chat_id, message_id) not in self._deleted:
                shown.append({"from": "user", "id": message_id, **_content(message)})
        for (chat_id, message_id), message in self._messages.items():
            if chat_id == chat and (chat_id, message_id) not in self._deleted:
                item = {"from": "bot", "id": message_id, **_content(message)}
                if (chat_id, message_id) in self.html:
                    item["html"] = self.html[(chat_id, message_id)]
                shown.append(item)
        shown.sort(key=lambda item: int(item["id"]))
        return shown

    def file(self, file_id: str) -> bytes | None:
        """The content of a file the bot sent (or a user uploaded)."""
        return self._files.get(file_id)

    # ------------------------------------------------------------------ kept across restarts

    def save(self, folder: Path) -> None:
        """Write the chats as their users see them (and the files in them) to `folder`, so a
        restarted sandbox shows them again."""
        files = folder / "files"
        files.mkdir(parents=True, exist_ok=True)
        for file_id, content in self._files.items():
            (files / _file_name(file_id)).write_bytes(content)

        def rows(messages: dict[tuple[int, int], JSON]) -> list[JSON]:
            return [message for key, message in messages.items() if key not in self._deleted]

        state = {
            "message_ids": [[chat, last] for chat, last in self._message_ids.items()],
            "messages": rows(self._messages),
            "incoming": rows(self._incoming),
            "html": [[chat, message, text] for (chat, message), text in self.html.items()],
            "keyboards": [[chat, markup] for chat, markup in self.keyboards.items()],
            "files": sorted(self._files),
        }
        (folder / "chats.json").write_text(json.dumps(state), encoding="utf-8")

    def load(self, folder: Path) -> None:
        """Show the chats an earlier run saved (nothing when there are none)."""
        saved = folder / "chats.json"
        if not saved.exists():
            return
        state = json.loads(saved.read_text(encoding="utf-8"))
        self._message_ids.update({int(chat): int(last) for chat, last in state["message_ids"]})
        for message in state["messages"]:
            self._store(message)
        for message in state["incoming"]:
            self._incoming[(message["chat"]["id"], message["message_id"])] = message
        self.html.update({(int(c), int(m)): str(text) for c, m, text in state["html"]})
        self.keyboards.update({int(chat): markup for chat, markup in state["keyboards"]})
        for file_id in state["files"]:
            path = folder / "files" / _file_name(file_id)
            if path.exists():
                self._files[file_id] = path.read_bytes()

    # ------------------------------------------------------------------ the user's side

    def deliver(self, update: JSON) -> None:
        """Send an update to the service: by webhook once it set one, else for getUpdates."""
        if "message" in update:
            self.remember_incoming(update["message"])
            self._changed("chat", update["message"]["chat"]["id"])
        if "callback_query" in update:
            query = update["callback_query"]
            self._callbacks[query["id"]] = query["from"]["id"]
        if not self.webhook_url:
            self.push_update(update)
            return
        self.outgoing.spawn(self._post_update(update))

    async def _post_update(self, update: JSON) -> None:
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        async with self._deliveries:
            for attempt in range(5):  # Telegram tries again when the service does not answer 2xx
                try:
                    response = await self.outgoing.http.post(
                        self.webhook_url, content=json.dumps(update), headers=headers
                    )
                except httpx.HTTPError as error:
                    log.warning("sandbox: the webhook could not be reached: %s", error)
                else:
                    if response.status_code < 300:
                        return
                    log.warning("sandbox: the webhook answered %s", response.status_code)
                await asyncio.sleep(0.5 * 2**attempt)

    async def close(self) -> None:
        """Stop delivering updates and close the webhook client."""
        await self.outgoing.close()

    # ------------------------------------------------------------------ the server's side

    async def _set_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        # Telegram wants a public https address; the sandbox's service listens on 127.0.0.1
        # over plain HTTP, which is the one difference the sandbox allows.
        url = str(params["url"])
        if url.startswith("http://127.0.0.1:"):
            params = {**params, "url": "https://" + url.removeprefix("http://")}
            await super()._set_webhook(params, files)
            self.webhook_url = url
            return True
        return await super()._set_webhook(params, files)

    async def _answer(
        self, method: str, params: JSON, files: dict[str, UploadedFile]
    ) -> tuple[int, bytes]:
        status, body = await super()._answer(method, params, files)
        if status == 200 and method != "getUpdates":
            self._remember(method, params, json.loads(body).get("result"))
        return status, body

    def _remember(self, method: str, params: JSON, result: Any) -> None:
        if method == "setWebhook":
            self.webhook_secret = str(params.get("secret_token") or "")
            waiting, self._updates = self._updates, []
            for update in waiting:  # pressed before the service was listening
                self.deliver(update)
            self.listening.set()
        if method == "answerCallbackQuery":
            chat = self._callbacks.pop(str(params.get("callback_query_id")), None)
            if chat is not None and params.get("text"):
                self.toasts[chat] = str(params["text"])
                self._changed("toast", chat)
            return
        chat_id = params.get("chat_id")
        if chat_id is None:
            return
        chat = self._resolve_chat(chat_id)
        if isinstance(result, dict) and "message_id" in result:
            key = (chat, int(result["message_id"]))
            text = params.get("text", params.get("caption"))
            if isinstance(text, str) and params.get("parse_mode") == "HTML":
                self.html[key] = text
            elif isinstance(text, str):
                self.html.pop(key, None)
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and method.startswith("send"):
            if "keyboard" in markup:
                self.keyboards[chat] = markup
            elif markup.get("remove_keyboard"):
                self.keyboards.pop(chat, None)
        self._changed("chat", chat)

    def _changed(self, kind: str, chat: int) -> None:
        try:
            self.on_change(kind, chat)
        except Exception:  # a page's listener must never break the Bot API
            log.exception("sandbox: a change listener failed")


def _file_name(file_id: str) -> str:
    """A file id as a safe file name."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in file_id)[:120] or "file"


def _content(message: JSON) -> JSON:
    """What a chat bubble needs from a Message."""
    keys = (
        "text",
        "entities",
        "caption",
        "caption_entities",
        "reply_markup",
        "document",
        "photo",
        "location",
        "contact",
        "date",
        "edit_date",
    )
    return {key: message[key] for key in keys if key in message}
