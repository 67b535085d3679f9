"""Partner groups end to end: an officer makes one (who it is for, its name), hands out its
invitation link or code; people join only with that code (never with the group's own code, and
the group is in no resident's list); officers run its alerts and meetings; it has no leader and
no election; a new invitation code locks out the old one, once however often it is pressed."""

from __future__ import annotations

import re

from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import make_group
from tests.support.rows import audit_rows

ANN, BOB, ZED = 861, 862, 869


async def new_partner(tg: TelegramHarness, name: str = "Main Street Merchants") -> str:
    """/newpartner for business owners; returns the invitation code it gave."""
    await tg.send(OFFICER_ID, "/newpartner")
    assert "Who is it for?" in tg.last(OFFICER_ID) and "/cancel" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "Main Street Merchants")  # a sector is a press, not text
    assert "Please choose who the group is for" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "prt:s:business")
    assert "What is the group's name?" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, name)
    created = tg.last(OFFICER_ID)
    assert f"Partner group <b>{name}</b> is ready" in created
    match = re.search(r"/join (P[A-Z0-9]{7})", created)
    assert match, created
    assert f"https://t.me/crimewatch_test_bot?start=join-{match.group(1)}" in created
    return match.group(1)


async def test_joined_by_invitation_only_and_hidden_from_residents(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=False)
    invite = await new_partner(tg)
    await tg.register(ANN, "Ann Shopkeeper")
    await tg.register(BOB, "Bob Resident")
    # Residents' list shows watch groups only; the partner group's own code lets nobody in.
    await tg.send(BOB, "/join")
    assert "Oak Park" in str(tg.api.buttons(BOB))
    assert "Merchants" not in str(tg.api.buttons(BOB))
    await tg.send(BOB, "/join MAINSTREET")
    assert "No watch group has the code" in tg.last(BOB)
    # With the invitation code: in at once (the invitation is the approval).
    await tg.send(ANN, f"/join {invite.lower()}")
    assert "You're now a member of <b>Main Street Merchants</b>" in tg.last(ANN)
    await tg.send(ANN, f"/join {invite}")
    assert "already a member" in tg.last(ANN)
    # Someone not registered yet keeps the invitation through registration.
    await tg.send(ZED, f"/join {invite}")
    assert f"start=join-{invite}" in str(tg.api.calls_to("sendMessage")[-1].params)
    # /groups lists watch groups; /partners the partner groups with their codes.
    await tg.send(OFFICER_ID, "/groups")
    assert "Merchants" not in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/partners")
    listing = tg.last(OFFICER_ID)
    assert "<b>Main Street Merchants</b> (MAINSTREET) — Business owners, 1 member" in listing
    assert f"<code>{invite}</code>" in listing


async def test_officers_message_it_and_it_has_no_leader(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=False)
    invite = await new_partner(tg)
    await tg.register(ANN, "Ann Shopkeeper")
    await tg.register(BOB, "Bob Resident")
    await tg.send(ANN, f"/join {invite}")
    await tg.send(BOB, "/join OAK")
    await tg.send(OFFICER_ID, "/alert MAINSTREET Counterfeit $20 bills passed on Main St")
    await tg.press(OFFICER_ID, "alert:send")
    await tg.deliver()
    assert "Counterfeit $20 bills" in tg.api.last_text(ANN)
    assert all("Counterfeit" not in t for t in tg.texts(BOB))
    await tg.send(OFFICER_ID, "/setleader MAINSTREET 1")
    assert "partner group: officers run it" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/election open MAINSTREET")
    assert "it elects no one" in tg.last(OFFICER_ID)
    # Residents cannot see or make partner groups.
    for command in ("/partners", "/newpartner"):
        await tg.send(BOB, command)
        assert "Only a Crime Prevention Officer" in tg.last(BOB)
    refused = [r.action for r in await audit_rows(tg) if r.outcome == "refused"]
    assert refused and set(refused) == {"group.create"}


async def test_a_new_invitation_code_locks_out_the_old_once(tg: TelegramHarness) -> None:
    old = await new_partner(tg)
    await tg.register(ANN, "Ann Shopkeeper")
    await tg.register(BOB, "Bob Resident")
    await tg.send(ANN, f"/join {old}")
    await tg.send(OFFICER_ID, "/partners")
    await tg.press(OFFICER_ID, "prt:i:MAINSTREET")
    assert "The old link and code stop working at once" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "prt:ik:MAINSTREET")
    assert "stays as it was" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/partners")
    await tg.press(OFFICER_ID, "prt:i:MAINSTREET")
    await tg.press_at_once(OFFICER_ID, f"prt:iy:MAINSTREET:{old}", times=2)
    answers = [c.params.get("text") for c in tg.api.calls_to("answerCallbackQuery")[-2:]]
    assert any(a and "already replaced" in a for a in answers), answers
    [new] = re.findall(r"/join (P[A-Z0-9]{7})", tg.last(OFFICER_ID))
    assert new != old
    await tg.send(BOB, f"/join {old}")
    assert "No watch group has the code" in tg.last(BOB)
    await tg.send(BOB, f"/join {new}")
    assert "You're now a member" in tg.last(BOB)
    await tg.send(OFFICER_ID, "/partners")
    assert "2 members" in tg.last(OFFICER_ID)  # Ann stayed
    renewals = [r for r in await audit_rows(tg) if r.action == "group.new_invite"]
    assert len(renewals) == 1
