"""Most people answer an officer's question with a plain message, not Telegram's reply: with
one tip asked about in the last 48 hours it goes there (with a minute to take it back), with
several the person chooses, with none it is not taken for an answer."""

from __future__ import annotations

from core.clock import FrozenClock
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.tips import events, officer_asks, tips

RUTH = 4501


async def tip_asked(tg: TelegramHarness, text: str, question: str) -> int:
    """Ruth files a tip at once; an officer asks her something about it."""
    await tg.send(RUTH, f"/tip {text}")
    tip_id = (await tips(tg))[-1].id
    await officer_asks(tg, tip_id, question)
    return tip_id


def officer_heard(tg: TelegramHarness, fragment: str) -> bool:
    return any(fragment in text for text in tg.api.texts(OFFICER_ID))


def undo_data(tg: TelegramHarness) -> str:
    """The Undo button's data under the newest receipt."""
    return next(d for _, d in tg.api.buttons(RUTH) if d and d.startswith("tip:u:"))


async def answers(tg: TelegramHarness, tip_id: int) -> list[str]:
    return [e.body for e in await events(tg, tip_id) if e.kind == "tipster_message"]


async def test_one_open_question_takes_a_plain_answer(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    tip_id = await tip_asked(tg, "Van idling on Pine St every night", "What color was the van?")
    await tg.send(RUTH, "White, with a ladder on the roof")
    assert "Sent to the officer on <b>T-2026-00001</b>" in tg.last(RUTH)
    undo = undo_data(tg)
    assert await answers(tg, tip_id) == ["White, with a ladder on the roof"]
    await tg.deliver()
    assert not officer_heard(tg, "ladder on the roof")  # a minute to take it back
    clock.advance(seconds=61)
    await tg.deliver()
    assert officer_heard(tg, "ladder on the roof")
    await tg.press(RUTH, undo)  # too late now
    assert "Too late" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    assert await answers(tg, tip_id) == ["White, with a ladder on the roof"]


async def test_undo_within_the_minute_takes_it_back(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    tip_id = await tip_asked(tg, "Van idling on Pine St every night", "What color was the van?")
    await tg.send(RUTH, "Oops, this was meant for my sister")
    await tg.press(RUTH, undo_data(tg))
    assert "Taken back" in tg.last(RUTH)
    clock.advance(seconds=61)
    await tg.deliver()
    assert not officer_heard(tg, "my sister")
    assert await answers(tg, tip_id) == []


async def test_several_open_questions_ask_which_tip(tg: TelegramHarness) -> None:
    first = await tip_asked(tg, "Van idling on Pine St every night", "What color was the van?")
    second = await tip_asked(tg, "Broken street light at Elm and 5th", "Which pole number?")
    await tg.send(RUTH, "Pole 4471")
    assert "Which one is this message for?" in tg.last(RUTH)
    labels = [label for label, _ in tg.api.buttons(RUTH)]
    assert any("T-2026-00002: Which pole number?" in label for label in labels)
    newest_first = tg.api.buttons(RUTH)[0][1] or ""
    await tg.press_at_once(RUTH, newest_first)  # pressed twice at once: sent once
    assert await answers(tg, second) == ["Pole 4471"]
    assert await answers(tg, first) == []
    assert "Sent to the officer on <b>T-2026-00002</b>" in tg.last(RUTH)


async def test_no_open_question_no_answer(tg: TelegramHarness, clock: FrozenClock) -> None:
    tip_id = await tip_asked(tg, "Van idling on Pine St every night", "What color was the van?")
    clock.advance(hours=49)
    await tg.send(RUTH, "hello?")
    assert "Sent to the officer" not in tg.last(RUTH)
    assert await answers(tg, tip_id) == []
    # A closed tip takes no plain answers either.
    await officer_asks(tg, tip_id, "Anything else?")
    await tg.send(OFFICER_ID, "/tips")
    await tg.press(OFFICER_ID, f"tip:v:{tip_id}")
    await tg.press(OFFICER_ID, f"tip:x:{tip_id}")
    await tg.press(OFFICER_ID, f"tip:o:{tip_id}:resolved")
    await tg.send(RUTH, "thanks")
    assert await answers(tg, tip_id) == []


async def test_undo_takes_back_nothing_once_the_minute_is_over(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    """Past the minute the officers' copy is due, even if the sender has not reached it yet:
    Undo no longer deletes the answer (the officers would get it all the same)."""
    tip_id = await tip_asked(tg, "Van idling on Pine St every night", "What color was the van?")
    await tg.send(RUTH, "White, with a ladder on the roof")
    undo = undo_data(tg)
    clock.advance(seconds=61)  # due now, not delivered yet
    await tg.press(RUTH, undo)
    assert "Too late" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    assert await answers(tg, tip_id) == ["White, with a ladder on the roof"]
    await tg.deliver()
    assert officer_heard(tg, "ladder on the roof")


async def test_undo_takes_back_only_its_own_answer(tg: TelegramHarness, clock: FrozenClock) -> None:
    """Two answers waiting on one tip: a button pairing the first answer with the second's
    copy (made by hand) takes back neither."""
    tip_id = await tip_asked(tg, "Van idling on Pine St every night", "What color was the van?")
    await tg.send(RUTH, "White")
    first_event, first_copy = undo_data(tg).split(":")[2:]
    clock.advance(seconds=5)
    await tg.send(RUTH, "With a ladder on the roof")
    second_event, second_copy = undo_data(tg).split(":")[2:]
    assert (first_event, first_copy) != (second_event, second_copy)
    for data in (f"tip:u:{first_event}:{second_copy}", f"tip:u:{second_event}:{first_copy}"):
        await tg.process(tg.factory.callback(tg.user(RUTH), data, 1))
        assert "Too late" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    assert await answers(tg, tip_id) == ["White", "With a ladder on the roof"]
    await tg.process(tg.factory.callback(tg.user(RUTH), f"tip:u:{first_event}:{first_copy}", 1))
    assert await answers(tg, tip_id) == ["With a ladder on the roof"]
    clock.advance(seconds=61)
    await tg.deliver()
    assert officer_heard(tg, "ladder on the roof") and not officer_heard(tg, "White")


async def test_the_tip_choice_only_sends_to_this_chats_tips(tg: TelegramHarness) -> None:
    """The choice's buttons name the offered tips by position: one made by hand with another
    position, or with a tip's token, sends nothing."""
    first = await tip_asked(tg, "Van idling on Pine St every night", "What color was the van?")
    second = await tip_asked(tg, "Broken street light at Elm and 5th", "Which pole number?")
    await tg.send(RUTH, "Pole 4471")
    _, sent = tg.button(RUTH, "tip:pk:0")
    version = sent.rpartition("@")[2]
    token = (await tg.services.tips.relay.open_conversations("telegram", str(RUTH)))[0].token
    for made in (f"tip:pk:7@{version}", f"tip:pk:{token}@{version}"):
        await tg.process(tg.factory.callback(tg.user(RUTH), made, 1))
    assert await answers(tg, first) == [] and await answers(tg, second) == []
    await tg.press(RUTH, "tip:pk:1")  # the older question: the van
    assert await answers(tg, first) == ["Pole 4471"]


async def test_an_emergency_typed_during_a_conversation_can_go_to_that_tip(
    tg: TelegramHarness,
) -> None:
    """Officers asked about the van; "they are breaking into the van right now" typed plainly:
    911 first, then a choice: add it to that tip (urgent, every officer at once, no minute's
    wait), or a new urgent tip. Pressed twice, added once."""
    tip_id = await tip_asked(tg, "Van idling on Pine St every night", "What color was the van?")
    await tg.send(RUTH, "Two men are breaking into the van right now")
    said = tg.texts(RUTH)
    assert "call 911 now" in said[-2]
    assert (
        "add what you wrote to the tip officers asked you about (<b>T-2026-00001</b>)" in (said[-1])
    )
    labels = [label for label, _ in tg.api.buttons(RUTH)]
    assert labels == ["🚓 Add it to T-2026-00001 (urgent)", "🚓 Send it as a new urgent tip"]
    await tg.press_at_once(RUTH, "urgent:ans:0")
    assert "Added to T-2026-00001</b>, flagged urgent" in tg.last(RUTH)
    assert await answers(tg, tip_id) == ["Two men are breaking into the van right now"]
    assert len(await tips(tg)) == 1 and (await tips(tg))[0].urgent
    await tg.deliver()  # at once: no minute to take it back for an emergency
    assert officer_heard(tg, "breaking into the van")


async def test_an_emergency_during_a_conversation_can_still_be_a_new_tip(
    tg: TelegramHarness,
) -> None:
    tip_id = await tip_asked(tg, "Van idling on Pine St every night", "What color was the van?")
    await tg.send(RUTH, "There is a fire in the house on Oak St")
    await tg.press(RUTH, "urgent:send")
    assert "Sent to the police: T-2026-00002" in tg.last(RUTH)
    assert await answers(tg, tip_id) == []
    # The offer is spent: its other button adds nothing now.
    await tg.process(tg.factory.callback(tg.user(RUTH), "urgent:ans:0", 1))
    assert await answers(tg, tip_id) == []
