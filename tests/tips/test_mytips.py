"""/mytips as the tipster reads it: what each tip said, when it was sent, what is happening to
it in plain words, what officers last wrote and how to answer; pages for many tips; nothing that
officers keep to themselves, and nobody else's tips."""

from __future__ import annotations

from core.clock import FrozenClock
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.tips import officer_asks, relayed_message, telegram_reply, tips

ANN, BOB = 821, 822


async def test_each_tip_says_what_it_was_when_and_what_is_happening(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await tg.send(ANN, "/tip Porch   packages\nstolen on <Cedar> Ln, " + "a lot of detail " * 20)
    clock.advance(hours=1)
    await tg.send(ANN, "/tip Van with no plates parked for days")
    clock.advance(hours=1)
    await tg.send(ANN, "/tip Shopping carts dumped in the creek")
    first, second, third = await tips(tg)
    await officer_asks(tg, second.id, "Which street? <any> detail helps")
    await tg.send(OFFICER_ID, "/tips")
    await tg.press(OFFICER_ID, f"tip:v:{first.id}")
    await tg.press(OFFICER_ID, f"tip:c:{first.id}")  # claimed: in review, the claimer unnamed
    await tg.press(OFFICER_ID, f"tip:v:{third.id}")
    await tg.press(OFFICER_ID, f"tip:x:{third.id}")
    await tg.press(OFFICER_ID, f"tip:o:{third.id}:referred")
    await tg.deliver()
    await tg.send(ANN, "/mytips")
    listing = tg.last(ANN)
    assert "<b>Your tips</b> (3). Newest first." in listing
    # The description on one line, escaped, trimmed.
    assert "“Porch packages stolen on &lt;Cedar&gt; Ln, a lot of detail" in listing
    assert "…”" in listing and "a lot of detail " * 20 not in listing
    assert "<b>T-2026-00001</b> · anonymous · sent Tue Dec 1, 10:00 AM" in listing
    assert "🔎 Open — an officer is looking at it" in listing
    assert "💬 An officer asked you a question" in listing
    assert "Officers wrote (Tue Dec 1, 12:00 PM): “Which street? &lt;any&gt; detail helps”" in (
        listing
    )
    assert "To answer, reply to their message, or tap 💬 T-2026-00002 below." in listing
    assert "✅ Closed: Passed to investigators" in listing
    # The newest first.
    assert (
        listing.index("T-2026-00003")
        < listing.index("T-2026-00002")
        < listing.index("T-2026-00001")
    )
    # Nothing officers keep to themselves: who claimed it, their label, the timeline's words.
    assert "claimed" not in listing and "officer tg" not in listing
    labels = [label for label, _ in tg.api.buttons(ANN)]
    assert "💬 T-2026-00002" in labels and "💬 T-2026-00003" not in labels  # closed: no button
    # Answered, the question is no longer waiting; what officers wrote still shows.
    message = await relayed_message(tg, ANN, "Message from the police")
    await telegram_reply(tg, ANN, "Elm St, by the school", message)
    await tg.send(ANN, "/mytips")
    listing = tg.last(ANN)
    assert "An officer asked you a question" not in listing and "To answer" not in listing
    assert "Officers wrote (Tue Dec 1, 12:00 PM)" in listing


async def test_a_tip_marked_as_spam_shows_as_closed(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip Aliens landed on the library roof")
    [tip] = await tips(tg)
    await tg.send(OFFICER_ID, "/tip T-2026-00001")
    await tg.press(OFFICER_ID, f"tip:s:{tip.id}")
    await tg.press(OFFICER_ID, f"tip:sy:{tip.id}")
    await tg.send(ANN, "/mytips")
    listing = tg.last(ANN)
    assert "✅ Closed\n" in listing + "\n" and "spam" not in listing.lower()


async def test_many_tips_come_in_pages(tg: TelegramHarness, clock: FrozenClock) -> None:
    tg.services.settings.tips_per_hour = 100
    for n in range(1, 13):
        await tg.send(ANN, f"/tip Broken streetlight number {n} on Oak St")
    await tg.send(ANN, "/mytips")
    listing = tg.last(ANN)
    assert "<b>Your tips</b> (12). Showing 1-5 of 12, newest first." in listing
    assert "T-2026-00012" in listing and "T-2026-00008" in listing
    assert "T-2026-00007" not in listing
    assert ("Older »", "tip:pg:5") in tg.api.buttons(ANN)
    assert len(tg.texts(ANN)[-1]) < 4096
    await tg.press(ANN, "tip:pg:5")
    assert "Showing 6-10 of 12" in tg.last(ANN)
    assert ("« Newer", "tip:pg:0") in tg.api.buttons(ANN)
    await tg.press(ANN, "tip:pg:10")
    listing = tg.last(ANN)
    assert "Showing 11-12 of 12" in listing and "T-2026-00001" in listing
    assert ("Older »", "tip:pg:15") not in tg.api.buttons(ANN)
    # A page past the end (a hand-made or stale button) shows the last page instead.
    message_id = tg.message_with_button(ANN, "tip:pg:5")
    await tg.process(tg.factory.callback(tg.user(ANN), "tip:pg:95", message_id))
    assert "Showing 11-12 of 12" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), "tip:pg:x", message_id))
    assert "Showing 1-5 of 12" in tg.last(ANN)


async def test_no_tips_and_a_forgotten_tipster_see_none(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/mytips")
    assert "You have no tips from this chat" in tg.last(ANN)
    await tg.register(BOB, "Bob Diaz")
    await tg.send(BOB, "/tip Someone trying car doors on Pine St")
    await tg.send(ANN, "/mytips")  # an anonymous tip shows only in the chat that sent it
    assert "Pine St" not in tg.last(ANN) and "T-2026-00001" not in tg.last(ANN)
    await tg.send(BOB, "/forget")
    await tg.press(BOB, "forget:yes")
    await tg.send(BOB, "/mytips")
    assert "You have no tips from this chat" in tg.last(BOB)
    assert "Pine St" not in tg.last(BOB)
