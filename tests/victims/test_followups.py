"""Victim assistance end to end through the fake Bot API: /victim for a registered member and
by invite link, consent first, the resources, check-ins at 2 days, 2 weeks and 1 month from
the due runner on a frozen clock, answers and "call me back" reaching the officer, the
officer's reply and close, "no more check-ins" (asked first), buttons pressed twice, bad
input, /forget, and nothing in groups, the audit or the logs about the person."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from core.services import Services
from core.victims.rules import DEFAULT_RESOURCES
from scheduler import due_jobs
from storage.delivery.models import Delivery, Notification
from storage.due.models import CalendarDue
from storage.victims.models import VictimFollowup
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received
from tests.support.due import tick
from tests.support.harness import TelegramHarness
from tests.support.rows import audit_rows
from tests.support.tips import relayed_message, telegram_reply

ANN, ZOE = 861, 862  # Ann is registered; Zoe never registers


async def followups(tg: TelegramHarness) -> list[VictimFollowup]:
    """Every follow-up row, oldest first."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(VictimFollowup).order_by(VictimFollowup.id)))


async def open_for(
    tg: TelegramHarness, how: str, who: str | None = None, case: str = "26-004512"
) -> None:
    """/victim for a burglary, up to the review, then Open."""
    await tg.send(OFFICER_ID, "/victim")
    await tg.press(OFFICER_ID, "vicf:t:burglary")
    await tg.send(OFFICER_ID, case)
    await tg.press(OFFICER_ID, f"vicf:h:{how}")
    if who is not None:
        await tg.send(OFFICER_ID, who)
    await tg.press(OFFICER_ID, "vicf:open")
    await tg.deliver()


def victim_texts(tg: TelegramHarness, chat: int, fragment: str) -> int:
    """How many messages in a chat say this."""
    return count_received(tg, chat, fragment)


