"""The review before a guided tip is sent: the tip as officers will receive it, Send (once,
and never from an older review), Edit (one part asked again, then back to the review) and
Cancel, through the real Application."""

from __future__ import annotations

from core.clock import FrozenClock
from tests.conftest import OFFICER_ID
from tests.support.chat import received, shown
from tests.support.harness import TelegramHarness
from tests.support.tips import photos, tips

ANN = 801


async def to_review(tg: TelegramHarness) -> tuple[int, str]:
    """A guided tip up to its review; the review's message and its Send as sent."""
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/tip")
    await tg.send(ANN, "A man walked down Oak St looking into every parked car.")
    await tg.send(ANN, "yesterday around 11 pm")
    await tg.send(ANN, "Corner of Oak St and 3rd Ave")
    await tg.press(ANN, "tipf:skip")  # photos
    await tg.press(ANN, "tipf:cat:vehicle")
    await tg.press(ANN, "tipf:anon")
    assert "Please check your tip" in tg.last(ANN)
    return tg.button(ANN, "tipf:send")


def lines_of(text: str, *starts: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(starts)]


async def test_the_review_is_what_officers_receive_and_send_files_once(
    tg: TelegramHarness,
) -> None:
    review_id, send = await to_review(tg)
    review = shown(tg, ANN, review_id)[0]
    assert "From: an alias like “Tipster 7F3A” (anonymous)" in review
    assert await tips(tg) == []  # nothing before Send
    for _ in range(2):  # pressed twice from the same review
        await tg.process(tg.factory.callback(tg.user(ANN), send, review_id))
    assert len(await tips(tg)) == 1
    assert sum("Your tip is in: T-2026-00001" in t for t in tg.texts(ANN)) == 1
    assert "no longer active" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    text, buttons = shown(tg, ANN, review_id)
    assert text == review and buttons == []  # the review stays, as the record of what was sent
    # The officer's card says it in the same words.
    await tg.send(OFFICER_ID, "/tip T-2026-00001")
    card = tg.last(OFFICER_ID)
    parts = ("When:", "Where:", "A man walked")
    assert lines_of(card, *parts) == lines_of(tg.texts(ANN)[-2], *parts)
    assert "Vehicle" in card and "A man walked down Oak St" in card


async def test_edit_changes_one_part_and_comes_back_to_the_review(tg: TelegramHarness) -> None:
    review_id, _ = await to_review(tg)
    review = shown(tg, ANN, review_id)[0]
    _, edit = tg.button(ANN, "tipf:edit")
    for _ in range(2):  # twice: the second finds the parts already shown
        await tg.process(tg.factory.callback(tg.user(ANN), edit, review_id))
    text, buttons = shown(tg, ANN, review_id)
    assert text == review and any(b.startswith("tipf:ed:where@") for b in buttons)
    assert not any(b.startswith("tipf:ed:conduct") for b in buttons)  # not suspicious activity
    await tg.press(ANN, "tipf:back")
    assert any(b.startswith("tipf:send@") for b in shown(tg, ANN, review_id)[1])
    await tg.press(ANN, "tipf:edit")
    await tg.press(ANN, "tipf:ed:where")
    assert shown(tg, ANN, review_id) == (review, [])  # the review stays; the question follows
    assert "Where?" in tg.last(ANN) and "/cancel" in tg.last(ANN)
    await tg.send(ANN, "14 Maple Ave")
    new = tg.last(ANN)
    assert "Where: 14 Maple Ave" in new and "Corner of Oak St" not in new
    assert lines_of(new, "When:", "A man") == lines_of(review, "When:", "A man")
    await tg.press(ANN, "tipf:send")
    [tip] = await tips(tg)
    assert (tip.place, tip.when_text) == ("14 Maple Ave", "yesterday around 11 pm")


async def test_an_older_reviews_send_after_an_edit_files_nothing(tg: TelegramHarness) -> None:
    first_id, first_send = await to_review(tg)
    await tg.press(ANN, "tipf:edit")
    await tg.press(ANN, "tipf:ed:when")
    await tg.send(ANN, "this morning at 6")
    assert "“this morning at 6”" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), first_send, first_id))
    assert await tips(tg) == []
    assert "out of date" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    assert "“yesterday around 11 pm”" in shown(tg, ANN, first_id)[0]  # left as it was
    await tg.press(ANN, "tipf:send")
    [tip] = await tips(tg)
    assert tip.when_text == "this morning at 6"


