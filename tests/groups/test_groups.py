"""Groups and roles end to end: creating groups, joining, approval, leaders, menus, audit."""

from __future__ import annotations

import json

from core.errors import Conflict
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import make_group
from tests.support.rows import audit_actions

ANN, BOB, CAT = 601, 602, 603


async def test_officer_creates_a_group_in_chat(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park North", None, approval=False)
    text = tg.last(OFFICER_ID)
    assert "Created <b>Oak Park North</b> with code <b>OAKPARKNOR</b>" in text
    assert "https://t.me/crimewatch_test_bot?start=join-OAKPARKNOR" in text
    assert "group.create" in await audit_actions(tg, "ok")


async def test_newgroup_bad_input_is_explained_and_flow_continues(tg: TelegramHarness) -> None:
    await tg.send(OFFICER_ID, "/newgroup")
    await tg.send(OFFICER_ID, "No")
    assert "at least 3 characters" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "Elm Street")
    await tg.send(OFFICER_ID, "elm street!")
    assert "3 to 12 letters or digits" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "elm")
    await tg.send(OFFICER_ID, "Elm St")
    await tg.send(OFFICER_ID, "yes")  # typed where buttons are expected
    assert "tap one of the buttons" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "newgroup:approval:y")
    await tg.send(OFFICER_ID, "Be kind. No vigilantism.")
    assert "code <b>ELM</b>" in tg.last(OFFICER_ID)
    group = await tg.services.groups.by_code("ELM")
    assert group.approval_required and group.bylaws == "Be kind. No vigilantism."


async def test_residents_cannot_use_officer_commands_and_refusals_are_audited(
    tg: TelegramHarness,
) -> None:
    await tg.register(ANN, "Ann")
    for command in ("/newgroup", "/setleader OAK 1", "/audit", "/groups", "/pending", "/members"):
        await tg.send(ANN, command)
        assert "Only" in tg.last(ANN), command
    refused = await audit_actions(tg, "refused")
    assert refused == [
        "group.create",
        "group.set_leader",
        "audit.view",
        "group.create",
        "group.review_members",
        "group.view_roster",
    ]
    await tg.send(OFFICER_ID, "/audit refused")
    text = tg.last(OFFICER_ID)
    assert "Refusals" in text and "Ann (member, member #1)" in text
    assert "555" not in text


