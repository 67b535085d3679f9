"""A fast local emulator of the Telegram Bot API and Twilio's Messages API that enforces limits.

It serves, on one port:

- `POST /bot<token>/sendMessage` (and `getMe`, `getMyCommands`, `deleteWebhook`, `close`,
  `logOut`, which is more than `Bot.initialize()` needs) with Telegram's JSON envelope;
- `POST /2010-04-01/Accounts/<AccountSid>/Messages.json` with Twilio's answers;
- `GET /stats` (what was accepted, refused and when, as JSON) and `GET /health`.

Limits, per client (the bot token on Telegram, the AccountSid on Twilio), over a sliding window
of one second: at most `telegram_rate` accepted messages, at most one message per
`chat_interval` seconds to one chat, and at most `sms_rate` SMS segments. A send over a limit
gets a 429 that announces a pause (`parameters.retry_after` on Telegram, a `Retry-After` header
and code 20429 on Twilio), in whole seconds as both providers give it, and the client is refused
until that pause ends. A request that arrives before the end of the latest pause announced to
its client is counted as `during_pause`; while the first pause lasts it is refused with a 429
naming what is left of it, rounded up to whole seconds. That rounding tells the client of a later
end than the first pause's: the emulator counts by the latest end it told the client, but it
keeps refusing only until the first pause's end, so the 429s answered during a pause do not
extend it (no cascade of pauses for a client that keeps knocking).

It is meant to run in a process of its own (`python -m bench.emulator`, or `EmulatorProcess`)
so that it does not share an event loop, or the GIL, with the client being measured. It is a
raw asyncio HTTP/1.1 server with keep-alive: no framework, to stay cheap per request.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import math
import re
import resource
import signal
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from notifiers.sms_segments import segments

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
DEFAULT_AUTH_TOKEN = "bench-twilio-auth-token-0123456789"  # noqa: S105 - the fake's own
DEFAULT_FROM = "+12035550100"
BOT_ID = 123456
WINDOW = 1.0  # seconds: the sliding window over which the per-second limits are counted
HISTOGRAM_BIN = 0.1  # seconds per bin of the accepted-per-interval timeline in the stats
MAX_HEAD = 64 * 1024
MAX_BODY = 1024 * 1024

_BOT_PATH = re.compile(r"^/bot(?P<token>\d+:[A-Za-z0-9_-]+)/(?P<method>[A-Za-z0-9_]+)/?$")
_TWILIO_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-fA-F]{32})/Messages\.json$")
_E164 = re.compile(r"^\+[1-9]\d{1,14}$")
_CHAT_ID = re.compile(r"^-?\d{1,20}$")
_REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    411: "Length Required",
    413: "Payload Too Large",
    429: "Too Many Requests",
}


@dataclass
class ChannelState:
    """What one channel saw: the accepted messages, the 429s and the pauses they announced."""

    rate: float
    accepted: int = 0
    units: float = 0.0  # messages on Telegram, segments on SMS
    rate_limited: int = 0  # 429s answered, for any reason
    during_pause: int = 0  # requests that arrived during a pause announced to their client
    invalid: int = 0  # requests refused as malformed (a client bug, listed in `violations`)
    requests: int = 0
    first_request: float | None = None
    last_accepted: float | None = None
    received: dict[str, list[str]] = field(default_factory=dict)
    timeline: dict[int, int] = field(default_factory=dict)  # HISTOGRAM_BIN index -> accepted
    reasons_429: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    window: dict[str, deque[tuple[float, float]]] = field(default_factory=dict)
    window_sum: dict[str, float] = field(default_factory=dict)
    refused_until: dict[str, float] = field(default_factory=dict)  # the limits' own pauses
    announced_until: dict[str, float] = field(default_factory=dict)  # what clients were told

    def wait_for_room(self, client: str, cost: float, now: float) -> float:
        """0 if `cost` more units fit in the client's sliding window now, else seconds to wait."""
        entries = self.window.setdefault(client, deque())
        total = self.window_sum.get(client, 0.0)
        while entries and entries[0][0] <= now - WINDOW:
            total -= entries.popleft()[1]
        self.window_sum[client] = total
        if total + cost <= self.rate + 1e-9:
            return 0.0
        # The wait until enough of the oldest entries leave the window.
        freed = total
        for stamp, units in entries:
            freed -= units
            if freed + cost <= self.rate + 1e-9:
                return stamp + WINDOW - now
        return WINDOW

    def accept(self, client: str, recipient: str, text: str, cost: float, now: float) -> None:
        """Record an accepted message."""
        self.window[client].append((now, cost))
        self.window_sum[client] = self.window_sum.get(client, 0.0) + cost
        self.accepted += 1
        self.units += cost
        self.last_accepted = now
        self.received.setdefault(recipient, []).append(text)
        start = self.first_request if self.first_request is not None else now
        slot = int((now - start) / HISTOGRAM_BIN)
        self.timeline[slot] = self.timeline.get(slot, 0) + 1

    def pause_check(self, client: str, now: float) -> int | None:
        """Count a request inside an announced pause; the retry_after to refuse it with, or None
        when the limit's own pause is over."""
        if now >= self.announced_until.get(client, 0.0):
            return None
        self.during_pause += 1
        until = self.refused_until.get(client, 0.0)
        if now >= until:
            return None  # counted, but let the limits decide
        return self.announce(client, until - now, now, "during an announced pause", extend=False)

    def announce(
        self, client: str, wait: float, now: float, why: str, *, extend: bool = True
    ) -> int:
        """Answer a 429: whole seconds, at least one, and remember the pause it announces."""
        seconds = max(1, math.ceil(wait - 1e-9))
        if extend:
            self.refused_until[client] = max(self.refused_until.get(client, 0.0), now + seconds)
        self.announced_until[client] = max(self.announced_until.get(client, 0.0), now + seconds)
        self.rate_limited += 1
        self.reasons_429[why] = self.reasons_429.get(why, 0) + 1
        return seconds

    def report(self) -> dict[str, Any]:
        """The channel's figures as JSON-ready values."""
        first = self.first_request
        span = (self.last_accepted - first) if first is not None and self.last_accepted else 0.0
        width = max(self.timeline) + 1 if self.timeline else 0
        return {
            "rate": self.rate,
            "requests": self.requests,
            "accepted": self.accepted,
            "units": self.units,
            "rate_limited": self.rate_limited,
            "reasons_429": self.reasons_429,
            "during_pause": self.during_pause,
            "invalid": self.invalid,
            "violations": self.violations[:20],
            "first_request_to_last_accepted": span,
            "received": self.received,
            "timeline_bin_seconds": HISTOGRAM_BIN,
            "timeline": [self.timeline.get(i, 0) for i in range(width)],
        }