async def test_a_member_agrees_then_gets_resources_and_three_check_ins(
    tg: TelegramHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await tg.register(ANN, "Ann Smith", phone="(203) 555-0177")
    await tg.send(OFFICER_ID, "/victim")
    assert "What was the crime?" in tg.last(OFFICER_ID) and "/cancel" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "vicf:t:burglary")
    await tg.send(OFFICER_ID, "x")
    assert "doesn't look like a case number" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "2" * 30)
    assert "the limit is 24" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, " 26-004512 ")
    await tg.press(OFFICER_ID, "vicf:h:member")
    await tg.send(OFFICER_ID, "Ann")
    assert "chat id is a number" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "4242")
    assert "No registered member has the chat id 4242" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, str(ANN))
    review = tg.last(OFFICER_ID)
    assert "Case: <b>26-004512</b>" in review and "Ann Smith" in review
    assert await followups(tg) == []  # nothing before Open
    await tg.press_at_once(OFFICER_ID, "vicf:open", times=2)
    [row] = await followups(tg)
    assert (row.status, row.channel, row.address, row.case_number) == (
        "awaiting",
        "telegram",
        str(ANN),
        "26-004512",
    )
    assert "Follow-up <b>V-00001</b> for case <b>26-004512</b> is open" in tg.last(OFFICER_ID)
    await tg.deliver()
    assert "May we?" in tg.last(ANN)
    assert victim_texts(tg, ANN, "Here is help") == 0  # consent first
    message_id, sent = tg.button(ANN, "vicp:y:1")
    await tg.press_at_once(ANN, "vicp:y:1", times=2)
    await tg.process(tg.factory.callback(tg.user(ANN), sent, message_id))  # later, again
    await tg.process(tg.factory.callback(tg.user(ANN), "vicp:n:1", message_id))  # and No
    await tg.deliver()
    assert victim_texts(tg, ANN, "Here is help") == 1
    assert victim_texts(tg, ANN, DEFAULT_RESOURCES.splitlines()[1][:40]) == 1
    assert victim_texts(tg, OFFICER_ID, "they agreed") == 1
    [row] = await followups(tg)
    assert row.status == "active"

    # Two days later (10:00 local), the first check-in; nothing earlier.
    tg.services.clock.advance(days=1, hours=23)  # type: ignore[attr-defined]
    await tick(tg)
    assert victim_texts(tg, ANN, "Checking in") == 0
    tg.services.clock.advance(hours=1)  # type: ignore[attr-defined]
    await tick(tg)
    await tick(tg)  # a second run sends nothing again
    assert victim_texts(tg, ANN, "Checking in") == 1
    assert "How are you doing? Do you need anything?" in tg.last(ANN)

    # Call me back, pressed twice: the officer is told once, with the number on file.
    await tg.press(ANN, "vicp:c:1:2d")
    await tg.press(ANN, "vicp:c:1:2d")
    await tg.deliver()
    assert victim_texts(tg, OFFICER_ID, "asks you to call them back") == 1
    assert "+12035550177" in tg.last(OFFICER_ID)
    assert victim_texts(tg, ANN, "asked the officer to call you back") == 1

    # An answer: too long first, then sent; the officer replies.
    await tg.press(ANN, "vicp:a:1")
    assert "(/cancel to stop)" in tg.last(ANN)
    await tg.send(ANN, "x" * 1001)
    assert "the limit is 1000" in tg.last(ANN)
    await tg.send(ANN, "I can't sleep, and the back door lock is still broken")
    assert "Sent to the officer" in tg.last(ANN)
    await tg.deliver()
    assert "back door lock is still broken" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "vic:r:1")
    await tg.send(OFFICER_ID, "A locksmith list is on its way; I'll call you at 3.")
    await tg.deliver()
    assert "A locksmith list is on its way" in tg.last(ANN)

    # Two weeks, then a month.
    tg.services.clock.advance(days=12)  # type: ignore[attr-defined]
    await tick(tg)
    tg.services.clock.advance(days=16)  # type: ignore[attr-defined]
    await tick(tg)
    assert victim_texts(tg, ANN, "Checking in") == 3
    [row] = await followups(tg)
    assert row.checkins_sent == 3

    # /victims shows it with its age and owner; closing asks first, then tells Ann once.
    await tg.send(OFFICER_ID, "/victims")
    listing = tg.last(OFFICER_ID)
    assert "V-00001</b> case 26-004512" in listing and "30 days old" in listing
    assert "Ann" not in listing
    await tg.press(OFFICER_ID, "vic:v:1")
    await tg.press(OFFICER_ID, "vic:x:1")
    assert "can't be undone" in tg.last(OFFICER_ID)
    await tg.press_at_once(OFFICER_ID, "vic:xy:1", times=2)
    await tg.deliver()
    assert victim_texts(tg, ANN, "has closed the follow-up") == 1
    [row] = await followups(tg)
    assert row.status == "closed"

    # The audit names the officer and the case only; no group got anything; no log line
    # carries her number or name.
    for entry in await audit_rows(tg):
        if entry.action.startswith("victim."):
            assert entry.target in ("case 26-004512", ""), entry.target
            assert "Ann" not in f"{entry.actor_label}{entry.detail}"
    async with tg.services.db.transaction() as session:
        victim = list(
            await session.scalars(select(Notification).where(Notification.kind.like("victim%")))
        )
        assert victim and all(n.group_id is None for n in victim)
        chats = {
            d.address
            for d in await session.scalars(
                select(Delivery).where(Delivery.notification_id.in_([n.id for n in victim]))
            )
        }
    assert chats <= {str(ANN), str(OFFICER_ID)}
    logged = caplog.text
    assert "555-0177" not in logged and "5550177" not in logged and "Ann Smith" not in logged


async def test_an_invite_link_opens_without_registering_and_no_more_check_ins(
    tg: TelegramHarness,
) -> None:
    await open_for(tg, "invite", case="26-000077")
    receipt = tg.last(OFFICER_ID)
    [row] = await followups(tg)
    link = f"https://t.me/crimewatch_test_bot?start=victim-{row.invite_token}"
    assert link in receipt
    await tg.send(ZOE, f"/start victim-{row.invite_token}")
    assert "May we?" in tg.last(ZOE)
    assert "register" not in tg.last(ZOE).lower()
    await tg.send(ZOE, "/start victim-not-a-real-token")
    assert "used or is no longer valid" in tg.last(ZOE)
    message_id, sent = tg.button(ZOE, f"vicp:iy:{row.invite_token}")
    await tg.press(ZOE, sent)
    await tg.process(tg.factory.callback(tg.user(ZOE), sent, message_id))  # pressed twice
    await tg.deliver()
    assert count_received(tg, ZOE, "Here is help") == 1
    [row] = await followups(tg)
    assert (row.status, row.address, row.member_id) == ("active", str(ZOE), None)
    # Someone else opening the used link gets nothing.
    await tg.send(ANN, f"/start victim-{row.invite_token}")
    assert "used or is no longer valid" in tg.last(ANN)
    # No more check-ins: asked first; Keep changes nothing; Yes stops them at once.
    await tg.press(ZOE, "vicp:s:1")
    assert "Stop the check-ins?" in tg.last(ZOE)
    await tg.press(ZOE, "vicp:sk:1")
    assert tg.last(ZOE) == "The check-ins continue."
    await tg.press(ZOE, "vicp:s:1")
    message_id, sent = tg.button(ZOE, "vicp:sy:1")
    await tg.press_at_once(ZOE, "vicp:sy:1", times=2)
    await tg.process(tg.factory.callback(tg.user(ZOE), sent, message_id))  # and later
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, "asked for no more check-ins") == 1
    tg.services.clock.advance(days=40)  # type: ignore[attr-defined]
    await tick(tg)
    assert count_received(tg, ZOE, "Checking in") == 0
    async with tg.services.db.transaction() as session:
        pending = list(
            await session.scalars(
                select(CalendarDue).where(
                    CalendarDue.kind == "victim_checkin", CalendarDue.status == "pending"
                )
            )
        )
    assert pending == []
    # She can still write to the officer.
    await tg.press(ZOE, "vicp:a:1")
    await tg.send(ZOE, "Thank you for everything")
    await tg.deliver()
    assert "Thank you for everything" in tg.last(OFFICER_ID)
    # /forget from a chat that never registered: the offer, then the follow-up is gone.
    await tg.send(ZOE, "/forget")
    await tg.press(ZOE, "vicp:fg:yes")
    await tg.deliver()
    assert await followups(tg) == []
    assert "the person asked us to forget them" in tg.last(OFFICER_ID)


