"""Environment (CPTED) reports end to end through the fake Bot API: /fix with a pin and a
photo or an address, the review and Send pressed twice, bad input, /myfixes and deleting,
officers' queue and status changes reaching the reporter, public works' CSV, the weekly
summary and the daily digest on a frozen clock, /forget, and refusals."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from core.clock import FrozenClock
from scheduler.fix_jobs import fix_digest, fix_weekly_summary
from storage.cpted.models import FixReport
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received, document_text, documents, received, sent_to
from tests.support.harness import TelegramHarness
from tests.support.images import jpeg_segment
from tests.support.rows import audit_rows, notifications

ANN, BOB = 851, 852

EXIF_JPEG = (
    b"\xff\xd8"
    + jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    + jpeg_segment(0xE1, b"Exif\x00\x00GPS 41.1N 73.1W")
    + jpeg_segment(0xDA, b"")
    + b"PIXELDATA\xff\xd9"
)


async def reports(tg: TelegramHarness) -> list[FixReport]:
    """Every report row, oldest first."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(FixReport).order_by(FixReport.id)))


async def file_by_address(
    tg: TelegramHarness, uid: int, place: str = "40 Elm St", kind: str = "graffiti"
) -> None:
    """/fix with a typed address, no photo and no note, sent."""
    await tg.send(uid, "/fix")
    await tg.press(uid, f"fixf:k:{kind}")
    await tg.send(uid, place)
    await tg.press(uid, "fixf:skip")
    await tg.press(uid, "fixf:skip")
    await tg.press(uid, "fixf:send")


async def test_pin_and_photo_reviewed_then_sent_once_however_pressed(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/fix")
    assert "What is it?" in tg.last(ANN) and "call 911" in tg.last(ANN)
    await tg.press(ANN, "fixf:k:light")
    assert "Where is it?" in tg.last(ANN)
    await tg.location(ANN, 41.1234567, -73.1234567)
    assert "A photo helps" in tg.last(ANN)
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="PHOTO-LIGHT"))
    assert "Anything officers should know?" in tg.last(ANN)
    await tg.send(ANN, "Out for two weeks; the whole corner is dark at night")
    review = tg.last(ANN)
    assert review.startswith("Officers will get this:")
    assert "Broken or dark street light" in review and "Map pin 41.1235, -73.1235" in review
    assert "Photo attached" in review and "whole corner is dark" in review
    assert await reports(tg) == []  # nothing stored before Send
    assert not any("F-2026-" in t for t in sent_to(tg, ANN))
    message_id, sent = tg.button(ANN, "fixf:send")
    await tg.press_at_once(ANN, "fixf:send", times=2)
    await tg.process(tg.factory.callback(tg.user(ANN), sent, message_id))  # once more, later
    [report] = await reports(tg)
    assert (report.kind, report.latitude, report.longitude) == ("light", 41.1235, -73.1235)
    assert report.photo_file_id == "PHOTO-LIGHT" and report.place is None
    assert report.note == "Out for two weeks; the whole corner is dark at night"
    assert report.status == "new" and report.channel == "telegram"
    member = await tg.services.members.by_telegram(ANN)
    assert member is not None and report.reporter_member_id == member.id
    receipt = tg.last(ANN)
    assert "Your report is in: <b>F-2026-00001</b>" in receipt
    assert count_received(tg, ANN, "Your report is in") == 1  # the receipt stays as it was
    assert await tg.services.flows.get(ANN) is None


async def test_by_address_unregistered_and_a_photo_file_is_stripped(tg: TelegramHarness) -> None:
    tg.api.add_file("BQACAgIAAxkBAAIB-dark.jpg", EXIF_JPEG)
    await tg.send(BOB, "/fix")
    await tg.press(BOB, "fixf:k:vacant")
    await tg.send(BOB, "  12 Birch Hill Rd,   the   old farmhouse ")
    await tg.process(tg.factory.document(tg.user(BOB), "dark.jpg", "image/jpeg", len(EXIF_JPEG)))
    [upload] = tg.api.calls_to("sendPhoto")
    assert b"GPS" not in upload.files["photo"].content  # metadata gone before it is kept
    await tg.press(BOB, "fixf:skip")  # no note
    assert "Photo attached" in tg.last(BOB)
    await tg.press(BOB, "fixf:send")
    [report] = await reports(tg)
    assert report.place == "12 Birch Hill Rd, the old farmhouse" and report.latitude is None
    assert report.photo_file_id is not None and report.reporter_member_id is None
    assert report.note is None and report.reporter_address == str(BOB)


