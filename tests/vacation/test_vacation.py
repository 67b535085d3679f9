"""Vacation watch end to end: the request, the leader's notice, the departure checklist, the
daily patrol list (message and CSV), officers' checks, early return, expiry, privacy."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from scheduler import due_jobs
from storage.delivery.models import Notification
from storage.due.models import CalendarDue
from storage.vacation.models import VacationCheck, VacationWatch
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received, document_text, documents, received, shown
from tests.support.due import tick, utc
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, EVE, neighborhood
from tests.support.rows import audit_actions

# The clock starts Tue Dec 1 2026, 10:00 in New York.


async def request_watch(
    tg: TelegramHarness, uid: int = BOB, tell_leader: bool = True, presses: int = 1
) -> None:
    await to_summary(tg, uid, tell_leader)
    await tg.press_at_once(uid, "vac:confirm", times=presses)
    assert any("Vacation watch #1 is on, Thu Dec 10 → Mon Dec 14" in t for t in tg.texts(uid))
    await tg.deliver()


async def to_summary(tg: TelegramHarness, uid: int = BOB, tell_leader: bool = True) -> None:
    await tg.send(uid, "/vacation")
    assert "Vacation watch" in tg.last(uid)
    await tg.press(uid, "vac:addr")
    await tg.send(uid, "12/10")
    await tg.send(uid, "Dec 14")
    await tg.send(uid, "Jane Doe")
    await tg.send(uid, "(203) 555-0199")
    await tg.send(uid, "Jane Doe, next door")
    await tg.press(uid, "vac:none")  # no vehicles
    await tg.send(uid, "=ADT 800-555-0100")
    await tg.send(uid, "Living room 6-11pm")
    await tg.press(uid, "vac:none")  # no pets
    await tg.send(uid, "Gardener on Thursdays")
    await tg.press(uid, f"vac:leader:{'y' if tell_leader else 'n'}")
    summary = tg.last(uid)
    assert "Please check your vacation watch" in summary
    assert "🗓 Thu Dec 10 → Mon Dec 14" in summary and "Jane Doe, +12035550199" in summary
    assert "Vehicles left at the house: —" in summary


async def watches(tg: TelegramHarness) -> list[VacationWatch]:
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(VacationWatch).order_by(VacationWatch.id)))


async def bodies(tg: TelegramHarness, kind: str) -> list[str]:
    async with tg.services.db.transaction() as session:
        rows = await session.scalars(
            select(Notification.body_html).where(Notification.kind == kind)
        )
        return list(rows)


async def check_count(tg: TelegramHarness) -> int:
    async with tg.services.db.transaction() as session:
        return int(await session.scalar(select(func.count(VacationCheck.id))) or 0)


async def test_watch_from_request_to_welcome_back(
    tg: TelegramHarness, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await neighborhood(tg)
    await request_watch(tg)
    # The leader hears that a neighbor is away: name and dates, never the address.
    notice = [t for t in tg.texts(ANN) if "is away" in t]
    assert notice and "Bob" in notice[0] and "Thu Dec 10 → Mon Dec 14" in notice[0]
    assert "Main St" not in notice[0] and not received(tg, EVE, "is away")
    # The checklist goes the day before departure, at 10:00.
    clock.set(utc(2026, 12, 9, 14, 59))
    await tick(tg)
    assert not received(tg, BOB, "Before you leave")
    clock.set(utc(2026, 12, 9, 15, 0))
    await tick(tg)
    assert count_received(tg, BOB, "Before you leave") == 1
    assert received(tg, BOB, "Don't post travel plans")
    # Each morning at 07:00 officers get the active addresses, as a message and a CSV file.
    tg.api.clear()
    clock.set(utc(2026, 12, 10, 12, 0))
    await due_jobs.patrol_list(tg.services)
    await tg.deliver()
    listing = tg.last(OFFICER_ID)
    assert "Vacation watch — Thu Dec 10" in listing and "🏠 12 Main St" in listing
    assert "Key holder: Jane Doe, next door" in listing and "Checks: 0" in listing
    files = documents(tg, OFFICER_ID)
    assert (
        len(files) == 1 and files[0].files["document"].file_name == "vacation-watch-2026-12-10.csv"
    )
    rows = list(csv.reader(io.StringIO(document_text(files[0]).lstrip("\ufeff"))))
    assert rows[0][:3] == ["watch", "address", "leaves"]
    assert rows[1][:4] == ["1", "12 Main St", "2026-12-10", "2026-12-14"]
    assert "'=ADT 800-555-0100" in rows[1]  # no formula for a spreadsheet to run
    await tick(tg)  # the tick does not send the day's list again
    assert count_received(tg, OFFICER_ID, "Vacation watch — Thu Dec 10") == 1
    assert not received(tg, ANN, "Vacation watch —")
    # An officer's check; the resident is told.
    clock.set(utc(2026, 12, 10, 20, 15))
    await tg.send(OFFICER_ID, "/checked 1 Back door secure, porch light on")
    assert "Check logged for watch #1 (12 Main St)" in tg.last(OFFICER_ID)
    await tg.deliver()
    assert received(tg, BOB, "An officer checked your home at 12 Main St on Thu Dec 10, 3:15 PM")
    assert received(tg, BOB, "Note: Back door secure, porch light on")
    # After the return date the watch expires, with a welcome back listing the checks.
    clock.set(utc(2026, 12, 15, 15, 0))
    await tick(tg)
    welcome = [t for t in tg.texts(BOB) if "Welcome back!" in t]
    assert len(welcome) == 1 and "Officers checked your home 1 time:" in welcome[0]
    assert "Back door secure" in welcome[0]
    assert (await watches(tg))[0].status == "expired"
    # /checked on the expired watch changes nothing.
    await tg.send(OFFICER_ID, "/checked 1")
    assert "Vacation watch #1 has ended on" in tg.last(OFFICER_ID)
    assert await check_count(tg) == 1
    clock.set(utc(2026, 12, 16, 12, 0))
    await due_jobs.patrol_list(tg.services)
    await tg.deliver()
    assert "No homes are on vacation watch today" in tg.last(OFFICER_ID)
    # Lists older than two days no longer hold addresses in the outbox.
    assert "Main St" not in " ".join(await bodies(tg, "patrol_list"))
    assert "vacation.check" in await audit_actions(tg)
    # Sensitive details never reach one of our log lines.
    ours = "\n".join(
        r.getMessage()
        for r in caplog.records
        if r.name.split(".")[0] in ("bot", "core", "notifiers", "scheduler", "storage")
    )
    assert "calendar tick" in ours
    for secret in ("Main St", "555-0199", "5550199", "ADT", "Jane Doe"):
        assert secret not in ours


async def test_back_ends_the_watch_early_and_the_leader_was_not_told(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg)
    await request_watch(tg, tell_leader=False)
    assert not received(tg, ANN, "is away")
    await tg.send(BOB, "/vacation")
    assert "You already have a vacation watch" in tg.last(BOB)
    clock.set(utc(2026, 12, 11, 14, 0))
    await tg.send(BOB, "/back")
    assert "End the vacation watch for" in tg.last(BOB)  # asks first
    await tg.press(BOB, "vacback:no")
    assert (await watches(tg))[0].status == "active"
    await tg.send(BOB, "/back")
    await tg.press_at_once(BOB, "vacback:yes:1")
    assert "Welcome back!" in tg.last(BOB) and "No house checks were logged" in tg.last(BOB)
    assert (await watches(tg))[0].status == "ended"
    await tg.send(BOB, "/back")
    assert "You have no vacation watch running" in tg.last(BOB)
    await tg.send(OFFICER_ID, "/checked 1")
    assert "has ended" in tg.last(OFFICER_ID)
    clock.set(utc(2026, 12, 15, 15, 0))
    await tick(tg)
    assert sum("Welcome back!" in t for t in tg.texts(BOB)) == 1  # /back's reply only


async def test_back_before_the_trip_asks_to_cancel_and_never_says_welcome_back(
    tg: TelegramHarness,
) -> None:
    await neighborhood(tg)
    await request_watch(tg, tell_leader=False)
    await tg.send(BOB, "/back")
    assert "Cancel the vacation watch for" in tg.last(BOB) and "not started yet" in tg.last(BOB)
    assert (await watches(tg))[0].status == "active"  # nothing happens before the answer
    await tg.press(BOB, "vacback:yes:1")
    assert "is cancelled" in tg.last(BOB) and "Welcome back" not in tg.last(BOB)
    assert (await watches(tg))[0].status == "ended"


async def test_bad_dates_are_explained_and_store_nothing(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    await tg.send(BOB, "/vacation")
    await tg.send(BOB, "12 Main St")
    await tg.send(BOB, "11/30")
    assert "Mon Nov 30 has passed" in tg.last(BOB)
    await tg.send(BOB, "2027-01-15")
    assert "must start within 30 days (by Thu Dec 31)" in tg.last(BOB)
    await tg.send(BOB, "sometime")
    assert "Please send a date like" in tg.last(BOB)
    await tg.send(BOB, "2/30")
    assert "doesn't exist" in tg.last(BOB)
    await tg.send(BOB, "12/10")
    await tg.send(BOB, "12/8")
    assert "before the day you leave (Thu Dec 10)" in tg.last(BOB)
    await tg.send(BOB, "1/20")
    assert "lasts at most 30 days (back by Sat Jan 9)" in tg.last(BOB)
    await tg.send(BOB, "12/18")
    await tg.send(BOB, "Jane")
    await tg.send(BOB, "12")
    assert "valid phone number" in tg.last(BOB)
    await tg.send(BOB, "/cancel")
    assert "Cancelled" in tg.last(BOB)
    assert await watches(tg) == []


async def test_checked_unknown_not_started_or_by_a_resident(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    await request_watch(tg)
    await tg.send(OFFICER_ID, "/checked")
    assert "Usage: /checked ID" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/checked 99 all fine")
    assert "There is no vacation watch #99" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/checked 1")
    assert "starts on Thu Dec 10; no check was logged" in tg.last(OFFICER_ID)
    await tg.send(ANN, "/checked 1")
    assert "Only an officer can log vacation house checks" in tg.last(ANN)
    assert await check_count(tg) == 0
    assert "vacation.check" in await audit_actions(tg, "refused")


async def test_forget_deletes_the_members_watches(tg: TelegramHarness, clock: FrozenClock) -> None:
    await neighborhood(tg)
    await request_watch(tg)
    clock.set(utc(2026, 12, 9, 15, 0))
    await tick(tg)  # the checklist names the address
    assert any("Main St" in b for b in await bodies(tg, "vacation"))
    await tg.send(BOB, "/forget")
    await tg.press(BOB, "forget:yes")
    assert await watches(tg) == []
    assert not any("Main St" in b for b in await bodies(tg, "vacation"))
    async with tg.services.db.transaction() as session:
        statuses = set(
            await session.scalars(
                select(CalendarDue.status).where(CalendarDue.kind.like("vacation_%"))
            )
        )
    assert statuses == {"done", "cancelled"}  # the checklist went; the expiry is cancelled


async def test_confirm_pressed_twice_at_once_stores_one_watch(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    await request_watch(tg, presses=2)
    assert len(await watches(tg)) == 1
    assert sum("is on" in t for t in tg.texts(BOB)) == 1


async def test_confirm_keeps_the_summary_and_confirms_below_it(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    await request_watch(tg)
    summary_id = max(
        c.result["message_id"]
        for c in tg.api.calls
        if c.ok
        and c.method == "sendMessage"
        and "Please check your vacation watch" in str(c.params["text"])
    )
    text, buttons = shown(tg, BOB, summary_id)
    assert "Please check your vacation watch" in text and "Jane Doe, +12035550199" in text
    assert buttons == []  # nothing left to press; the summary is the record of what was asked
    assert "Vacation watch #1 is on" in tg.last(BOB)


async def test_one_answer_changed_from_the_summary(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    await to_summary(tg)
    summary_id, edit = tg.button(BOB, "vac:edit")
    summary = shown(tg, BOB, summary_id)[0]
    for _ in range(2):  # pressed twice: the answers are already shown as buttons
        await tg.process(tg.factory.callback(tg.user(BOB), edit, summary_id))
    text, buttons = shown(tg, BOB, summary_id)
    assert text == summary and any(b.startswith("vac:ed:contact_phone@") for b in buttons)
    await tg.press(BOB, "vac:back")
    assert any(b.startswith("vac:confirm@") for b in shown(tg, BOB, summary_id)[1])
    await tg.press(BOB, "vac:edit")
    await tg.press(BOB, "vac:ed:contact_phone")
    assert shown(tg, BOB, summary_id) == (summary, [])  # the summary stays; the question follows
    assert "Their phone number?" in tg.last(BOB)
    await tg.send(BOB, "12")
    assert "valid phone number" in tg.last(BOB)  # the same check as the first time
    await tg.send(BOB, "(203) 555-0123")
    new = tg.last(BOB)
    assert "Please check your vacation watch" in new and "Jane Doe, +12035550123" in new
    assert "Gardener on Thursdays" in new and "🗓 Thu Dec 10 → Mon Dec 14" in new
    await tg.press(BOB, "vac:edit")
    await tg.press(BOB, "vac:ed:pets")
    await tg.send(BOB, "Cat, the neighbor feeds her")
    assert "Pets: Cat, the neighbor feeds her" in tg.last(BOB)
    await tg.press(BOB, "vac:confirm")
    [watch] = await watches(tg)
    assert (watch.emergency_phone, watch.pets) == ("+12035550123", "Cat, the neighbor feeds her")
    assert watch.allowed_people == "Gardener on Thursdays"


async def test_a_bad_value_then_keep_brings_the_summary_back_unchanged(
    tg: TelegramHarness,
) -> None:
    await neighborhood(tg)
    await to_summary(tg)
    summary = tg.last(BOB)
    first_id, first_confirm = tg.button(BOB, "vac:confirm")
    await tg.press(BOB, "vac:edit")
    await tg.press(BOB, "vac:ed:leave")
    await tg.send(BOB, "11/30")
    assert "has passed" in tg.last(BOB)
    await tg.press(BOB, "vac:keep")
    assert tg.last(BOB) == summary
    # The first summary's Confirm is out of date: it stores nothing and stays as it was.
    await tg.process(tg.factory.callback(tg.user(BOB), first_confirm, first_id))
    assert await watches(tg) == []
    assert "out of date" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    await tg.press(BOB, "vac:confirm")
    [watch] = await watches(tg)
    assert (str(watch.leave_on), str(watch.return_on)) == ("2026-12-10", "2026-12-14")


async def test_a_new_leaving_date_asks_again_for_a_return_that_no_longer_fits(
    tg: TelegramHarness,
) -> None:
    await neighborhood(tg)
    await to_summary(tg)
    await tg.press(BOB, "vac:edit")
    await tg.press(BOB, "vac:ed:leave")
    await tg.send(BOB, "12/20")
    assert "no longer fits" in tg.texts(BOB)[-2] and "When are you back?" in tg.last(BOB)
    await tg.send(BOB, "12/19")
    assert "before the day you leave" in tg.last(BOB)
    await tg.send(BOB, "12/27")
    assert "🗓 Sun Dec 20 → Sun Dec 27" in tg.last(BOB)
    await tg.press(BOB, "vac:edit")
    await tg.press(BOB, "vac:ed:tell_leader")
    await tg.press(BOB, "vac:leader:n")
    assert "Tell the group's leader: no" in tg.last(BOB)
    await tg.press(BOB, "vac:confirm")
    [watch] = await watches(tg)
    assert (str(watch.leave_on), str(watch.return_on), watch.tell_leader) == (
        "2026-12-20",
        "2026-12-27",
        False,
    )
