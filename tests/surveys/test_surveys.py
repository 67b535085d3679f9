"""Security surveys end to end through the fake Bot API: /survey for a home, a business and a
boat with the review's Send pressed twice and Edit, bad input, officers' queue, a proposal
accepted (the visit's .ics to both sides, reminders the day before and an hour before), the
findings recorded after the visit and the PDF report opened and read, the follow-up a month
later, moving and cancelling on both sides, /mysurveys, /forget and refusals."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from core.clock import FrozenClock
from storage.surveys.models import Survey, SurveyFinding
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received, documents, ics_lines, received
from tests.support.harness import TelegramHarness
from tests.support.rows import audit_rows, notifications

ANN, BOB = 861, 862


async def surveys(tg: TelegramHarness) -> list[Survey]:
    """Every request row, oldest first."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(Survey).order_by(Survey.id)))


async def findings(tg: TelegramHarness) -> list[SurveyFinding]:
    """Every finding row."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(SurveyFinding).order_by(SurveyFinding.id)))


async def ask_home(tg: TelegramHarness, uid: int, address: str = "40 Elm St") -> None:
    """/survey for a home with two windows, sent."""
    await tg.send(uid, "/survey")
    await tg.press(uid, "svq:k:residential")
    await tg.send(uid, address)
    await tg.send(uid, "The back door lock is loose; a break-in next door last month")
    await tg.send(uid, "12/8 morning")
    await tg.send(uid, "Dec 9 afternoon")
    await tg.press(uid, "svq:done")
    await tg.press(uid, "svq:send")


async def book(tg: TelegramHarness, uid: int, survey_id: int = 1, when: str = "12/8 10am") -> None:
    """The officer proposes a time and the requester accepts it."""
    await tg.send(OFFICER_ID, f"/surveys S-2026-{survey_id:05d}")
    await tg.press(OFFICER_ID, f"sv:p:{survey_id}")
    await tg.send(OFFICER_ID, when)
    await tg.deliver()
    [data] = [d for _label, d in tg.api.buttons(uid) if d.startswith(f"svr:a:{survey_id}:")]
    await tg.press(uid, data)
    await tg.deliver()


async def record_all(tg: TelegramHarness, survey_id: int, priorities: list[str]) -> None:
    """The officer records a priority for each checklist item (a note on the first)."""
    await tg.send(OFFICER_ID, f"/surveys S-2026-{survey_id:05d}")
    await tg.press(OFFICER_ID, f"sv:f:{survey_id}")
    for n, priority in enumerate(priorities):
        await tg.press(OFFICER_ID, f"svf:p:{priority}")
        if n == 0:
            await tg.send(OFFICER_ID, "Fit a deadbolt 🔒 to the back door")
        else:
            await tg.press(OFFICER_ID, "svf:skip")


async def test_home_survey_from_request_to_report_and_follow_up(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/survey")
    assert "What should be surveyed?" in tg.last(ANN) and "call 911" in tg.last(ANN)
    await tg.press(ANN, "svq:k:residential")
    assert "What is the address?" in tg.last(ANN)
    await tg.send(ANN, "40 Elm St")
    assert "What worries you?" in tg.last(ANN)
    await tg.send(ANN, "The back door lock is loose")
    assert "When would suit you?" in tg.last(ANN)
    await tg.send(ANN, "11/20 morning")  # in the past
    assert "Nov 20 has passed" in tg.last(ANN)
    await tg.send(ANN, "someday soon")
    assert "Please send a date and a part of the day" in tg.last(ANN)
    await tg.send(ANN, "12/8 morning")
    assert "Noted: Tue Dec 8, morning" in tg.last(ANN) and "one more" in tg.last(ANN)
    await tg.send(ANN, "Dec 9 pm")
    assert "That's all" in str(tg.api.buttons(ANN))
    await tg.send(ANN, "tomorrow evening")  # the third: the review comes at once
    review = tg.last(ANN)
    assert review.startswith("Officers will get this:")
    assert "40 Elm St" in review and "back door lock" in review
    assert "Tue Dec 8, morning" in review and "Wed Dec 9, afternoon" in review
    assert "Wed Dec 2, evening" in review
    assert await surveys(tg) == []  # nothing stored before Send
    await tg.press_at_once(ANN, "svq:send", times=2)
    [survey] = await surveys(tg)
    assert survey.kind == "residential" and survey.status == "new"
    assert survey.windows == "2026-12-08 morning\n2026-12-09 afternoon\n2026-12-02 evening"
    assert count_received(tg, ANN, "Your survey request is in: <b>S-2026-00001</b>") == 1
    assert any("Officers will get this:" in t for t in tg.texts(ANN)[-3:])  # review stays
    await tg.deliver()
    assert received(tg, OFFICER_ID, "a new request")

    # The officer's queue, claim, proposal.
    await tg.send(OFFICER_ID, "/surveys")
    queue = tg.last(OFFICER_ID)
    assert "Security surveys — New</b> (1)" in queue and "S-2026-00001" in queue
    assert "just now old; unclaimed" in queue and "Ann" not in queue
    await tg.press(OFFICER_ID, "sv:v:1")
    await tg.press(OFFICER_ID, "sv:c:1")
    assert "unclaimed" not in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "sv:p:1")
    assert "Tue Dec 8, morning" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "2026-11-30 10:00")  # past
    assert "That time has passed" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "12/8 10am")
    assert "Proposed Tue Dec 8, 10:00 AM for S-2026-00001" in tg.last(OFFICER_ID)
    await tg.deliver()
    assert "proposes to visit on <b>Tue Dec 8, 10:00 AM</b>" in tg.last(ANN)
    assert "Sgt. Kowalski" in tg.last(ANN) and "tg 900001" not in tg.last(ANN)  # by name
    message_id, accept = tg.button(ANN, "svr:a:1:1")
    await tg.press_at_once(ANN, "svr:a:1:1", times=2)
    await tg.process(tg.factory.callback(tg.user(ANN), accept, message_id))  # later, again
    await tg.deliver()
    assert count_received(tg, ANN, "Accepted: the visit for S-2026-00001 is booked") == 1
    [ann_ics] = documents(tg, ANN)
    lines = ics_lines(ann_ics)
    assert "DTSTART:20261208T150000Z" in lines and "SUMMARY:Security survey S-2026-00001" in lines
    assert "METHOD:PUBLISH" in lines and "LOCATION:40 Elm St" in lines
    assert len(documents(tg, OFFICER_ID)) == 1  # the officer's copy
    assert received(tg, OFFICER_ID, "to record the findings after it")
    [survey] = await surveys(tg)
    assert survey.status == "scheduled" and survey.proposed_at is None

    # Reminders the day before and an hour before, once each.
    clock.advance(days=6)  # Mon Dec 7, 10:00
    await tg.services.due.tick()
    await tg.services.due.tick()
    await tg.deliver()
    assert count_received(tg, ANN, "S-2026-00001 is tomorrow") == 1
    assert count_received(tg, OFFICER_ID, "S-2026-00001 is tomorrow") == 1
    clock.advance(hours=23)  # Tue Dec 8, 9:00
    await tg.services.due.tick()
    await tg.deliver()
    assert count_received(tg, ANN, "S-2026-00001 is in an hour") == 1

    # Before the visit no findings; after it, the checklist.
    await tg.process(tg.factory.callback(tg.user(OFFICER_ID), "sv:f:1", 1))
    assert "still ahead" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    clock.advance(hours=2)  # 11:00, after the visit
    await tg.send(OFFICER_ID, "/surveys scheduled")
    assert "Visit: Tue Dec 8, 10:00 AM" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/surveys S-2026-00001")
    await tg.press(OFFICER_ID, "sv:f:1")
    assert "<b>Doors</b> (1 of 8)" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "svf:p:high")
    await tg.send(OFFICER_ID, "n" * 5000)  # too long
    assert "5000 characters long; the limit is 500" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "Fit a deadbolt 🔒 to the back door")
    for priority in ("medium", "ok", "low", "ok", "ok", "ok"):
        await tg.press(OFFICER_ID, f"svf:p:{priority}")
        await tg.press(OFFICER_ID, "svf:skip")
    await tg.press(OFFICER_ID, "svf:p:medium")  # garage and sheds
    await tg.send(OFFICER_ID, "Lock the shed")
    review = tg.last(OFFICER_ID)
    assert "Findings for S-2026-00001" in review and "<b>Doors</b>: High priority" in review
    await tg.press_at_once(OFFICER_ID, "svf:send", times=2)
    assert count_received(tg, OFFICER_ID, "The report for S-2026-00001 is on its way") == 1
    assert len(await findings(tg)) == 8
    [survey] = await surveys(tg)
    assert survey.status == "done"
    await tg.deliver()
    pdfs = [d for d in documents(tg, ANN) if (d.files["document"].file_name or "").endswith(".pdf")]
    [pdf] = pdfs
    assert "4 recommendations" in tg.last(ANN)
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.files["document"].content)).pages
    )
    assert "Security survey report S-2026-00001" in text
    for line in (
        "Doors - High priority",
        "Locks - Medium priority",
        "Windows - Fine as it is",
        "Lighting - Low priority",
        "Garage and sheds - Medium priority",
        "Fit a deadbolt ? to the back door",
        "Lock the shed",
    ):
        assert line in text, line
    assert text.index("Doors - High") < text.index("Locks - Medium") < text.index("Lighting")

    # A month later: which recommendations were done.
    clock.advance(days=30)
    await tg.services.due.tick()
    await tg.deliver()
    assert "Which have you done?" in tg.last(ANN)
    assert tg.has_button(ANN, "svr:f:1:doors") and not tg.has_button(ANN, "svr:f:1:windows")
    await tg.press(ANN, "svr:f:1:doors")
    await tg.press(ANN, "svr:f:1:doors")
    answers = [c.params.get("text") for c in tg.api.calls_to("answerCallbackQuery")[-2:]]
    assert answers == ["Noted: Doors is done. Thank you!", "Doors was already noted."]
    await tg.press(ANN, "svr:fn:1")
    assert "stays with you" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    done = {f.item for f in await findings(tg) if f.done_at is not None}
    assert done == {"doors"}
    actions = {(r.action, r.target) for r in await audit_rows(tg)}
    assert ("survey.findings", "S-2026-00001") in actions
    assert all("Ann" not in (r.target + r.detail) for r in await audit_rows(tg))
    assert all("40 Elm" not in (r.target + r.detail) for r in await audit_rows(tg))


async def test_boat_needs_a_name_and_business_asks_for_name_and_contact(
    tg: TelegramHarness,
) -> None:
    await tg.send(BOB, "/survey")
    await tg.press(BOB, "svq:k:boat")
    assert "Which marina" in tg.last(BOB)
    await tg.send(BOB, "Stratford Marina")
    await tg.send(BOB, "B-14")
    assert "boat's name" in tg.last(BOB)
    await tg.send(BOB, "none")
    assert "I need the boat's name or its registration number" in tg.last(BOB)
    await tg.send(BOB, "-")
    assert "registration number" in tg.last(BOB)
    await tg.send(BOB, "Sea Breeze")
    await tg.send(BOB, "x" * 10_000)  # a huge text
    assert "10000 characters long; the limit is 1000" in tg.last(BOB)
    await tg.send(BOB, "Outboard motors stolen at the marina")
    await tg.send(BOB, "12/10")
    await tg.send(BOB, "12/11 evening")
    await tg.press(BOB, "svq:done")
    review = tg.last(BOB)
    assert "Boat: Sea Breeze" in review and "Stratford Marina, slip B-14" in review
    assert "Thu Dec 10, any time" in review
    await tg.press(BOB, "svq:edit")
    await tg.press(BOB, "svq:e:vessel")
    await tg.send(BOB, "no name")  # refused here too; the old name stays
    assert "registration number" in tg.last(BOB)
    await tg.send(BOB, "CT 1234 AB")
    assert "Boat: CT 1234 AB" in tg.last(BOB)
    await tg.press(BOB, "svq:edit")
    await tg.press(BOB, "svq:e:windows")
    await tg.press(BOB, "svq:keep")  # the times as they were
    assert "Thu Dec 10, any time" in tg.last(BOB)
    await tg.press(BOB, "svq:send")
    [boat] = await surveys(tg)
    assert (boat.kind, boat.vessel, boat.marina, boat.slip) == (
        "boat",
        "CT 1234 AB",
        "Stratford Marina",
        "B-14",
    )
    assert boat.address is None and boat.requester_member_id is None

    await tg.send(BOB, "/survey")
    await tg.press(BOB, "svq:k:commercial")
    assert "What is the business called?" in tg.last(BOB)
    await tg.send(BOB, "Main St Deli")
    assert "Who should the officer ask for" in tg.last(BOB)
    await tg.send(BOB, "Maria Lopez, manager")
    await tg.send(BOB, "12 Main St")
    await tg.send(BOB, "Robbed last year at closing time")
    await tg.send(BOB, "12/14 morning")
    await tg.send(BOB, "12/15 morning")
    await tg.press(BOB, "svq:done")
    assert "Business: Main St Deli" in tg.last(BOB) and "Maria Lopez" in tg.last(BOB)
    await tg.press(BOB, "svq:send")
    assert "S-2026-00002" in tg.last(BOB)


async def test_cancel_stores_nothing_and_buttons_of_old_steps_do_nothing(
    tg: TelegramHarness,
) -> None:
    await tg.send(ANN, "/survey")
    kind_id, boat = tg.button(ANN, "svq:k:boat")
    await tg.press(ANN, "svq:k:residential")
    await tg.send(ANN, "40 Elm St")
    await tg.send(ANN, "/cancel")
    await tg.process(tg.factory.callback(tg.user(ANN), boat, kind_id))  # of the cancelled flow
    assert await tg.services.flows.get(ANN) is None
    await tg.send(ANN, "/survey")
    await tg.press(ANN, "svq:k:residential")
    await tg.send(ANN, "40 Elm St")
    await tg.send(ANN, "Door locks")
    await tg.send(ANN, "12/8")
    await tg.send(ANN, "12/9")
    await tg.press(ANN, "svq:done")
    message_id, sent = tg.button(ANN, "svq:send")
    await tg.press(ANN, "svq:cancel")
    assert "nothing was sent" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), sent, message_id))  # Send after Cancel
    assert await surveys(tg) == []


async def test_an_emergency_typed_in_the_flow_gets_911_first(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/survey")
    await tg.press(ANN, "svq:k:residential")
    await tg.send(ANN, "Someone is breaking in right now at 9 Elm St")
    assert any("call 911" in t.lower() for t in tg.texts(ANN)[-2:])
    assert await surveys(tg) == []


async def test_another_time_and_cancel_on_both_sides(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await ask_home(tg, ANN)
    await tg.send(OFFICER_ID, "/surveys")
    await tg.press(OFFICER_ID, "sv:v:1")
    await tg.press(OFFICER_ID, "sv:p:1")
    await tg.send(OFFICER_ID, "12/8 10am")
    await tg.deliver()
    await tg.press(ANN, "svr:n:1:1")  # another time, please
    assert "asked the officer for another time" in tg.last(ANN)
    await tg.deliver()
    assert received(tg, OFFICER_ID, "the requester asks for another time")
    await tg.process(tg.factory.callback(tg.user(ANN), "svr:a:1:1", 1))  # the old proposal
    [survey] = await surveys(tg)
    assert survey.status == "new" and survey.visit_at is None
    await book(tg, ANN, when="12/9 2pm")
    [survey] = await surveys(tg)
    assert survey.status == "scheduled"
    # The officer moves it: a new proposal, accepted, a new calendar file with a higher SEQUENCE.
    await book(tg, ANN, when="12/10 2pm")
    assert received(tg, ANN, "the visit is moved to")
    sequences = [
        next(line for line in ics_lines(d) if line.startswith("SEQUENCE:"))
        for d in documents(tg, ANN)
    ]
    assert sequences == ["SEQUENCE:1", "SEQUENCE:2"]
    # The officer cancels the visit: asked first, the resident told with a cancellation.
    await tg.send(OFFICER_ID, "/surveys S-2026-00001")
    await tg.press(OFFICER_ID, "sv:x:1")
    assert "Cancel the visit for S-2026-00001 on Thu Dec 10, 2:00 PM?" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "sv:k:1")
    [survey] = await surveys(tg)
    assert survey.status == "scheduled"
    await tg.press(OFFICER_ID, "sv:x:1")
    await tg.press_at_once(OFFICER_ID, "sv:xy:1", times=2)
    await tg.deliver()
    assert count_received(tg, ANN, "was cancelled by the officer") == 1
    assert "METHOD:CANCEL" in ics_lines(documents(tg, ANN)[-1])
    [survey] = await surveys(tg)
    assert survey.status == "new"
    # The resident asks for another time from /mysurveys, then cancels.
    await book(tg, ANN, when="12/11 9am")
    await tg.send(ANN, "/mysurveys")
    assert "Visit: Fri Dec 11, 9:00 AM" in tg.last(ANN)
    await tg.press(ANN, "svm:r:1")
    assert "Ask for another time for S-2026-00001?" in tg.last(ANN)
    await tg.press(ANN, "svm:ry:1")
    await tg.deliver()
    assert received(tg, OFFICER_ID, "can't make the visit")
    await tg.send(ANN, "/mysurveys")
    await tg.press(ANN, "svm:x:1")
    message_id, confirm = tg.button(ANN, "svm:xy:1")
    await tg.press(ANN, "svm:xy:1")
    await tg.process(tg.factory.callback(tg.user(ANN), confirm, message_id))  # again
    assert "already cancelled" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    await tg.deliver()
    assert received(tg, OFFICER_ID, "the requester cancelled it")
    [survey] = await surveys(tg)
    assert survey.status == "cancelled"
    reminders = [n for n in await notifications(tg) if n.kind == "survey_reminder"]
    assert reminders == []


async def test_delete_from_mysurveys_and_forget(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await ask_home(tg, ANN)
    await ask_home(tg, BOB, "3 Ash St")  # Bob never registered
    await ask_home(tg, ANN, "41 Elm St")
    await tg.send(ANN, "/mysurveys")
    assert "S-2026-00001" in tg.last(ANN) and "S-2026-00002" not in tg.last(ANN)
    await tg.press(ANN, "svm:d:1")
    assert "Delete S-2026-00001?" in tg.last(ANN) and "can't be undone" in tg.last(ANN)
    await tg.press(ANN, "svm:dy:1")
    assert "Deleted S-2026-00001" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), "svm:dy:2", 1))  # Bob's, by hand
    assert "no longer there" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    assert [s.id for s in await surveys(tg)] == [2, 3]
    await tg.send(ANN, "/forget")
    assert "security survey request (/mysurveys) will be deleted" in tg.last(ANN)
    await tg.press(ANN, "forget:yes")
    await tg.send(BOB, "/forget")
    assert "asked for 1 security survey" in tg.last(BOB)
    await tg.press(BOB, "svm:fg:yes")
    assert "Deleted 1 security survey request" in tg.last(BOB)
    assert await surveys(tg) == []
    # What was sent about them (officers' notices with the address) went with them.
    sent = await notifications(tg)
    assert any(n.kind == "survey_new" for n in sent)
    assert not any("Elm St" in n.body_html or "Ash St" in n.body_html for n in sent)
    assert [n.body_html for n in sent if n.kind == "survey_deleted"] == [
        "🏠 <b>S-2026-00001</b>: the requester withdrew and deleted it. Anything booked for it "
        "is off."
    ]


async def test_residents_are_refused_the_officers_side(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await ask_home(tg, ANN)
    for attempt in ("/surveys", "/surveys done", "/surveys S-2026-00001"):
        await tg.send(ANN, attempt)
        assert "Only a Crime Prevention Officer" in tg.last(ANN)
    for data in ("sv:c:1", "sv:p:1", "sv:f:1", "sv:xy:1", "sv:q:new:0"):
        await tg.process(tg.factory.callback(tg.user(ANN), data, 1))
        assert (
            "Only a Crime Prevention Officer"
            in (tg.api.calls_to("answerCallbackQuery")[-1].params["text"])
        )
    [survey] = await surveys(tg)
    assert survey.claimed_by_label is None and survey.status == "new"
    assert await tg.services.flows.get(ANN) is None
    refused = [r for r in await audit_rows(tg) if r.outcome == "refused"]
    assert {(r.action, r.target) for r in refused} == {("survey.work", "surveys")}


async def test_untouched_requests_are_in_the_daily_digest(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await ask_home(tg, ANN)  # Tuesday Dec 1
    await ask_home(tg, BOB, "3 Ash St")
    clock.advance(days=2)  # Thursday: Bob's is claimed
    await tg.send(OFFICER_ID, "/surveys")
    await tg.press(OFFICER_ID, "sv:c:2")
    clock.advance(days=1)  # Friday 10:00: S-1 is three working days old
    await tg.services.surveys.queue.send_digest()
    await tg.services.surveys.queue.send_digest()
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, "untouched for 3 working days") == 1
    digest = tg.api.last_text(OFFICER_ID)
    assert "1 security survey request untouched" in digest
    assert "S-2026-00001" in digest and "S-2026-00002" not in digest
