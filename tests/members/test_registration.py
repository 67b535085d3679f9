"""Residents end to end: /start, consent, registration, profile, stop, forget, help, bad input."""

from __future__ import annotations

from sqlalchemy import func, select

from core.clock import FrozenClock
from storage.flows.models import ChatFlow
from storage.members.models import Member
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.tips import tips

ANN = 501


async def member_count(tg: TelegramHarness) -> int:
    async with tg.services.db.transaction() as session:
        return int(await session.scalar(select(func.count(Member.id))) or 0)


async def test_start_explains_911_and_privacy_and_stores_nothing_before_consent(
    tg: TelegramHarness,
) -> None:
    await tg.send(ANN, "/start")
    text = tg.last(ANN)
    assert "call 911" in text and "Privacy" in text and "/forget" in text
    assert await member_count(tg) == 0
    await tg.press(ANN, "consent:no")
    assert "nothing about you was stored" in tg.last(ANN)
    assert await member_count(tg) == 0
    assert tg.answered_callbacks() == 1


async def test_full_registration_with_shared_contact_and_location(tg: TelegramHarness) -> None:
    tg.names[ANN] = "Ann"
    await tg.send(ANN, "/start")
    await tg.press(ANN, "consent:yes")
    assert "Step 1 of 3" in tg.last(ANN)
    await tg.press(ANN, "reg:name")  # use the Telegram first name
    assert "Step 2 of 3" in tg.last(ANN)
    markup = tg.api.last_markup(ANN)
    assert markup is not None and markup["keyboard"][0][0]["request_contact"] is True
    await tg.contact(ANN, "12035550142")  # Telegram often omits the '+'
    assert "Step 3 of 3" in tg.last(ANN)
    await tg.location(ANN, 41.19, -73.13)
    assert "You're registered, Ann" in tg.last(ANN)
    assert tg.api.last_markup(ANN) == {"remove_keyboard": True}
    member = await tg.services.members.by_telegram(ANN)
    assert member is not None and member.phone_e164 == "+12035550142"
    assert member.latitude == 41.19 and member.is_registered
    assert tg.answered_callbacks() == 2


