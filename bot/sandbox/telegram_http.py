"""A real HTTP server in front of ``FakeBotAPI``, for bots running in another process.

``FakeBotAPIServer`` serves a ``FakeBotAPI`` over HTTP on a background thread with its own
asyncio event loop (uvicorn), so a synchronous test can start it, point a subprocess at it with
``TELEGRAM_API_URL=server.url`` and watch what the bot does through PTB's ordinary
``HTTPXRequest``:

    api = FakeBotAPI()
    with FakeBotAPIServer(api) as server:
        bot = subprocess.Popen(["crimewatch", "run"], env={..., "TELEGRAM_API_URL": server.url})
        server.push_update(update)
        ...
        assert "Welcome" in server.sent_texts(1001)[-1]
        assert server.violations() == []

The routes are Telegram's: ``POST|GET /bot<token>/<method>`` (parameters form-encoded, as
``multipart/form-data``, as JSON or in the query string) and ``GET /file/bot<token>/<path>``.
Form values arrive as strings - PTB sends strings as they are and everything else JSON-encoded -
and are decoded by the method's spec into the values the in-process ``FakeRequest`` passes on.

``FakeBotAPI`` is asyncio code and belongs to the server's loop once the server runs: touch it
only through ``call``/``run_coro`` (or the convenience methods), which run on that loop.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from telegram.error import TimedOut

from bot.sandbox.telegram_api import JSON, ApiCall, ChatId, FakeBotAPI, UploadedFile
from bot.sandbox.telegram_spec import TelegramSpec
from bot.sandbox.threaded_server import ThreadedServer

T = TypeVar("T")

TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_METHOD_PATH_RE = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?$")
_FILE_PATH_RE = re.compile(r"^/file/bot(?P<token>[^/]+)/(?P<path>.+)$")
_INTEGER_RE = re.compile(r"-?\d+")
# httpx writes `"` as %22, control characters as %XX and `\` as `\\` in multipart headers.
_FORM_ESCAPE_RE = re.compile(r"\\(.)|%(0[0-9A-Fa-f]|1[0-9A-Fa-f]|22)")
_HEADER_PARAM_RE = re.compile(r';\s*([\w*.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))')

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------------------ decoding


def _json_or_string(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def decode_form_value(value: str, types: Sequence[str] | None) -> Any:
    """One form value as the server reads it, given the spec types of its field.

    PTB sends a string parameter as is and anything else JSON-encoded, so a string stays a
    string where the field takes one (chat ids given as digits become integers, as the server
    treats them); elsewhere - numbers, booleans, objects, arrays, unknown fields - it is JSON,
    and what does not parse is kept as the string so validation reports it.
    """
    if types and ("String" in types or "InputFile" in types):
        if "Integer" in types and _INTEGER_RE.fullmatch(value):
            return int(value)
        return value
    return _json_or_string(value)


def decode_form_params(spec: TelegramSpec, method: str, form: Mapping[str, str]) -> JSON:
    """The parameters of a form-encoded (or query-string) call, decoded by the method's spec."""
    fields = spec.fields(method)
    return {
        name: decode_form_value(value, fields.get(name, {}).get("types"))
        for name, value in form.items()
    }


def _unescape_form(value: str) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        return chr(int(match.group(2), 16))

    return _FORM_ESCAPE_RE.sub(replace, value)


def _header_params(value: str) -> tuple[str, dict[str, str]]:
    """``form-data; name="x"`` -> ("form-data", {"name": "x"})."""
    main, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for match in _HEADER_PARAM_RE.finditer(";" + rest):
        quoted, bare = match.group(2), match.group(3)
        params[match.group(1).lower()] = (
            _unescape_form(quoted) if quoted is not None else bare.strip()
        )
    return main.strip().lower(), params


