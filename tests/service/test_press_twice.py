"""Every button of every keyboard a resident, a leader and an officer meet in a day, pressed
twice: the second press may change nothing, but it never sends an edit Telegram refuses as
"message is not modified", never ends in "something went wrong", and is always answered."""

from __future__ import annotations

from bot.sandbox.telegram_api import NOT_MODIFIED
from bot.telegram import texts
from bot.telegram.common import unversioned
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, neighborhood

# A summary's buttons but Edit, left for a later entry (each entry presses the buttons its
# answer brought); the confirm is pressed last.
REVIEW_FIRST = (
    "tipf:send",
    "tipf:cancel",
    "vac:confirm",
    "vac:discard",
    "talkf:send",
    "talkf:cancel",
)
# (who, what they send[, buttons not pressed this time]) in order; destructive ones last for
# each person.
JOURNEY: list[tuple[int, str] | tuple[int, str, tuple[str, ...]]] = [
    (ANN, "/meeting"),
    (ANN, "Monthly meeting"),
    (ANN, "12/8 7pm"),
    (ANN, "Library"),
    (BOB, "/meetings"),
    (BOB, "/settings"),
    (BOB, "/profile"),
    (BOB, "/tip Van idling on Pine St every night"),
    (BOB, "/mytips"),
    # A guided tip: each question's buttons, the review's Edit and a part's Keep, then Send.
    (BOB, "/tip"),
    (BOB, "Someone tried the car doors on Oak St"),
    (BOB, "Corner of Oak St and 3rd Ave"),
    (BOB, "skip"),  # typed at the category's buttons
    (BOB, "Tried the door handles"),  # what the person did; then anonymous: the review
    (BOB, "ok", REVIEW_FIRST),  # typed at the review: Edit pressed
    (BOB, "ok", ("tipf:back",)),  # the first part picked
    (BOB, "hi"),  # too short: explained; Keep it as it was brings the review back
    (BOB, "ok"),  # Send, twice
    # A vacation watch: the same for its summary.
    (BOB, "/vacation"),
    (BOB, "12/10"),
    (BOB, "Dec 14"),
    (BOB, "Jane Doe"),
    (BOB, "(203) 555-0199"),  # key holder: None
    (BOB, "Blue Civic in the drive"),  # alarm: None
    (BOB, "Hall light 6-11pm"),  # pets: None
    (BOB, "Nobody"),  # tell the leader
    (BOB, "ok", REVIEW_FIRST),  # Edit
    (BOB, "ok", ("vac:back",)),  # the address asked again
    (BOB, "x"),  # not an address: explained; Keep it as it was
    (BOB, "ok"),  # Confirm, twice
    (BOB, "/fix"),
    (BOB, "/myfixes"),
    # A survey request: the kind's buttons, the times' That's all, Edit and Keep, then Send.
    (BOB, "/survey"),
    (BOB, "40 Elm St"),
    (BOB, "The back door lock is loose"),
    (BOB, "12/8 morning"),
    (BOB, "12/9 morning"),  # That's all, twice: the review
    (BOB, "ok", ("svq:send", "svq:cancel")),  # Edit, twice: which part to change
    (BOB, "ok", ("svq:e:",)),  # Keep it as it was, twice: the review again
    (BOB, "ok", ("svq:edit", "svq:cancel")),  # Send, twice
    (BOB, "/mysurveys"),
    # An item for the property register: each step's Skip, the review's Edit and Keep, Save.
    (BOB, "/property add"),
    (BOB, "Bicycle"),  # make: Skip
    (BOB, "FX 3"),  # model answered; serial: Skip
    (BOB, "Marked under the seat"),  # marking typed; value: Skip
    (BOB, "done"),  # no photos; notes: Skip, then the review
    (BOB, "ok", ("propf:save", "propf:cancel")),  # Edit
    (BOB, "ok", ("propf:ed:",)),  # Keep it as it is: the review again
    (BOB, "ok"),  # Save, twice
    (BOB, "/property"),  # the item's card
    (BOB, "ok", ("prop:d:",)),  # the card's Edit, Photos and Back to the register
    (BOB, "ok", ("prop:v:", "prop:add", "stol:")),  # decal, PDF, CSV
    (BOB, "/stolen"),  # tick the bicycle (a second press is stale)
    (BOB, "/cancel"),
    # A talk request: the topic's and audience's buttons, the review's Edit, a part picked
    # (the topic again), then Send.
    (BOB, "/talk"),
    (BOB, "40"),  # typed at the audience's buttons
    (BOB, "40"),
    (BOB, "Pine St church hall"),
    (BOB, "12/15, 12/17", REVIEW_FIRST),  # Edit pressed
    (BOB, "ok", ("talkf:back",)),  # the topic picked
    (BOB, "ok"),  # a topic: the review again
    (BOB, "ok"),  # typed at the review: Send, twice (then Edit and Cancel find it sent)
    (BOB, "/mytalks", ("talkm:",)),  # kept open for the officer (cancelling: tests/talks)
    (ANN, "/members"),
    (ANN, "/broadcast Porch lights on tonight, please"),
    (OFFICER_ID, "/tips"),
    (OFFICER_ID, "/fixes"),
    (OFFICER_ID, "/surveys"),
    (OFFICER_ID, "/talks"),
    (OFFICER_ID, "/groups"),
    (OFFICER_ID, "/news"),
    (OFFICER_ID, "/alert all Water main break on Elm"),
    (BOB, "/property", ("prop:add", "prop:decal", "prop:pdf", "prop:csv", "stol:")),  # the card
    (BOB, "ok", ("prop:e:", "prop:ph:", "prop:l:")),  # the card's Delete: its question
    (BOB, "ok"),  # Yes, delete it, twice
    # A victim follow-up for Bob: the officer's questions, then Bob's consent, the resources'
    # buttons and the "no more check-ins" question (each /cancel brings the newest keyboard).
    (OFFICER_ID, "/victim"),
    (OFFICER_ID, "26-004512"),
    (OFFICER_ID, str(BOB)),
    (BOB, "/cancel"),
    (BOB, "/cancel"),
    (BOB, "/cancel"),
    (OFFICER_ID, "/victims"),
    # Daily check-ins for Bob: who, the time, the wait, days off, Start; then his card.
    (BOB, "/checkin"),
    (BOB, "9am"),
    (BOB, "sat and sun"),
    (BOB, "/checkin"),
    (OFFICER_ID, "/duty"),
    (OFFICER_ID, "/checkins"),
    (BOB, "/stop"),
    (BOB, "/forget"),
]
# Buttons that would leave the journey for good (discarding the draft under test is fine).
SKIP = ("forget:yes",)


