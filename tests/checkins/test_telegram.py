"""Daily check-ins in Telegram, through the real Application and the fake Bot API on the
frozen clock: /checkin for oneself (time, wait, days, review, Start), a contact by link who
accepts, the prompt and its buttons (pressed twice), any message answering, an emergency word
as a call for help, a missed check-in reaching the contact's chat and "I've got it" (pressed
at once by two contacts), a sign-up for someone else that only the person can confirm, the
settings card, and the officers' /checkins and /duty, refused to everyone else."""

from __future__ import annotations

import re

from tests.conftest import OFFICER_ID
from tests.support.chat import count_received
from tests.support.due import tick, utc
from tests.support.harness import TelegramHarness

RUTH, DANA, SAM, LEE = 700001, 700002, 700003, 700004


async def at(tg: TelegramHarness, *parts: int) -> None:
    """Move the clock to a UTC moment and run the minute job."""
    tg.services.clock.set(utc(*parts))  # type: ignore[attr-defined]
    await tick(tg)


async def sign_up(tg: TelegramHarness, user: int = RUTH, name: str = "Ruth Miller") -> None:
    """/checkin for oneself at 9 AM, 60 minutes, every day."""
    await tg.register(user, name, phone="(203) 555-0181", address="12 Elm St")
    await tg.send(user, "/checkin")
    assert "Daily check-in" in tg.last(user)
    await tg.press(user, "chkf:who:me")
    await tg.send(user, "whenever suits")
    assert "Please give a time of day" in tg.last(user)
    await tg.send(user, "9am")
    await tg.press_if_shown(user, "chkf:ch:telegram")  # asked only when texting is set up
    await tg.press(user, "chkf:w:60")
    await tg.press(user, "chkf:d:none")
    review = tg.last(user)
    assert "Every day at 9:00 AM" in review and "Days off: none" in review
    await tg.press(user, "chkf:start")
    assert "Daily check-ins are on, Ruth" in tg.last(user)


def link_in(text: str, prefix: str) -> str:
    """The payload of a t.me deep link in a message."""
    match = re.search(rf"start=({prefix}[A-Za-z0-9_-]+)", text)
    assert match is not None, text
    return match.group(1)


async def add_contact_by_link(tg: TelegramHarness, contact: int, name: str) -> None:
    """Ruth adds a contact by Telegram link; they open it (unregistered) and accept."""
    await tg.send(RUTH, "/checkin")
    await tg.press(RUTH, "chkm:c:1")
    await tg.send(RUTH, name)
    await tg.press(RUTH, "chkc:how:link")
    payload = link_in(tg.last(RUTH), "checkinc-")
    await tg.send(contact, f"/start {payload}")
    assert "would like you as a contact" in tg.last(contact)
    await tg.press(contact, f"chk:cy:{payload.removeprefix('checkinc-')}")
    assert "we'll message you here" in tg.last(contact)


async def test_prompt_answered_by_button_once_and_by_any_text(tg: TelegramHarness) -> None:
    await sign_up(tg)
    await at(tg, 2026, 12, 2, 14, 0)
    assert "Good morning, Ruth" in tg.last(RUTH)
    await tg.press_at_once(RUTH, "chk:ok:1")
    assert count_received(tg, RUTH, "you're checked in for today") == 1
    await tg.press(RUTH, "chk:ok:1")  # an old message's button: said in its answer
    assert count_received(tg, RUTH, "you're checked in for today") == 1

    await at(tg, 2026, 12, 3, 14, 0)
    await tg.send(RUTH, "ok")  # typed, not pressed: no help menu
    assert "you're checked in for today" in tg.last(RUTH)
    await tg.send(RUTH, "yes all fine, thanks")  # said again: thanked, still no help menu
    assert count_received(tg, RUTH, "you're checked in for today") == 3
    await tg.send(RUTH, "there is a strange van on Elm")  # not an answer: read as usual
    assert "you're checked in" not in tg.last(RUTH)
    await at(tg, 2026, 12, 3, 16, 0)
    assert count_received(tg, OFFICER_ID, "check-in") == 0


async def test_missed_check_in_reaches_the_contact_who_takes_it(tg: TelegramHarness) -> None:
    await sign_up(tg)
    await add_contact_by_link(tg, DANA, "Dana Ruiz")
    await add_contact_by_link(tg, SAM, "Sam Lee")
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 14, 30)
    assert "we haven't heard from you" in tg.last(RUTH)
    await at(tg, 2026, 12, 2, 15, 0)
    for contact in (DANA, SAM):
        assert "Ruth Miller did not answer the 9:00 AM on Wed Dec 2 check-in" in tg.last(contact)
        assert "12 Elm St" in tg.last(contact)
    await tg.press_at_once(DANA, "chk:got:1")
    assert count_received(tg, DANA, "you're checking on Ruth") == 1
    await tg.press(SAM, "chk:got:1")
    await tg.deliver()
    assert "Dana Ruiz is checking on Ruth Miller" in tg.last(SAM)
    await at(tg, 2026, 12, 2, 15, 40)
    assert count_received(tg, OFFICER_ID, "Check-in not answered") == 0
    await tg.send(RUTH, "/checkin")
    await tg.press(RUTH, "chk:hist:1")
    history = tg.last(RUTH)
    assert "No answer: contacts asked" in history and "A contact is checking — Dana Ruiz" in history