async def test_declining_sends_nothing_more_and_an_emergency_answer_gets_911_first(
    tg: TelegramHarness,
) -> None:
    await tg.register(ANN, "Ann Smith")
    await open_for(tg, "member", str(ANN))
    message_id, sent = tg.button(ANN, "vicp:y:1")
    await tg.press(ANN, "vicp:n:1")
    await tg.process(tg.factory.callback(tg.user(ANN), sent, message_id))  # too late: no
    await tg.deliver()
    assert count_received(tg, ANN, "Here is help") == 0
    assert count_received(tg, OFFICER_ID, "they declined") == 1
    await tg.process(tg.factory.callback(tg.user(ANN), "vicp:a:1", message_id))
    assert await tg.services.flows.get(ANN) is None  # no answer to a follow-up she declined
    tg.services.clock.advance(days=3)  # type: ignore[attr-defined]
    await tick(tg)
    assert count_received(tg, ANN, "Checking in") == 0

    await open_for(tg, "member", str(ANN), case="26-000100")
    await tg.press(ANN, "vicp:y:2")
    await tg.deliver()
    await tg.press(ANN, "vicp:a:2")
    await tg.send(ANN, "He is back outside my door with a knife")
    assert tg.last(ANN).startswith("🚨 <b>If this is an emergency, call 911 now.</b>")
    await tg.deliver()
    assert "It may be an emergency" in tg.last(OFFICER_ID)


