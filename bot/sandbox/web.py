"""The sandbox's HTTP side: Telegram's and Twilio's URLs, and the web chat with its JSON API.

One ASGI application on 127.0.0.1 answers three audiences: the service's python-telegram-bot
(`/bot<token>/...`, `/file/bot<token>/...`), the service's twilio SDK (`/2010-04-01/...`), and
the page (`/`, `/static/...`, `/api/...`, `/events`). The page's actions become what Telegram
or Twilio would deliver to the service: an Update by webhook, an inbound SMS webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from bot.sandbox.bot_api import SandboxBotAPI
from bot.sandbox.people import People, Person, PersonError
from bot.sandbox.sms import SandboxTwilio
from bot.sandbox.telegram_api import JSON
from bot.sandbox.telegram_http import _BotAPIApp
from bot.sandbox.twilio_api import _TwilioApp
from core.delivery.reports import Activity

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
MAX_TEXT = 4096  # what a Telegram client lets you type
MAX_SMS = 1600
MAX_PHOTO_BYTES = 10 * 1024 * 1024
EVENT_QUEUE = 256
KEEPALIVE_SECONDS = 15.0


class Hub:
    """Fans out 'something changed' to every open page (server-sent events)."""

    def __init__(self) -> None:
        self.queues: set[asyncio.Queue[str]] = set()

    def publish(self, kind: str, key: object) -> None:
        """Tell every page that a chat, a phone or the outbox changed."""
        event = json.dumps({"kind": kind, "key": key})
        for queue in list(self.queues):
            if queue.full():  # a page that stopped reading just misses events
                continue
            queue.put_nowait(event)

    async def stream(self, request: Request) -> AsyncIterator[str]:
        """One page's events until it goes away."""
        queue: asyncio.Queue[str] = asyncio.Queue(EVENT_QUEUE)
        self.queues.add(queue)
        try:
            yield "retry: 1000\n\n"
            while not await request.is_disconnected():
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield f"data: {event}\n\n"
        finally:
            self.queues.discard(queue)


class _Host:
    """What the tests' ASGI apps ask of the server they run in."""

    def __init__(self, url: str, api: SandboxBotAPI, fake: SandboxTwilio) -> None:
        self.url = url
        self.api = api
        self.fake = fake
        self.timeout_stall = 60.0
        self._closing = asyncio.Event()

    async def closing(self) -> None:
        await self._closing.wait()

    def close(self) -> None:
        self._closing.set()


