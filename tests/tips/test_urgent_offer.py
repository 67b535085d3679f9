"""An emergency typed without /tip: 911 first, then one button that sends it to the police as
an urgent tip, once, with what the person wrote; a question the chat was in the middle of
waits, and a message being written (an alert) is not interrupted."""

from __future__ import annotations

from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import make_group
from tests.support.tips import photos, tips

RUTH = 4401
BREAK_IN = "someone is breaking into my neighbor's house right now"


async def test_plain_text_emergency_gets_911_then_one_button_that_files_it(
    tg: TelegramHarness,
) -> None:
    await tg.send(RUTH, BREAK_IN)
    said = tg.texts(RUTH)
    assert "call 911 now" in said[0]  # first, on its own
    assert "I'm not sure" not in "".join(said) and "/vacation" not in "".join(said)
    assert await tips(tg) == []  # nothing is stored before they choose to send it
    message_id, data = tg.button(RUTH, "urgent:send")
    await tg.press_at_once(RUTH, "urgent:send")  # pressed twice at once
    [tip] = await tips(tg)
    assert tip.urgent and "breaking into my neighbor" in tip.text
    assert f"Sent to the police: T-2026-{tip.seq:05d}" in tg.last(RUTH)
    await tg.deliver()
    assert any("URGENT" in t.upper() for t in tg.texts(OFFICER_ID))
    await tg.process(tg.factory.callback(tg.user(RUTH), data, message_id))  # and once more later
    assert len(await tips(tg)) == 1


async def test_a_photo_with_an_emergency_caption_goes_with_its_photo(tg: TelegramHarness) -> None:
    await tg.process(
        tg.factory.photo(tg.user(RUTH), caption="man with a knife at the bus stop on Elm")
    )
    assert "call 911 now" in tg.texts(RUTH)[0]
    await tg.press(RUTH, "urgent:send")
    [tip] = await tips(tg)
    assert tip.urgent and len(await photos(tg, tip.id)) == 1


async def test_mid_registration_the_emergency_is_not_taken_for_a_name(tg: TelegramHarness) -> None:
    await tg.send(RUTH, "/start")
    await tg.press(RUTH, "consent:yes")
    await tg.send(RUTH, BREAK_IN)  # where the name was asked
    assert "call 911 now" in "".join(tg.texts(RUTH)[-2:])
    member = await tg.services.members.by_telegram(RUTH)
    assert member is not None and member.display_name is None
    await tg.press(RUTH, "urgent:send")
    assert "answer the question above" in tg.last(RUTH)
    await tg.send(RUTH, "Ruth Okafor")
    member = await tg.services.members.by_telegram(RUTH)
    assert member is not None and member.display_name == "Ruth Okafor"
    assert "Step 2 of 3" in tg.last(RUTH)


async def test_writing_on_instead_of_pressing_dismisses_the_offer(tg: TelegramHarness) -> None:
    await tg.send(RUTH, "/start")
    await tg.press(RUTH, "consent:yes")
    await tg.send(RUTH, BREAK_IN)
    message_id, data = tg.button(RUTH, "urgent:send")
    await tg.send(RUTH, "Ruth Okafor")  # they answered the question instead
    member = await tg.services.members.by_telegram(RUTH)
    assert member is not None and member.display_name == "Ruth Okafor"
    # The old offer's button no longer files anything.
    await tg.process(tg.factory.callback(tg.user(RUTH), data, message_id))
    assert await tips(tg) == []


async def test_an_officers_alert_text_is_not_interrupted(tg: TelegramHarness) -> None:
    await tg.send(OFFICER_ID, "/alert")
    await tg.press(OFFICER_ID, "alert:aud:all")
    await tg.send(OFFICER_ID, "Armed robbery at the Elm St gas station: stay inside")
    assert "Preview" in tg.last(OFFICER_ID)
    assert not any("call 911 now" in t for t in tg.texts(OFFICER_ID))


async def test_a_photo_on_its_own_offers_to_start_a_tip_with_it(tg: TelegramHarness) -> None:
    await tg.process(tg.factory.photo(tg.user(RUTH)))
    assert "Send this photo to the police as a tip?" in tg.last(RUTH)
    await tg.press(RUTH, "tipph:no")
    assert "Not sent" in tg.last(RUTH) and await tips(tg) == []
    await tg.process(tg.factory.photo(tg.user(RUTH)))
    await tg.press(RUTH, "tipph:yes")
    assert "What happened?" in tg.last(RUTH)
    await tg.send(RUTH, "This car has been parked across my driveway for three days")
    for _ in range(6):
        if not await tg.press_if_shown(RUTH, "tipf:skip"):
            break
    await tg.press_if_shown(RUTH, "tipf:anon")
    await tg.press(RUTH, "tipf:send")
    [tip] = await tips(tg)
    assert len(await photos(tg, tip.id)) == 1


async def test_an_answer_that_only_sounds_like_an_emergency_goes_through_the_second_time(
    tg: TelegramHarness,
) -> None:
    await tg.send(RUTH, "/start")
    await tg.press(RUTH, "consent:yes")
    await tg.send(RUTH, "Ruth Okafor")
    await tg.contact(RUTH, "+12035550161")
    await tg.send(RUTH, "12 Burning Tree Rd")  # the address step: "burning" asks about 911
    assert "call 911 now" in "".join(tg.texts(RUTH)[-2:])
    await tg.send(RUTH, "12 Burning Tree Rd")  # typed again: it is the answer
    member = await tg.services.members.by_telegram(RUTH)
    assert member is not None and member.address == "12 Burning Tree Rd"
    assert await tips(tg) == []


async def test_the_question_put_back_after_the_offer_keeps_its_buttons(
    tg: TelegramHarness,
) -> None:
    """A photo offer is open; an emergency typed, sent as an urgent tip: the photo offer's
    own buttons (on the message above) work again, once, and a later step of that flow does
    not bring the old buttons back."""
    await tg.process(tg.factory.photo(tg.user(RUTH)))
    photo_message, yes = tg.button(RUTH, "tipph:yes")
    await tg.send(RUTH, BREAK_IN)
    await tg.press(RUTH, "urgent:send")
    assert "answer the question above" in tg.last(RUTH)
    await tg.process(tg.factory.callback(tg.user(RUTH), yes, photo_message))
    assert "What happened?" in tg.last(RUTH)  # not "out of date"
    await tg.process(tg.factory.callback(tg.user(RUTH), yes, photo_message))  # again, later
    assert "What happened?" in tg.last(RUTH)
    flow = await tg.services.flows.get(RUTH)
    assert flow is not None and flow.flow == "tip" and flow.step == "what"
    assert len(await tips(tg)) == 1  # only the urgent one so far


async def test_consent_pressed_after_the_offer_keeps_the_join_link(tg: TelegramHarness) -> None:
    """/start join-OAK, an emergency typed at the consent question, then the consent button
    pressed (the offer never used): registration goes on and still ends in the group."""
    await make_group(tg, "Oak Park", "OAK", approval=False)
    tg.names[RUTH] = "Ruth"
    await tg.send(RUTH, "/start join-OAK")
    await tg.send(RUTH, BREAK_IN)
    assert tg.has_button(RUTH, "urgent:send")
    await tg.press(RUTH, "consent:yes")
    await tg.send(RUTH, "Ruth Okafor")
    await tg.send(RUTH, "2035550143")
    await tg.send(RUTH, "14 Oak St")
    assert "member of <b>Oak Park</b>" in tg.last(RUTH)
    assert await tips(tg) == []
