"""Tests of ``FakeBotAPIServer``: the fake Bot API over real HTTP, driven by PTB's HTTPXRequest."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaPhoto,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut

from bot.sandbox.telegram_api import ApiCall, FakeBotAPI, UpdateFactory, UploadedFile
from bot.sandbox.telegram_http import FakeBotAPIServer, decode_form_value, parse_multipart

TOKEN = "123456:TEST-token_for-the-http-fake"
USER = 1001


@pytest.fixture
def api() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
def server(api: FakeBotAPI) -> Iterator[FakeBotAPIServer]:
    with FakeBotAPIServer(api) as server:
        yield server
    # The server has stopped: the API may be read directly again.
    assert api.violations == [], "calls Telegram would refuse:\n" + "\n".join(api.violations)


@pytest.fixture
async def bot(server: FakeBotAPIServer) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, base_url=server.url + "/bot", base_file_url=server.base_file_url)
    await bot.initialize()
    yield bot
    await bot.shutdown()


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in buttons]
    )


def summary(calls: list[ApiCall]) -> list[tuple[str, dict[str, Any], dict[str, Any], int]]:
    return [(call.method, call.params, call.files, call.status) for call in calls]


# ------------------------------------------------------------------------------ lifecycle


def test_the_server_listens_on_a_free_port_and_stops(api: FakeBotAPI) -> None:
    server = FakeBotAPIServer(api)
    with pytest.raises(RuntimeError, match="not running"):
        server.calls()
    with server:
        assert server.running
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        answer = httpx.get(f"{server.url}/bot{TOKEN}/getMe", timeout=5)
        assert answer.json()["result"]["username"] == "crimewatch_test_bot"
    assert not server.running
    server.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{server.port}/bot{TOKEN}/getMe", timeout=5)


def test_two_servers_run_side_by_side() -> None:
    with FakeBotAPIServer(FakeBotAPI()) as one, FakeBotAPIServer(FakeBotAPI(bot_id=42)) as two:
        assert one.port != two.port
        assert httpx.get(f"{two.url}/bot{TOKEN}/getMe", timeout=5).json()["result"]["id"] == 42
        assert len(one.calls()) == 0
        assert [call.method for call in two.calls()] == ["getMe"]


# ------------------------------------------------------------------------------ through PTB


async def test_get_me_answers_the_bot(server: FakeBotAPIServer, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "crimewatch_test_bot", True)
    assert [call.method for call in server.calls()] == ["getMe", "getMe"]  # initialize + get_me


async def test_send_message_with_keyboard_and_html_is_recorded_decoded(
    server: FakeBotAPIServer, bot: Bot
) -> None:
    markup = keyboard(("Yes", "yes:1"), ("No", "no:1"))
    text = "<b>Report</b> #12 &amp; more\nЛиния 🚓"
    message = await bot.send_message(
        USER, text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_notification=True
    )

    [call] = server.calls("sendMessage")
    assert call.params == {
        "chat_id": USER,
        "text": text,
        "parse_mode": "HTML",
        "disable_notification": True,
        "reply_markup": {
            "inline_keyboard": [
                [{"text": "Yes", "callback_data": "yes:1"}],
                [{"text": "No", "callback_data": "no:1"}],
            ]
        },
    }
    assert message.text == "Report #12 & more\nЛиния 🚓"
    assert message.reply_markup == markup
    assert server.sent_texts(USER) == [text]
    assert server.call(server.api.buttons, USER) == [("Yes", "yes:1"), ("No", "no:1")]


async def test_a_call_telegram_refuses_raises_bad_request_and_is_a_violation(
    server: FakeBotAPIServer, bot: Bot
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, "<b>unclosed", parse_mode=ParseMode.HTML)

    [violation] = server.violations()
    assert violation.startswith("sendMessage:")
    assert server.calls("sendMessage")[0].status == 400
    assert server.take_violations() == [violation]
    assert server.violations() == []


async def test_send_document_uploads_the_bytes(server: FakeBotAPIServer, bot: Bot) -> None:
    content = b"%PDF-1.4\r\n--not a boundary\r\n\x00\xff binary\r\n"
    message = await bot.send_document(
        USER, content, filename="incident report.pdf", caption="Weekly report"
    )

    [call] = server.calls("sendDocument")
    assert call.params == {"chat_id": USER, "caption": "Weekly report"}
    assert call.files == {
        "document": UploadedFile("incident report.pdf", "application/pdf", content)
    }
    assert message.document is not None
    assert message.document.file_size == len(content)
    assert message.document.file_name == "incident report.pdf"


async def test_get_updates_returns_a_pushed_update(server: FakeBotAPIServer, bot: Bot) -> None:
    updates = UpdateFactory(api=server.api)
    ann = updates.user(USER)
    # UpdateFactory(api=...) touches the API, so it runs on the server's loop too.
    pushed = server.push_update(server.call(updates.text, ann, "/start"))

    received = await bot.get_updates(timeout=1)
    assert [update.update_id for update in received] == [pushed["update_id"]]
    assert received[0].message is not None
    assert received[0].message.text == "/start"
    assert received[0].message.chat.id == USER

    assert await bot.get_updates(offset=pushed["update_id"] + 1, timeout=1) == ()
    assert server.calls("getUpdates")[-1].params == {"offset": 2, "timeout": 1}


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own
async def test_a_429_raises_retry_after(server: FakeBotAPIServer, bot: Bot) -> None:
    server.call(server.api.fail_next, "sendMessage", retry_after=7)

    with pytest.raises(RetryAfter, match=r"Retry in (7 seconds|0:00:07)"):
        await bot.send_message(USER, "Hello")
    await bot.send_message(USER, "Hello again")

    assert [call.status for call in server.calls("sendMessage")] == [429, 200]
    assert server.sent_texts(USER) == ["Hello again"]


async def test_a_blocked_user_answers_forbidden(server: FakeBotAPIServer, bot: Bot) -> None:
    server.call(server.api.block_user, USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "Hello")


async def test_an_injected_timeout_leaves_the_client_waiting(
    server: FakeBotAPIServer, bot: Bot
) -> None:
    server.call(server.api.raise_timeout_next, "sendMessage", after_delivery=True)

    with pytest.raises(TimedOut):
        await bot.send_message(USER, "Lost answer", read_timeout=0.3)

    assert server.sent_texts(USER) == ["Lost answer"]  # delivered; only the answer was lost
    await bot.send_message(USER, "Next")
    assert server.sent_texts(USER) == ["Lost answer", "Next"]


async def test_files_download_from_the_file_url(server: FakeBotAPIServer, bot: Bot) -> None:
    server.call(server.api.add_file, "doc-1", b"file content")

    file = await bot.get_file("doc-1")
    assert file.file_path == f"{server.base_file_url}{TOKEN}/files/file_1"
    assert await file.download_as_bytearray() == bytearray(b"file content")


async def test_http_decodes_like_the_in_process_request(server: FakeBotAPIServer, bot: Bot) -> None:
    """The same PTB calls give the same recorded calls over HTTP as through FakeRequest."""
    local_api = FakeBotAPI()
    local = Bot(TOKEN, request=local_api.request(), get_updates_request=local_api.request())
    await local.initialize()
    # Built once: uploads get random attach:// names, which must be the same for both.
    photos = [
        InputMediaPhoto(InputFile(b"\x89PNG one", filename="one.png", attach=True)),
        InputMediaPhoto(InputFile(b"\x89PNG two", filename="two.png", attach=True), "Two"),
    ]
    odd_name = InputFile(b"a;b\\c", filename='odd "name";\\ü.txt')

    for each in (bot, local):
        await each.send_message(
            USER,
            "<i>Hi</i> 123",
            parse_mode="HTML",
            reply_markup=keyboard(("A", "a")),
            protect_content=False,
        )
        await each.send_message("@crimewatch_news", "true")
        await each.send_message(-1001234567890, "42", message_thread_id=7)
        await each.send_location(USER, 40.7128, -74.006)
        await each.set_my_commands(
            [BotCommand("start", "Start"), BotCommand("help", "Help")],
            scope=BotCommandScopeChat(USER),
            language_code="en",
        )
        await each.send_document(USER, odd_name, caption="{not json")
        await each.send_media_group(USER, photos)
        await each.delete_message(USER, 1)
    await local.shutdown()

    assert local_api.violations == []
    assert summary(server.calls()) == summary(local_api.calls)


# ------------------------------------------------------------------------------ plain HTTP


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/getMe",
        "/botnot-a-token/getMe",
        "/bot123456/getMe",
        f"/bot{TOKEN}",
        f"/bot{TOKEN}/getMe/extra",
        "/file/botnot-a-token/files/file_1",
    ],
)
def test_a_wrong_path_is_404(server: FakeBotAPIServer, path: str) -> None:
    answer = httpx.post(server.url + path, timeout=5)

    assert answer.status_code == 404
    assert answer.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert server.calls() == []


def test_an_unknown_method_is_404_and_a_violation(server: FakeBotAPIServer) -> None:
    answer = httpx.post(f"{server.url}/bot{TOKEN}/sendTelepathy", data={"chat_id": "1"}, timeout=5)

    assert answer.status_code == 404
    assert answer.json()["description"] == "Not Found"
    assert server.take_violations() == ["sendTelepathy: Not Found [unknown method sendTelepathy]"]


def test_a_missing_file_is_404(server: FakeBotAPIServer) -> None:
    answer = httpx.get(f"{server.url}/file/bot{TOKEN}/files/nothing", timeout=5)
    assert answer.status_code == 404
    assert answer.json()["error_code"] == 404


def test_form_json_and_query_string_calls_decode_alike(server: FakeBotAPIServer) -> None:
    url = f"{server.url}/bot{TOKEN}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    wanted = {"chat_id": USER, "text": "Hi", "disable_notification": True, "reply_markup": markup}
    form = {
        "chat_id": str(USER),
        "text": "Hi",
        "disable_notification": "true",
        "reply_markup": json.dumps(markup),
    }

    answers = [
        httpx.post(url, data=form, timeout=5),
        httpx.post(url, json=wanted, timeout=5),
        httpx.get(url, params=form, timeout=5),
    ]

    assert [answer.json()["ok"] for answer in answers] == [True, True, True]
    assert [call.params for call in server.calls()] == [wanted, wanted, wanted]


# ------------------------------------------------------------------------------ decoding


def test_decode_form_value_follows_the_field_types() -> None:
    assert decode_form_value("1001", ["Integer", "String"]) == 1001
    assert decode_form_value("@news", ["Integer", "String"]) == "@news"
    assert decode_form_value("123", ["String"]) == "123"
    assert decode_form_value("true", ["String"]) == "true"
    assert decode_form_value("attach://a", ["InputFile", "String"]) == "attach://a"
    assert decode_form_value("true", ["Boolean"]) is True
    assert decode_form_value("7", ["Integer"]) == 7
    assert decode_form_value("40.5", ["Float"]) == 40.5
    assert decode_form_value('{"a": [1]}', ["InlineKeyboardMarkup"]) == {"a": [1]}
    assert decode_form_value("[1, 2]", ["Array of Integer"]) == [1, 2]
    assert decode_form_value("seven", ["Integer"]) == "seven"  # left for validation to report
    assert decode_form_value("false", None) is False


def test_parse_multipart_reads_fields_and_files() -> None:
    request = httpx.Request(
        "POST",
        "http://fake/",
        data={"chat_id": "1", "caption": "Ünïcode\r\nlines"},
        files={"document": ('a "q"\\.txt', b"\r\n--x\r\n\x00", "text/plain")},
    )
    body = request.read()

    fields, files = parse_multipart(body, request.headers["content-type"])

    assert fields == {"chat_id": "1", "caption": "Ünïcode\r\nlines"}
    assert files == {"document": UploadedFile('a "q"\\.txt', "text/plain", b"\r\n--x\r\n\x00")}
    with pytest.raises(ValueError, match="boundary"):
        parse_multipart(body, "multipart/form-data")
