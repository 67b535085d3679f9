"""Tests of the fake Bot API: it answers like Telegram and refuses what Telegram refuses."""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
)

from bot.sandbox.telegram_api import FakeBotAPI, UpdateFactory
from bot.sandbox.telegram_spec import load_spec, parse_html
from core.clock import FrozenClock

USER = 1001


@pytest.fixture
def api() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    bot = Bot(token="123:ABC", request=api.request(), get_updates_request=api.request())
    await bot.initialize()
    yield bot
    await bot.shutdown()
    assert api.violations == [], "calls Telegram would refuse:\n" + "\n".join(api.violations)


def take_violations(api: FakeBotAPI) -> list[str]:
    """Return the recorded violations and clear them (for tests that provoke them)."""
    found = list(api.violations)
    api.violations.clear()
    return found


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in buttons]
    )


# ------------------------------------------------------------------------------ basics


async def test_initialize_calls_get_me_and_learns_the_bot(api: FakeBotAPI, bot: Bot) -> None:
    assert [call.method for call in api.calls] == ["getMe"]
    assert bot.id == 123456
    assert bot.username == "crimewatch_test_bot"


async def test_send_message_is_recorded_and_answered_with_a_message(
    api: FakeBotAPI, bot: Bot
) -> None:
    first = await bot.send_message(USER, "Hello")
    second = await bot.send_message(USER, "Again", disable_notification=True)

    assert api.texts(USER) == ["Hello", "Again"]
    assert api.last_text(USER) == "Again"
    assert api.sent_messages(USER)[1]["disable_notification"] is True
    assert (first.message_id, second.message_id) == (1, 2)
    assert second.chat.id == USER
    assert second.chat.type == "private"
    assert second.from_user is not None and second.from_user.id == bot.id
    assert abs(second.date.timestamp() - time.time()) < 5
    assert api.texts(999) == []