class Emulator:
    """The request handlers and their state (one event loop; no locking needed)."""

    def __init__(
        self,
        *,
        telegram_rate: float,
        sms_rate: float,
        chat_interval: float = 1.0,
        latency: float = 0.0,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
    ) -> None:
        self.telegram = ChannelState(telegram_rate)
        self.sms = ChannelState(sms_rate)
        self.chat_interval = chat_interval
        self.latency = latency
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.chat_last: dict[tuple[str, str], float] = {}
        self.message_ids = itertools.count(1)
        self.connections = 0
        self.max_connections = 0
        self.open_connections = 0
        self.started = time.monotonic()

    # --- routing ----------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one request: (status, extra headers, JSON body)."""
        parts = urlsplit(target)
        path = parts.path
        if match := _BOT_PATH.match(path):
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            params.update(_form(headers.get("content-type", ""), body))
            return self._telegram(match["token"], match["method"], params)
        if match := _TWILIO_PATH.match(path):
            if method != "POST":
                return _twilio_error(405, 20004, "Method not allowed")
            return self._twilio(match["sid"], headers, body)
        if path == "/stats" and method == "GET":
            return 200, {}, json.dumps(self.stats()).encode()
        if path == "/health":
            return 200, {}, b'{"ok":true}'
        return 404, {}, b'{"ok":false,"error_code":404,"description":"Not Found"}'

    # --- Telegram ---------------------------------------------------------------------------

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Crime Watch (emulated)",
            "username": "crimewatch_bench_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _telegram(
        self, token: str, method: str, params: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        if method == "getMe":
            return _ok(self._bot_user())
        if method in ("deleteWebhook", "close", "logOut", "setMyCommands"):
            return _ok(True)
        if method == "getMyCommands":
            return _ok([])
        if method != "sendMessage":
            return _tg_error(404, "Not Found: method not emulated")
        state = self.telegram
        now = time.monotonic()
        state.requests += 1
        if state.first_request is None:
            state.first_request = now
        chat = params.get("chat_id", "")
        text = params.get("text", "")
        if not _CHAT_ID.match(chat):
            return self._tg_invalid(f"sendMessage: chat_id {chat!r} is not an integer")
        if not text.strip():
            return self._tg_invalid("sendMessage: text is empty")
        if len(text) > 4096:
            return self._tg_invalid(f"sendMessage: text of {len(text)} characters")
        if params.get("parse_mode") not in (None, "HTML", "MarkdownV2", "Markdown"):
            return self._tg_invalid(f"sendMessage: parse_mode {params['parse_mode']!r}")
        retry = state.pause_check(token, now)
        if retry is None:
            last = self.chat_last.get((token, chat))
            if last is not None and now - last < self.chat_interval:
                retry = state.announce(token, last + self.chat_interval - now, now, "per chat")
        if retry is None:
            wait = state.wait_for_room(token, 1.0, now)
            if wait > 0:
                retry = state.announce(token, wait, now, "overall rate")
        if retry is not None:
            body = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry}",
                "parameters": {"retry_after": retry},
            }
            return 429, {}, json.dumps(body).encode()
        self.chat_last[(token, chat)] = now
        state.accept(token, chat, text, 1.0, now)
        chat_id = int(chat)
        chat_object: dict[str, Any] = {"id": chat_id, "type": "private"}
        if chat_id < 0:
            chat_object.update(type="supergroup", title=f"Chat {chat_id}")
        message = {
            "message_id": next(self.message_ids),
            "from": self._bot_user(),
            "chat": chat_object,
            "date": int(time.time()),
            "text": text,
        }
        return _ok(message)

    def _tg_invalid(self, why: str) -> tuple[int, dict[str, str], bytes]:
        self.telegram.invalid += 1
        self.telegram.violations.append(why)
        return _tg_error(400, f"Bad Request: {why}")

    # --- Twilio -----------------------------------------------------------------------------

    def _twilio(
        self, sid: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        state = self.sms
        now = time.monotonic()
        state.requests += 1
        if state.first_request is None:
            state.first_request = now
        if _basic_auth(headers.get("authorization", "")) != (self.account_sid, self.auth_token):
            state.invalid += 1
            state.violations.append("missing or wrong HTTP Basic credentials")
            return _twilio_error(401, 20003, "Authenticate")
        if sid != self.account_sid:
            state.invalid += 1
            state.violations.append("AccountSid in the path is not the authenticated one")
            return _twilio_error(401, 20003, "Authenticate")
        form = _form(headers.get("content-type", ""), body)
        to, sender = form.get("To", ""), form.get("From")
        service, text = form.get("MessagingServiceSid"), form.get("Body", "")
        problem = None
        if not _E164.match(to):
            problem = (21211, f"To is not E.164: {to!r}")
        elif bool(sender) == bool(service):
            problem = (21603, "give exactly one of From or MessagingServiceSid")
        elif not text:
            problem = (21602, "Message body is required.")
        elif len(text) > 1600:
            problem = (21617, f"Body has {len(text)} characters (max 1600)")
        if problem is not None:
            state.invalid += 1
            state.violations.append(problem[1])
            return _twilio_error(400, *problem)
        cost = float(segments(text))
        retry = state.pause_check(sid, now)
        if retry is None:
            wait = state.wait_for_room(sid, cost, now)
            if wait > 0:
                retry = state.announce(sid, wait, now, "segments per second")
        if retry is not None:
            return _twilio_error(429, 20429, "Too Many Requests", {"Retry-After": str(retry)})
        state.accept(sid, to, text, cost, now)
        message_sid = f"SM{next(self.message_ids):032x}"
        stamp = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
        answer: dict[str, Any] = {
            "account_sid": sid,
            "api_version": "2010-04-01",
            "body": text,
            "date_created": stamp,
            "date_sent": None,
            "date_updated": stamp,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": sender,
            "messaging_service_sid": service,
            "num_media": "0",
            "num_segments": str(int(cost)),
            "price": None,
            "price_unit": "USD",
            "sid": message_sid,
            "status": "queued" if sender else "accepted",
            "subresource_uris": {},
            "to": to,
            "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
        }
        return 201, {}, json.dumps(answer).encode()

    # --- stats ------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Everything the benchmark reads at the end."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "telegram": self.telegram.report(),
            "sms": self.sms.report(),
            "connections": self.connections,
            "max_open_connections": self.max_connections,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "max_rss_kib": usage.ru_maxrss,
            "uptime": time.monotonic() - self.started,
        }

    # --- HTTP/1.1 ---------------------------------------------------------------------------

    async def serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Answer requests on one keep-alive connection, in order."""
        self.connections += 1
        self.open_connections += 1
        self.max_connections = max(self.max_connections, self.open_connections)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, version = [*lines[0].split(" ", 2), "", ""][:3]
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    name, colon, value = line.partition(":")
                    if colon:
                        headers[name.strip().lower()] = value.strip()
                body = await _read_body(reader, headers)
                extra: dict[str, str]
                if body is None:
                    status, extra, payload = 411, {}, b'{"error":"length required"}'
                else:
                    status, extra, payload = self.handle(method, target, headers, body)
                if self.latency:
                    await asyncio.sleep(self.latency)
                close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
                writer.write(_response(status, extra, payload, close))
                await writer.drain()
                if close or body is None:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self.open_connections -= 1
            writer.close()


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes | None:
    """The request body (Content-Length or chunked); None when it cannot be delimited."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks: list[bytes] = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                await reader.readuntil(b"\r\n")  # the (empty) trailer
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length = headers.get("content-length")
    if length is None:
        return b""
    size = int(length)
    if size > MAX_BODY:
        return None
    return await reader.readexactly(size) if size else b""