async def test_someone_elses_contact_is_refused(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/start")
    await tg.press(ANN, "consent:yes")
    await tg.send(ANN, "Ann")
    await tg.contact(ANN, "+12035550199", contact_user_id=777)
    assert "isn't you" in tg.last(ANN)
    member = await tg.services.members.by_telegram(ANN)
    assert member is not None and member.phone_e164 is None


async def test_bad_values_are_refused_with_the_reason_and_re_asked(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/start")
    await tg.send(ANN, "yes please")  # text where the consent buttons are expected
    assert "tap one of the buttons" in tg.last(ANN)
    await tg.press(ANN, "consent:yes")
    await tg.send(ANN, "A" * 65)
    assert "65 characters" in tg.last(ANN) and "64" in tg.last(ANN)
    await tg.photo(ANN)
    assert "typed answer" in tg.last(ANN)
    await tg.send(ANN, "Ann <b>Lee</b> & co")
    await tg.send(ANN, "555")
    assert "valid phone number" in tg.last(ANN)
    await tg.send(ANN, "203 555 0142")
    await tg.send(ANN, "x" * 201)
    assert "201 characters" in tg.last(ANN)
    await tg.send(ANN, "12 Main St")
    assert "You're registered, Ann &lt;b&gt;Lee&lt;/b&gt; &amp; co" in tg.last(ANN)


async def test_registering_twice_shows_the_profile(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Lee")
    await tg.send(ANN, "/start")
    texts = tg.texts(ANN)
    assert "Welcome back, Ann Lee" in texts[-2]
    assert "Your profile" in texts[-1] and "+12035550142" in texts[-1]
    assert await member_count(tg) == 1


async def test_registration_survives_a_restart_between_steps(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/start")
    await tg.press(ANN, "consent:yes")
    await tg.send(ANN, "Ann")
    # A new Application (the process restarted) continues from the stored step.
    from bot.telegram.app import build_application

    fresh = build_application(
        tg.services,
        tg.api.token,
        request=tg.api.request(),
        get_updates_request=tg.api.request(),
        updater=False,
    )
    await fresh.initialize()
    tg.app = fresh
    await tg.send(ANN, "(203) 555-0142")
    assert "Step 3 of 3" in tg.last(ANN)
    await fresh.shutdown()


async def test_profile_edit_and_cancel(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/profile")
    await tg.press(ANN, "edit:name")
    await tg.send(ANN, "Ann Marie")
    assert "Name: Ann Marie" in tg.last(ANN)
    await tg.press(ANN, "edit:address")
    await tg.send(ANN, "/cancel")
    assert "Cancelled" in tg.last(ANN)
    await tg.send(ANN, "somewhere else entirely")
    assert "not sure what you mean" in tg.last(ANN)
    member = await tg.services.members.by_telegram(ANN)
    assert member is not None and member.address == "12 Main St"


async def test_stop_resume_and_settings(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/stop")
    assert "won't get any more" in tg.last(ANN)
    await tg.send(ANN, "/stop")
    assert "already stopped" in tg.last(ANN)
    await tg.send(ANN, "/settings")
    assert "stopped" in tg.last(ANN)
    await tg.press(ANN, "settings:resume")
    assert "🔔 on" in tg.last(ANN)
    await tg.send(ANN, "/resume")
    assert "already on" in tg.last(ANN)


async def test_forget_deletes_after_confirmation(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/forget")
    await tg.press(ANN, "forget:no")
    assert "Nothing was deleted" in tg.last(ANN)
    assert await member_count(tg) == 1
    await tg.send(ANN, "/forget")
    await tg.press(ANN, "forget:yes")
    assert "personal data is deleted" in tg.last(ANN)
    assert await member_count(tg) == 0
    async with tg.services.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(ChatFlow)) == 0
    await tg.send(ANN, "/forget")
    assert "don't store anything" in tg.last(ANN)


async def test_unknown_input_gets_two_lines_with_the_commands_that_fit(
    tg: TelegramHarness,
) -> None:
    await tg.send(ANN, "/frobnicate now")
    answer = tg.last(ANN)
    assert "don't know the command /frobnicate" in answer
    assert "/start to register" in answer and "/audit" not in answer and "/help" in answer
    assert len(answer.splitlines()) <= 2 and "call 911" in answer
    await tg.send(ANN, "hello?")
    assert "not sure what you mean" in tg.last(ANN) and len(tg.last(ANN).splitlines()) <= 2
    await tg.send(ANN, "/help")
    assert "call 911" in tg.last(ANN) and "/vacation" in tg.last(ANN)  # the whole list
    assert await member_count(tg) == 0
    # The commands that fit follow the person's state and role.
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "hello?")
    assert "/join to find your watch group" in tg.last(ANN)
    await tg.send(OFFICER_ID, "hello?")
    assert "/alert to send an alert" in tg.last(OFFICER_ID)


async def test_group_chats_get_a_private_link_and_nothing_is_stored(tg: TelegramHarness) -> None:
    group_chat = -100555
    await tg.send(ANN, "/start", chat_id=group_chat)
    assert "message me directly" in tg.last(group_chat)
    markup = tg.api.last_markup(group_chat)
    assert markup is not None
    assert markup["inline_keyboard"][0][0]["url"] == "https://t.me/crimewatch_test_bot"
    await tg.send(ANN, "/forget@crimewatch_test_bot", chat_id=group_chat)
    assert "message me directly" in tg.last(group_chat)
    await tg.send(ANN, "/help", chat_id=group_chat)
    assert "Message me privately" in tg.last(group_chat)
    await tg.send(ANN, "just chatting", chat_id=group_chat)
    assert len(tg.texts(group_chat)) == 3
    assert await member_count(tg) == 0
    async with tg.services.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(ChatFlow)) == 0


async def test_a_blocked_bot_does_not_break_the_handler(tg: TelegramHarness) -> None:
    tg.api.block_user(ANN)
    await tg.send(ANN, "/start")  # the reply fails with 403; the error handler logs it
    tg.api.unblock_user(ANN)
    await tg.send(ANN, "/help")
    assert "call 911" in tg.last(ANN)


async def test_an_edited_command_is_not_run_again(tg: TelegramHarness) -> None:
    """Editing `/tip TEXT` must not file a second tip and page officers again; the person is
    told edits are not acted on. An edit in a group chat is left alone."""
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/tip Blue van with no plates parked on Oak St for three days")
    assert len(await tips(tg)) == 1
    calls = len(tg.api.calls)
    await tg.edit(ANN, "/tip Blue van with no plates parked on Oak St for four days", 1)
    assert len(await tips(tg)) == 1
    assert "don't act on edited messages" in tg.last(ANN)
    await tg.edit(ANN, "/start", 2)
    assert len(await tips(tg)) == 1 and "don't act on edited messages" in tg.last(ANN)
    assert len(tg.api.calls) == calls + 2  # the two notes, nothing else
    await tg.process(tg.factory.edited_text(tg.user(ANN), "/help", 3, chat_id=-100123))
    assert len(tg.api.calls) == calls + 2


async def test_a_button_no_feature_knows_says_it_is_no_longer_valid(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann")
    await tg.process(tg.factory.callback(tg.user(ANN), "zz:\x00\xff made by hand", 1))
    answers = tg.api.calls_to("answerCallbackQuery")
    assert answers and answers[-1].params.get("text") == "This button is no longer valid."


async def test_a_step_left_for_a_week_has_expired(tg: TelegramHarness, clock: FrozenClock) -> None:
    """A message a week after a question is not its answer: the old step is gone."""
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/tip")
    clock.advance(days=8)
    await tg.send(ANN, "hello there")
    assert "not sure what you mean" in tg.last(ANN)
    assert len(await tips(tg)) == 0
