"""Meetings end to end: the /meeting flow, invitations with RSVP buttons and an .ics file,
reminders at the right minutes, rescheduling and cancelling, the officers' weekly list."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.clock import FrozenClock
from scheduler import due_jobs
from storage.due.models import CalendarDue
from storage.meetings.models import Meeting
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received, documents, ics_lines, received, shown
from tests.support.due import tick, utc
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, CAT, EVE, FAY, neighborhood
from tests.support.rows import audit_actions

# The clock starts Tue Dec 1 2026, 10:00 in New York; the meeting is Tue Dec 8, 7:00 PM EST.
MEETING_UTC = utc(2026, 12, 9, 0, 0)


async def schedule(
    tg: TelegramHarness, when: str = "12/8 7pm", agenda: str | None = None, presses: int = 1
) -> None:
    await tg.send(ANN, "/meeting")
    assert "New meeting for <b>Oak Park</b>" in tg.last(ANN)
    await tg.send(ANN, "Monthly watch meeting; bring a friend, please")
    await tg.send(ANN, when)
    await tg.send(ANN, "Oak Park Library, Room 2")
    if agenda is None:
        await tg.press(ANN, "mtg:skip")
    else:
        await tg.send(ANN, agenda)
    assert "Invite the group?" in tg.last(ANN)
    await tg.press_at_once(ANN, "mtg:create", times=presses)
    assert any("Meeting #1 is scheduled" in t for t in tg.texts(ANN))
    await tg.deliver()


async def meeting_count(tg: TelegramHarness) -> int:
    async with tg.services.db.transaction() as session:
        return int(await session.scalar(select(func.count(Meeting.id))) or 0)


async def test_invitation_with_rsvp_buttons_and_a_calendar_file(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    await tg.send(FAY, "/settings")
    await tg.press(FAY, "set:cat:meetings:off")  # Fay turned meeting news off
    tg.api.clear()
    await schedule(tg, agenda="1. Welcome\n2. Car break-ins, Oak St\n3. Patrol schedule")
    assert received(tg, ANN, "Invitations with a calendar file go to 3 members")
    for uid in (ANN, BOB, EVE):
        assert received(tg, uid, "<b>Oak Park</b> meeting")
        assert len(documents(tg, uid)) == 1
    assert not received(tg, FAY, "meeting") and not documents(tg, FAY)
    assert not received(tg, CAT, "meeting")
    invitation = tg.api.texts(BOB)[-1]
    assert "Tue Dec 8, 7:00 PM" in invitation and "Car break-ins, Oak St" in invitation
    assert [label for label, _ in tg.api.buttons(BOB)] == ["✅ Going", "🤔 Maybe", "❌ Can't come"]
    # The calendar file: RFC 5545, CRLF, folded, escaped, in UTC.
    call = documents(tg, BOB)[0]
    upload = call.files["document"]
    assert upload.file_name == "meeting-1.ics"
    raw = upload.content.decode("utf-8")
    assert raw.endswith("\r\n") and "\n" not in raw.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    lines = ics_lines(call)
    assert "BEGIN:VCALENDAR" in lines and "METHOD:PUBLISH" in lines
    assert "DTSTART:20261209T000000Z" in lines and "DTEND:20261209T013000Z" in lines
    assert "SUMMARY:Monthly watch meeting\\; bring a friend\\, please (Oak Park)" in lines
    assert "LOCATION:Oak Park Library\\, Room 2" in lines
    assert any(line.startswith("DESCRIPTION:") and "\\n1. Welcome\\n2." in line for line in lines)
    assert any(line.startswith("UID:meeting-1@") for line in lines)
    # RSVP: the answer is marked on the buttons and shown as a toast.
    await tg.press(BOB, "rsvp:1:going")
    assert tg.api.calls_to("answerCallbackQuery")[-1].params["text"] == "See you there!"
    assert ("✅ Going ✓", "rsvp:1:going") in tg.api.buttons(BOB)
    await tg.press(EVE, "rsvp:1:no")
    await tg.send(BOB, "/meetings")
    assert "1 going · 0 maybe · you're going" in tg.last(BOB)
    assert "meeting.schedule" in await audit_actions(tg)


async def test_reminders_go_at_the_right_minutes_to_the_right_people(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg)
    await schedule(tg)
    await tg.press(BOB, "rsvp:1:going")
    await tg.press(EVE, "rsvp:1:no")  # Eve said no: no reminders; Ann and Fay haven't answered
    tg.api.clear()
    for due in (utc(2026, 12, 8, 0, 0), utc(2026, 12, 8, 23, 0)):  # 24h and 1h before
        clock.set(due - timedelta(minutes=1))
        await tick(tg)
        assert not received(tg, BOB, "Reminder")
        clock.set(due)
        await tick(tg)
        assert count_received(tg, BOB, "Reminder: <b>Oak Park</b> meeting") == 1
        assert count_received(tg, ANN, "You haven't answered yet") == 1
        assert count_received(tg, FAY, "You haven't answered yet") == 1
        assert not received(tg, EVE, "Reminder")
        assert not any("haven't answered" in t for t in tg.api.texts(BOB))
        tg.api.clear()
    await tick(tg)  # nothing is due twice
    assert not received(tg, BOB, "Reminder")


async def test_reschedule_and_cancel_tell_everyone_invited(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg)
    await schedule(tg)
    await tg.press(BOB, "rsvp:1:maybe")
    # Residents see RSVP buttons only; a forged manage button is refused.
    await tg.send(BOB, "/meetings")
    assert [d for _, d in tg.api.buttons(BOB) if d and d.startswith("mtg:")] == []
    await tg.send(ANN, "/meetings")
    assert ("🕑 Reschedule", "mtg:move:1") in tg.api.buttons(ANN)
    await tg.process(
        tg.factory.callback(
            tg.user(BOB), "mtg:cancel:1", tg.message_with_button(ANN, "mtg:cancel:1")
        )
    )
    assert (
        "Only the group's leader or an officer"
        in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    )
    tg.api.clear()
    await tg.send(ANN, "/meetings")
    await tg.press(ANN, "mtg:move:1")
    await tg.send(ANN, "someday soon")
    assert "couldn't read that date and time" in tg.last(ANN)
    await tg.send(ANN, "12/10 6:30pm")
    assert "moved to <b>Thu Dec 10, 6:30 PM</b>; 4 invited member(s) were told" in tg.last(ANN)
    await tg.deliver()
    assert received(tg, BOB, "moved from Tue Dec 8, 7:00 PM to <b>Thu Dec 10, 6:30 PM</b>")
    lines = ics_lines(documents(tg, BOB)[-1])
    assert "SEQUENCE:1" in lines and "DTSTART:20261210T233000Z" in lines
    async with tg.services.db.transaction() as session:
        pending = list(
            await session.scalars(
                select(CalendarDue.due_at).where(
                    CalendarDue.kind == "meeting_reminder", CalendarDue.status == "pending"
                )
            )
        )
    assert sorted(pending) == [utc(2026, 12, 9, 23, 30), utc(2026, 12, 10, 22, 30)]
    # The old reminder time passes without a reminder.
    clock.set(utc(2026, 12, 8, 0, 0))
    await tick(tg)
    assert not received(tg, BOB, "Reminder")
    await tg.send(ANN, "/meetings")
    await tg.press(ANN, "mtg:cancel:1")
    await tg.press(ANN, "mtg:cancelyes:1")
    assert "Meeting #1 is cancelled; 4 invited member(s) were told" in tg.last(ANN)
    await tg.deliver()
    assert received(tg, BOB, "<b>Cancelled</b>")
    lines = ics_lines(documents(tg, BOB)[-1])
    assert "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines and "SEQUENCE:2" in lines
    clock.set(utc(2026, 12, 9, 23, 30))
    await tick(tg)
    assert not received(tg, BOB, "Reminder")
    await tg.press(BOB, "rsvp:1:going")
    assert "cancelled" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    assert {"meeting.reschedule", "meeting.cancel"} <= set(await audit_actions(tg))
    assert "meeting.schedule" in await audit_actions(tg, "refused")


async def test_bad_meeting_input_is_explained_and_creates_nothing(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    await tg.send(BOB, "/meeting")
    assert "Only the group's leader or an officer can schedule" in tg.last(BOB)
    await tg.send(ANN, "/meeting")
    await tg.send(ANN, "Monthly meeting")
    await tg.send(ANN, "next Tuesday-ish")
    assert "couldn't read that date and time" in tg.last(ANN)
    await tg.send(ANN, "2026-11-30 19:00")
    assert "That time has passed" in tg.last(ANN)
    await tg.send(ANN, "13/45 7pm")
    assert "couldn't read that date and time" in tg.last(ANN)
    await tg.send(ANN, "tomorrow 7pm")
    await tg.send(ANN, "x")
    assert "Please say where" in tg.last(ANN)
    await tg.send(ANN, "Library")
    await tg.send(ANN, "a" * 1001)
    assert "at most 1000 characters" in tg.last(ANN)
    await tg.press(ANN, "mtg:skip")
    assert "Wed Dec 2, 7:00 PM" in tg.last(ANN)
    await tg.press(ANN, "mtg:discard")
    assert "no meeting was created" in tg.last(ANN)
    assert await meeting_count(tg) == 0
    assert "meeting.schedule" in await audit_actions(tg, "refused")


async def test_officers_get_the_weekly_list_of_upcoming_meetings(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await neighborhood(tg)
    await schedule(tg)
    await tg.press(BOB, "rsvp:1:going")
    await tg.send(OFFICER_ID, "/meeting ELM")
    await tg.send(OFFICER_ID, "Elm kickoff")
    await tg.send(OFFICER_ID, "2027-01-20 18:00")  # beyond the 14 days of the list
    await tg.send(OFFICER_ID, "Elm Street Church hall")
    await tg.press(OFFICER_ID, "mtg:skip")
    await tg.press(OFFICER_ID, "mtg:create")
    await tg.deliver()
    assert received(tg, CAT, "Elm kickoff")
    tg.api.clear()
    clock.set(utc(2026, 12, 7, 13, 0))  # Monday 08:00 in New York
    await due_jobs.weekly_meetings(tg.services)
    await tg.deliver()
    text = tg.last(OFFICER_ID)
    assert "Watch group meetings, next 14 days" in text
    assert "Tue Dec 8, 7:00 PM — <b>Oak Park</b>: Monthly watch meeting" in text
    assert "(1 going, 0 maybe)" in text and "Elm kickoff" not in text
    await due_jobs.weekly_meetings(tg.services)  # the cron and the tick: sent once
    await tick(tg)
    assert count_received(tg, OFFICER_ID, "Watch group meetings") == 1
    assert not received(tg, ANN, "Watch group meetings")


async def test_create_pressed_twice_at_once_makes_one_meeting(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    await schedule(tg, presses=2)
    assert await meeting_count(tg) == 1
    assert count_received(tg, BOB, "Monthly watch meeting") == 1


async def test_create_keeps_the_summary_and_confirms_below_it(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    await tg.send(ANN, "/meeting")
    await tg.send(ANN, "Monthly watch meeting")
    await tg.send(ANN, "12/8 7pm")
    await tg.send(ANN, "Oak Park Library, Room 2")
    await tg.press(ANN, "mtg:skip")
    summary, _ = tg.button(ANN, "mtg:create")
    await tg.press(ANN, "mtg:create")
    text, buttons = shown(tg, ANN, summary)
    assert "Invite the group?" in text and "Oak Park Library, Room 2" in text and buttons == []
    assert "Meeting #1 is scheduled" in tg.last(ANN)
