"""The SMS channel, on the Twilio SDK's async client, with its errors classified.

Facts about twilio-python 9 this module works around (checked against its sources):
- Hosts are hard-coded; `client.api.base_url` is read at request time, so setting it points every
  Messages request at `api_url`. `TWILIO_EDGE` / `TWILIO_REGION` from the environment would
  rewrite the host again, so both are cleared on the client.
- `AsyncTwilioHttpClient(timeout=...)` stores the timeout but never uses it: the SDK calls
  `request(timeout=None)`, which aiohttp takes as "no timeout at all". The seam below fills in
  our timeout on every request.
- `max_retries` (default None) wraps the session in aiohttp_retry, which would resend POSTs:
  Twilio takes no idempotency key, so it stays None and the delivery worker decides.
- `AsyncTwilioHttpClient` opens its aiohttp session in its constructor, which needs a running
  event loop: the client is therefore built on the first send.
- `AsyncTwilioHttpClient` passes credentials as aiohttp's `BasicAuth`, deprecated since aiohttp
  3.14; the seam sends them as an Authorization header instead (the SDK never logs that header).
- `TwilioRestException` carries neither the response nor its headers: the seam keeps the last
  response of the current task so that a 429's Retry-After can be read.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import datetime
from typing import Any, ClassVar

import aiohttp
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http import AsyncHttpClient
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from notifiers.base import OutboundMessage, Outcome, SendResult
from notifiers.sms_segments import segments

log = logging.getLogger(__name__)

# The last HTTP response the SDK received in this task (a send runs in one task).
_LAST_RESPONSE: ContextVar[Response | None] = ContextVar("twilio_last_response", default=None)

# Anything that looks like a phone number in a provider message (Twilio quotes the To number).
_PHONE_LIKE = re.compile(r"\+?\(?\d[\d ()-]{5,}\d")


def scrub(text: str) -> str:
    """The text with phone-number-like digit runs masked, so a reason can be stored and logged."""
    return _PHONE_LIKE.sub("[phone]", text)


def _header(headers: Any, name: str) -> str | None:
    """A response header, case-insensitively, from whatever mapping the HTTP client gave."""
    if not headers:
        return None
    lowered = name.lower()
    for key, value in headers.items():
        if str(key).lower() == lowered:
            return str(value)
    return None


def retry_after_from(response: Response | None, default: float) -> float:
    """Seconds from a Retry-After header (delta-seconds form), else the default."""
    value = _header(response.headers if response is not None else None, "Retry-After")
    try:
        seconds = float(value) if value is not None else default
    except ValueError:
        return default  # an HTTP date: rare enough to wait the default and be told again
    return max(seconds, 0.0)


class _Seam(AsyncHttpClient):  # type: ignore[misc]
    """Wraps the real HTTP client: applies our timeout, remembers the response for the task."""

    def __init__(self, inner: AsyncHttpClient, timeout: float) -> None:
        super().__init__(inner.logger, True, timeout)
        self.inner = inner

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
        """Forward one request with a timeout, and keep its response for error handling."""
        headers = dict(headers or {})
        if auth is not None:
            # As a header: aiohttp 3.14 deprecates the `auth=BasicAuth(...)` the SDK would pass.
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        response: Response = await self.inner.request(
            method,
            uri,
            params=params,
            data=data,
            headers=headers,
            auth=None,
            timeout=timeout if timeout is not None else self.timeout,
            allow_redirects=allow_redirects,
        )
        _LAST_RESPONSE.set(response)
        return response


class SmsNotifier:
    """Sends SMS through Twilio's Messages API and classifies what happened.

    With both a Messaging Service and a from number configured, the Messaging Service is used
    (it picks the sender from its pool and applies its opt-out rules).
    """

    channel = "sms"
    MAX_BODY = 1600  # characters; Twilio answers 21617 beyond
    SEGMENTS_PER_SECOND_DEFAULT = 1  # a US long code (A2P 10DLC); toll-free and short codes more
    OPTED_OUT = 21610
    INVALID_NUMBER = 21211
    NOT_MOBILE = 21614
    RATE_LIMITED = 20429
    DEFAULT_TIMEOUT = 15.0  # seconds for the whole request
    DEFAULT_RETRY_AFTER = 1.0  # seconds to pause after a 429 that names no Retry-After

    ADDRESS_STATUS: ClassVar[Mapping[int, str]] = {
        OPTED_OUT: "opted_out",
        INVALID_NUMBER: "invalid",
        NOT_MOBILE: "not_mobile",
    }

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
        api_url: str = "https://api.twilio.com",
        timeout: float = DEFAULT_TIMEOUT,
        http_client: AsyncHttpClient | None = None,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("give from_number or messaging_service_sid")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.account_sid = account_sid
        self._auth_token = auth_token
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.status_callback = status_callback
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self._injected = http_client
        self._owned: AsyncTwilioHttpClient | None = None
        self._client: Client | None = None

    def __repr__(self) -> str:
        return f"<SmsNotifier {self.api_url}>"  # never the token

    def _twilio(self) -> Client:
        """The SDK client, built on first use (aiohttp needs a running loop)."""
        if self._client is None:
            inner = self._injected
            if inner is None:
                # max_retries=None: no aiohttp_retry wrapper, so a POST is never resent by the SDK.
                self._owned = AsyncTwilioHttpClient(timeout=self.timeout, max_retries=None)
                inner = self._owned
            client = Client(
                username=self.account_sid,
                password=self._auth_token,
                account_sid=self.account_sid,
                http_client=_Seam(inner, self.timeout),
            )
            client.edge = None  # TWILIO_EDGE / TWILIO_REGION in the environment would rewrite
            client.region = None  # the host that api_url names
            client.api.base_url = self.api_url
            self._client = client
        return self._client

    async def send(self, message: OutboundMessage) -> SendResult:
        """Send `message.text` as the SMS body to the E.164 number in `message.address`."""
        body = message.text
        if not body.strip():
            return SendResult(Outcome.FAILED, reason="empty SMS body")
        if len(body) > self.MAX_BODY:
            return SendResult(
                Outcome.FAILED, reason=f"SMS body of {len(body)} characters (max {self.MAX_BODY})"
            )
        params: dict[str, Any] = {"to": message.address, "body": body}
        if self.messaging_service_sid:  # the service picks the sender from its pool
            params["messaging_service_sid"] = self.messaging_service_sid
        else:
            params["from_"] = self.from_number
        if self.status_callback:
            params["status_callback"] = self.status_callback
        client = self._twilio()
        _LAST_RESPONSE.set(None)
        try:
            created = await client.messages.create_async(**params)
        except (TwilioRestException, TwilioServiceException) as error:
            return self.classify_rest(error, _LAST_RESPONSE.get())
        except Exception as error:
            result = classify_transport(error)
            if result is None:
                raise
            return result
        num = getattr(created, "num_segments", None)
        try:
            count = int(num) if num not in (None, "") else segments(body)
        except (TypeError, ValueError):
            count = segments(body)
        return SendResult(Outcome.SENT, provider_id=created.sid, segments=max(count, 1))

    async def find_sent(self, message: OutboundMessage, since: datetime) -> str | None:
        """After a send whose answer never came: the SID of the message Twilio created for it
        (same number and body, created since `since`), or None when Twilio has none. Raises
        when Twilio cannot be asked either, so the outcome stays unknown."""
        client = self._twilio()
        recent = await client.messages.list_async(to=message.address, limit=20)
        for record in recent:
            created = record.date_created
            if record.body == message.text and (created is None or created >= since):
                return str(record.sid)
        return None

    def classify_rest(
        self, error: TwilioRestException | TwilioServiceException, response: Response | None
    ) -> SendResult:
        """Turn an error answer from Twilio into an outcome (before anyone retries)."""
        status = int(error.status or 0)
        code = int(error.code) if error.code is not None else status
        detail = (
            getattr(error, "msg", None)
            or getattr(error, "detail", None)
            or getattr(error, "title", None)
            or ""
        )
        detail = str(detail).removeprefix("Unable to create record: ")
        reason = scrub(f"Twilio {code} (HTTP {status}): {detail}")[:300]
        if code in self.ADDRESS_STATUS:
            return SendResult(
                Outcome.UNREACHABLE, reason=reason, address_status=self.ADDRESS_STATUS[code]
            )
        if status == 429 or code == self.RATE_LIMITED:
            return SendResult(
                Outcome.RATE_LIMITED,
                reason=reason,
                retry_after=retry_after_from(response, self.DEFAULT_RETRY_AFTER),
            )
        if status >= 500:
            return SendResult(Outcome.RETRY, reason=reason)
        return SendResult(Outcome.FAILED, reason=reason)

    async def close(self) -> None:
        """Close the HTTP session this notifier opened (an injected client is the caller's)."""
        if self._owned is not None:
            await self._owned.close()
            self._owned = None
        self._client = None


def classify_transport(error: BaseException) -> SendResult | None:
    """Classify a failure below HTTP; None for anything that is not a transport failure.

    A connection that was never made cannot have delivered anything, so it is retried; once the
    request may have left (a timeout or a dropped connection afterwards), Twilio may have sent
    the SMS and resending could double it, so the outcome is unknown.
    """
    name = type(error).__name__
    if isinstance(error, aiohttp.ConnectionTimeoutError):  # timed out while connecting
        return SendResult(Outcome.RETRY, reason=f"{name}: could not connect to Twilio in time")
    if isinstance(error, aiohttp.ClientConnectorError):  # refused, DNS, TLS handshake
        return SendResult(Outcome.RETRY, reason=scrub(f"{name}: {error}")[:300])
    if isinstance(error, asyncio.TimeoutError):
        return SendResult(Outcome.UNKNOWN, reason=f"{name}: no answer from Twilio in time")
    if isinstance(error, aiohttp.ClientError):
        return SendResult(Outcome.UNKNOWN, reason=scrub(f"{name}: {error}")[:300])
    if isinstance(error, ValueError):  # an answer we could not parse: it may have been sent
        return SendResult(Outcome.UNKNOWN, reason=f"{name}: unreadable answer from Twilio")
    return None