class Sandbox:
    """The sandbox's state: the Bot API, the SMS provider, the people and the page."""

    def __init__(
        self,
        *,
        url: str,
        api: SandboxBotAPI,
        twilio: SandboxTwilio,
        people: People,
        hub: Hub,
        activity: Callable[[], Awaitable[list[Activity]]],
    ) -> None:
        self.url = url
        self.api = api
        self.twilio = twilio
        self.people = people
        self.hub = hub
        self.activity = activity
        self.host = _Host(url, api, twilio)
        self._telegram = _BotAPIApp(self.host)  # type: ignore[arg-type]
        self._twilio = _TwilioApp(self.host)  # type: ignore[arg-type]
        self._page = Starlette(routes=self._routes())
        self._photos = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(("/bot", "/file/bot")):
            await self._telegram(scope, receive, send)
        elif scope["type"] == "http" and path.startswith("/2010-04-01/"):
            await self._twilio(scope, receive, send)
        else:
            await self._page(scope, receive, send)

    def _routes(self) -> list[Any]:
        return [
            Route("/", self.index),
            Route("/events", self.events),
            Route("/api/people", self.list_people, methods=["GET"]),
            Route("/api/people", self.add_person, methods=["POST"]),
            Route("/api/chat/{key}", self.chat, methods=["GET"]),
            Route("/api/chat/{key}/text", self.text, methods=["POST"]),
            Route("/api/chat/{key}/press", self.press, methods=["POST"]),
            Route("/api/chat/{key}/contact", self.contact, methods=["POST"]),
            Route("/api/chat/{key}/location", self.location, methods=["POST"]),
            Route("/api/chat/{key}/photo", self.photo, methods=["POST"]),
            Route("/api/file/{file_id}", self.file, methods=["GET"]),
            Route("/api/sms/{key}", self.phone, methods=["GET"]),
            Route("/api/sms/{key}", self.text_service, methods=["POST"]),
            Route("/api/outbox", self.outbox, methods=["GET"]),
            Route("/api/checks", self.checks, methods=["GET"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ]

    # ------------------------------------------------------------------ page and events

    async def index(self, request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def events(self, request: Request) -> Response:
        return StreamingResponse(
            self.hub.stream(request),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def list_people(self, request: Request) -> Response:
        return JSONResponse({"people": [p.as_json() for p in self.people.people]})

    async def add_person(self, request: Request) -> Response:
        body = await _json_body(request)
        if body is None:
            return _problem("Send the person as JSON: name, phone, language, telegram.")
        try:
            person = self.people.add(
                name=str(body.get("name", "")),
                phone=str(body.get("phone", "")),
                language=str(body.get("language", "en")),
                telegram=bool(body.get("telegram", True)),
            )
        except PersonError as error:
            return _problem(str(error))
        self.hub.publish("people", person.key)
        return JSONResponse({"person": person.as_json()}, status_code=201)

    # ------------------------------------------------------------------ Telegram

    def _telegram_person(self, request: Request) -> Person | Response:
        person = self.people.find(request.path_params["key"])
        if person is None:
            return _problem("There is nobody by that key here.", 404)
        if person.telegram_id is None:
            return _problem(f"{person.name} has no Telegram: use the phone panel.", 409)
        return person

    def _user(self, person: Person) -> JSON:
        first, _, last = person.name.partition(" ")
        return self.api.factory.user(
            person.telegram_id or 0,
            first_name=first,
            last_name=last or None,
            language_code=person.language,
        )

    async def chat(self, request: Request) -> Response:
        person = self._telegram_person(request)
        if isinstance(person, Response):
            return person
        chat = person.telegram_id or 0
        return JSONResponse(
            {
                "person": person.as_json(),
                "messages": self.api.transcript(chat),
                "keyboard": self.api.keyboards.get(chat),
                "toast": self.api.toasts.pop(chat, None),
            }
        )

    async def text(self, request: Request) -> Response:
        person = self._telegram_person(request)
        if isinstance(person, Response):
            return person
        body = await _json_body(request)
        text = str((body or {}).get("text", ""))
        if not text.strip():
            return _problem("Type a message first.")
        if len(text) > MAX_TEXT:
            return _problem(f"Telegram takes at most {MAX_TEXT} characters in a message.")
        chat = person.telegram_id or 0
        update = self.api.factory.text(self._user(person), text)
        reply_to = (body or {}).get("reply_to")
        if reply_to is not None:
            answered = self.api.message(chat, int(reply_to)) if str(reply_to).isdigit() else None
            if answered is None:
                return _problem("The message you are replying to is no longer there.", 409)
            update["message"]["reply_to_message"] = answered
        keyboard = self.api.keyboards.get(chat)
        if keyboard and keyboard.get("one_time_keyboard"):
            labels = {_label(b) for row in keyboard["keyboard"] for b in row}
            if text in labels:  # a one-time keyboard hides once a button of it is used
                self.api.keyboards.pop(chat, None)
        self.api.deliver(update)
        return JSONResponse({"ok": True}, status_code=202)

    async def press(self, request: Request) -> Response:
        person = self._telegram_person(request)
        if isinstance(person, Response):
            return person
        body = await _json_body(request) or {}
        try:
            message_id = int(body.get("message_id", 0))
        except (TypeError, ValueError):
            return _problem("Which message's button?")
        data = body.get("data")
        chat = person.telegram_id or 0
        message = self.api.message(chat, message_id)
        buttons = [
            button
            for row in ((message or {}).get("reply_markup") or {}).get("inline_keyboard", [])
            for button in row
        ]
        if not any(b.get("callback_data") == data for b in buttons):
            return _problem("That button is no longer on the message.", 409)
        self.api.deliver(self.api.factory.callback(self._user(person), str(data), message_id))
        return JSONResponse({"ok": True}, status_code=202)

    async def contact(self, request: Request) -> Response:
        person = self._telegram_person(request)
        if isinstance(person, Response):
            return person
        if not person.phone:
            return _problem(f"{person.name} has no phone number to share.", 409)
        # Telegram clients often share the number without its +.
        self.api.deliver(self.api.factory.contact(self._user(person), person.phone.lstrip("+")))
        self.api.keyboards.pop(person.telegram_id or 0, None)
        return JSONResponse({"ok": True}, status_code=202)

    async def location(self, request: Request) -> Response:
        person = self._telegram_person(request)
        if isinstance(person, Response):
            return person
        body = await _json_body(request) or {}
        try:
            lat, lon = float(body["latitude"]), float(body["longitude"])
        except (KeyError, TypeError, ValueError):
            return _problem("A location is a latitude and a longitude.")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return _problem("That location is not on the map.")
        self.api.deliver(self.api.factory.location(self._user(person), lat, lon))
        return JSONResponse({"ok": True}, status_code=202)

    async def photo(self, request: Request) -> Response:
        person = self._telegram_person(request)
        if isinstance(person, Response):
            return person
        content = await request.body()
        if not content:
            return _problem("Choose a picture to send.")
        if len(content) > MAX_PHOTO_BYTES:
            return _problem("Pictures up to 10 MB, please.")
        caption = request.query_params.get("caption") or None
        file_id = f"sandbox-photo-{next(self._photos)}"
        self.api.add_file(file_id, content)
        self.api.add_file(f"{file_id}-s", content)
        update = self.api.factory.photo(
            self._user(person), file_id=file_id, file_size=len(content), caption=caption
        )
        self.api.deliver(update)
        return JSONResponse({"ok": True}, status_code=202)

    async def file(self, request: Request) -> Response:
        file_id = request.path_params["file_id"]
        content = self.api.file(file_id)
        if content is None:
            return _problem("No such file.", 404)
        name = request.query_params.get("name", "")
        kind = _media_type(name, content)
        headers = {"Cache-Control": "no-store"}
        if name and not kind.startswith("image/"):
            safe = "".join(c for c in name if c.isalnum() or c in "._- ")[:80] or "file"
            headers["Content-Disposition"] = f'attachment; filename="{safe}"'
        return Response(content, media_type=kind, headers=headers)

    # ------------------------------------------------------------------ SMS

    def _phone_person(self, request: Request) -> Person | Response:
        person = self.people.find(request.path_params["key"])
        if person is None:
            return _problem("There is nobody by that key here.", 404)
        if not person.phone:
            return _problem(f"{person.name} has no phone number.", 409)
        return person

    async def phone(self, request: Request) -> Response:
        person = self._phone_person(request)
        if isinstance(person, Response):
            return person
        assert person.phone is not None
        return JSONResponse(
            {
                "person": person.as_json(),
                "texts": self.twilio.screen(person.phone),
                "opted_out": person.phone in self.twilio.opted_out,
            }
        )

    async def text_service(self, request: Request) -> Response:
        person = self._phone_person(request)
        if isinstance(person, Response):
            return person
        body = await _json_body(request)
        text = str((body or {}).get("text", ""))
        if not text.strip():
            return _problem("Type a text first.")
        if len(text) > MAX_SMS:
            return _problem(f"A text is at most {MAX_SMS} characters.")
        assert person.phone is not None
        replies = await self.twilio.text(person.phone, text)
        return JSONResponse({"replies": replies})

    async def checks(self, request: Request) -> Response:
        """The calls Telegram or Twilio would have refused (their published specs), and the
        429s the sandbox answered: empty lists mean the service kept to both."""
        return JSONResponse(
            {
                "telegram": list(self.api.violations),
                "twilio": list(self.twilio.violations),
                "rate_limited": self.api.limits.refused,
            }
        )

    # ------------------------------------------------------------------ what just happened

    async def outbox(self, request: Request) -> Response:
        try:
            found = await self.activity()
        except Exception:
            log.exception("sandbox: the outbox could not be read")
            return _problem("The outbox could not be read just now.", 503)
        return JSONResponse(
            {
                "notifications": [
                    {
                        "id": a.line.id,
                        "kind": a.line.kind,
                        "urgency": a.line.urgency,
                        "preview": a.line.preview,
                        "created_at": a.line.created_at.isoformat(),
                        "total": a.line.total,
                        "done": a.line.done,
                        "counts": a.counts,
                    }
                    for a in found
                ]
            }
        )


async def _json_body(request: Request) -> dict[str, Any] | None:
    with contextlib.suppress(ValueError, UnicodeDecodeError):
        body = json.loads(await request.body())
        if isinstance(body, dict):
            return body
    return None


def _label(button: Any) -> str:
    return button if isinstance(button, str) else str(button.get("text", ""))


def _problem(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _media_type(name: str, content: bytes) -> str:
    if content.startswith(b"\x89PNG"):
        return "image/png"
    if content.startswith(b"\xff\xd8"):
        return "image/jpeg"
    lowered = name.lower()
    for suffix, kind in (
        (".pdf", "application/pdf"),
        (".ics", "text/calendar"),
        (".csv", "text/csv"),
        (".txt", "text/plain"),
    ):
        if lowered.endswith(suffix):
            return kind
    return "application/octet-stream"
