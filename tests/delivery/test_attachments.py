"""Buttons and files carried through the outbox to Telegram."""

from __future__ import annotations

from core.delivery.outbox import Attachment, Message
from core.services import Services
from notifiers.base import OutboundMessage, Outcome
from notifiers.telegram import TelegramNotifier
from storage.delivery.repositories import OutboxRepository


async def test_buttons_and_a_file_survive_the_outbox(services: Services) -> None:
    message = Message(
        html="<b>hi</b>",
        text="hi",
        buttons=((("Yes", "rsvp:1:going"), ("No", "rsvp:1:no")),),
        attachment=Attachment("meeting-1.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n"),
    )
    async with services.db.transaction() as session:
        await services.outbox.enqueue_in(
            session, kind="meeting", message=message, recipients=[], direct=[("telegram", "42")]
        )
    async with services.db.transaction() as session:
        jobs = await OutboxRepository(session).claim(
            channel="telegram",
            now=services.clock.now(),
            lease_until=services.clock.now(),
            limit=10,
            skip_locked=not services.db.is_sqlite,
        )
    assert len(jobs) == 1
    assert jobs[0].attachment == ("meeting-1.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n")
    assert jobs[0].buttons is not None and "rsvp:1:going" in jobs[0].buttons


async def test_telegram_sends_buttons_then_the_file(bot_and_api) -> None:  # type: ignore[no-untyped-def]
    bot, api = bot_and_api
    message = OutboundMessage(
        "42",
        "<b>Meeting</b>",
        "Meeting",
        buttons=((("Going", "rsvp:1:going"),),),
        attachment=("meeting-1.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
    )
    result = await TelegramNotifier(bot, part_interval=0).send(message)
    assert result.outcome is Outcome.SENT and result.reason == ""
    sent = api.calls_to("sendMessage")[0]
    assert sent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "rsvp:1:going"
    upload = api.calls_to("sendDocument")[0].files["document"]
    assert upload.file_name == "meeting-1.ics" and upload.content.startswith(b"BEGIN:VCALENDAR")
    # A file that fails after the text went is noted, not retried (that would repeat the text).
    api.fail_next("sendDocument", status=400, description="Bad Request: file is empty")
    result = await TelegramNotifier(bot, part_interval=0).send(message)
    assert result.outcome is Outcome.SENT and result.reason.startswith("file not sent")