async def test_cancel_and_the_review_cancel_store_nothing(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/fix")
    await tg.press(ANN, "fixf:k:cover")
    await tg.send(ANN, "Hedges on Pine St")
    await tg.send(ANN, "/cancel")
    await tg.press(ANN, "fixf:skip")  # a button of the cancelled flow changes nothing
    await tg.send(ANN, "/fix")
    await tg.press(ANN, "fixf:k:cover")
    await tg.send(ANN, "Hedges on Pine St")
    await tg.press(ANN, "fixf:skip")
    await tg.press(ANN, "fixf:skip")
    message_id, sent = tg.button(ANN, "fixf:send")
    await tg.press(ANN, "fixf:cancel")
    assert "nothing was sent" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), sent, message_id))  # Send after Cancel
    assert await reports(tg) == []


async def test_bad_input_gets_a_reason_and_loses_nothing(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/fix")
    await tg.send(ANN, "a street light")  # the kind is a button
    assert "use the buttons" in tg.last(ANN)
    await tg.press(ANN, "fixf:k:vehicle")
    await tg.send(ANN, "x" * 201 + " St")
    assert "the limit is 200" in tg.last(ANN)
    await tg.send(ANN, "   ")
    assert "Where is it?" in tg.last(ANN) or "address" in tg.last(ANN)
    await tg.send(ANN, "12")
    assert "doesn't look like a place" in tg.last(ANN)
    await tg.process(tg.factory.photo(tg.user(ANN)))  # a photo where the place is asked
    assert "I need the place first" in tg.last(ANN)
    await tg.location(ANN, 123.0, 200.0)
    assert "not on the map" in tg.last(ANN)
    await tg.send(ANN, "Blue sedan, no plates, outside 7 Oak St")
    big = tg.factory.photo(tg.user(ANN), file_size=12 * 1024 * 1024)
    await tg.process(big)
    assert "12.0 MB; the limit is 10 MB" in tg.last(ANN)
    pdf = tg.factory.document(tg.user(ANN), "notes.pdf", "application/pdf", 2_000)
    await tg.process(pdf)
    assert "not an image" in tg.last(ANN)
    await tg.location(ANN, 41.0, -73.0)  # the place was given already
    assert "already have the place" in tg.last(ANN)
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="CAR-1"))
    for n in range(24):  # an album of 25: the first is the report's, the rest are refused
        await tg.process(tg.factory.photo(tg.user(ANN), file_id=f"CAR-{n + 2}"))
        assert "already has its photo" in tg.last(ANN)
    await tg.send(ANN, "n" * 10_000)  # a note far past the limit
    assert "10000 characters long; the limit is 500" in tg.last(ANN)
    await tg.send(ANN, "Been there since October")
    assert "Officers will get this:" in tg.last(ANN)
    await tg.send(ANN, "anything")  # the review takes buttons
    assert "use the buttons" in tg.last(ANN)
    await tg.press(ANN, "fixf:send")
    [report] = await reports(tg)
    assert report.place == "Blue sedan, no plates, outside 7 Oak St"
    assert report.photo_file_id == "CAR-1" and report.note == "Been there since October"


async def test_an_emergency_typed_in_the_flow_gets_911_first_and_the_question_back(
    tg: TelegramHarness,
) -> None:
    await tg.send(ANN, "/fix")
    await tg.press(ANN, "fixf:k:vacant")
    await tg.send(ANN, "Someone is breaking in right now at 9 Elm St")
    texts = sent_to(tg, ANN)
    assert any("call 911" in t.lower() for t in texts[-2:])
    assert await reports(tg) == []
    flow = await tg.services.flows.get(ANN)
    assert flow is not None and flow.flow == "urgent"  # the fix question is held, not lost