def parse_multipart(
    body: bytes, content_type: str
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Split a ``multipart/form-data`` body into its form fields and its file parts.

    A part with a file name or a Content-Type of its own is a file (that is how httpx writes
    them); the others are form fields, decoded as UTF-8.
    """
    boundary = _header_params(content_type)[1].get("boundary")
    if not boundary:
        raise ValueError("multipart/form-data without a boundary")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    sections = (b"\r\n" + body).split(b"\r\n--" + boundary.encode("latin-1"))
    if len(sections) < 2:
        raise ValueError("multipart body without a part")
    for section in sections[1:]:
        if section.startswith(b"--"):
            return fields, files
        head, separator, content = section.partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("multipart part without a blank line after its headers")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        disposition, params = _header_params(headers.get("content-disposition", ""))
        if disposition != "form-data" or "name" not in params:
            raise ValueError("multipart part without Content-Disposition: form-data; name=...")
        if "filename" in params or "content-type" in headers:
            files[params["name"]] = UploadedFile(
                params.get("filename"), headers.get("content-type"), content
            )
        else:
            fields[params["name"]] = content.decode("utf-8")
    raise ValueError("multipart body without its closing boundary")


# ------------------------------------------------------------------------------ the app


def _json_response(status: int, body: bytes) -> Response:
    return Response(body, status_code=status, media_type="application/json")


def _error_response(status: int, description: str) -> Response:
    body = {"ok": False, "error_code": status, "description": description}
    return _json_response(status, json.dumps(body).encode())


class _BotAPIApp:
    """The ASGI application: routes Telegram's URLs to a ``FakeBotAPI``."""

    def __init__(self, server: FakeBotAPIServer) -> None:
        self._server = server

    @property
    def api(self) -> FakeBotAPI:
        return self._server.api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        try:
            response = await self._respond(request, receive)
        except Exception as exc:
            logger.exception("FakeBotAPIServer: %s %s failed", request.method, request.url.path)
            response = _error_response(500, f"Internal Server Error: {exc!r}")
        await response(scope, receive, send)

    async def _respond(self, request: Request, receive: Receive) -> Response:
        path = request.url.path
        if request.method == "GET" and (match := _FILE_PATH_RE.match(path)):
            if not TOKEN_RE.match(match["token"]):
                return _error_response(404, "Not Found")
            status, body = await self.api.handle(f"{self._server.url}{path}", "GET", None)
            if status != 200:
                return _json_response(status, body)
            return Response(body, status_code=200, media_type="application/octet-stream")
        match = _METHOD_PATH_RE.match(path)
        if request.method not in ("GET", "POST") or not match or not TOKEN_RE.match(match["token"]):
            return _error_response(404, "Not Found")
        method = match["method"]
        try:
            params, files = await self._read_params(method, request)
        except ValueError as exc:
            return _error_response(400, f"Bad Request: {exc}")
        logger.debug("FakeBotAPIServer: %s %s", method, params)
        try:
            status, body = await self.api.handle_params(method, params, files)
        except TimedOut:
            return await self._time_out(receive)
        return _json_response(status, body)

    async def _read_params(
        self, method: str, request: Request
    ) -> tuple[JSON, dict[str, UploadedFile]]:
        spec = self.api.validator.spec
        form: dict[str, str] = dict(request.query_params)
        files: dict[str, UploadedFile] = {}
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        kind = content_type.partition(";")[0].strip().lower()
        if kind == "application/json" and body:
            decoded = json.loads(body)
            if not isinstance(decoded, dict):
                raise ValueError("the JSON body is not an object")
            params = decode_form_params(spec, method, form)
            return spec.decode_params(method, params | decoded), files
        if kind == "multipart/form-data":
            fields, files = parse_multipart(body, content_type)
            form |= fields
        elif body:
            form |= dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        return decode_form_params(spec, method, form), files

    async def _time_out(self, receive: Receive) -> Response:
        """Answer nothing until the client gives up, as a lost answer looks to it."""
        stall = self._server.timeout_stall

        async def client_gone() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        waits = [
            asyncio.ensure_future(client_gone()),
            asyncio.ensure_future(self._server.closing()),
        ]
        try:
            await asyncio.wait(waits, timeout=stall, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        return _error_response(504, "Gateway Timeout (injected by FakeBotAPI)")


# ------------------------------------------------------------------------------ the server


class FakeBotAPIServer(ThreadedServer):
    """Serves a ``FakeBotAPI`` over real HTTP from a background thread.

    ``start()`` returns once the server listens on ``url``; ``stop()`` (or leaving the ``with``
    block) shuts it down. While it runs, the ``FakeBotAPI`` lives on the server's event loop:
    reach it with ``call(fn, *args)`` / ``run_coro(coro)`` or the helpers below, from any
    thread but the server's own. A call the fake answers with ``TimedOut`` gets no answer
    until the client gives up (or ``timeout_stall`` seconds pass, then 504).
    """

    name = "FakeBotAPIServer"

    def __init__(self, api: FakeBotAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.api = api
        self.timeout_stall = 60.0

    def asgi_app(self) -> _BotAPIApp:
        """The Bot API over HTTP."""
        return _BotAPIApp(self)

    @property
    def base_url(self) -> str:
        """``base_url`` for ``telegram.Bot``: the method URLs are ``{base_url}{token}/{m}``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """``base_file_url`` for ``telegram.Bot``: the download URLs."""
        return f"{self.url}/file/bot"

    # ---------------------------------------------------------------------------- helpers

    def push_update(self, update: JSON) -> JSON:
        """Queue an Update for ``getUpdates``; returns it with its ``update_id``."""
        return self.call(self.api.push_update, update)

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """A snapshot (deep copy) of the recorded calls, of one ``method`` if given."""

        def snapshot() -> list[ApiCall]:
            calls = self.api.calls if method is None else self.api.calls_to(method)
            return copy.deepcopy(calls)

        return self.call(snapshot)

    def violations(self) -> list[str]:
        """A copy of the calls Telegram would have refused (and crashes of the fake)."""
        return self.call(lambda: list(self.api.violations))

    def take_violations(self) -> list[str]:
        """The violations so far, clearing them (for tests that provoke them)."""

        def take() -> list[str]:
            found = list(self.api.violations)
            self.api.violations.clear()
            return found

        return self.call(take)

    def sent_texts(self, chat_id: ChatId | None = None) -> list[str]:
        """Texts of the successful ``sendMessage`` calls (to ``chat_id``, if given)."""
        return self.call(self.api.texts, chat_id)
