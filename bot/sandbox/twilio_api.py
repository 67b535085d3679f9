"""An HTTP-level fake of Twilio's Messages API, for driving the real twilio SDK in tests.

``FakeTwilio`` plays api.twilio.com. The SDK talks to it through ``FakeTwilioHttpClient`` (a
``twilio.http.AsyncHttpClient``), so everything above the HTTP seam - the SDK's URL building,
form encoding, auth and error parsing - runs for real; or, for subprocess tests and
benchmarks, through a real socket with ``FakeTwilioServer``. Every request is checked against the
published OpenAPI spec (``bot/sandbox/specs/twilio_api_v2010.json``, CreateMessage) plus the
rules the spec does not encode; what fails goes to ``violations`` and is answered the way
Twilio answers.

    fake = FakeTwilio()
    notifier = SmsNotifier(fake.account_sid, fake.auth_token, from_number=fake.from_number,
                           api_url=fake.base_url, http_client=fake.http_client())
    fake.fail_next(21610)
    result = await notifier.send(...)
    assert fake.violations == []
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import itertools
import json
import logging
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.responses import Response as StarletteResponse
from starlette.types import Receive, Scope, Send
from twilio.http import AsyncHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

from bot.sandbox.threaded_server import ThreadedServer
from notifiers.sms_segments import segments

SPEC_PATH = Path(__file__).resolve().parent / "specs" / "twilio_api_v2010.json"
MESSAGES_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
E164 = re.compile(r"^\+[1-9]\d{1,14}$")
BODY_MAX = 1600
DEFAULT_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
DEFAULT_AUTH_TOKEN = "fake-twilio-auth-token-0123456789"  # noqa: S105 (a local fake's)
DEFAULT_FROM = "+12035550100"
DEFAULT_BASE_URL = "https://api.twilio.test"

# Twilio's answers for the errors the fake produces: code -> (HTTP status, message).
ERRORS: dict[int, tuple[int, str]] = {
    20001: (400, "Invalid parameter"),
    20003: (401, "Authenticate"),
    20404: (404, "The requested resource was not found"),
    20429: (429, "Too Many Requests"),
    20500: (500, "Internal Server Error"),
    21211: (400, "Invalid 'To' Phone Number"),
    21602: (400, "Message body is required."),
    21603: (400, "A 'From' phone number is required."),
    21604: (400, "A 'To' phone number is required."),
    21610: (400, "Attempt to send to unsubscribed recipient"),
    21614: (400, "'To' number is not a valid mobile number"),
    21617: (400, "The concatenated message body exceeds the 1600 character limit."),
}


@cache
def create_message_schema() -> tuple[dict[str, dict[str, Any]], frozenset[str], str]:
    """CreateMessage's form properties (refs resolved), required names, and AccountSid pattern."""
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    operation = spec["paths"][MESSAGES_PATH]["post"]
    schema = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in node:
            target: Any = spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolve(target)
        return node

    properties = {name: resolve(prop) for name, prop in schema["properties"].items()}
    account = next(p for p in operation["parameters"] if p["name"] == "AccountSid")
    return properties, frozenset(schema.get("required", ())), account["schema"]["pattern"]


def check_value(name: str, prop: dict[str, Any], value: str) -> str | None:
    """What is wrong with one form value against its schema property, or None."""
    kind = prop.get("type", "string")
    if kind == "integer" and not re.fullmatch(r"-?\d+", value):
        return f"{name} must be an integer, got {value!r}"
    if kind == "number":
        try:
            float(value)
        except ValueError:
            return f"{name} must be a number, got {value!r}"
    if kind == "boolean" and value not in ("true", "false"):
        return f"{name} must be true or false, got {value!r}"
    if kind == "string":
        if "enum" in prop and value not in prop["enum"]:
            return f"{name} must be one of {prop['enum']}, got {value!r}"
        if "minLength" in prop and len(value) < prop["minLength"]:
            return f"{name} is shorter than {prop['minLength']}"
        if "maxLength" in prop and len(value) > prop["maxLength"]:
            return f"{name} is longer than {prop['maxLength']}"
        if "pattern" in prop and not re.search(prop["pattern"], value):
            return f"{name} does not match {prop['pattern']}"
        if prop.get("format") == "uri":
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                return f"{name} must be an absolute http(s) URL, got {value!r}"
            if "_" in (parts.hostname or ""):
                return f"{name}: underscores are not allowed in the host name"
    return None