async def test_officers_queue_status_changes_reach_the_reporter(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await file_by_address(tg, ANN)
    await tg.send(OFFICER_ID, "/fixes")
    queue = tg.last(OFFICER_ID)
    assert "Environment reports — New</b> (1)" in queue
    assert "F-2026-00001" in queue and "Graffiti" in queue and "40 Elm St" in queue
    assert "just now old; unclaimed" in queue
    assert "Ann" not in queue  # officers never see who reported
    await tg.press(OFFICER_ID, "fix:v:1")
    card = tg.last(OFFICER_ID)
    assert "Status: new" in card and "owner: unclaimed" in card and "Ann" not in card
    await tg.press(OFFICER_ID, "fix:c:1")
    assert "owner: " in tg.last(OFFICER_ID) and "unclaimed" not in tg.last(OFFICER_ID)
    message_id, sent = tg.button(OFFICER_ID, "fix:s:1:public_works")
    await tg.press(OFFICER_ID, "fix:s:1:public_works")
    assert "Status: sent to public works" in tg.last(OFFICER_ID)
    await tg.process(tg.factory.callback(tg.user(OFFICER_ID), sent, message_id))  # again
    assert (
        "already sent to public works"
        in (tg.api.calls_to("answerCallbackQuery")[-1].params["text"])
    )
    await tg.deliver()
    assert count_received(tg, ANN, "was sent to public works") == 1
    assert "F-2026-00001" in tg.last(ANN) and "Graffiti" in tg.last(ANN)
    stale_id, stale = tg.button(OFFICER_ID, "fix:s:1:not_actionable")
    await tg.press(OFFICER_ID, "fix:s:1:fixed")
    await tg.deliver()
    assert "is fixed. Thank you" in tg.last(ANN)
    [report] = await reports(tg)
    assert report.status == "fixed" and report.closed_at is not None
    assert "Your report is in: <b>F-2026-00001</b>" in tg.texts(ANN)[-3]  # receipt untouched
    await tg.process(tg.factory.callback(tg.user(OFFICER_ID), stale, stale_id))  # stays closed
    assert "can no longer be marked" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    await tg.send(ANN, "/myfixes")
    assert "F-2026-00001" in tg.last(ANN) and "fixed" in tg.last(ANN)
    actions = [(r.action, r.target) for r in await audit_rows(tg) if r.action.startswith("fix.")]
    assert ("fix.claim", "F-2026-00001") in actions and ("fix.status", "F-2026-00001") in actions
    assert all("Ann" not in (r.target + r.detail) for r in await audit_rows(tg))
    assert len(await notifications(tg, "fix_status")) == 2


async def test_the_csv_for_public_works_lists_what_was_sent_to_them(tg: TelegramHarness) -> None:
    await file_by_address(tg, ANN, "=HYPERLINK(evil) Main St", "light")
    await file_by_address(tg, ANN, "Park Ave underpass", "graffiti")
    await file_by_address(tg, ANN, "Oak St lot", "vehicle")
    await tg.send(OFFICER_ID, "/fixes")
    for report_id in (1, 2):
        await tg.press(OFFICER_ID, f"fix:v:{report_id}")
        await tg.press(OFFICER_ID, f"fix:s:{report_id}:public_works")
    await tg.send(OFFICER_ID, "/fixes csv")
    assert "2 reports sent to them" in tg.last(OFFICER_ID)
    await tg.deliver()
    [call] = documents(tg, OFFICER_ID)
    assert call.params.get("caption") is None or "public works" in str(call.params)
    rows = list(csv.reader(io.StringIO(document_text(call).lstrip("\ufeff"))))
    assert rows[0][:3] == ["reference", "kind", "address"]
    assert [r[0] for r in rows[1:]] == ["F-2026-00001", "F-2026-00002"]
    assert rows[1][2] == "'=HYPERLINK(evil) Main St"  # no formula runs in a spreadsheet
    assert rows[2][1] == "Graffiti" and rows[2][9] == "sent to public works"
    assert all(str(ANN) not in cell for row in rows for cell in row)


async def test_weekly_summary_and_untouched_digest_on_the_clock(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    # Tuesday Dec 1, 10:00: two reports; one is worked on Thursday, the other left alone.
    await file_by_address(tg, ANN, "Elm St by the school", "light")
    await file_by_address(tg, ANN, "Pine St", "cover")
    clock.advance(days=1)  # Wednesday 10:00: one working day
    await fix_digest(tg.services)
    await tg.deliver()
    assert not received(tg, OFFICER_ID, "untouched for 3 working days")
    clock.advance(days=1)  # Thursday
    await tg.send(OFFICER_ID, "/fixes")
    await tg.press(OFFICER_ID, "fix:c:2")
    clock.advance(days=1)  # Friday 10:00: F-1 is three working days old (Wed, Thu, Fri)
    await fix_digest(tg.services)
    await tg.deliver()
    digest = tg.api.last_text(OFFICER_ID)
    assert "1 environment report untouched for 3 working days" in digest
    assert "F-2026-00001" in digest and "F-2026-00002" not in digest
    await fix_digest(tg.services)  # the same day again: sent once
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, "untouched for 3 working days") == 1
    clock.advance(days=3)  # Monday Dec 7, 10:00 (past the 08:30 summary)
    await fix_weekly_summary(tg.services)
    await fix_weekly_summary(tg.services)
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, "Environment reports — the week to") == 1
    summary = tg.api.last_text(OFFICER_ID)
    assert "New: 2 (1 overgrown cover or bushes, 1 broken or dark street light)" in summary
    # F-2 was claimed on Thursday: two working days (Fri, Mon) since, not yet untouched.
    assert "Open now: 2 new, 0 with public works; 1 untouched" in summary