async def test_join_by_code_by_buttons_and_by_deep_link(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await make_group(tg, "Elm Street", "ELM", approval=False)
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/join oak")
    assert "member of <b>Oak Park</b>" in tg.last(ANN)
    await tg.send(ANN, "/join OAK")
    assert "already a member of Oak Park" in tg.last(ANN)
    await tg.send(ANN, "/join NOPE")
    assert "No watch group has the code NOPE" in tg.last(ANN)
    await tg.send(ANN, "/join")
    assert [label for label, _ in tg.api.buttons(ANN)] == ["Elm Street · no members yet"]
    await tg.press(ANN, "join:ELM")
    assert "member of <b>Elm Street</b>" in tg.last(ANN)
    # A new resident arrives by a flyer's deep link: registration, then straight into the group.
    tg.names[BOB] = "Bob"
    await tg.send(BOB, "/start join-OAK")
    await tg.press(BOB, "consent:yes")
    await tg.send(BOB, "Bob")
    await tg.send(BOB, "2035550143")
    await tg.send(BOB, "14 Oak St")
    assert "member of <b>Oak Park</b>" in tg.last(BOB)


async def test_join_before_registering_joins_nothing_yet(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await tg.send(CAT, "/join OAK")
    assert "please register first" in tg.last(CAT)
    assert await tg.services.groups.my_groups(CAT) == []


async def test_approval_flow_with_leader_and_notifications(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=True)
    await tg.register(ANN, "Ann")
    await tg.register(BOB, "Bob")
    await tg.send(ANN, "/join OAK")
    assert "no leader yet, so the Crime Prevention Unit will decide" in tg.last(ANN)
    # The officer approves Ann and appoints her leader with buttons.
    await tg.send(OFFICER_ID, "/pending OAK")
    await tg.press(OFFICER_ID, "review:1:a")
    assert "Ann approved for Oak Park" in tg.texts(OFFICER_ID)[-2]
    await tg.send(OFFICER_ID, "/setleader")
    await tg.press(OFFICER_ID, "setleader:OAK")
    await tg.press(OFFICER_ID, "setleader:OAK:1")
    assert "Ann now leads Oak Park" in tg.last(OFFICER_ID)
    await tg.deliver()
    ann_texts = tg.texts(ANN)
    assert any("Welcome to <b>Oak Park</b>" in t for t in ann_texts)
    assert "now the leader of <b>Oak Park</b>" in ann_texts[-1]
    # Ann's menu now has the leader commands.
    menus = [
        c
        for c in tg.api.calls_to("setMyCommands")
        if c.params.get("scope", {}).get("chat_id") == ANN
    ]
    assert menus and "pending" in {c["command"] for c in menus[-1].params["commands"]}
    # Bob asks to join; leader Ann is told and rejects him.
    await tg.send(BOB, "/join OAK")
    assert "Its leader will decide" in tg.last(BOB)
    await tg.deliver()
    assert "Bob asked to join" in tg.last(ANN)
    await tg.send(ANN, "/pending")
    assert "Bob (asked" in tg.last(ANN)
    await tg.press(ANN, "review:2:r")
    await tg.deliver()
    assert "was not approved" in tg.last(BOB)
    await tg.send(ANN, "/members")
    roster = tg.last(ANN)
    assert "Ann (leader)" in roster and "555" not in roster and "Bob" not in roster
    # Pressing an already-handled request's button explains instead of failing.
    await tg.press(ANN, "review:2:a") if any(
        d == "review:2:a" for _, d in tg.api.buttons(ANN)
    ) else None
    actions = await audit_actions(tg, "ok")
    assert "group.review_members" in actions and "group.set_leader" in actions


async def test_a_new_group_without_a_leader_is_no_dead_end(tg: TelegramHarness) -> None:
    """Approval on and no leader yet: requests come to the officers (who are told of each),
    /pending alone shows which groups wait, /setleader offers the people waiting, and the new
    leader takes over the rest; when the leader leaves, the officers are told."""
    await make_group(tg, "Oak Park", "OAK", approval=True)
    assert "Until it has a leader, requests to join come to officers" in tg.last(OFFICER_ID)
    for uid, name in ((ANN, "Ann"), (BOB, "Bob"), (CAT, "Cat")):
        await tg.register(uid, name)
    await tg.send(OFFICER_ID, "/setleader OAK")
    assert "no members and no one waiting to join yet" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/pending")
    assert tg.last(OFFICER_ID) == "No one is waiting to join any group."
    for uid in (ANN, BOB):
        await tg.send(uid, "/join OAK")
        assert "no leader yet, so the Crime Prevention Unit will decide" in tg.last(uid)
    await tg.deliver()
    told = [t for t in tg.api.texts(OFFICER_ID) if "asked to join" in t]
    assert (
        len(told) == 2 and "Ann asked to join <b>Oak Park</b>, which has no leader yet" in (told[0])
    )
    assert "/pending OAK" in told[0]
    # /pending alone: the groups that wait, not "name the group".
    await tg.send(OFFICER_ID, "/pending")
    assert "Oak Park</b> (OAK) — 2 waiting, no leader: officers decide" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "pendingof:OAK")
    assert "Ann (asked" in tg.last(OFFICER_ID) and "Bob (asked" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/groups")
    assert "2 waiting to join" in tg.last(OFFICER_ID)
    # /setleader offers the people waiting; appointing one approves them too.
    await tg.send(OFFICER_ID, "/setleader OAK")
    assert "appointing one approves their request too" in tg.last(OFFICER_ID)
    assert [label for label, _ in tg.api.buttons(OFFICER_ID)] == ["⏳ Ann", "⏳ Bob"]
    await tg.press_at_once(OFFICER_ID, "setleader:OAK:1")
    assert "Ann now leads Oak Park" in tg.last(OFFICER_ID)
    await tg.deliver()
    welcome = tg.last(ANN)
    assert "Your request to join <b>Oak Park</b> was approved, and you are now its leader" in (
        welcome
    )
    assert "1 person is waiting to join: send /pending" in welcome
    assert sum("now its leader" in t for t in tg.api.texts(ANN)) == 1
    assert [g.code for g, ms in await tg.services.groups.my_groups(ANN) if ms.status == "active"]
    await tg.send(ANN, "/pending")
    assert "Bob (asked" in tg.last(ANN)
    # With a leader, the next request goes to the leader, not the officers.
    await tg.send(CAT, "/join OAK")
    assert "Its leader will decide" in tg.last(CAT)
    await tg.deliver()
    assert "Cat asked to join" in tg.last(ANN)
    assert not any("Cat asked" in t for t in tg.api.texts(OFFICER_ID))
    # The leader leaves: officers hear that the group has no leader and what waits.
    await tg.send(ANN, "/leave OAK")
    await tg.press(ANN, "leave:yes:OAK")
    await tg.deliver()
    left = tg.api.texts(OFFICER_ID)[-1]
    assert "Ann left <b>Oak Park</b>, which has no leader now" in left
    assert "2 requests to join are waiting for officers: /pending OAK" in left
    actions = await audit_actions(tg, "ok")
    assert "group.set_leader" in actions and "group.leader_left" in actions


async def test_pending_buttons_are_for_reviewers_only(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=True)
    await tg.register(ANN, "Ann")
    await tg.register(BOB, "Bob")
    await tg.send(ANN, "/join OAK")
    await tg.process(tg.factory.callback(tg.user(BOB), "pendingof:OAK", 1))  # made by hand
    answer = tg.api.calls_to("answerCallbackQuery")[-1].params.get("text", "")
    assert "Only the group's leader or an officer can approve members." in answer + tg.last(BOB)
    assert "Ann" not in tg.last(BOB)
    assert "group.review_members" in await audit_actions(tg, "refused")


async def test_leader_cannot_manage_another_group(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await make_group(tg, "Elm Street", "ELM", approval=True)
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/join OAK")
    await tg.send(OFFICER_ID, "/setleader OAK 1")
    await tg.send(ANN, "/pending ELM")
    assert "You lead Oak Park, not Elm Street" in tg.last(ANN)
    await tg.send(ANN, "/members ELM")
    assert "You lead Oak Park, not Elm Street" in tg.last(ANN)
    assert (await audit_actions(tg, "refused")).count("group.review_members") == 1


async def test_setleader_bad_input(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await tg.send(OFFICER_ID, "/setleader OAK bob")
    assert "Usage: /setleader" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/setleader OAK 99")
    assert "not an active member" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/setleader NOPE 1")
    assert "No watch group has the code NOPE" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/setleader OAK none")
    assert "has no leader to remove" in tg.last(OFFICER_ID)


async def test_leaving_and_the_leader_menu(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/leave")
    assert "not in any group" in tg.last(ANN)
    await tg.send(ANN, "/join OAK")
    await tg.send(OFFICER_ID, "/setleader OAK 1")
    await tg.send(ANN, "/leave")
    await tg.press(ANN, "leave:OAK")
    assert "You lead this group: you will stop leading it" in tg.last(ANN)  # asks first
    await tg.press(ANN, "leave:yes:OAK")
    assert "You left <b>Oak Park</b>" in tg.last(ANN)
    assert tg.api.calls_to("deleteMyCommands")[-1].params["scope"] == json.loads(
        json.dumps({"type": "chat", "chat_id": ANN})
    )
    assert (await tg.services.access.actor(ANN)).leads is None


async def test_leave_asks_first_and_the_leader_is_told(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await tg.register(ANN, "Ann")
    await tg.register(BOB, "Bob")
    for uid in (ANN, BOB):
        await tg.send(uid, "/join OAK")
    await tg.send(OFFICER_ID, "/setleader OAK 1")
    await tg.send(BOB, "/leave oak")
    assert "Leave <b>Oak Park</b>? You will stop getting its alerts" in tg.last(BOB)
    await tg.press(BOB, "leave:no")
    assert "You stay" in tg.last(BOB)
    assert [g.code for g, _ in await tg.services.groups.my_groups(BOB)] == ["OAK"]
    await tg.send(BOB, "/leave OAK")
    await tg.press_at_once(BOB, "leave:yes:OAK")  # twice at once: one leaving, one message
    assert "You left <b>Oak Park</b>" in tg.last(BOB)
    await tg.deliver()
    assert sum("Bob left <b>Oak Park</b>" in t for t in tg.api.texts(ANN)) == 1
    await tg.send(BOB, "/leave ELM")
    assert "No watch group has the code ELM" in tg.last(BOB)


async def test_help_lists_each_roles_commands(tg: TelegramHarness) -> None:
    await tg.send(OFFICER_ID, "/help")
    assert "/audit" in tg.last(OFFICER_ID) and "/newgroup" in tg.last(OFFICER_ID)
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/help")
    assert "/audit" not in tg.last(ANN) and "/pending" not in tg.last(ANN)


async def test_stale_button_is_answered(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/forget")
    await tg.press(ANN, "forget:no")
    before = tg.answered_callbacks()
    await tg.process(tg.factory.callback(tg.user(ANN), "nonsense:1", 1))
    assert tg.answered_callbacks() == before + 1


async def test_a_list_longer_than_one_message_is_sent_in_parts(tg: TelegramHarness) -> None:
    """/groups with many groups passes Telegram's 4,096 characters: it arrives in several
    messages (each accepted by the fake Bot API, which checks the length), not as an error."""
    from core.permissions import Actor

    codes = [f"G{n:03d}" for n in range(90)]
    for code in codes:
        await tg.services.groups.create(
            Actor.system("test"),
            name=f"Neighborhood watch of the long avenue number {code}",
            code=code,
            area="x" * 150,
        )
    tg.api.calls.clear()
    await tg.send(OFFICER_ID, "/groups")
    sent = [c for c in tg.api.calls_to("sendMessage") if c.ok]
    assert len(sent) >= 2
    assert all(len(str(c.params["text"])) <= 4096 for c in sent)
    shown = "\n".join(str(c.params["text"]) for c in sent)
    assert "Something went wrong" not in shown
    assert all(code in shown for code in codes)


async def test_an_approval_pressed_twice_at_once_welcomes_once(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=True)
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/join OAK")
    await tg.send(OFFICER_ID, "/pending OAK")
    await tg.press_at_once(OFFICER_ID, "review:1:a", times=3)
    await tg.deliver()
    welcomes = [t for t in tg.texts(ANN) if "Welcome to <b>Oak Park</b>" in t]
    assert len(welcomes) == 1
    assert "group.review_members" in await audit_actions(tg, "ok")


async def test_join_code_before_registering_is_kept_for_after(tg: TelegramHarness) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await tg.send(ANN, "/join oak")
    assert "To join <b>Oak Park</b>, please register first" in tg.last(ANN)
    [[button]] = tg.api.last_markup(ANN)["inline_keyboard"]  # type: ignore[index]
    assert button["url"] == "https://t.me/crimewatch_test_bot?start=join-OAK"
    # Tapping it sends /start join-OAK: registration, then the group.
    tg.names[ANN] = "Ann"
    await tg.send(ANN, "/start join-OAK")
    await tg.press(ANN, "consent:yes")
    await tg.send(ANN, "Ann Lee")
    await tg.contact(ANN, "+12035550142")
    await tg.send(ANN, "12 Main St")
    assert [g.code for g, _ in await tg.services.groups.my_groups(ANN)] == ["OAK"]
    await tg.send(BOB, "/join NOPE")
    assert "No watch group has the code NOPE" in tg.last(BOB)


async def test_a_leader_asking_about_another_group_is_told_what_they_can_do(
    tg: TelegramHarness,
) -> None:
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await make_group(tg, "Elm Street", "ELM", approval=False)
    await tg.register(ANN, "Ann")
    await tg.send(ANN, "/join OAK")
    await tg.send(OFFICER_ID, "/setleader OAK 1")
    await tg.send(ANN, "/members ELM")
    assert "You lead Oak Park, not Elm Street. /members alone shows Oak Park." in tg.last(ANN)
    await tg.send(ANN, "/pending ELM")
    assert "/pending alone shows Oak Park" in tg.last(ANN)
    assert "group.view_roster" in await audit_actions(tg, "refused")
    await tg.send(OFFICER_ID, "/pending")  # an officer leads no group: the groups that wait
    assert tg.last(OFFICER_ID) == "No one is waiting to join any group."


async def test_an_appointment_made_on_a_stale_read_changes_nothing(tg: TelegramHarness) -> None:
    # Two presses of one appointment run side by side: the second read the group before the
    # first committed. On PostgreSQL (read committed) it used to appoint again and welcome the
    # new leader twice; now its conditional update finds the leader changed and stops.
    await make_group(tg, "Oak Park", "OAK", approval=False)
    for uid, name in ((ANN, "Ann"), (BOB, "Bob")):
        await tg.register(uid, name)
        await tg.send(uid, "/join OAK")
    officer = await tg.services.access.actor(OFFICER_ID)
    stale = await tg.services.groups.by_code("OAK")  # no leader yet
    await tg.services.groups.set_leader(officer, "OAK", 1)
    for member_id, said in ((1, "Ann already leads Oak Park"), (2, "changed meanwhile")):
        async with tg.services.db.transaction() as session:
            try:
                await tg.services.groups.set_leader_in(session, officer, stale, member_id)
            except Conflict as refusal:
                assert said in str(refusal)
            else:
                raise AssertionError("a stale appointment went through")
    assert (await tg.services.groups.by_code("OAK")).leader_member_id == 1
    await tg.deliver()
    assert sum("You are now the leader" in t for t in tg.api.texts(ANN)) == 1
    assert not any("You are now the leader" in t for t in tg.api.texts(BOB))
