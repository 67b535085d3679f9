"""Officers' names end to end: an officer with none is asked once, after their first command
(never on top of a command's own question), chooses one with a button or /officername, and is
named by it wherever officers are named: messages to tipsters, tip timelines and claims, /report
and /audit. Residents are refused, names that are no names are explained."""

from __future__ import annotations

from core.permissions import Actor
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.rows import audit_rows
from tests.support.tips import guided_tip, tips

ANN = 821
NEW_OFFICER = 900077
QUESTION = "what name should people see for you?"


async def new_officer(tg: TelegramHarness) -> None:
    """An officer granted the role with no name and not registered as a member."""
    await tg.services.officers.add(Actor.system("test"), NEW_OFFICER)


def questions(tg: TelegramHarness) -> int:
    """How many times the new officer was asked for their name."""
    return sum(QUESTION in text for text in tg.texts(NEW_OFFICER))


async def test_asked_once_after_the_first_command_then_named_everywhere(
    tg: TelegramHarness,
) -> None:
    await new_officer(tg)
    await guided_tip(tg, ANN, "Same van parked by the school gate every night this week")
    [tip] = await tips(tg)
    # Before a name: the reply to the tipster is signed by the unit only.
    await tg.send(NEW_OFFICER, "/tips")
    assert "T-2026-00001" in tg.texts(NEW_OFFICER)[-2]  # the command's own answer comes first
    assert QUESTION in tg.last(NEW_OFFICER)
    assert ("✏️ Set my name", "oname:set") in tg.api.buttons(NEW_OFFICER)
    await tg.send(NEW_OFFICER, "/tips")
    await tg.send(NEW_OFFICER, "/help")
    assert questions(tg) == 1  # asked once, not at every command
    await tg.send(NEW_OFFICER, "/tip T-2026-00001")
    await tg.press(NEW_OFFICER, f"tip:r:{tip.id}")
    await tg.send(NEW_OFFICER, "Did you see the plate?")
    await tg.deliver()
    unsigned = tg.api.last_text(ANN)
    assert "— Crime Prevention Unit" in unsigned and "tg 900077" not in unsigned
    # The button asks; a name that is no name keeps the question open.
    await tg.press(NEW_OFFICER, "oname:set")
    assert "Send the name people should see for you" in tg.last(NEW_OFFICER)
    assert "/cancel" in tg.last(NEW_OFFICER)
    await tg.send(NEW_OFFICER, "👍")
    assert "at least one letter" in tg.last(NEW_OFFICER)
    await tg.send(NEW_OFFICER, "x" * 65)
    assert "keep it to 64 or fewer" in tg.last(NEW_OFFICER)
    await tg.send(NEW_OFFICER, "Officer <Lee>")
    assert "Done: you are <b>Officer &lt;Lee&gt;</b>" in tg.last(NEW_OFFICER)
    # Everywhere officers are named, from now on.
    await tg.press(NEW_OFFICER, f"tip:c:{tip.id}")
    await tg.send(NEW_OFFICER, "/tip T-2026-00001")
    card = tg.last(NEW_OFFICER)
    assert "Claimed by: Officer &lt;Lee&gt;" in card
    assert "Officer &lt;Lee&gt; claimed it" in card
    await tg.press(NEW_OFFICER, f"tip:r:{tip.id}")
    await tg.send(NEW_OFFICER, "Thanks, that helps.")
    await tg.deliver()
    assert "— Officer &lt;Lee&gt;, Crime Prevention Unit" in tg.api.last_text(ANN)
    await tg.send(OFFICER_ID, "/audit")
    log = tg.last(OFFICER_ID)
    assert "Officer &lt;Lee&gt; (officer) · <b>tip.claim</b>" in log
    assert "Officer &lt;Lee&gt; (officer) · <b>officer.name</b>" in log
    assert "officer tg 900077" not in log  # earlier lines are read with today's name too
    assert questions(tg) == 1


async def test_not_asked_over_a_commands_own_question(tg: TelegramHarness) -> None:
    await new_officer(tg)
    await tg.send(NEW_OFFICER, "/scam")  # asks for the alert's text: that question stays last
    assert questions(tg) == 0 and "/cancel" in tg.last(NEW_OFFICER)
    await tg.send(NEW_OFFICER, "/cancel")
    assert questions(tg) == 0
    await tg.send(NEW_OFFICER, "/groups")
    assert questions(tg) == 1 and QUESTION in tg.last(NEW_OFFICER)


async def test_officername_sets_shows_and_changes_the_name(tg: TelegramHarness) -> None:
    await new_officer(tg)
    await tg.send(NEW_OFFICER, "/officername   Sgt.   Dana Ruiz ")
    assert "Done: you are <b>Sgt. Dana Ruiz</b>" in tg.last(NEW_OFFICER)
    assert questions(tg) == 0  # never asked: the name came first
    await tg.send(NEW_OFFICER, "/tips")
    assert questions(tg) == 0
    await tg.send(NEW_OFFICER, "/officername")
    assert "You appear now as <b>Sgt. Dana Ruiz</b>" in tg.last(NEW_OFFICER)
    await tg.send(NEW_OFFICER, "/cancel")
    await tg.send(NEW_OFFICER, "Lt. Dana Ruiz")  # no longer asked: not taken as the name
    assert (await tg.services.access.actor(NEW_OFFICER)).name == "Sgt. Dana Ruiz"
    await tg.send(NEW_OFFICER, "/officername Lt. Dana Ruiz")
    assert (await tg.services.access.actor(NEW_OFFICER)).name == "Lt. Dana Ruiz"


async def test_residents_are_refused_and_never_asked(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/officername Chief Ann")
    assert "Only officers choose the name shown on their work" in tg.last(ANN)
    await tg.send(ANN, "/officername")
    assert "Only officers" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), "oname:set", 1))
    assert all(QUESTION not in text for text in tg.texts(ANN))
    assert (await tg.services.access.actor(ANN)).name == "Ann Smith"
    refusals = [r for r in await audit_rows(tg) if r.outcome == "refused"]
    assert [r.action for r in refusals] == ["officer.name"]  # one line for the window
