"""An HTTP-level fake of the Telegram Bot API for driving python-telegram-bot in tests.

``FakeBotAPI`` plays the Bot API server: python-telegram-bot talks to it through
``FakeRequest`` (a ``telegram.request.BaseRequest``), so everything above the HTTP seam -
``Bot``, ``Application``, handlers, conversation state, error handling - runs for real.
Every call is checked against the published spec (see ``telegram_spec``), recorded, and
answered with what Telegram would answer, including its errors. ``UpdateFactory`` builds the
incoming side: Update dicts as Telegram sends them.

    api = FakeBotAPI()
    app = api.application_builder().build()
    updates = UpdateFactory(api=api)
    ann = updates.user(1001)
    await app.process_update(Update.de_json(updates.text(ann, "/start"), app.bot))
    assert "Welcome" in api.last_text(1001)
    assert api.violations == []
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.sandbox.telegram_spec import CallValidator, TelegramSpec, parse_formatted, utf16_length

if TYPE_CHECKING:
    from telegram import Bot
    from telegram.ext import ApplicationBuilder

JSON = dict[str, Any]
ChatId = int | str

GET_UPDATES_MAX_WAIT = 0.05  # seconds of real time a long poll may take in tests
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
DEFAULT_ERRORS = {
    400: "Bad Request: chat not found",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"
# Calls that deliver something into a chat, and so fail once the user has blocked the bot.
DELIVERING_PREFIXES = ("send", "copyMessage", "forwardMessage", "editMessage")
PHOTO_SIZE_KEYS = ("file_id", "file_unique_id", "file_size")
_NUMERIC_RE = re.compile(r"-?\d+")


@dataclass
class UploadedFile:
    """One multipart part of an upload: file name, MIME type and the bytes."""

    file_name: str | None
    mime_type: str | None
    content: bytes

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.content)


@dataclass
class ApiCall:
    """One call as the server saw it; status 0 means the client saw a timeout, not an answer."""

    method: str
    params: JSON
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int = 200
    result: Any = None
    description: str | None = None
    at: datetime | None = None  # when the server saw it, on the fake's clock

    @property
    def ok(self) -> bool:
        """True if Telegram answered with success."""
        return 200 <= self.status < 300


@dataclass(frozen=True)
class Fault:
    """What one call meets: an error status (502 and 504 come as nginx's HTML page; 429 with
    `retry_after`), or a `timeout` / `reset` whose answer is lost, before the server acts or,
    with `after_delivery`, after it carried the call out."""

    kind: str  # "status", "timeout" or "reset"
    status: int = 0
    retry_after: int = 0
    after_delivery: bool = False

    @property
    def description(self) -> str:
        """Telegram's description for the status."""
        if self.status == 429:
            return f"Too Many Requests: retry after {self.retry_after}"
        return {504: "Gateway Time-out"}.get(self.status) or DEFAULT_ERRORS.get(
            self.status, "Internal Server Error"
        )

    @property
    def lost(self) -> bool:
        """Whether the client sees no answer at all."""
        return self.kind in ("timeout", "reset")

    def client_error(self) -> NetworkError:
        """What python-telegram-bot's HTTPXRequest raises for a lost answer."""
        if self.kind == "timeout":
            return TimedOut("Timed out (injected by FakeBotAPI)")
        cause = httpx.ReadError("[Errno 104] Connection reset by peer")
        error = NetworkError(f"httpx.ReadError: {cause}")
        error.__cause__ = cause
        return error


@dataclass
class _Failure:
    method: str
    status: int
    description: str
    parameters: dict[str, int]
    chat_id: int | None
    remaining: int


@dataclass
class _LongPoll:
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    superseded: bool = False


@dataclass
class _Timeout:
    method: str
    after_delivery: bool
    remaining: int


class Clock(Protocol):
    """Anything telling the time as an aware datetime (the project's ``core.clock.Clock``)."""

    def now(self) -> datetime:
        """The current time."""
        ...


class _SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


# Statuses that Telegram's nginx front end answers with an HTML page instead of the Bot API's JSON.
NGINX_STATUSES = frozenset({502, 504})
NGINX_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict[str, int] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


