"""Every button of every keyboard a resident, a leader and an officer meet in a day, pressed
twice: the second press may change nothing, but it never sends an edit Telegram refuses as
"message is not modified", never ends in "something went wrong", and is always answered."""

from __future__ import annotations

from bot.telegram import texts
from tests.conftest import OFFICER_ID
from tests.fakes.telegram_api import NOT_MODIFIED
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, neighborhood

# (who, what they send) in order; destructive ones last for each person.
JOURNEY = [
    (ANN, "/meeting"),
    (ANN, "Monthly meeting"),
    (ANN, "12/8 7pm"),
    (ANN, "Library"),
    (BOB, "/meetings"),
    (BOB, "/settings"),
    (BOB, "/profile"),
    (BOB, "/tip Van idling on Pine St every night"),
    (BOB, "/mytips"),
    (BOB, "/fix"),
    (BOB, "/myfixes"),
    (ANN, "/members"),
    (ANN, "/broadcast Porch lights on tonight, please"),
    (OFFICER_ID, "/tips"),
    (OFFICER_ID, "/fixes"),
    (OFFICER_ID, "/groups"),
    (OFFICER_ID, "/news"),
    (OFFICER_ID, "/alert all Water main break on Elm"),
    (BOB, "/stop"),
    (BOB, "/forget"),
]
# Buttons that would leave the journey for good (discarding the draft under test is fine).
SKIP = ("forget:yes",)


async def press_each_twice(tg: TelegramHarness, uid: int) -> int:
    """Press every button of the newest keyboard in a chat twice, one after the other, each
    time as it was shown first (the second press comes from the same, older message)."""
    shown = [
        (label, data) for label, data in tg.api.buttons(uid) if data and not data.startswith(SKIP)
    ]
    pressed = 0
    for _label, data in shown:
        message_id = tg.message_with_button(uid, data) if tg.has_button(uid, data) else None
        if message_id is None:
            continue  # an earlier press replaced this keyboard
        for _ in range(2):
            before = tg.answered_callbacks()
            await tg.process(tg.factory.callback(tg.user(uid), data, message_id))
            assert tg.answered_callbacks() == before + 1, f"{data} was not answered"
            pressed += 1
        await tg.deliver()
    return pressed


async def test_every_button_pressed_twice(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    pressed = 0
    for uid, text in JOURNEY:
        await tg.send(uid, text)
        pressed += await press_each_twice(tg, uid)
    assert pressed >= 60
    refused = [c for c in tg.api.calls if c.description == NOT_MODIFIED]
    assert refused == [], [c.params for c in refused]
    for uid in (ANN, BOB, OFFICER_ID):
        assert not any(texts.SOMETHING_WENT_WRONG in t for t in tg.texts(uid))