async def test_messages_to_groups_are_numbered_per_chat(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(USER, "a")
    group_message = await bot.send_message(-100500, "b")
    assert group_message.message_id == 1
    assert group_message.chat.type == "supergroup"
    assert api.texts() == ["a", "b"]


async def test_last_text_fails_the_test_when_nothing_was_sent(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(AssertionError, match="no message was sent to chat 42"):
        api.last_text(42)


async def test_every_answer_of_the_fake_fits_the_spec(api: FakeBotAPI, bot: Bot) -> None:
    markup = keyboard(("Yes", "y"))
    message = await bot.send_message(USER, "<b>Sure?</b>", parse_mode="HTML", reply_markup=markup)
    await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=None)
    await bot.send_location(USER, latitude=41.83, longitude=-87.65)
    await bot.send_photo(USER, b"\x89PNG fake", caption="photo")
    await bot.get_my_commands()
    await bot.get_webhook_info()
    await bot.get_chat(USER)
    await bot.get_chat_member(USER, USER)
    assert all(call.ok for call in api.calls)
    # Off-spec answers would have been recorded as violations (checked by the fixture).


async def test_message_dates_follow_an_injected_clock() -> None:
    clock = FrozenClock(datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    api = FakeBotAPI(clock=clock)
    bot = api.bot()
    await bot.initialize()
    sent = await bot.send_message(USER, "x")
    assert sent.date == clock.now()
    update = UpdateFactory(api=api).text(UpdateFactory.user(USER), "hi")
    assert update["message"]["date"] == int(clock.now().timestamp())
    await bot.shutdown()


async def test_set_result_answers_methods_the_fake_does_not_model(
    api: FakeBotAPI, bot: Bot
) -> None:
    api.set_result("getChatMemberCount", 42)
    assert await bot.get_chat_member_count(-100200) == 42
    api.set_result("getChatMemberCount", lambda params: -params["chat_id"])
    assert await bot.get_chat_member_count(-7) == 7


# ------------------------------------------------------------------------------ validation


async def test_missing_chat_id_is_refused(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat_id is empty"):
        await bot.send_message(chat_id=None, text="hi")  # type: ignore[arg-type]
    assert take_violations(api) == ["sendMessage: Bad Request: chat_id is empty"]
    assert api.calls_to("sendMessage")[0].status == 400
    assert api.texts() == []


async def test_unknown_parameter_is_refused(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)unknown parameter"):
        await bot.send_message(USER, "hi", api_kwargs={"disable_web_preview": True})
    assert take_violations(api) == [
        'sendMessage: Bad Request: unknown parameter "disable_web_preview"'
    ]


async def test_parameters_ptb_defaults_send_everywhere_are_tolerated(api: FakeBotAPI) -> None:
    # ext.Defaults puts parse_mode & co. into every send call; Telegram ignores the extra ones.
    defaults = Defaults(parse_mode=ParseMode.HTML, disable_notification=True)
    bot = ExtBot(
        api.token, defaults=defaults, request=api.request(), get_updates_request=api.request()
    )
    async with bot:
        await bot.send_location(USER, 41.8, -87.6)
        await bot.send_contact(USER, "+13125550100", "Ann")
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(USER, "a < b")
    assert api.calls_to("sendContact")[0].params["parse_mode"] == "HTML"
    assert len(take_violations(api)) == 1


async def test_unknown_method_answers_not_found(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})
    assert take_violations(api) == ["sendTelepathy: Not Found [unknown method sendTelepathy]"]


async def test_wrong_parameter_types_are_refused(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)wrong type"):
        await bot.send_message(USER, "hi", disable_notification="yes")  # type: ignore[arg-type]
    with pytest.raises(BadRequest, match=r"(?i)wrong type"):
        await bot.delete_message(USER, message_id="7")  # type: ignore[arg-type]
    violations = take_violations(api)
    assert "disable_notification: expected Boolean, got string" in violations[0]
    assert "message_id: expected Integer, got string" in violations[1]


async def test_chat_id_may_be_a_string_of_digits_or_a_username(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message("1001", "digits")
    await bot.send_message("@crimewatch_channel", "channel post")
    assert api.texts(USER) == ["digits"]
    assert api.texts("@crimewatch_channel") == ["channel post"]
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message("Ann Smith", "name")
    assert len(take_violations(api)) == 1


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>unclosed", 'find end tag corresponding to start tag "b"'),
        ("a < b", 'unsupported start tag "" at byte offset 2'),
        ("<script>alert(1)</script>", 'unsupported start tag "script"'),
        ("line<br>break", 'unsupported start tag "br"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("x</b>", "unexpected end tag"),
        ("Tom & Jerry", 'unescaped "&"'),
        ("&nbsp;", 'unescaped "&"'),
        ("5 > 3", 'unescaped ">"'),
        ('<span class="red">x</span>', 'tag "span" must have class "tg-spoiler"'),
        ("<a href=https://x.org/a?b>x</a>", "unexpected end of name token"),
        ("<b", "unclosed start tag"),
    ],
)
async def test_html_telegram_cannot_parse_is_refused(
    api: FakeBotAPI, bot: Bot, text: str, error: str
) -> None:
    with pytest.raises(BadRequest) as raised:
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
    assert "can't parse entities" in raised.value.message.lower()
    assert error.lower() in raised.value.message.lower()
    violations = take_violations(api)
    assert len(violations) == 1
    assert violations[0].startswith("sendMessage: Bad Request: can't parse entities: ")


async def test_lenient_html_accepts_what_the_server_tolerates() -> None:
    api = FakeBotAPI(strict_html=False)
    async with api.bot() as bot:
        sent = await bot.send_message(USER, "Tom & Jerry > cats &amp; dogs", parse_mode="HTML")
        assert sent.text == "Tom & Jerry > cats & dogs"
        with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
            await bot.send_message(USER, "a < b", parse_mode="HTML")
    assert len(take_violations(api)) == 1


async def test_the_same_text_without_parse_mode_is_fine(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(USER, "a < b & <script>")
    await bot.send_message(USER, "a < b", parse_mode="")  # empty means none, as in Telegram
    assert api.texts(USER) == ["a < b & <script>", "a < b"]
    with pytest.raises(BadRequest, match=r"(?i)unsupported parse_mode"):
        await bot.send_message(USER, "x", parse_mode="markdown_v2")
    assert len(take_violations(api)) == 1


async def test_valid_html_with_every_supported_tag_passes(api: FakeBotAPI, bot: Bot) -> None:
    text = (
        "<b>Tip</b> from &lt;Ann&gt; &amp; &quot;Bob&quot; &#39;x&#x27; "
        "<strong>s</strong> <i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del> <span class="tg-spoiler">spoiler</span><tg-spoiler>t</tg-spoiler> '
        '<a href="https://example.org/?a=1&amp;b=2">link</a> '
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> <code>c</code> '
        '<pre><code class="language-python">print(1)</code></pre>'
        "<blockquote>q</blockquote><blockquote expandable>long</blockquote>"
    )
    message = await bot.send_message(USER, text, parse_mode=ParseMode.HTML)

    assert message.text is not None
    assert message.text.startswith("Tip from <Ann> & \"Bob\" 'x' s ie")
    types = [entity.type for entity in message.entities]
    assert types.count("bold") == 2
    assert {
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "text_link",
        "custom_emoji",
        "code",
        "pre",
        "blockquote",
        "expandable_blockquote",
    } <= set(types)
    pre = next(entity for entity in message.entities if entity.type == "pre")
    assert pre.language == "python"
    link = next(entity for entity in message.entities if entity.type == "text_link")
    assert link.url == "https://example.org/?a=1&b=2"
    assert message.parse_entity(link) == "link"


async def test_escaped_user_text_passes(api: FakeBotAPI, bot: Bot) -> None:
    user_text = 'Car <black> & "fast" near 5th > Main, it\'s parked'
    await bot.send_message(USER, f"<b>Tip:</b> {html.escape(user_text)}", parse_mode="HTML")
    message = api.message(USER, 1)
    assert message is not None
    assert message["text"] == f"Tip: {user_text}"


async def test_text_longer_than_4096_characters_is_refused(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(USER, "x" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "x" * 4097)
    assert take_violations(api) == [
        "sendMessage: Bad Request: message is too long [4097 characters after entity parsing]"
    ]


async def test_length_is_measured_after_html_parsing(api: FakeBotAPI, bot: Bot) -> None:
    text = "<b>x</b>&amp;" * 600  # 7800 characters as sent, 1200 after parsing
    assert len(text) > 4096
    await bot.send_message(USER, text, parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "<i>" + "y" * 4097 + "</i>", parse_mode="HTML")
    assert len(take_violations(api)) == 1


@pytest.mark.parametrize("text", ["", "   ", "<b></b>", "<b> </b>\n"])
async def test_text_empty_after_parsing_is_refused(api: FakeBotAPI, bot: Bot, text: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, text, parse_mode="HTML")
    assert len(take_violations(api)) == 1


async def test_caption_longer_than_1024_characters_is_refused(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_photo(USER, "AgAC-photo", caption="<b>" + "c" * 1024 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_photo(USER, "AgAC-photo", caption="c" * 1025)
    assert len(take_violations(api)) == 1


async def test_callback_data_over_64_bytes_is_refused(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(USER, "ok", reply_markup=keyboard(("A", "x" * 64), ("B", "é" * 32)))
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(USER, "too long", reply_markup=keyboard(("A", "x" * 65)))
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(USER, "33 x 2 bytes", reply_markup=keyboard(("A", "é" * 33)))
    violations = take_violations(api)
    assert len(violations) == 2
    assert "65 bytes of callback_data" in violations[0]


async def test_inline_buttons_need_exactly_one_action(api: FakeBotAPI, bot: Bot) -> None:
    plain = {"inline_keyboard": [[{"text": "Just text"}]]}
    double = {"inline_keyboard": [[{"text": "Both", "url": "https://x.org", "callback_data": "b"}]]}
    for markup in (plain, double):
        with pytest.raises(BadRequest, match=r"(?i)inline keyboard button"):
            await bot.send_message(USER, "pick", reply_markup=markup)  # type: ignore[arg-type]
    assert len(take_violations(api)) == 2


async def test_unknown_keys_inside_reply_markup_are_refused(api: FakeBotAPI, bot: Bot) -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a", "colour": "red"}]]}
    with pytest.raises(BadRequest, match=r"(?i)can't parse reply keyboard markup"):
        await bot.send_message(USER, "pick", reply_markup=markup)  # type: ignore[arg-type]
    violations = take_violations(api)
    assert any('unknown field "colour" in InlineKeyboardButton' in v for v in violations)


async def test_reply_keyboards_and_their_removal_pass(api: FakeBotAPI, bot: Bot) -> None:
    share = ReplyKeyboardMarkup(
        [[KeyboardButton("Share my phone", request_contact=True)]], one_time_keyboard=True
    )
    await bot.send_message(USER, "Please share your phone", reply_markup=share)
    assert api.last_markup(USER) == {
        "keyboard": [[{"text": "Share my phone", "request_contact": True}]],
        "one_time_keyboard": True,
    }
    assert api.buttons(USER) == []  # reply keyboards are not inline buttons
    with pytest.raises(BadRequest):
        await bot.send_message(USER, "x", reply_markup={"remove_keyboard": False})  # type: ignore[arg-type]
    assert len(take_violations(api)) == 1


async def test_set_my_commands_checks_names_and_descriptions(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("report_tip", "Tip")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "report_tip"]

    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "Start")])
    with pytest.raises(BadRequest, match=r"(?i)bot_command_description_invalid"):
        await bot.set_my_commands([BotCommand("help", "")])
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("x" * 33, "Too long")])
    assert len(take_violations(api)) == 3
    assert [c.command for c in await bot.get_my_commands()] == ["start", "report_tip"]


async def test_commands_are_kept_per_scope(api: FakeBotAPI, bot: Bot) -> None:
    scope = BotCommandScopeChat(USER)
    await bot.set_my_commands([BotCommand("admin", "Admin tools")], scope=scope)
    assert await bot.get_my_commands() == ()
    assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["admin"]
    await bot.delete_my_commands(scope=scope)
    assert await bot.get_my_commands(scope=scope) == ()

    bad_scope = {"type": "chatt", "chat_id": USER}
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("a", "b")], scope=bad_scope)  # type: ignore[arg-type]
    assert any('must have "chat"' in v for v in take_violations(api))