async def test_delete_from_myfixes_asks_first_and_deletes_once(tg: TelegramHarness) -> None:
    await file_by_address(tg, ANN)
    await file_by_address(tg, BOB, "Bob's corner, 3 Ash St")
    await tg.send(ANN, "/myfixes")
    assert "F-2026-00001" in tg.last(ANN) and "F-2026-00002" not in tg.last(ANN)
    await tg.press(ANN, "fixm:d:1")
    assert "Delete F-2026-00001?" in tg.last(ANN) and "can't be undone" in tg.last(ANN)
    message_id, sent = tg.button(ANN, "fixm:dy:1")
    await tg.press(ANN, "fixm:dy:1")
    assert "Deleted F-2026-00001" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), sent, message_id))  # again
    assert "no longer there" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    await tg.process(tg.factory.callback(tg.user(ANN), "fixm:dy:2", 1))  # Bob's, by hand
    assert [r.id for r in await reports(tg)] == [2]


async def test_forget_leaves_nothing_of_a_members_or_a_strangers_reports(
    tg: TelegramHarness,
) -> None:
    await tg.register(ANN, "Ann Smith")
    await file_by_address(tg, ANN)
    await file_by_address(tg, BOB, "3 Ash St")  # Bob never registered
    await tg.send(ANN, "/forget")
    assert "environment report (/myfixes) will be deleted" in tg.last(ANN)
    await tg.press(ANN, "forget:yes")
    await tg.send(BOB, "/forget")
    assert "filed 1 environment report" in tg.last(BOB)
    await tg.press(BOB, "fixm:fg:yes")
    assert "Deleted 1 environment report" in tg.last(BOB)
    assert await reports(tg) == []


async def test_residents_are_refused_the_officers_queue(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await file_by_address(tg, ANN)
    for attempt in ("/fixes", "/fixes csv", "/fixes F-2026-00001"):
        await tg.send(ANN, attempt)
        assert "Only a Crime Prevention Officer" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), "fix:s:1:fixed", 1))
    [report] = await reports(tg)
    assert report.status == "new"
    refused = [r for r in await audit_rows(tg) if r.outcome == "refused"]
    # The same refusal repeated within minutes is written once.
    assert [(r.action, r.target) for r in refused] == [("fix.work", "fixes")]


async def test_the_jobs_are_module_level_functions_at_their_local_times(
    tg: TelegramHarness,
) -> None:
    from scheduler.runner import build_scheduler

    scheduler = build_scheduler(tg.services)
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    for job_id in ("fix_digest", "fix_weekly_summary"):
        assert jobs[job_id].func.__module__ == "scheduler.fix_jobs"
        assert jobs[job_id].args == (tg.services,)
    assert "hour='7', minute='30'" in str(jobs["fix_digest"].trigger)
    assert "day_of_week='mon', hour='8', minute='30'" in str(jobs["fix_weekly_summary"].trigger)