class FakeRequest(BaseRequest):
    """A ``BaseRequest`` that answers from a ``FakeBotAPI`` instead of the network."""

    def __init__(self, api: FakeBotAPI, read_timeout: float | None = 5.0) -> None:
        self._api = api
        self._read_timeout = read_timeout
        self.initialized = False

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout; ``Bot.get_updates`` adds the long-poll timeout to it."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open; remembers that PTB initialized the request."""
        self.initialized = True

    async def shutdown(self) -> None:
        """Nothing to close."""
        self.initialized = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Hand the request to the fake server and return its HTTP status and body."""
        return await self._api.handle(url, method, request_data)


class FakeBotAPI:
    """The Bot API server in a box: validates, records and answers calls; injects faults.

    Calls Telegram would refuse are answered with its error and listed in ``violations``;
    ``strict_html=False`` accepts a bare ``&`` or ``>`` in HTML as the server (not the
    documentation) does.
    """

    def __init__(
        self,
        bot_id: int = 123456,
        bot_username: str = "crimewatch_test_bot",
        *,
        bot_name: str = "Crime Watch",
        clock: Clock | None = None,
        spec: TelegramSpec | None = None,
        strict_html: bool = True,
    ) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.token = f"{bot_id}:TEST-TOKEN"
        self.validator = CallValidator(spec, strict_html=strict_html)
        self.calls: list[ApiCall] = []
        self.violations: list[str] = []
        self.webhook_url = ""
        self.clock: Clock = clock or _SystemClock()
        # A test's choice of fault for each call: (method, params) -> a Fault or None.
        self.chaos: Callable[[str, JSON], Fault | None] | None = None
        self._updates: list[JSON] = []
        self._last_update_id = 0
        self._poll: _LongPoll | None = None
        self._message_ids: dict[int, int] = {}
        self._messages: dict[tuple[int, int], JSON] = {}  # sent by the bot, editable
        self._incoming: dict[tuple[int, int], JSON] = {}  # built by UpdateFactory
        self._deleted: set[tuple[int, int]] = set()
        self._touched: dict[tuple[int, int], int] = {}
        self._touches = itertools.count(1)
        self._named_chats: dict[str, int] = {}
        self._commands: dict[str, list[JSON]] = {}
        self._menu_buttons: dict[int | None, JSON] = {}
        self._failures: list[_Failure] = []
        self._timeouts: list[_Timeout] = []
        self._blocked: set[int] = set()
        self._files: dict[str, bytes] = {}
        self._file_paths: dict[str, str] = {}
        self._file_numbers = itertools.count(1)
        self._results: dict[str, Any] = {}
        self._handlers: dict[str, Callable[[JSON, dict[str, UploadedFile]], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendLocation": self._send_location,
            "sendMediaGroup": self._send_media_group,
            "copyMessage": self._copy_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
        }

    # ---------------------------------------------------------------------------- wiring

    def _now(self) -> int:
        return int(self.clock.now().timestamp())

    @property
    def bot_user(self) -> JSON:
        """The bot as a ``User`` object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def request(self, read_timeout: float | None = 5.0) -> FakeRequest:
        """A new request object bound to this server (PTB needs one per role)."""
        return FakeRequest(self, read_timeout)

    def bot(self) -> Bot:
        """A ``telegram.Bot`` talking to this server (call ``await bot.initialize()``)."""
        from telegram import Bot

        return Bot(self.token, request=self.request(), get_updates_request=self.request())

    def application_builder(self) -> ApplicationBuilder:
        """An ``ApplicationBuilder`` with token and both requests pointing here."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .request(self.request())
            .get_updates_request(self.request())
        )

    # ---------------------------------------------------------------------------- faults

    def fail_next(
        self,
        method: str,
        status: int | None = None,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id``, if given) fail.

        The status defaults to 429 when ``retry_after`` is given, else 400; descriptions and
        response parameters default to Telegram's own for that status.
        """
        if status is None:
            status = 429 if retry_after is not None else 400
        parameters: dict[str, int] = {}
        if status == 429:
            retry_after = 5 if retry_after is None else retry_after
            parameters["retry_after"] = retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
            description = description or MIGRATED
        description = description or DEFAULT_ERRORS.get(status, "Internal Server Error")
        self._failures.append(_Failure(method, status, description, parameters, chat_id, times))

    def block_user(self, chat_id: int) -> None:
        """From now on every delivery to ``chat_id`` answers 403 (the user blocked the bot)."""
        self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        """The user restarted the bot."""
        self._blocked.discard(chat_id)

    def raise_timeout_next(
        self, method: str, *, times: int = 1, after_delivery: bool = False
    ) -> None:
        """Make the next call(s) of ``method`` raise ``telegram.error.TimedOut``.

        With ``after_delivery`` the server carries the call out first (the message is sent),
        as when an answer is lost on the way back - the case that tempts a client to resend.
        """
        self._timeouts.append(_Timeout(method, after_delivery, times))

    def set_result(self, method: str, result: Any) -> None:
        """Answer ``method`` with ``result`` (or ``result(params)`` if callable) from now on."""
        self._results[method] = result

    # ---------------------------------------------------------------------------- inbound

    def push_update(self, update: JSON) -> JSON:
        """Queue an Update for ``getUpdates``; assigns ``update_id`` if missing."""
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update["update_id"] = self._last_update_id + 1
        self._last_update_id = max(self._last_update_id, update["update_id"])
        self._updates.append(update)
        if self._poll is not None:
            self._poll.wake.set()
        return update

    @property
    def pending_updates(self) -> list[JSON]:
        """Queued updates not yet confirmed by an offset."""
        return copy.deepcopy(self._updates)

    def add_file(self, file_id: str, content: bytes) -> None:
        """Make ``getFile`` and the download of ``file_id`` return ``content``."""
        self._files[file_id] = content

    def next_message_id(self, chat_id: int) -> int:
        """Allocate the next message id in a chat (shared by both sides, as in Telegram)."""
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def remember_incoming(self, message: JSON) -> None:
        """Know a message a user sent (so ``copyMessage`` can copy it)."""
        key = (message["chat"]["id"], message["message_id"])
        self._incoming[key] = copy.deepcopy(message)
        chat_id = message["chat"]["id"]
        self._message_ids[chat_id] = max(self._message_ids.get(chat_id, 0), key[1])

    # ---------------------------------------------------------------------------- inspection

    def clear(self) -> None:
        """Forget recorded calls; server state (messages, commands, faults) stays."""
        self.calls.clear()

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method, in order."""
        return [call for call in self.calls if call.method == method]

    def sent_messages(self, chat_id: ChatId | None = None) -> list[JSON]:
        """Parameters of the successful ``sendMessage`` calls (to ``chat_id``, if given)."""
        wanted = None if chat_id is None else self._resolve_chat(chat_id)
        return [
            call.params
            for call in self.calls_to("sendMessage")
            if call.ok and (wanted is None or self._resolve_chat(call.params["chat_id"]) == wanted)
        ]

    def texts(self, chat_id: ChatId | None = None) -> list[str]:
        """Texts (as sent, markup included) of the successful ``sendMessage`` calls."""
        return [params["text"] for params in self.sent_messages(chat_id)]

    def last_text(self, chat_id: ChatId) -> str:
        """Text of the last message sent to ``chat_id``; fails the test if there is none."""
        return self._last_sent(chat_id)["text"]

    def last_markup(self, chat_id: ChatId) -> JSON | None:
        """``reply_markup`` of the last message sent to ``chat_id`` (None if it had none)."""
        return self._last_sent(chat_id).get("reply_markup")

    def buttons(
        self, chat_id: ChatId, message_id: int | None = None
    ) -> list[tuple[str, str | None]]:
        """(text, callback_data) of the inline keyboard most recently sent or edited in a chat.

        With ``message_id``, of that message's current keyboard instead.
        """
        chat = self._resolve_chat(chat_id)
        candidates = [
            key
            for key, message in self._messages.items()
            if key[0] == chat
            and "reply_markup" in message
            and (message_id is None or key[1] == message_id)
        ]
        if not candidates:
            return []
        key = max(candidates, key=lambda k: self._touched[k])
        rows = self._messages[key]["reply_markup"]["inline_keyboard"]
        return [(button["text"], button.get("callback_data")) for row in rows for button in row]

    def message(self, chat_id: ChatId, message_id: int) -> JSON | None:
        """The current state of a message the bot sent (None if unknown or deleted)."""
        message = self._messages.get((self._resolve_chat(chat_id), message_id))
        return copy.deepcopy(message)

    def _last_sent(self, chat_id: ChatId) -> JSON:
        sent = self.sent_messages(chat_id)
        if not sent:
            chats = sorted({str(params["chat_id"]) for params in self.sent_messages()})
            raise AssertionError(f"no message was sent to chat {chat_id}; sent to: {chats}")
        return sent[-1]

    # ---------------------------------------------------------------------------- the server

    async def handle(
        self, url: str, http_method: str, request_data: RequestData | None
    ) -> tuple[int, bytes]:
        """Answer one HTTP request as the Bot API would: (status, JSON body)."""
        if http_method == "GET":
            return self._download(url)
        method = url.rsplit("/", 1)[-1]
        try:
            params, files = self._decode(method, request_data)
        except Exception as exc:
            self._crashed(method, exc)
            raise
        return await self.handle_params(method, params, files)

    async def handle_params(
        self, method: str, params: JSON, files: dict[str, UploadedFile] | None = None
    ) -> tuple[int, bytes]:
        """Answer one call given decoded parameters, as ``handle`` does after decoding.

        ``params`` holds the values as the server reads them (JSON objects and arrays as dicts
        and lists, numbers as numbers); ``files`` the uploaded multipart parts by part name.
        This is the entry point for transports other than PTB's ``RequestData`` (a real HTTP
        server, say). Raises ``TimedOut`` where the client is to see a timeout.
        """
        try:
            return await self._answer(method, params, dict(files or {}))
        except NetworkError:  # a timeout or a dropped connection, as the client sees it
            raise
        except Exception as exc:
            self._crashed(method, exc)
            raise

    def _crashed(self, method: str, exc: Exception) -> None:
        # PTB turns any exception here into a NetworkError, which a bot may retry or
        # swallow; a bug in the fake must fail the test instead.
        self.violations.append(f"{method}: the fake Bot API crashed: {exc!r}")

    def _decode(
        self, method: str, request_data: RequestData | None
    ) -> tuple[JSON, dict[str, UploadedFile]]:
        if request_data is None:
            return {}, {}
        # What travels on the wire: JSON-able values only (tuples become lists, and so on).
        params = json.loads(json.dumps(request_data.parameters))
        params = self.validator.spec.decode_params(method, params)
        files: dict[str, UploadedFile] = {}
        for part, (file_name, content, mime_type) in request_data.multipart_data.items():
            data = content if isinstance(content, bytes) else content.read()
            files[part] = UploadedFile(file_name, mime_type, data)
        return params, files

    async def _answer(
        self, method: str, params: JSON, files: dict[str, UploadedFile]
    ) -> tuple[int, bytes]:
        call = ApiCall(method, params, files)
        self.calls.append(call)
        sizes = {part: upload.size for part, upload in files.items()}
        problems = self.validator.validate(method, params, sizes)
        if problems:
            self.violations.extend(problem.violation(method) for problem in problems)
            return self._error(call, _ApiError(problems[0].status, problems[0].description))
        call.at = self.clock.now()
        fault = self.chaos(method, params) if self.chaos else None
        if fault is not None and not fault.after_delivery and fault.lost:
            call.status, call.description = 0, fault.kind
            raise fault.client_error()
        timeout = self._take_timeout(method)
        if timeout is not None and not timeout.after_delivery:
            call.status, call.description = 0, "timed out"
            raise TimedOut("Timed out (injected by FakeBotAPI)")
        try:
            if fault is not None and fault.status:
                raise _ApiError(
                    fault.status,
                    fault.description,
                    {"retry_after": fault.retry_after} if fault.retry_after else None,
                )
            self._inject_failure(method, params)
            call.result = await self._dispatch(method, params, files)
        except _ApiError as exc:
            return self._error(call, exc)
        self._check_result(method, call.result)
        if timeout is not None:
            raise TimedOut("Timed out after delivery (injected by FakeBotAPI)")
        if fault is not None and fault.lost:  # carried out; the answer never arrives
            raise fault.client_error()
        return 200, json.dumps({"ok": True, "result": call.result}).encode()

    @staticmethod
    def _error(call: ApiCall, error: _ApiError) -> tuple[int, bytes]:
        call.status, call.description = error.status, error.description
        if error.status in NGINX_STATUSES:
            # Telegram's front end answers these itself, with an HTML page and no JSON.
            return error.status, NGINX_PAGE.format(
                status=error.status, reason=error.description
            ).encode()
        body: JSON = {"ok": False, "error_code": error.status, "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        return error.status, json.dumps(body).encode()

    def _take_timeout(self, method: str) -> _Timeout | None:
        for timeout in self._timeouts:
            if timeout.method == method:
                timeout.remaining -= 1
                if timeout.remaining <= 0:
                    self._timeouts.remove(timeout)
                return timeout
        return None

    def _inject_failure(self, method: str, params: JSON) -> None:
        chat = self._resolve_chat(params["chat_id"]) if "chat_id" in params else None
        for failure in self._failures:
            if failure.method == method and failure.chat_id in (None, chat):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                raise _ApiError(failure.status, failure.description, failure.parameters or None)
        if chat in self._blocked and method.startswith(DELIVERING_PREFIXES):
            raise _ApiError(403, DEFAULT_ERRORS[403])

    async def _dispatch(self, method: str, params: JSON, files: dict[str, UploadedFile]) -> Any:
        if method in self._results:
            result = self._results[method]
            return result(params) if callable(result) else copy.deepcopy(result)
        handler = self._handlers.get(method)
        if handler is not None:
            return await handler(params, files)
        returns = self.validator.spec.methods[method].get("returns", [])
        if "Message" in returns and "chat_id" in params:
            caption = {"caption": params["caption"]} if "caption" in params else {}
            return self._new_message(params["chat_id"], caption)
        return True

    def _check_result(self, method: str, result: Any) -> None:
        returns = self.validator.spec.methods[method].get("returns", [])
        for problem in self.validator.spec.check_value(result, returns, "result"):
            self.violations.append(
                f"{method}: the answer does not fit the spec (model it with "
                f"FakeBotAPI.set_result): {problem}"
            )

    def _download(self, url: str) -> tuple[int, bytes]:
        path = url.partition("/file/bot")[2].partition("/")[2]
        file_id = next((fid for fid, p in self._file_paths.items() if p == path), None)
        if file_id is None:
            body = {"ok": False, "error_code": 404, "description": "Not Found"}
            return 404, json.dumps(body).encode()
        return 200, self._files.get(file_id, f"fake content of {file_id}".encode())

    # ---------------------------------------------------------------------------- chats

    def _resolve_chat(self, chat_id: object) -> int:
        """The numeric id of a chat given as int, digits or @username."""
        if isinstance(chat_id, int):
            return chat_id
        if isinstance(chat_id, str) and _NUMERIC_RE.fullmatch(chat_id):
            return int(chat_id)
        name = str(chat_id).lower()
        if name not in self._named_chats:
            self._named_chats[name] = -1001000000000 - len(self._named_chats) - 1
        return self._named_chats[name]

    def _chat(self, chat: int) -> JSON:
        if chat > 0:
            return {"id": chat, "type": "private"}
        named = [name for name, chat_id in self._named_chats.items() if chat_id == chat]
        if named:
            return {"id": chat, "type": "channel", "title": named[0][1:], "username": named[0][1:]}
        return {"id": chat, "type": "supergroup", "title": f"Chat {chat}"}

    def _new_message(self, chat_id: object, content: JSON) -> JSON:
        chat = self._resolve_chat(chat_id)
        message: JSON = {
            "message_id": self.next_message_id(chat),
            "from": self.bot_user,
            "chat": self._chat(chat),
            "date": self._now(),
            **content,
        }
        self._store(message)
        return copy.deepcopy(message)

    def _store(self, message: JSON) -> None:
        key = (message["chat"]["id"], message["message_id"])
        self._messages[key] = message
        self._touched[key] = next(self._touches)

    def _find_message(self, params: JSON, verb: str) -> JSON:
        key = (self._resolve_chat(params["chat_id"]), params["message_id"])
        if key not in self._messages:
            raise _ApiError(400, f"Bad Request: message to {verb} not found")
        return self._messages[key]

    @staticmethod
    def _formatted(params: JSON, name: str, entities_name: str) -> JSON:
        # Validation has already refused what Telegram would; here only the result matters.
        parsed = parse_formatted(params[name], params.get("parse_mode"), strict=False)
        content: JSON = {name: parsed.text}
        entities = parsed.entities or params.get(entities_name)
        if entities:
            content[entities_name] = entities
        return content

    @staticmethod
    def _inline_markup(params: JSON) -> JSON:
        markup = params.get("reply_markup")
        # Telegram echoes only inline keyboards; reply keyboards live in the client.
        return {"reply_markup": markup} if markup and "inline_keyboard" in markup else {}

    def _upload(self, files: dict[str, UploadedFile], part: str, reference: str | None) -> JSON:
        upload = files.get(part)
        if upload is None:
            file_id = reference or f"{part}-{next(self._file_numbers)}"
            return {"file_id": file_id, "file_unique_id": f"u-{file_id}"[:32]}
        file_id = f"{part}-upload-{next(self._file_numbers)}"
        self._files[file_id] = upload.content
        described: JSON = {"file_id": file_id, "file_unique_id": f"u-{file_id}"}
        described["file_size"] = upload.size
        return described | {"file_name": upload.file_name, "mime_type": upload.mime_type}

    # ---------------------------------------------------------------------------- methods

    async def _get_me(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset", 0)
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        wait = min(params.get("timeout", 0), GET_UPDATES_MAX_WAIT)
        if not self._updates and wait > 0:
            await self._long_poll(wait)
        return copy.deepcopy(self._updates[: params.get("limit", 100)])

    async def _long_poll(self, wait: float) -> None:
        if self._poll is not None:
            # Telegram ends the older of two concurrent polls (two bot instances running).
            self._poll.superseded = True
            self._poll.wake.set()
        poll = self._poll = _LongPoll()
        try:
            await asyncio.wait_for(poll.wake.wait(), wait)
        except TimeoutError:
            pass
        finally:
            if self._poll is poll:
                self._poll = None
        if poll.superseded:
            raise _ApiError(409, DEFAULT_ERRORS[409])

    async def _send_message(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        content = self._formatted(params, "text", "entities") | self._inline_markup(params)
        return self._new_message(params["chat_id"], content)

    def _media_message(self, params: JSON, media: JSON) -> JSON:
        content = dict(media)
        if "caption" in params:
            content |= self._formatted(params, "caption", "caption_entities")
        return self._new_message(params["chat_id"], content | self._inline_markup(params))

    async def _send_document(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        document = self._upload(files, "document", params.get("document"))
        return self._media_message(params, {"document": document})

    async def _send_photo(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        photo = self._upload(files, "photo", params.get("photo"))
        photo = {key: photo[key] for key in PHOTO_SIZE_KEYS if key in photo}
        return self._media_message(params, {"photo": [photo | {"width": 1280, "height": 960}]})

    async def _send_media_group(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        group_id = str(next(self._file_numbers))
        sent = []
        for item in params["media"]:
            reference = item["media"].removeprefix("attach://")
            described = self._upload(files, reference, item["media"])
            if item["type"] == "photo":
                photo = {key: described[key] for key in PHOTO_SIZE_KEYS if key in described}
                media: JSON = {"photo": [photo | {"width": 1280, "height": 960}]}
            else:
                media = {item["type"]: described}
            if "caption" in item:
                media |= self._formatted(item, "caption", "caption_entities")
            sent.append(self._new_message(params["chat_id"], media | {"media_group_id": group_id}))
        return sent

    async def _send_location(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        location = {"latitude": params["latitude"], "longitude": params["longitude"]}
        return self._media_message(params, {"location": location})

    async def _copy_message(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        source_key = (self._resolve_chat(params["from_chat_id"]), params["message_id"])
        source = self._messages.get(source_key) or self._incoming.get(source_key)
        if source is None:
            raise _ApiError(400, "Bad Request: message to copy not found")
        skip = {"message_id", "from", "chat", "date", "edit_date", "reply_markup"}
        content = {key: value for key, value in source.items() if key not in skip}
        if "caption" in params:
            content |= self._formatted(params, "caption", "caption_entities")
        copied = self._new_message(params["chat_id"], content | self._inline_markup(params))
        return {"message_id": copied["message_id"]}

    def _edit(self, params: JSON, changes: JSON, drops: tuple[str, ...]) -> JSON | bool:
        if "inline_message_id" in params:
            return True
        message = self._find_message(params, "edit")
        edited = {key: value for key, value in message.items() if key not in drops} | changes
        edited.pop("edit_date", None)
        before = {key: value for key, value in message.items() if key != "edit_date"}
        if edited == before:
            raise _ApiError(400, NOT_MODIFIED)
        edited["edit_date"] = self._now()
        self._store(edited)
        return copy.deepcopy(edited)

    async def _edit_message_text(self, params: JSON, files: dict[str, UploadedFile]) -> Any:
        if "inline_message_id" not in params and "text" not in self._find_message(params, "edit"):
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        changes = self._formatted(params, "text", "entities") | self._inline_markup(params)
        return self._edit(params, changes, ("text", "entities", "reply_markup"))

    async def _edit_message_caption(self, params: JSON, files: dict[str, UploadedFile]) -> Any:
        changes = self._inline_markup(params)
        if "caption" in params:
            changes |= self._formatted(params, "caption", "caption_entities")
        return self._edit(params, changes, ("caption", "caption_entities", "reply_markup"))

    async def _edit_message_reply_markup(self, params: JSON, files: dict[str, UploadedFile]) -> Any:
        return self._edit(params, self._inline_markup(params), ("reply_markup",))

    async def _delete_message(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        key = (self._resolve_chat(params["chat_id"]), params["message_id"])
        if key in self._deleted:
            raise _ApiError(400, "Bad Request: message to delete not found")
        self._messages.pop(key, None)
        self._incoming.pop(key, None)
        self._deleted.add(key)
        return True

    @staticmethod
    def _commands_key(params: JSON) -> str:
        scope = params.get("scope", {"type": "default"})
        return json.dumps([scope, params.get("language_code", "")], sort_keys=True)

    async def _set_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self._commands[self._commands_key(params)] = params["commands"]
        return True

    async def _get_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    async def _set_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self._menu_buttons[params.get("chat_id")] = params.get("menu_button", {"type": "default"})
        return True

    async def _get_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        default = self._menu_buttons.get(None, {"type": "commands"})
        return copy.deepcopy(self._menu_buttons.get(params.get("chat_id"), default))

    async def _set_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        if not params["url"].startswith("https://"):
            raise _ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        self.webhook_url = params["url"]
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _delete_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _get_file(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        file_id = params["file_id"]
        path = self._file_paths.setdefault(file_id, f"files/file_{next(self._file_numbers)}")
        result: JSON = {"file_id": file_id, "file_unique_id": f"u-{file_id}"[:32]}
        if file_id in self._files:
            result["file_size"] = len(self._files[file_id])
        return result | {"file_path": path}

    async def _get_chat(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        accepted = dict.fromkeys((*gifts, "gifts_from_channels"), False)
        return self._chat(self._resolve_chat(params["chat_id"])) | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": accepted,
        }

    async def _get_chat_member(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        user_id = params["user_id"]
        if user_id == self.bot_id:
            return {"status": "member", "user": self.bot_user}
        user = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        status = "kicked" if user_id in self._blocked else "member"
        extra = {"until_date": 0} if status == "kicked" else {}
        return {"status": status, "user": user, **extra}


class UpdateFactory:
    """Builds Update dicts (JSON-ready, as Telegram sends them) with increasing update_id.

    Given ``api``, it takes the bot's identity from it, shares its per-chat message ids, lets
    it know incoming messages, and builds callback queries on the message the bot really sent.
    """

    def __init__(
        self,
        bot_id: int = 123456,
        bot_username: str = "crimewatch_test_bot",
        *,
        api: FakeBotAPI | None = None,
        first_update_id: int = 1,
        clock: Clock | None = None,
    ) -> None:
        self.api = api
        self.bot_id = api.bot_id if api else bot_id
        self.bot_username = api.bot_username if api else bot_username
        self._clock: Clock = clock or (api.clock if api else _SystemClock())
        self._update_ids = itertools.count(first_update_id)
        self._callback_ids = itertools.count(1)
        self._message_ids: dict[int, int] = {}

    def _now(self) -> int:
        return int(self._clock.now().timestamp())

    @staticmethod
    def user(
        user_id: int,
        first_name: str = "Ann",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """A (human) ``User`` object."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        return user | {key: value for key, value in optional.items() if value is not None}

    @property
    def bot_user(self) -> JSON:
        """The bot as a ``User`` object."""
        if self.api is not None:
            return self.api.bot_user
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Crime Watch",
            "username": self.bot_username,
        }

    def text(
        self,
        user: JSON,
        text: str,
        chat_id: int | None = None,
        chat_type: str | None = None,
        *,
        chat_title: str = "Test Watch Group",
    ) -> JSON:
        """A text message; a leading ``/command`` (or ``/command@bot``) gets its entity.

        ``chat_type`` defaults to private for positive or no ``chat_id``, supergroup otherwise.
        """
        content: JSON = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_length(command)}
            ]
        return self._message_update(user, content, chat_id, chat_type, chat_title)

    def contact(
        self,
        user: JSON,
        phone_number: str,
        contact_user_id: int | None = None,
        *,
        first_name: str | None = None,
        without_user_id: bool = False,
    ) -> JSON:
        """A shared contact; by default the user's own (``contact.user_id`` = their id)."""
        contact: JSON = {
            "phone_number": phone_number,
            "first_name": first_name or user["first_name"],
        }
        if not without_user_id:
            contact["user_id"] = user["id"] if contact_user_id is None else contact_user_id
        return self._message_update(user, {"contact": contact})

    def location(self, user: JSON, latitude: float, longitude: float) -> JSON:
        """A shared location."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._message_update(user, {"location": location})

    def photo(
        self,
        user: JSON,
        file_id: str = "AgACAgIAAxkBAAIBphoto",
        file_size: int = 84_211,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
    ) -> JSON:
        """A photo, in the two sizes Telegram typically lists (thumbnail first)."""
        sizes = [
            {
                "file_id": f"{file_id}-s",
                "file_unique_id": f"u-{file_id}-s"[:32],
                "width": 90,
                "height": 68,
                "file_size": 1_412,
            },
            {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}"[:32],
                "width": 1280,
                "height": 960,
                "file_size": file_size,
            },
        ]
        content: JSON = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self._message_update(user, content, chat_id)

    def document(
        self,
        user: JSON,
        file_name: str,
        mime_type: str,
        file_size: int,
        *,
        file_id: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        """A document (file) message."""
        file_id = file_id or f"BQACAgIAAxkBAAIB-{file_name}"
        document = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}"[:32],
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        content: JSON = {"document": document}
        if caption is not None:
            content["caption"] = caption
        return self._message_update(user, content, chat_id)

    def callback(
        self,
        user: JSON,
        data: str,
        message_id: int,
        chat_id: int | None = None,
        *,
        message_text: str = "Please choose:",
    ) -> JSON:
        """A press of an inline button with ``data`` on message ``message_id`` of the bot."""
        chat_id = user["id"] if chat_id is None else chat_id
        known = self.api.message(chat_id, message_id) if self.api else None
        message = known or {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": self._chat(user, chat_id, None, "Test Watch Group"),
            "date": self._now(),
            "text": message_text,
        }
        query = {
            "id": f"{user['id']}{next(self._callback_ids):06d}",
            "from": user,
            "message": message,
            "chat_instance": str(abs(chat_id) * 7919 % 10**15),
            "data": data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    def edited_text(
        self, user: JSON, text: str, message_id: int, chat_id: int | None = None
    ) -> JSON:
        """The user edited an earlier text message."""
        chat = self._chat(user, chat_id, None, "Test Watch Group")
        message = {
            "message_id": message_id,
            "from": user,
            "chat": chat,
            "date": self._now() - 60,
            "edit_date": self._now(),
            "text": text,
        }
        return {"update_id": next(self._update_ids), "edited_message": message}

    def my_chat_member(
        self, user: JSON, new_status: str = "kicked", old_status: str = "member"
    ) -> JSON:
        """The bot's membership in the user's private chat changed (kicked = blocked)."""

        def member(status: str) -> JSON:
            extra = {"until_date": 0} if status == "kicked" else {}
            return {"status": status, "user": self.bot_user, **extra}

        change = {
            "chat": self._chat(user, None, None, ""),
            "from": user,
            "date": self._now(),
            "old_chat_member": member(old_status),
            "new_chat_member": member(new_status),
        }
        return {"update_id": next(self._update_ids), "my_chat_member": change}

    def _chat(self, user: JSON, chat_id: int | None, chat_type: str | None, title: str) -> JSON:
        if chat_id is None or chat_id > 0:
            if chat_type not in (None, "private") or chat_id not in (None, user["id"]):
                raise ValueError("group chats need a negative chat_id; private chats the user's")
            names = ("first_name", "last_name", "username")
            return {"id": user["id"], "type": "private"} | {
                key: user[key] for key in names if key in user
            }
        if chat_type not in (None, "group", "supergroup"):
            raise ValueError(f"chat_type {chat_type!r} does not fit chat_id {chat_id}")
        return {"id": chat_id, "type": chat_type or "supergroup", "title": title}

    def _message_update(
        self,
        user: JSON,
        content: JSON,
        chat_id: int | None = None,
        chat_type: str | None = None,
        chat_title: str = "Test Watch Group",
    ) -> JSON:
        chat = self._chat(user, chat_id, chat_type, chat_title)
        message: JSON = {
            "message_id": self._next_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": self._now(),
            **content,
        }
        if self.api is not None:
            self.api.remember_incoming(message)
        return {"update_id": next(self._update_ids), "message": message}

    def _next_message_id(self, chat_id: int) -> int:
        if self.api is not None:
            return self.api.next_message_id(chat_id)
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]