def new_sid(prefix: str) -> str:
    """A Twilio-style SID: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


@dataclass
class RecordedRequest:
    """One request as the fake saw it."""

    method: str
    url: str
    form: dict[str, list[str]]
    headers: dict[str, str]
    auth: tuple[str, str] | None
    timeout: float | None
    status: int = 0  # 0: the client saw a timeout, not an answer


@dataclass
class _Fault:
    code: int
    status: int
    times: int
    to: str | None
    retry_after: float | None
    message: str | None


@dataclass
class Answer:
    """What the fake answers: status, JSON body and headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeTwilio:
    """A fake Twilio REST API (Messages) with validation, recording and fault injection."""

    def __init__(
        self,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        *,
        base_url: str = DEFAULT_BASE_URL,
        from_number: str = DEFAULT_FROM,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.base_url = base_url.rstrip("/")
        self.from_number = from_number
        self.messaging_service_sid = "MG" + account_sid[2:]
        self.messages: list[dict[str, Any]] = []
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.opted_out: set[str] = set()
        self.hang_seconds = 60.0  # the longest the socket server stalls on an injected timeout
        self._faults: list[_Fault] = []
        self._timeouts: list[bool] = []  # after_delivery flags, in order
        self._lock = threading.Lock()
        self._counter = itertools.count(1)

    # --- test controls ----------------------------------------------------------------------

    def fail_next(
        self,
        code: int,
        status: int = 400,
        times: int = 1,
        to: str | None = None,
        retry_after: float | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next `times` valid sends (to `to`, if given) with this Twilio error."""
        with self._lock:
            self._faults.append(_Fault(code, status, times, to, retry_after, message))

    def timeout_next(self, after_delivery: bool) -> None:
        """Make the next send time out: before Twilio got it, or after it queued the SMS."""
        with self._lock:
            self._timeouts.append(after_delivery)

    def opt_out(self, phone: str) -> None:
        """The number texted STOP: sends to it answer 21610 from now on."""
        with self._lock:
            self.opted_out.add(phone)

    def opt_in(self, phone: str) -> None:
        """The number texted START."""
        with self._lock:
            self.opted_out.discard(phone)

    def http_client(self) -> FakeTwilioHttpClient:
        """An SDK http client answered in process by this fake."""
        return FakeTwilioHttpClient(self)

    def sign(self, url: str, params: Mapping[str, str]) -> str:
        """The X-Twilio-Signature Twilio would send with a webhook to `url` with `params`."""
        return str(RequestValidator(self.auth_token).compute_signature(url, dict(params)))

    def bodies_to(self, phone: str) -> list[str]:
        """The bodies of the messages accepted for one number, in order."""
        return [m["body"] for m in self.messages if m["to"] == phone]

    # --- the server side ----------------------------------------------------------------------

    def take_timeout(self) -> bool | None:
        """Consume a pending injected timeout: its after_delivery flag, or None."""
        with self._lock:
            return self._timeouts.pop(0) if self._timeouts else None

    def handle(
        self,
        method: str,
        path: str,
        form: dict[str, list[str]],
        auth: tuple[str, str] | None,
        query: dict[str, list[str]] | None = None,
    ) -> Answer:
        """Answer one request as Twilio would (thread-safe)."""
        with self._lock:
            if method == "GET":
                return self._list(path, query or {}, auth)
            return self._handle(method, path, form, auth)

    def _list(self, path: str, query: dict[str, list[str]], auth: tuple[str, str] | None) -> Answer:
        """ListMessage: the account's messages, newest first (filtered by To and From)."""
        match = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/Messages\.json", path)
        if match is None:
            return self._violation(20404, f"GET {path}: not the ListMessage endpoint")
        if auth != (self.account_sid, self.auth_token) or match.group(1) != self.account_sid:
            return self._violation(20003, "wrong HTTP Basic credentials")
        known = {
            "To",
            "From",
            "DateSent",
            "DateSent<",
            "DateSent>",
            "PageSize",
            "Page",
            "PageToken",
        }
        for name in query:
            if name not in known:
                return self._violation(20001, f"unknown ListMessage parameter {name!r}")
        to: str | None = (query.get("To") or [""])[0] or None
        sender: str | None = (query.get("From") or [""])[0] or None
        size = int((query.get("PageSize") or ["50"])[0])
        found = [
            m
            for m in reversed(self.messages)
            if (to is None or m["to"] == to) and (sender is None or m["from"] == sender)
        ][:size]
        return Answer(
            200,
            {
                "messages": [self._instance(match.group(1), m) for m in found],
                "end": max(len(found) - 1, 0),
                "first_page_uri": path,
                "next_page_uri": None,
                "page": 0,
                "page_size": size,
                "previous_page_uri": None,
                "start": 0,
                "uri": path,
            },
        )

    @staticmethod
    def _instance(account: str, m: dict[str, Any]) -> dict[str, Any]:
        stamp = email.utils.format_datetime(m["created"])
        return {
            "account_sid": account,
            "api_version": "2010-04-01",
            "body": m["body"],
            "date_created": stamp,
            "date_sent": stamp,
            "date_updated": stamp,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": m["from"],
            "messaging_service_sid": m["messaging_service_sid"],
            "num_media": "0",
            "num_segments": str(m["segments"]),
            "price": None,
            "price_unit": "USD",
            "sid": m["sid"],
            "status": "sent",
            "subresource_uris": {},
            "to": m["to"],
            "uri": f"/2010-04-01/Accounts/{account}/Messages/{m['sid']}.json",
        }

    def _error(self, code: int, message: str | None = None, status: int | None = None) -> Answer:
        default_status, default_message = ERRORS.get(code, (status or 400, "Error"))
        status = status or default_status
        return Answer(
            status,
            {
                "code": code,
                "message": message or default_message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
        )

    def _violation(self, code: int, text: str, status: int | None = None) -> Answer:
        self.violations.append(text)
        return self._error(code, text, status)

    def _handle(
        self,
        method: str,
        path: str,
        form: dict[str, list[str]],
        auth: tuple[str, str] | None,
    ) -> Answer:
        properties, required, sid_pattern = create_message_schema()
        match = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/Messages\.json", path)
        if match is None or method != "POST":
            return self._violation(20404, f"{method} {path}: not the CreateMessage endpoint")
        account = match.group(1)
        if not re.search(sid_pattern, account):
            return self._violation(20404, f"AccountSid {account!r} does not match {sid_pattern}")
        if auth is None:
            return self._violation(20003, "no HTTP Basic credentials")
        if auth != (self.account_sid, self.auth_token):
            return self._violation(20003, "wrong HTTP Basic credentials")
        if account != auth[0]:
            return self._violation(20003, "AccountSid in the path is not the authenticated one")

        for name, values in form.items():
            prop = properties.get(name)
            if prop is None:
                return self._violation(20001, f"unknown CreateMessage parameter {name!r}")
            if prop.get("type") != "array" and len(values) > 1:
                return self._violation(20001, f"{name} given {len(values)} times")
            item = prop.get("items", {}) if prop.get("type") == "array" else prop
            for value in values:
                problem = check_value(name, item, value)
                if problem:
                    return self._violation(20001, problem)
        for name in required:
            if not form.get(name):
                return self._violation(21604 if name == "To" else 20001, f"{name} is required")

        def one(name: str) -> str | None:
            values = form.get(name)
            return values[0] if values else None

        to, sender, service = one("To"), one("From"), one("MessagingServiceSid")
        body = one("Body")
        if not to:
            return self._violation(21604, "To is empty")
        if not E164.match(to):
            return self._violation(21211, f"To is not E.164: {to!r}")
        if bool(sender) == bool(service):
            # Twilio accepts both; our service sends exactly one, so both is our mistake.
            return self._violation(21603, "give exactly one of From or MessagingServiceSid")
        if not (body or form.get("MediaUrl") or one("ContentSid")):
            return self._violation(21602, "Body (or MediaUrl or ContentSid) is required")
        if body is not None and len(body) > BODY_MAX:
            return self._violation(21617, f"Body has {len(body)} characters (max {BODY_MAX})")

        for fault in self._faults:
            if fault.to is None or fault.to == to:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                answer = self._error(fault.code, fault.message, status=fault.status)
                if fault.retry_after is not None:
                    answer.headers["Retry-After"] = f"{fault.retry_after:g}"
                return answer
        if to in self.opted_out:
            return self._error(21610)

        sid = new_sid("SM")
        now = email.utils.format_datetime(datetime.now(UTC))
        record = {
            "sid": sid,
            "to": to,
            "from": sender,
            "messaging_service_sid": service,
            "body": body or "",
            "status_callback": one("StatusCallback"),
            "segments": segments(body or ""),
            "seq": next(self._counter),
            "created": datetime.now(UTC),
        }
        self.messages.append(record)
        base = f"/2010-04-01/Accounts/{account}/Messages/{sid}"
        return Answer(
            201,
            {
                "account_sid": account,
                "api_version": "2010-04-01",
                "body": record["body"],
                "date_created": now,
                "date_sent": None,
                "date_updated": now,
                "direction": "outbound-api",
                "error_code": None,
                "error_message": None,
                "from": sender,
                "messaging_service_sid": service,
                "num_media": "0",
                "num_segments": str(record["segments"]),
                "price": None,
                "price_unit": "USD",
                "sid": sid,
                "status": "accepted" if service and not sender else "queued",
                "subresource_uris": {"media": f"{base}/Media.json"},
                "to": to,
                "uri": f"{base}.json",
            },
        )


def _form_lists(data: Mapping[str, object] | None) -> dict[str, list[str]]:
    """The SDK's data dict as a form encoder would put it on the wire."""
    form: dict[str, list[str]] = {}
    for key, value in (data or {}).items():
        items = value if isinstance(value, list | tuple) else [value]
        form[key] = [str(item) for item in items]
    return form


class FakeTwilioHttpClient(AsyncHttpClient):  # type: ignore[misc]
    """The SDK's HTTP seam, answered in process by a FakeTwilio."""

    def __init__(self, fake: FakeTwilio) -> None:
        super().__init__(logging.getLogger(__name__), True, None)
        self.fake = fake
        self.closed = False

    async def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the SDK's HttpClient signature
        allow_redirects: bool = False,
    ) -> Response:
        """Answer one request; injected timeouts raise what aiohttp raises."""
        fake = self.fake
        form = _form_lists(data)
        if auth is None:  # what goes on the wire either way: an Authorization header
            auth = _basic_auth((headers or {}).get("Authorization", ""))
        recorded = RecordedRequest(method, uri, form, dict(headers or {}), auth, timeout)
        with fake._lock:
            fake.requests.append(recorded)
        await asyncio.sleep(0)  # a real request yields to the loop at least once
        after = fake.take_timeout()
        if after is False:
            # aiohttp's error when the connection could not be made in time: nothing was sent.
            raise aiohttp.ConnectionTimeoutError(f"Connection timeout to host {uri}")
        if not uri.startswith(fake.base_url + "/"):
            with fake._lock:
                fake.violations.append(f"request to {uri}, not under {fake.base_url}")
            answer = fake._error(20404)
        else:
            path = urlsplit(uri).path
            answer = fake.handle(method, path, form, auth, _form_lists(params))
        if after:
            # aiohttp's total timeout fires while waiting for the answer: plain TimeoutError.
            raise TimeoutError()
        recorded.status = answer.status
        headers_out = {"Content-Type": "application/json", **answer.headers}
        return Response(answer.status, json.dumps(answer.body), headers_out)

    async def close(self) -> None:
        """Nothing to release; remembered so tests can check who closes what."""
        self.closed = True


class _TwilioApp:
    """The ASGI application in front of a FakeTwilio."""

    def __init__(self, server: FakeTwilioServer) -> None:
        self.server = server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        fake = self.server.fake
        body = (await request.body()).decode("utf-8", "replace")
        form = parse_qs(body, keep_blank_values=True)
        auth = _basic_auth(request.headers.get("authorization", ""))
        path = request.url.path
        recorded = RecordedRequest(
            request.method, str(request.url), form, dict(request.headers), auth, None
        )
        with fake._lock:
            fake.requests.append(recorded)
        after = fake.take_timeout()
        response: StarletteResponse
        if after is False:  # Twilio never got it; the client can only see its own timeout
            response = await self._stall(receive)
        else:
            answer = fake.handle(
                request.method,
                path,
                form,
                auth,
                parse_qs(request.url.query, keep_blank_values=True),
            )
            if after:  # recorded, but the answer comes too late
                response = await self._stall(receive)
            else:
                recorded.status = answer.status
                response = JSONResponse(answer.body, answer.status, headers=answer.headers)
        await response(scope, receive, send)

    async def _stall(self, receive: Receive) -> StarletteResponse:
        """Answer nothing until the client gives up (or the server stops), as a lost answer."""

        async def client_gone() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        waits = [
            asyncio.ensure_future(client_gone()),
            asyncio.ensure_future(self.server.closing()),
        ]
        try:
            await asyncio.wait(
                waits, timeout=self.server.fake.hang_seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for wait in waits:
                wait.cancel()
        return JSONResponse({"message": "Gateway Timeout (injected by FakeTwilio)"}, 504)


def _basic_auth(header: str) -> tuple[str, str] | None:
    """(user, password) from an Authorization header, or None."""
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    return user, password


class FakeTwilioServer(ThreadedServer):
    """Serves a FakeTwilio over real HTTP from a background thread (uvicorn, its own loop).

    The fake is thread-safe, so tests read `fake.messages` and call `fake.fail_next(...)`
    directly while the server runs. In this mode both kinds of injected timeout stall the answer
    until the client gives up; after_delivery=True records the message first.

        with FakeTwilioServer(fake) as server:
            env["TWILIO_API_URL"] = server.url
    """

    name = "FakeTwilioServer"

    def __init__(self, fake: FakeTwilio, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.fake = fake

    def asgi_app(self) -> _TwilioApp:
        """The Twilio REST API over HTTP."""
        return _TwilioApp(self)
