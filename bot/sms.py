"""The SMS face: Twilio's webhooks for incoming texts and delivery status callbacks.

Every request must carry a valid `X-Twilio-Signature` (HMAC of the public URL Twilio called and
the form parameters, keyed with the auth token); anything else gets 403 and changes nothing.
The signature covers the URL Twilio used, so it is rebuilt from `PUBLIC_URL`, not from the
request (a TLS proxy in front changes scheme, host and port). Incoming texts are answered with
TwiML; an empty `<Response/>` sends nothing.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from bot.webhooks import BodyTooLarge, Once, read_body
from core.delivery.sms_inbound import SmsInbound

log = logging.getLogger(__name__)

INBOUND_PATH = "/twilio/sms"
STATUS_PATH = "/twilio/status"
SIGNATURE_HEADER = "X-Twilio-Signature"
MAX_FORM_BYTES = 64_000  # Twilio's webhook forms are a few kilobytes
TWIML_TYPE = "text/xml; charset=utf-8"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def twiml(reply: str | None) -> Response:
    """A TwiML answer: one message, or an empty response that sends nothing."""
    if reply is None:
        body = f"{XML_DECLARATION}<Response/>"
    else:
        body = f"{XML_DECLARATION}<Response><Message>{escape(reply)}</Message></Response>"
    return Response(body, media_type=TWIML_TYPE)


def sms_routes(service: SmsInbound, public_url: str, auth_token: str) -> list[Route]:
    """The two webhook routes, verified against the auth token and the public base URL."""
    validator = RequestValidator(auth_token)
    base = public_url.rstrip("/")

    async def verified_form(request: Request, path: str) -> dict[str, str] | None:
        """The form parameters if the request is signed by Twilio, else None."""
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            log.warning("twilio webhook %s: refused a request without a signature", path)
            return None
        try:
            raw = await read_body(request, MAX_FORM_BYTES)
        except BodyTooLarge:
            log.warning("twilio webhook %s: refused an oversized request", path)
            return None
        # Parsed by hand: Starlette's request.form() needs python-multipart, which we don't use.
        form = ImmutableMultiDict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        url = f"{base}{path}"
        if request.url.query:
            url = f"{url}?{request.url.query}"
        if not validator.validate(url, form, signature):
            log.warning("twilio webhook %s: refused a request with a wrong signature", path)
            return None
        return dict(form.items())

    texts: Once[str | None] = Once()

    async def inbound(request: Request) -> Response:
        form = await verified_form(request, INBOUND_PATH)
        if form is None:
            return Response(status_code=403)

        async def handle() -> str | None:
            return await service.inbound(
                form.get("From", ""), form.get("Body", ""), opt_out_type=form.get("OptOutType")
            )

        # Twilio sends a text again when our answer was late or failed: the same MessageSid
        # gets the same reply, and files nothing twice.
        sid = form.get("MessageSid") or form.get("SmsSid")
        reply = await texts.run(sid, handle) if sid else await handle()
        return twiml(reply)

    async def status(request: Request) -> Response:
        form = await verified_form(request, STATUS_PATH)
        if form is None:
            return Response(status_code=403)
        sid = form.get("MessageSid") or form.get("SmsSid") or ""
        state = form.get("MessageStatus") or form.get("SmsStatus") or ""
        if sid and state:
            await service.status_callback(sid, state, form.get("ErrorCode"))
        return Response(status_code=200)

    return [
        Route(INBOUND_PATH, inbound, methods=["POST"]),
        Route(STATUS_PATH, status, methods=["POST"]),
    ]