async def test_no_contact_means_the_officer_on_duty_is_told_at_once(tg: TelegramHarness) -> None:
    await sign_up(tg)
    await tg.send(OFFICER_ID, "/duty")
    assert "Nobody is on duty" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "chko:duty:on")
    assert "You are on duty" in tg.last(OFFICER_ID)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 2, 15, 0)
    told = tg.last(OFFICER_ID)
    assert "Check-in not answered" in told and "None of their contacts can be reached" in told
    assert "12 Elm St" in told
    await tg.press(OFFICER_ID, "chk:got:1")
    assert "you're checking on Ruth" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/checkins")
    overview = tg.last(OFFICER_ID)
    assert "Ruth Miller" in overview and "by Sgt. Kowalski" in overview


async def test_emergency_word_in_a_reply_is_a_call_for_help(tg: TelegramHarness) -> None:
    await sign_up(tg)
    await add_contact_by_link(tg, DANA, "Dana Ruiz")
    await at(tg, 2026, 12, 2, 14, 0)
    await tg.send(RUTH, "I fell and I can't get up, help")
    assert "call 911 now" in tg.last(RUTH) and "Dana" in tg.last(RUTH)
    await tg.deliver()
    assert "Ruth Miller asked for help" in tg.last(DANA)
    assert count_received(tg, OFFICER_ID, "asked for help") == 1
    await at(tg, 2026, 12, 2, 15, 30)
    assert count_received(tg, DANA, "did not answer") == 0


async def test_sign_up_for_someone_else_waits_for_their_yes(tg: TelegramHarness) -> None:
    await tg.register(DANA, "Dana Ruiz")
    await tg.send(DANA, "/checkin")
    await tg.press(DANA, "chkf:who:other")
    await tg.send(DANA, "Ruth Miller")
    await tg.press(DANA, "chkf:how:link")
    await tg.send(DANA, "9am")
    await tg.send(DANA, "12 Elm St")
    assert "They must confirm themselves" in tg.last(DANA)
    await tg.press(DANA, "chkf:start")
    payload = link_in(tg.last(DANA), "checkin-")
    await at(tg, 2026, 12, 2, 14, 0)
    assert count_received(tg, RUTH, "check-in") == 0  # nothing before she agrees

    await tg.send(RUTH, f"/start {payload}")
    assert "Dana Ruiz asked us to check on you every day at 9:00 AM" in tg.last(RUTH)
    await tg.press_at_once(RUTH, f"chk:iy:{payload.removeprefix('checkin-')}")
    await tg.deliver()
    assert count_received(tg, DANA, "Ruth Miller agreed") == 1
    await at(tg, 2026, 12, 3, 14, 0)
    assert "Good morning, Ruth" in tg.last(RUTH)
    await at(tg, 2026, 12, 3, 15, 0)
    assert "did not answer" in tg.last(DANA)  # the signer is her first contact


async def test_settings_card_pause_and_stop(tg: TelegramHarness) -> None:
    await sign_up(tg)
    await tg.send(RUTH, "/checkin")
    await tg.press(RUTH, "chkm:p:1")
    await tg.send(RUTH, "Dec 1")
    assert "already passed" in tg.last(RUTH)
    await tg.send(RUTH, "the 4th")
    assert "Paused through 2026-12-03" in tg.last(RUTH)
    await at(tg, 2026, 12, 2, 14, 0)
    await at(tg, 2026, 12, 3, 14, 0)
    assert count_received(tg, RUTH, "Good morning") == 0
    await at(tg, 2026, 12, 4, 14, 0)
    assert count_received(tg, RUTH, "Good morning") == 1
    await tg.send(RUTH, "/checkin")
    await tg.press(RUTH, "chkm:x:1")
    await tg.press_at_once(RUTH, "chkm:xy:1")
    assert "have stopped" in tg.last(RUTH)
    await at(tg, 2026, 12, 5, 14, 0)
    assert count_received(tg, RUTH, "Good morning") == 1


async def test_officer_lists_are_officers_only(tg: TelegramHarness) -> None:
    await tg.register(LEE, "Lee Park")
    await tg.send(LEE, "/checkins")
    assert "Only a Crime Prevention Officer can see the list" in tg.last(LEE)
    await tg.send(LEE, "/duty")
    assert "Only a Crime Prevention Officer can go on duty" in tg.last(LEE)
    await tg.send(OFFICER_ID, "/checkins")
    assert "Nobody has signed up" in tg.last(OFFICER_ID)