async def test_callback_answer_text_is_at_most_200_characters(api: FakeBotAPI, bot: Bot) -> None:
    assert await bot.answer_callback_query("q1", text="a" * 200)
    with pytest.raises(BadRequest):
        await bot.answer_callback_query("q2", text="a" * 201)
    assert len(take_violations(api)) == 1


# ------------------------------------------------------------------------------ faults


async def test_429_raises_retry_after(
    api: FakeBotAPI, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22 warns when retry_after is an int
    api.fail_next("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(USER, "burst")
    assert raised.value.retry_after == dtm.timedelta(seconds=7)
    call = api.calls_to("sendMessage")[0]
    assert (call.status, call.description) == (429, "Too Many Requests: retry after 7")
    await bot.send_message(USER, "after waiting")
    assert api.texts(USER) == ["after waiting"]


async def test_blocked_user_raises_forbidden(api: FakeBotAPI, bot: Bot) -> None:
    api.block_user(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "hello?")
    with pytest.raises(Forbidden):
        await bot.send_document(USER, b"pdf", filename="a.pdf")
    await bot.send_message(1002, "others still get it")
    api.unblock_user(USER)
    await bot.send_message(USER, "welcome back")
    assert api.texts() == ["others still get it", "welcome back"]


async def test_migrated_group_raises_chat_migrated(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", migrate_to_chat_id=-1001234567890, chat_id=-4242)
    await bot.send_message(-777, "other group is fine")
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(-4242, "to the old group")
    assert raised.value.new_chat_id == -1001234567890


async def test_injected_errors_by_status(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", status=400)
    api.fail_next("sendMessage", status=403)
    api.fail_next("sendMessage", status=500)
    api.fail_next("sendMessage", status=502, times=2)
    api.fail_next("getUpdates", status=409)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(USER, "1")
    with pytest.raises(Forbidden):
        await bot.send_message(USER, "2")
    for description in ("Internal Server Error", "Bad Gateway", "Bad Gateway"):
        with pytest.raises(NetworkError, match=description) as raised:
            await bot.send_message(USER, "3")
        assert not isinstance(raised.value, BadRequest)
    with pytest.raises(Conflict):
        await bot.get_updates()
    await bot.send_message(USER, "finally")
    assert api.texts() == ["finally"]
    assert [call.status for call in api.calls_to("sendMessage")] == [400, 403, 500, 502, 502, 200]


async def test_timeout_raises_timed_out(api: FakeBotAPI, bot: Bot) -> None:
    api.raise_timeout_next("sendMessage")
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "lost")
    assert api.texts() == []
    assert api.calls_to("sendMessage")[0].status == 0
    await bot.send_message(USER, "retried")
    assert api.texts() == ["retried"]


async def test_timeout_after_delivery_still_delivers(api: FakeBotAPI, bot: Bot) -> None:
    api.raise_timeout_next("sendMessage", after_delivery=True)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "delivered, answer lost")
    assert api.texts(USER) == ["delivered, answer lost"]


async def test_faults_do_not_hide_violations(
    api: FakeBotAPI, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.fail_next("sendMessage", retry_after=1)
    with pytest.raises(BadRequest):
        await bot.send_message(USER, "<b>oops", parse_mode="HTML")
    assert len(take_violations(api)) == 1
    with pytest.raises(RetryAfter):  # the fault is still pending for the next valid call
        await bot.send_message(USER, "fine")


# ------------------------------------------------------------------------------ edits


async def test_editing_an_unknown_message_is_refused(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("new", chat_id=USER, message_id=99)
    sent = await bot.send_message(USER, "old")
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("new", chat_id=1002, message_id=sent.message_id)


async def test_edits_replace_text_and_keyboard(api: FakeBotAPI, bot: Bot) -> None:
    menu = await bot.send_message(USER, "Menu", reply_markup=keyboard(("Join", "join")))
    await bot.send_message(USER, "Other", reply_markup=keyboard(("Help", "help")))
    assert api.buttons(USER) == [("Help", "help")]
    assert api.buttons(USER, menu.message_id) == [("Join", "join")]

    edited = await bot.edit_message_text(
        "<b>Joined</b>",
        chat_id=USER,
        message_id=menu.message_id,
        parse_mode="HTML",
        reply_markup=keyboard(("Leave", "leave")),
    )
    assert not isinstance(edited, bool)
    assert edited.text == "Joined"
    assert edited.edit_date is not None
    assert api.buttons(USER) == [("Leave", "leave")]  # the most recently changed keyboard

    await bot.edit_message_reply_markup(USER, menu.message_id, reply_markup=None)
    assert api.buttons(USER) == [("Help", "help")]
    stored = api.message(USER, menu.message_id)
    assert stored is not None and "reply_markup" not in stored
    assert api.texts(USER) == ["Menu", "Other"]  # texts() lists sendMessage only


async def test_editing_to_the_same_content_is_not_modified(api: FakeBotAPI, bot: Bot) -> None:
    markup = keyboard(("Yes", "y"))
    sent = await bot.send_message(USER, "<b>Sure?</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>Sure?</b>",
            chat_id=USER,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=markup,
        )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=markup)
    # Same text without the keyboard is a change: the keyboard goes away.
    await bot.edit_message_text(
        "<b>Sure?</b>", chat_id=USER, message_id=sent.message_id, parse_mode="HTML"
    )
    assert api.buttons(USER) == []
    assert api.violations == []  # refusals of state are not violations


async def test_deleted_messages_cannot_be_edited(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(USER, "temporary")
    assert await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, sent.message_id)


# ------------------------------------------------------------------------------ files


async def test_uploads_are_recorded_and_can_be_downloaded(api: FakeBotAPI, bot: Bot) -> None:
    content = b"%PDF-1.4 weekly report"
    message = await bot.send_document(USER, content, filename="report.pdf", caption="Weekly")
    upload = api.calls_to("sendDocument")[0].files["document"]
    assert (upload.file_name, upload.size, upload.content) == ("report.pdf", 22, content)
    assert upload.mime_type == "application/pdf"
    assert message.document is not None
    assert message.document.file_name == "report.pdf"
    assert message.caption == "Weekly"

    file = await bot.get_file(message.document.file_id)
    assert file.file_size == len(content)
    assert bytes(await file.download_as_bytearray()) == content


async def test_send_photo_upload_and_file_id(api: FakeBotAPI, bot: Bot) -> None:
    uploaded = await bot.send_photo(USER, b"\x89PNG...", caption="<i>scene</i>", parse_mode="HTML")
    assert uploaded.photo[-1].file_size == 7
    assert uploaded.caption == "scene"
    assert api.calls_to("sendPhoto")[0].files["photo"].content == b"\x89PNG..."
    by_id = await bot.send_photo(USER, uploaded.photo[-1].file_id)
    assert by_id.photo[-1].file_id == uploaded.photo[-1].file_id
    assert api.calls_to("sendPhoto")[1].files == {}


async def test_media_groups_are_answered_with_one_message_per_item(
    api: FakeBotAPI, bot: Bot
) -> None:
    sent = await bot.send_media_group(
        USER, [InputMediaPhoto("AgAC-1", caption="one"), InputMediaPhoto(b"raw photo")]
    )
    assert [message.message_id for message in sent] == [1, 2]
    assert sent[0].caption == "one"
    assert sent[0].media_group_id == sent[1].media_group_id
    files = api.calls_to("sendMediaGroup")[0].files
    assert [upload.content for upload in files.values()] == [b"raw photo"]


async def test_copy_message_copies_a_known_message(api: FakeBotAPI, bot: Bot) -> None:
    factory = UpdateFactory(api=api)
    tip = factory.photo(factory.user(USER), file_id="AgAC-tip", caption="Broken window")
    copied = await bot.copy_message(-100777, USER, tip["message"]["message_id"])
    stored = api.message(-100777, copied.message_id)
    assert stored is not None
    assert stored["caption"] == "Broken window"
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(-100777, USER, 4242)


# ------------------------------------------------------------------------------ updates


async def test_get_updates_returns_pushed_updates_and_honours_offset(
    api: FakeBotAPI, bot: Bot
) -> None:
    factory = UpdateFactory(api=api)
    ann = factory.user(USER)
    for text in ("/start", "hello", "bye"):
        api.push_update(factory.text(ann, text))

    updates = await bot.get_updates(timeout=10)
    assert [u.message.text for u in updates if u.message] == ["/start", "hello", "bye"]
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids)

    again = await bot.get_updates(offset=ids[1])
    assert [u.update_id for u in again] == ids[1:]
    assert await bot.get_updates(offset=ids[-1] + 1) == ()
    assert api.pending_updates == []

    api.push_update(factory.text(ann, "more"))
    limited = await bot.get_updates(limit=1)
    assert [u.message.text for u in limited if u.message] == ["more"]


async def test_get_updates_long_poll_is_short_in_tests(api: FakeBotAPI, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=30) == ()
    assert time.monotonic() - started < 1


async def test_get_updates_wakes_up_for_an_update_pushed_while_waiting(
    api: FakeBotAPI, bot: Bot
) -> None:
    factory = UpdateFactory(api=api)

    async def push_soon() -> None:
        await asyncio.sleep(0.01)
        api.push_update(factory.text(factory.user(USER), "late"))

    pusher = asyncio.create_task(push_soon())
    updates = await bot.get_updates(timeout=10)
    await pusher
    assert [u.message.text for u in updates if u.message] == ["late"]


async def test_a_second_concurrent_poll_ends_the_first_with_conflict(
    api: FakeBotAPI, bot: Bot
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.01)  # the first poll is now waiting on the server
    assert await bot.get_updates(timeout=10) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def test_get_updates_conflicts_with_a_webhook(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_webhook("https://bot.example.org/telegram", secret_token="s3cret")
    assert (await bot.get_webhook_info()).url == "https://bot.example.org/telegram"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_factory_updates_fit_the_spec_and_parse(api: FakeBotAPI, bot: Bot) -> None:
    factory = UpdateFactory(api=api)
    ann = factory.user(USER, "Ann", "Lee", "annlee")
    built = [
        factory.text(ann, "/start@crimewatch_test_bot now"),
        factory.text(ann, "/report", chat_id=-100200300),
        factory.text(ann, "hi group", chat_id=-4001, chat_type="group"),
        factory.contact(ann, "13125550100"),
        factory.contact(ann, "+13125550199", contact_user_id=2002, first_name="Bo"),
        factory.contact(ann, "+13125550111", without_user_id=True),
        factory.location(ann, 41.8381, -87.6512),
        factory.photo(ann, caption="a tip"),
        factory.document(ann, "tip.pdf", "application/pdf", 2048),
        factory.callback(ann, "join:5", message_id=3),
        factory.edited_text(ann, "fixed typo", message_id=1),
        factory.my_chat_member(ann),
    ]
    spec = load_spec()
    for data in built:
        assert spec.check_value(data, ["Update"], "update") == [], data
        assert Update.de_json(data, bot) is not None

    command = Update.de_json(built[0], bot)
    assert command.message is not None
    assert command.message.parse_entities(["bot_command"]) == {
        command.message.entities[0]: "/start@crimewatch_test_bot"
    }
    assert Update.de_json(built[1], bot).effective_chat.type == "supergroup"  # type: ignore[union-attr]
    contact = Update.de_json(built[3], bot).message.contact  # type: ignore[union-attr]
    assert contact is not None and contact.user_id == USER
    assert Update.de_json(built[5], bot).message.contact.user_id is None  # type: ignore[union-attr]
    update_ids = [data["update_id"] for data in built]
    assert update_ids == sorted(set(update_ids))
    with pytest.raises(ValueError, match="negative chat_id"):
        factory.text(ann, "x", chat_type="group")


# ------------------------------------------------------------------------------ with an Application


async def test_application_conversation_through_the_fake(api: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            "Welcome to <b>Crime Watch</b>",
            parse_mode="HTML",
            reply_markup=keyboard(("Join my block", "join")),
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Joined")
        await query.edit_message_text("You joined the block watch.")

    application = api.application_builder().build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    factory = UpdateFactory(api=api)
    ann = factory.user(USER)
    async with application:
        start_update = Update.de_json(factory.text(ann, "/start"), application.bot)
        await application.process_update(start_update)
        assert api.last_text(USER) == "Welcome to <b>Crime Watch</b>"
        assert api.buttons(USER) == [("Join my block", "join")]
        menu_id = api.calls_to("sendMessage")[-1].result["message_id"]
        assert menu_id == 2  # the user's /start was message 1 of this chat

        press = factory.callback(ann, "join", message_id=menu_id)
        assert press["callback_query"]["message"]["text"] == "Welcome to Crime Watch"
        await application.process_update(Update.de_json(press, application.bot))
    assert api.calls_to("answerCallbackQuery")[0].params["text"] == "Joined"
    edited = api.message(USER, menu_id)
    assert edited is not None and edited["text"] == "You joined the block watch."
    assert api.buttons(USER) == []
    assert api.violations == []


async def test_application_polls_updates_from_the_fake(api: FakeBotAPI) -> None:
    seen: list[str] = []
    handled = asyncio.Event()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        seen.append(update.effective_message.text)
        await update.effective_message.reply_text("Hi!")
        handled.set()

    application: Application = api.application_builder().build()  # type: ignore[type-arg]
    application.add_handler(CommandHandler("start", start))
    factory = UpdateFactory(api=api)
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0)
        await application.start()
        api.push_update(factory.text(factory.user(USER), "/start"))
        await asyncio.wait_for(handled.wait(), timeout=5)
        await application.updater.stop()
        await application.stop()
    assert seen == ["/start"]
    assert api.texts(USER) == ["Hi!"]
    assert "deleteWebhook" in [call.method for call in api.calls]
    assert api.violations == []


# ------------------------------------------------------------------------------ the parser


def test_html_parser_reports_entities_in_utf16_offsets() -> None:
    parsed = parse_html("👍 <b>bold</b> <a href='https://x.org'>x</a>")
    assert parsed.text == "👍 bold x"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 1, "url": "https://x.org"},
    ]