async def test_a_bad_value_in_an_edit_is_explained_and_the_review_comes_back_unchanged(
    tg: TelegramHarness,
) -> None:
    review_id, _ = await to_review(tg)
    review = shown(tg, ANN, review_id)[0]
    before = tg.texts(ANN)[-1]
    await tg.press(ANN, "tipf:edit")
    await tg.press(ANN, "tipf:ed:when")
    await tg.send(ANN, "👍")
    assert "Please write the time in words" in tg.last(ANN)
    await tg.send(ANN, "x" * 101)
    assert "the limit is 100" in tg.last(ANN)
    await tg.press(ANN, "tipf:keep")
    assert tg.last(ANN) == before  # byte for byte the review it left
    assert shown(tg, ANN, review_id)[0] == review
    await tg.press(ANN, "tipf:send")
    [tip] = await tips(tg)
    assert tip.when_text == "yesterday around 11 pm"


async def test_photos_can_be_replaced_or_kept_from_the_review(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/tip")
    await tg.send(ANN, "Graffiti sprayed on the bus shelter")
    await tg.press(ANN, "tipf:skip")
    await tg.press(ANN, "tipf:skip")
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="OLD-1"))
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="OLD-2"))
    await tg.press(ANN, "tipf:done")
    await tg.press(ANN, "tipf:cat:vandalism")
    await tg.press(ANN, "tipf:anon")
    assert "Photos: 2" in tg.last(ANN)
    await tg.press(ANN, "tipf:edit")
    await tg.press(ANN, "tipf:ed:photos")
    await tg.press(ANN, "tipf:keep")
    assert "Photos: 2" in tg.last(ANN)
    await tg.press(ANN, "tipf:edit")
    await tg.press(ANN, "tipf:ed:photos")
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="NEW-1"))
    await tg.press(ANN, "tipf:done")
    assert "Photos: 1" in tg.last(ANN)
    await tg.press(ANN, "tipf:send")
    [tip] = await tips(tg)
    assert await photos(tg, tip.id) == ["NEW-1"]


async def test_changing_the_kind_to_suspicious_asks_what_the_person_did(
    tg: TelegramHarness,
) -> None:
    await to_review(tg)
    await tg.press(ANN, "tipf:edit")
    await tg.press(ANN, "tipf:ed:category")
    await tg.press(ANN, "tipf:cat:suspicious")
    assert "What did the person do?" in tg.last(ANN)
    await tg.send(ANN, "Tried the door handles")
    assert "Please check your tip" in tg.last(ANN) and "Tried the door handles" in tg.last(ANN)
    await tg.press(ANN, "tipf:edit")
    await tg.press(ANN, "tipf:ed:identity")
    await tg.press(ANN, "tipf:named")
    assert "From: Ann Smith (named)" in tg.last(ANN)
    await tg.press(ANN, "tipf:send")
    [tip] = await tips(tg)
    assert (tip.category, tip.conduct, tip.tipster_name) == (
        "suspicious",
        "Tried the door handles",
        "Ann Smith",
    )


async def test_an_emergency_written_into_an_edit_is_sent_at_once(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await to_review(tg)
    await tg.press(ANN, "tipf:edit")
    await tg.press(ANN, "tipf:ed:what")
    assert "/cancel" in tg.last(ANN)
    tg.api.clear()
    await tg.send(ANN, "He is back and breaking into the house with a knife")
    said = tg.texts(ANN)
    assert "call 911 now" in said[0] and "Your tip is in: T-2026-00001" in said[-1]
    [tip] = await tips(tg)
    assert tip.urgent and tip.text.startswith("He is back")
    assert tip.place == "Corner of Oak St and 3rd Ave" and tip.category == "vehicle"
    await tg.deliver()
    assert received(tg, OFFICER_ID, "URGENT tip T-2026-00001")
    await tg.send(ANN, "/mytips")  # the flow is over: nothing waits for an answer
    assert "Your tips" in tg.last(ANN)


async def test_typing_at_the_review_and_cancel(tg: TelegramHarness) -> None:
    review_id, _ = await to_review(tg)
    review = shown(tg, ANN, review_id)[0]
    _, cancel = tg.button(ANN, "tipf:cancel")
    await tg.send(ANN, "ok")
    assert "not sent yet" in tg.last(ANN) and "/cancel" in tg.last(ANN)
    tg.api.clear()
    await tg.send(ANN, "someone is breaking in right now")
    assert "call 911 now" in tg.texts(ANN)[0] and "not sent yet" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), cancel, review_id))
    assert "Not sent" in tg.last(ANN)
    assert shown(tg, ANN, review_id) == (review, [])
    assert await tips(tg) == []