async def test_a_registered_member_forgets_and_the_check_ins_go(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith", phone="(203) 555-0177")
    await open_for(tg, "member", str(ANN))
    await tg.press(ANN, "vicp:y:1")
    await tg.deliver()
    await tg.press(ANN, "vicp:c:1:0")  # the officer gets her number
    await tg.press(ANN, "vicp:a:1")
    await tg.send(ANN, "My neighbour Rita saw the van")
    await tg.deliver()
    await tg.send(ANN, "/forget")
    assert "victim follow-up with officers will be deleted" in tg.last(ANN)
    await tg.press(ANN, "forget:yes")
    await tg.deliver()
    assert await followups(tg) == []
    assert "the person asked us to forget them" in tg.last(OFFICER_ID)
    async with tg.services.db.transaction() as session:
        kept = list(await session.scalars(select(Notification)))
        addresses = {d.address for d in await session.scalars(select(Delivery))}
    said = " ".join(f"{n.body_html} {n.body_text}" for n in kept)
    assert "5550177" not in said and "Rita" not in said and "Ann Smith" not in said
    assert str(ANN) not in addresses
    tg.services.clock.advance(days=3)  # type: ignore[attr-defined]
    await tick(tg)
    assert count_received(tg, ANN, "Checking in") == 0


async def test_the_resources_come_from_the_department_file(
    tg: TelegramHarness, tmp_path: Path
) -> None:
    resources = tmp_path / "resources.txt"
    resources.write_text("Stratford Victim Services: 203-555-0300, Mon-Fri <9-5>\n", "utf-8")
    object.__setattr__(tg.services.settings, "victim_resources_file", str(resources))
    await tg.register(ANN, "Ann Smith")
    await open_for(tg, "member", str(ANN))
    await tg.press(ANN, "vicp:y:1")
    await tg.deliver()
    assert "Stratford Victim Services: 203-555-0300, Mon-Fri &lt;9-5&gt;" in tg.last(ANN)


async def test_buttons_of_someone_else_s_follow_up_do_nothing(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await open_for(tg, "member", str(ANN))
    for data in ("vicp:y:1", "vicp:a:1", "vicp:c:1:0", "vicp:s:1", "vicp:sy:1"):
        await tg.process(tg.factory.callback(tg.user(ZOE), data, 1))
    await tg.deliver()
    [row] = await followups(tg)
    assert row.status == "awaiting"
    assert count_received(tg, OFFICER_ID, "asks you to call") == 0


async def test_check_ins_survive_a_restart_and_a_long_downtime_sends_only_the_latest(
    tg: TelegramHarness,
) -> None:
    await tg.register(ANN, "Ann Smith")
    await open_for(tg, "member", str(ANN))
    await tg.press(ANN, "vicp:y:1")
    await tg.deliver()
    # A new process on the same database (nothing held in memory) finds the check-ins; the
    # service was down 20 days, so the 2-day one is skipped and the 2-week one goes.
    restarted = Services.build(tg.services.settings, tg.services.db, clock=tg.services.clock)
    tg.services.clock.advance(days=20)  # type: ignore[attr-defined]
    await due_jobs.calendar_tick(restarted)
    await tg.deliver()
    assert count_received(tg, ANN, "Checking in") == 1
    assert "It has been two weeks" in tg.last(ANN)
    async with tg.services.db.transaction() as session:
        statuses = {
            d.key: d.status
            for d in await session.scalars(
                select(CalendarDue).where(CalendarDue.kind == "victim_checkin")
            )
        }
    assert statuses == {"2d": "missed", "2w": "done", "1m": "pending"}


async def test_an_invite_declined_twice_and_an_officer_s_overlong_reply(
    tg: TelegramHarness,
) -> None:
    await open_for(tg, "invite")
    [row] = await followups(tg)
    await tg.send(ZOE, f"/start victim-{row.invite_token}")
    message_id, sent = tg.button(ZOE, f"vicp:in:{row.invite_token}")
    await tg.press(ZOE, sent)
    await tg.process(tg.factory.callback(tg.user(ZOE), sent, message_id))
    assert tg.last(ZOE).startswith("Understood: nothing more will be sent")
    [row] = await followups(tg)
    assert row.status == "declined"
    await tg.send(ANN, f"/start victim-{row.invite_token}")  # nobody else can take it
    assert "used or is no longer valid" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(OFFICER_ID), "vic:r:1", 1))
    assert await tg.services.flows.get(OFFICER_ID) is None  # nothing to send to a "no"

    await tg.register(ANN, "Ann Smith")
    await open_for(tg, "member", str(ANN), case="26-000200")
    await tg.press(ANN, "vicp:y:2")
    await tg.deliver()
    await tg.press(OFFICER_ID, "vic:r:2")
    await tg.send(OFFICER_ID, "y" * 1001)
    assert "Your reply is 1001 characters long; the limit is 1000" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "Short and kind.")
    await tg.deliver()
    assert "Short and kind." in tg.last(ANN)


async def test_replying_to_a_check_in_or_an_answer_goes_to_the_other_side(
    tg: TelegramHarness,
) -> None:
    await tg.register(ANN, "Ann Smith")
    await open_for(tg, "member", str(ANN))
    await tg.press(ANN, "vicp:y:1")
    tg.services.clock.advance(days=2)  # type: ignore[attr-defined]
    await tick(tg)
    checkin = await relayed_message(tg, ANN, "Checking in")
    await telegram_reply(tg, ANN, "Better, thanks. Still scared at night.", checkin)
    assert "Sent to the officer" in tg.last(ANN)
    await tg.deliver()
    answer = await relayed_message(tg, OFFICER_ID, "Still scared at night.")
    await telegram_reply(tg, OFFICER_ID, "I'll ask patrol to pass by tonight.", answer)
    assert "Sent to the person of V-00001" in tg.last(OFFICER_ID)
    await tg.deliver()
    assert "I'll ask patrol to pass by tonight." in tg.last(ANN)
    # Someone else quoting the check-in gets nothing sent anywhere.
    await telegram_reply(tg, ZOE, "hello?", checkin)
    await tg.deliver()
    assert "hello?" not in tg.last(OFFICER_ID)
