"""/forget and tips end to end: a tipster who never registered deletes the link between their
chat and their tips; a member's /forget deletes it with the rest of their data."""

from __future__ import annotations

from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.tips import relays, tips

ANN, BOB = 831, 832


async def test_an_unregistered_tipster_can_forget_the_link(tg: TelegramHarness) -> None:
    await tg.send(BOB, "/forget")
    assert "We don't store anything about you" in tg.last(BOB)
    await tg.send(ANN, "/tip Someone siphoning gas from cars on Spruce")
    await tg.send(ANN, "/forget")
    assert "linked to 1 tip so" in tg.last(ANN)
    await tg.press(ANN, "tip:fg:no")
    assert "Nothing was deleted" in tg.last(ANN)
    assert len(await relays(tg)) == 1
    await tg.send(ANN, "/forget")
    await tg.press(ANN, "tip:fg:yes")
    assert "no longer linked to any tip" in tg.last(ANN)
    assert await relays(tg) == []
    [tip] = await tips(tg)  # the tip itself stays with the police
    await tg.send(ANN, "/mytips")
    assert "You have no tips from this chat" in tg.last(ANN)
    await tg.send(OFFICER_ID, "/tip T-2026-00001")
    card = tg.last(OFFICER_ID)
    assert "can no longer be messaged" in card
    assert ("💬 Reply", f"tip:r:{tip.id}") not in tg.api.buttons(OFFICER_ID)
    await tg.send(ANN, "/forget")
    assert "We don't store anything about you" in tg.last(ANN)


async def test_a_members_forget_removes_their_tip_links_and_name(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Reyes")
    await tg.send(ANN, "/tip Anonymous one")
    await tg.send(ANN, "/tip")
    await tg.send(ANN, "Named one")
    for _ in range(4):
        await tg.press(ANN, "tipf:skip")
    await tg.press(ANN, "tipf:named")
    await tg.press(ANN, "tipf:send")
    assert [t.tipster_name for t in await tips(tg)] == [None, "Ann Reyes"]
    await tg.send(ANN, "/forget")
    question = tg.last(ANN)
    assert "Officers will no longer be able to ask you about your open tips" in question
    assert "T-2026-00001, T-2026-00002" in question or "T-2026-00002, T-2026-00001" in question
    assert question.endswith("Delete everything?")
    await tg.press(ANN, "forget:yes")
    assert "Your personal data is deleted" in tg.last(ANN)
    assert await relays(tg) == []
    assert all(t.tipster_name is None and t.tipster_member_id is None for t in await tips(tg))