async def press_each_twice(tg: TelegramHarness, uid: int, skip: tuple[str, ...] = ()) -> list[str]:
    """Press every button of the newest keyboard in a chat twice, one after the other, each
    time as it was shown first (the second press comes from the same, older message)."""
    shown = [
        (label, data)
        for label, data in tg.api.buttons(uid)
        if data and not data.startswith(SKIP + skip)
    ]
    pressed: list[str] = []
    for _label, data in shown:
        message_id = tg.message_with_button(uid, data) if tg.has_button(uid, data) else None
        if message_id is None:
            continue  # an earlier press replaced this keyboard
        for _ in range(2):
            before = tg.answered_callbacks()
            await tg.process(tg.factory.callback(tg.user(uid), data, message_id))
            assert tg.answered_callbacks() == before + 1, f"{data} was not answered"
            pressed.append(unversioned(data))
        await tg.deliver()
    return pressed


async def test_every_button_pressed_twice(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    pressed: list[str] = []
    for uid, text, *skip in JOURNEY:
        await tg.send(uid, text)
        pressed += await press_each_twice(tg, uid, *skip)
    assert len(pressed) >= 80
    for data in ("tipf:edit", "tipf:ed:what", "tipf:keep", "tipf:send", "tipf:more:"):
        assert any(p.startswith(data) for p in pressed), data
    for data in ("vac:edit", "vac:ed:address", "vac:keep", "vac:confirm"):
        assert data in pressed, data
    for data in ("svq:k:residential", "svq:done", "svq:edit", "svq:keep", "svq:send"):
        assert data in pressed, data
    for data in ("vicf:open", "vicp:y:1", "vicp:c:1:0", "vicp:s:1", "vicp:sy:1", "vic:v:1"):
        assert data in pressed, data
    bob = tg.texts(BOB)
    assert sum("Your tip is in: T-2026-00002" in t for t in bob) == 1  # the guided one, once
    assert sum("Vacation watch #1 is on" in t for t in bob) == 1
    assert sum("Your survey request is in: <b>S-2026-00001</b>" in t for t in bob) == 1
    for data in ("propf:skip", "propf:edit", "propf:review", "propf:save", "prop:decal"):
        assert data in pressed, data
    for data in ("prop:v:", "prop:e:", "prop:dy:", "prop:pdf", "prop:csv", "stol:t:"):
        assert any(p.startswith(data) for p in pressed), data
    assert sum("Saved as item 1 in your register" in t for t in bob) == 1
    assert sum("Deleted <b>Bicycle</b>" in t for t in bob) == 1
    for data in ("talkf:t:", "talkf:a:", "talkf:edit", "talkf:e:topic", "talkf:send", "talk:c:"):
        assert any(p.startswith(data) for p in pressed), data
    assert sum("Your request is in: <b>P-2026-00001</b>" in t for t in bob) == 1
    assert sum("Here is help" in t for t in bob) == 1  # consent pressed twice: sent once
    assert sum("Daily check-ins are on" in t for t in bob) == 1
    for data in ("chkf:who:me", "chkf:w:30", "chkf:start", "chkm:t:1", "chko:duty:on"):
        assert data in pressed, data
    refused = [c for c in tg.api.calls if c.description == NOT_MODIFIED]
    assert refused == [], [c.params for c in refused]
    for uid in (ANN, BOB, OFFICER_ID):
        assert not any(texts.SOMETHING_WENT_WRONG in t for t in tg.texts(uid))