def _response(status: int, extra: dict[str, str], payload: bytes, close: bool) -> bytes:
    head = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
        "Connection: close" if close else "Connection: keep-alive",
    ]
    head.extend(f"{name}: {value}" for name, value in extra.items())
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload


def _form(content_type: str, body: bytes) -> dict[str, str]:
    """Form-encoded or JSON parameters as strings (the two encodings PTB and the SDK use)."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body)
        except ValueError:
            return {}
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _ok(result: object) -> tuple[int, dict[str, str], bytes]:
    return 200, {}, json.dumps({"ok": True, "result": result}).encode()


def _tg_error(status: int, description: str) -> tuple[int, dict[str, str], bytes]:
    body = {"ok": False, "error_code": status, "description": description}
    return status, {}, json.dumps(body).encode()


def _twilio_error(
    status: int, code: int, message: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return status, headers or {}, json.dumps(body).encode()


def _basic_auth(header: str) -> tuple[str, str] | None:
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    return user, password


# --- running it ---------------------------------------------------------------------------------


async def serve(emulator: Emulator, host: str, port: int) -> None:
    """Serve until SIGTERM/SIGINT; prints `LISTENING <url>` once the socket is bound."""
    server = await asyncio.start_server(
        emulator.serve_connection, host, port, limit=MAX_HEAD, backlog=1024
    )
    bound = server.sockets[0].getsockname()
    print(f"LISTENING http://{bound[0]}:{bound[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--telegram-rate", type=float, default=300.0, help="messages/s")
    parser.add_argument("--sms-rate", type=float, default=100.0, help="segments/s")
    parser.add_argument("--chat-interval", type=float, default=1.0, help="seconds per chat")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per answer")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.emulator`."""
    args = parse_args(argv)
    emulator = Emulator(
        telegram_rate=args.telegram_rate,
        sms_rate=args.sms_rate,
        chat_interval=args.chat_interval,
        latency=args.latency,
    )
    asyncio.run(serve(emulator, args.host, args.port))


class EmulatorProcess:
    """Runs the emulator in a child process (so it has its own interpreter and event loop).

    with EmulatorProcess(telegram_rate=300, sms_rate=100) as emulator:
        ...  # point clients at emulator.url
        stats = emulator.stats()
    """

    def __init__(
        self,
        *,
        telegram_rate: float,
        sms_rate: float,
        chat_interval: float = 1.0,
        latency: float = 0.0,
    ) -> None:
        self.args = [
            f"--telegram-rate={telegram_rate}",
            f"--sms-rate={sms_rate}",
            f"--chat-interval={chat_interval}",
            f"--latency={latency}",
        ]
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> EmulatorProcess:
        """Start the child and wait until it listens."""
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bench.emulator", *self.args],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("LISTENING "):
            self.stop()
            raise RuntimeError(f"the emulator did not start: {line!r}")
        self.url = line.removeprefix("LISTENING ")
        return self

    def stats(self) -> dict[str, Any]:
        """The emulator's figures so far."""
        response = httpx.get(f"{self.url}/stats", timeout=30)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL if it lingers)."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


if __name__ == "__main__":
    main()
