"""Elections end to end: open, nominate (and accept), vote, close with a winner or a tie,
runoffs, terms, officers' review, and every bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.errors import NotFound, PermissionDenied
from storage.elections.models import ElectionCandidate, ElectionVote
from tests.conftest import OFFICER_ID
from tests.support.chat import received
from tests.support.due import tick
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import (
    ANN,
    ANN_ID,
    BOB,
    BOB_ID,
    CAT,
    CAT_ID,
    EVE,
    EVE_ID,
    FAY,
    neighborhood,
)
from tests.support.rows import audit_actions


async def votes(tg: TelegramHarness) -> list[tuple[int, int]]:
    async with tg.services.db.transaction() as session:
        rows = await session.execute(
            select(ElectionVote.voter_member_id, ElectionVote.candidate_member_id).order_by(
                ElectionVote.id
            )
        )
        return [(int(v), int(c)) for v, c in rows.all()]


async def open_election(tg: TelegramHarness, days: int = 3) -> None:
    await tg.send(ANN, f"/election open {days}")
    assert "is open until" in tg.last(ANN)
    await tg.deliver()


async def test_election_closes_with_a_winner_who_becomes_leader(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg)
    await open_election(tg)
    for uid in (ANN, BOB, EVE, FAY):
        assert received(tg, uid, "Election for leader of Oak Park")
    assert not received(tg, CAT, "Election for leader")
    # Bob stands; Ann nominates Eve, who must accept before she is on the ballot.
    await tg.send(BOB, "/nominate me")
    assert "You are a candidate" in tg.last(BOB)
    await tg.send(ANN, "/nominate")
    await tg.press(ANN, f"nom:1:{EVE_ID}")
    assert "You nominated <b>Eve</b>" in tg.last(ANN)
    await tg.send(FAY, "/vote")
    assert [label for label, _ in tg.api.buttons(FAY)] == ["Bob"]
    await tg.deliver()
    assert received(tg, EVE, "Ann nominated you for leader of <b>Oak Park</b>")
    await tg.press(EVE, "nom:acc:2")
    assert "You are a candidate" in tg.last(EVE)
    await tg.deliver()
    assert received(tg, ANN, "Eve accepted your nomination")
    # Votes: Bob 3, Eve 1; Fay changes her mind once.
    for uid, choice in ((ANN, BOB_ID), (BOB, BOB_ID), (EVE, EVE_ID), (FAY, EVE_ID)):
        await tg.send(uid, "/vote")
        await tg.press(uid, f"vote:1:{choice}")
    assert "Your vote for <b>Eve</b> is recorded" in tg.last(FAY)
    await tg.press(FAY, f"vote:1:{BOB_ID}")
    assert "Your vote is now for <b>Bob</b> (was Eve)" in tg.last(FAY)
    assert ("Bob ✓", f"vote:1:{BOB_ID}") in tg.api.buttons(FAY)
    await tg.send(BOB, "/election")
    assert "Closes:" in tg.last(BOB) and "• Eve" in tg.last(BOB)
    # Nothing happens before the deadline; at the deadline the scheduler closes it.
    clock.advance(days=3, seconds=-60)
    await tick(tg)
    assert not received(tg, BOB, "Election result")
    clock.advance(seconds=60)
    tg.api.clear()
    await tick(tg)
    for uid in (ANN, BOB, EVE, FAY):
        assert received(tg, uid, "Election result — Oak Park")
    result = tg.api.texts(BOB)
    assert any(
        "• Bob: 3 votes" in t and "• Eve: 1 vote" in t and "Alternate: <b>Eve</b>" in t
        for t in result
    )
    assert received(tg, BOB, "You are now the leader of <b>Oak Park</b>")
    assert received(tg, ANN, "You are no longer the leader of <b>Oak Park</b>")
    group = await tg.services.groups.by_code("OAK")
    assert group.leader_member_id == BOB_ID and group.alternate_member_id == EVE_ID
    assert group.leader_term_ends_at == clock.now() + timedelta(days=365)
    # The new leader's command menu was refreshed by the election's close.
    menus = [c for c in tg.api.calls_to("setMyCommands") if c.params["scope"].get("chat_id") == BOB]
    assert menus and "election" in str(menus[-1].params["commands"])
    assert {"election.open", "election.close", "group.set_leader"} <= set(await audit_actions(tg))
    # A second tick changes nothing.
    tg.api.clear()
    await tick(tg)
    assert not received(tg, BOB, "Election result")


async def test_a_tie_goes_to_a_runoff_between_the_tied(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg)
    await open_election(tg, days=2)
    for uid in (BOB, EVE, FAY):
        await tg.send(uid, "/nominate me")
    for uid, choice in ((BOB, BOB_ID), (EVE, EVE_ID), (FAY, BOB_ID), (ANN, EVE_ID)):
        await tg.send(uid, "/vote")
        await tg.press(uid, f"vote:1:{choice}")  # Bob 2, Eve 2, Fay 0
    clock.advance(days=2)
    tg.api.clear()
    await tick(tg)
    assert received(tg, FAY, "It's a tie. A runoff")
    assert received(tg, FAY, "Runoff election in Oak Park")
    group = await tg.services.groups.by_code("OAK")
    assert group.leader_member_id == ANN_ID  # unchanged until there is a winner
    await tg.send(FAY, "/vote")
    assert sorted(label for label, _ in tg.api.buttons(FAY)) == ["Bob", "Eve"]
    for uid, choice in ((FAY, EVE_ID), (EVE, EVE_ID), (BOB, BOB_ID)):
        await tg.send(uid, "/vote")
        await tg.press(uid, f"vote:2:{choice}")
    clock.advance(days=3)
    tg.api.clear()
    await tick(tg)
    assert received(tg, ANN, "Leader: <b>Eve</b>")
    group = await tg.services.groups.by_code("OAK")
    assert group.leader_member_id == EVE_ID and group.alternate_member_id == BOB_ID


async def test_a_tied_runoff_goes_to_the_officers(tg: TelegramHarness, clock: FrozenClock) -> None:
    await neighborhood(tg)
    await open_election(tg, days=1)
    for uid in (BOB, EVE):
        await tg.send(uid, "/nominate me")
    clock.advance(days=1)
    await tick(tg)  # 0-0: runoff
    clock.advance(days=3)
    tg.api.clear()
    await tick(tg)
    assert received(tg, BOB, "The runoff tied again")
    assert received(tg, OFFICER_ID, "/setleader OAK")
    assert (await tg.services.groups.by_code("OAK")).leader_member_id == ANN_ID


async def test_no_candidates_and_a_lone_candidate(tg: TelegramHarness, clock: FrozenClock) -> None:
    await neighborhood(tg)
    await open_election(tg, days=1)
    clock.advance(days=1)
    await tick(tg)
    assert received(tg, BOB, "closed without candidates")
    await tg.send(ANN, "/election open 1")
    await tg.send(ANN, "/nominate me")
    clock.advance(days=1)
    tg.api.clear()
    await tick(tg)  # unopposed, no votes: re-elected; no leader change messages
    assert received(tg, BOB, "Leader: <b>Ann</b>")
    assert not received(tg, ANN, "You are now the leader")
    assert (await tg.services.groups.by_code("OAK")).leader_term_ends_at is not None


async def test_bad_inputs_change_nothing(tg: TelegramHarness, clock: FrozenClock) -> None:
    await neighborhood(tg)
    # Only a leader or an officer opens an election; refusals are audited.
    await tg.send(BOB, "/election open")
    assert "Only the group's leader or an officer can open an election" in tg.last(BOB)
    await tg.send(ANN, "/election open 0")
    assert "from 1 to 30 days" in tg.last(ANN)
    await tg.send(ANN, "/election open ELM")
    assert "Only the group's leader or an officer" in tg.last(ANN)
    await open_election(tg, days=2)
    await tg.send(ANN, "/election open")
    assert "already has an election open" in tg.last(ANN)
    # Nominating someone outside the group.
    await tg.send(BOB, "/nominate Cat")
    assert "No member of Oak Park is called “Cat”" in tg.last(BOB)
    bob = await tg.services.access.actor(BOB)
    with pytest.raises(NotFound, match="not a member of Oak Park"):
        await tg.services.elections.nominate(bob, 1, CAT_ID)
    await tg.send(CAT, "/nominate")
    assert "No election is open in your groups" in tg.last(CAT)
    async with tg.services.db.transaction() as session:
        assert await session.scalar(select(func.count(ElectionCandidate.id))) == 0
    # A second vote for the same candidate changes nothing; a changed vote replaces it.
    await tg.send(BOB, "/nominate me")
    await tg.send(EVE, "/nominate Eve")
    await tg.send(ANN, "/vote")
    await tg.press(ANN, f"vote:1:{BOB_ID}")
    await tg.press(ANN, f"vote:1:{BOB_ID}")
    answer = tg.api.calls_to("answerCallbackQuery")[-1].params
    assert answer["show_alert"] and "You already voted for Bob" in answer["text"]
    assert await votes(tg) == [(ANN_ID, BOB_ID)]
    # Voting for someone who is not a candidate (a stale or forged button).
    await tg.process(
        tg.factory.callback(
            tg.user(ANN), f"vote:1:{CAT_ID}", tg.message_with_button(ANN, f"vote:1:{BOB_ID}")
        )
    )
    assert "not a candidate" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    # A vote after the close (the ballot is still on screen, the tick has not run yet).
    await tg.send(FAY, "/vote")
    clock.advance(days=2)
    await tg.press(FAY, f"vote:1:{EVE_ID}")
    assert "This election closed on" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    await tick(tg)
    await tg.press(FAY, f"vote:1:{EVE_ID}")
    assert "closed" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    assert await votes(tg) == [(ANN_ID, BOB_ID)]
    refused = await audit_actions(tg, "refused")
    assert refused.count("election.open") == 2


async def test_officer_certifies_or_overturns_a_result(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg)
    await open_election(tg, days=1)
    await tg.send(BOB, "/nominate me")
    await tg.send(EVE, "/vote")
    await tg.press(EVE, f"vote:1:{BOB_ID}")
    clock.advance(days=1)
    await tick(tg)
    await tg.send(OFFICER_ID, "/election")
    assert "#1 <b>Oak Park</b>: closed" in tg.last(OFFICER_ID) and "winner Bob" in tg.last(
        OFFICER_ID
    )
    await tg.send(BOB, "/election certify 1")
    assert "Only a Crime Prevention Officer can certify" in tg.last(BOB)
    await tg.send(OFFICER_ID, "/election certify 1")
    assert "is certified" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/election overturn 1 irregular ballots")
    assert "already certified" in tg.last(OFFICER_ID)
    # A second election, overturned: the winner stops leading.
    await tg.send(BOB, "/election open 1")
    await tg.send(EVE, "/nominate me")
    clock.advance(days=1)
    await tick(tg)
    assert (await tg.services.groups.by_code("OAK")).leader_member_id == EVE_ID
    tg.api.clear()
    await tg.send(OFFICER_ID, "/election overturn 2 Votes cast by non-residents")
    assert "is overturned" in tg.last(OFFICER_ID)
    await tg.deliver()
    assert received(tg, FAY, "overturned the election of <b>Eve</b>")
    assert received(tg, FAY, "Reason: Votes cast by non-residents")
    assert received(tg, EVE, "You are no longer the leader")
    group = await tg.services.groups.by_code("OAK")
    assert group.leader_member_id is None and group.leader_term_ends_at is None
    actions = await audit_actions(tg)
    assert "election.certify" in actions and "election.overturn" in actions
    assert "election.review" in await audit_actions(tg, "refused")


async def test_the_group_is_reminded_30_days_before_the_term_ends(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg)
    tg.services.settings.leader_term_days = 90
    await open_election(tg, days=1)
    await tg.send(BOB, "/nominate me")
    clock.advance(days=1)
    await tick(tg)
    ends = (await tg.services.groups.by_code("OAK")).leader_term_ends_at
    assert ends is not None
    clock.set(ends - timedelta(days=30, minutes=1))
    tg.api.clear()
    await tick(tg)
    assert not received(tg, EVE, "term as leader")
    clock.advance(minutes=1)
    await tick(tg)
    assert received(tg, EVE, "Bob's term as leader of <b>Oak Park</b> ends on")


async def test_nominees_are_shown_only_to_the_groups_members(tg: TelegramHarness) -> None:
    """An old nomination button in the hands of someone outside the group shows no names."""
    await neighborhood(tg, extra=False)
    await tg.send(OFFICER_ID, "/election open OAK 3")
    election = (await tg.services.elections.open_for_member(ANN))[0].election.id
    with pytest.raises(PermissionDenied):
        await tg.services.elections.nominees_to_choose(
            await tg.services.access.actor(CAT), election
        )
    assert "election.nominees" in await audit_actions(tg, "refused")
    group, names = await tg.services.elections.nominees_to_choose(
        await tg.services.access.actor(BOB), election
    )
    assert group.code == "OAK" and {m.display_name for m in names} == {"Ann", "Bob"}
