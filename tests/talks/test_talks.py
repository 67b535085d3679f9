"""Talks end to end through the fake Bot API: /talk with every question, bad answers, the
review's Edit and Send pressed twice, /mytalks and cancelling, officers' /talks with claim,
accept with a date (a public event with RSVP, .ics and reminders; or the requester's group's
meeting), decline with a reason, suggest another topic and the requester's answer, /events
for someone who never registered, the digest of untouched requests, /forget, and refusals."""

from __future__ import annotations

from sqlalchemy import select

from core.clock import FrozenClock
from storage.meetings.models import Meeting, MeetingInvitation
from storage.talks.models import TalkRequest
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received, documents, ics_lines, received, sent_to
from tests.support.due import tick
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import fast_files, make_group
from tests.support.rows import audit_rows

ANN, BOB, ZED = 861, 862, 869


async def requests(tg: TelegramHarness) -> list[TalkRequest]:
    """Every request row, oldest first."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(TalkRequest).order_by(TalkRequest.id)))


async def meetings(tg: TelegramHarness) -> list[Meeting]:
    """Every meeting row."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(Meeting).order_by(Meeting.id)))


def last_answer(tg: TelegramHarness) -> str:
    """The text of the newest callback answer (a toast or an alert)."""
    return str(tg.api.calls_to("answerCallbackQuery")[-1].params.get("text", ""))


async def ask(
    tg: TelegramHarness,
    uid: int,
    topic: str = "scams",
    audience: str = "civic",
    size: str = "30",
    place: str = "St Mark's Hall, 12 Main St",
    dates: str = "12/15, 12/17",
) -> None:
    """/talk answered to the review, not sent."""
    await tg.send(uid, "/talk")
    await tg.press(uid, f"talkf:t:{topic}")
    await tg.press(uid, f"talkf:a:{audience}")
    await tg.send(uid, size)
    await tg.send(uid, place)
    await tg.send(uid, dates)


async def test_a_request_reviewed_and_sent_once_however_pressed(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/talk")
    assert "What should it be about?" in tg.last(ANN) and "call 911" in tg.last(ANN)
    labels = [label for label, _ in tg.api.buttons(ANN)]
    for topic in ("Bomb threats", "Safe baby-sitting", "Frauds, cons and scams", "Town hall"):
        assert any(topic in label for label in labels), topic
    await tg.press(ANN, "talkf:t:scams")
    await tg.press(ANN, "talkf:a:civic")
    assert "how many people" in tg.last(ANN)
    await tg.send(ANN, "about 30")
    await tg.send(ANN, "St Mark's Hall, 12 Main St")
    await tg.send(ANN, "12/15 or Dec 17")
    review = tg.last(ANN)
    assert review.startswith("Officers will get this:")
    assert "Frauds, cons and scams" in review and "Civic group, about 30 people" in review
    assert "St Mark&#x27;s Hall" in review or "St Mark's Hall" in review
    assert "Tue Dec 15, Thu Dec 17" in review
    assert await requests(tg) == []  # nothing stored before Send
    message_id, sent = tg.button(ANN, "talkf:send")
    await tg.press_at_once(ANN, "talkf:send", times=2)
    await tg.process(tg.factory.callback(tg.user(ANN), sent, message_id))  # once more, later
    [request] = await requests(tg)
    assert (request.topic, request.audience, request.size) == ("scams", "civic", 30)
    assert request.dates == "2026-12-15,2026-12-17" and request.status == "new"
    member = await tg.services.members.by_telegram(ANN)
    assert member is not None and request.requester_member_id == member.id
    assert count_received(tg, ANN, "Your request is in: <b>P-2026-00001</b>") == 1
    assert "Officers will get this:" in tg.api.message(ANN, message_id)["text"]  # review stays
    assert await tg.services.flows.get(ANN) is None


async def test_bad_answers_get_a_reason_and_lose_nothing(tg: TelegramHarness) -> None:
    await tg.send(ZED, "/talk")
    await tg.send(ZED, "scams please")  # the topic is a button
    assert "use the buttons" in tg.last(ZED)
    await tg.process(tg.factory.callback(tg.user(ZED), "talkf:t:karate", 1))  # made by hand
    await tg.press(ZED, "talkf:t:burglary")
    await tg.press(ZED, "talkf:a:business")
    for bad, reason in (
        ("a lot", "as a number, e.g. 30"),
        ("0", "from 1 to 5000"),
        ("90000", "from 1 to 5000"),
    ):
        await tg.send(ZED, bad)
        assert reason in tg.last(ZED), bad
    await tg.send(ZED, "45")
    await tg.send(ZED, "12")
    assert "type where it would be" in tg.last(ZED)
    await tg.send(ZED, "x" * 250)
    assert "the limit is 200" in tg.last(ZED)
    await tg.send(ZED, "Corner Hardware, 5 Elm St")
    for bad, reason in (
        ("11/20", "has passed"),  # last month
        ("12/1/2025", "has passed"),
        ("next week sometime", "Please send a date like"),
        ("12/10, 12/11, 12/14, 12/16", "at most 3 dates"),
        ("2/30", "doesn't exist"),
    ):
        await tg.send(ZED, bad)
        assert reason in tg.last(ZED), bad
    flow = await tg.services.flows.get(ZED)
    assert flow is not None and flow.step == "dates" and flow.data["size"] == 45
    await tg.send(ZED, "tomorrow")
    assert "Wed Dec 2" in tg.last(ZED)
    await tg.send(ZED, "hello")  # the review takes buttons
    assert "use the buttons" in tg.last(ZED)
    await tg.press(ZED, "talkf:send")
    [request] = await requests(tg)
    assert (request.topic, request.place, request.dates) == (
        "burglary",
        "Corner Hardware, 5 Elm St",
        "2026-12-02",
    )
    assert request.requester_member_id is None and request.requester_address == str(ZED)


async def test_edit_changes_one_part_and_cancel_stores_nothing(tg: TelegramHarness) -> None:
    await ask(tg, ANN)
    await tg.press(ANN, "talkf:edit")
    assert "Which part" in tg.last(ANN)
    await tg.press(ANN, "talkf:e:size")
    await tg.send(ANN, "120")
    assert "about 120 people" in tg.last(ANN) and "Officers will get this" in tg.last(ANN)
    await tg.press(ANN, "talkf:edit")
    await tg.press(ANN, "talkf:e:topic")
    await tg.press(ANN, "talkf:t:school")
    assert "School program" in tg.last(ANN) and "about 120 people" in tg.last(ANN)
    message_id, sent = tg.button(ANN, "talkf:send")
    await tg.press(ANN, "talkf:cancel")
    assert "nothing was sent" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), sent, message_id))  # Send after Cancel
    assert await requests(tg) == []
    await ask(tg, ANN)
    await tg.send(ANN, "/cancel")
    await tg.press_if_shown(ANN, "talkf:send")
    assert await requests(tg) == []


async def test_accepted_as_a_public_event_with_rsvp_ics_and_reminders(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    fast_files(tg)
    await ask(tg, ZED)  # never registered
    await tg.press(ZED, "talkf:send")
    await tg.send(OFFICER_ID, "/talks")
    queue = tg.last(OFFICER_ID)
    assert "Talk requests — New</b> (1)" in queue and "P-2026-00001" in queue
    assert "Frauds, cons and scams" in queue and "just now old; unclaimed" in queue
    assert str(ZED) not in queue
    await tg.press(OFFICER_ID, "talk:c:1")
    assert "owner: Sgt. Kowalski" in tg.last(OFFICER_ID) and "unclaimed" not in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "talk:a:1")
    assert "prefers: Tue Dec 15, Thu Dec 17" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "2026-11-30 19:00")
    assert "has passed" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "12/15 7pm")
    assert "Who may come?" in tg.last(OFFICER_ID)
    assert not tg.has_button(OFFICER_ID, "talk:o:group")  # Zed is in no group
    await tg.press_at_once(OFFICER_ID, "talk:o:public", times=2)
    [event] = await meetings(tg)
    assert event.public and event.group_id is None and event.title == "Frauds, cons and scams"
    assert event.place == "St Mark's Hall, 12 Main St"
    [request] = await requests(tg)
    assert request.status == "accepted" and request.meeting_id == event.id
    assert count_received(tg, OFFICER_ID, "is scheduled as event #1") == 1
    await tg.deliver()
    assert count_received(tg, ZED, "Your request <b>P-2026-00001 (Frauds, cons and scams)") == 1
    assert "Open to the public" in tg.last(ZED)
    [ics] = documents(tg, ZED)
    assert "SUMMARY:Frauds\\, cons and scams (Public event)" in ics_lines(ics)
    # Anyone answers from /events, registered or not.
    await tg.press(ZED, "rsvp:1:going")
    await tg.register(BOB, "Bob Jones")
    await tg.send(BOB, "/events")
    assert "Frauds, cons and scams" in tg.last(BOB) and "1 going" in tg.last(BOB)
    await tg.press(BOB, "rsvp:1:maybe")
    await tg.press(BOB, "rsvp:1:maybe")  # twice: one answer
    async with tg.services.db.transaction() as session:
        answers = list(await session.scalars(select(MeetingInvitation)))
    assert sorted((a.member_id is None, a.answer) for a in answers) == [
        (False, "maybe"),
        (True, "going"),
    ]
    # The reminder a day before reaches both.
    clock.advance(days=13, hours=10)  # Mon Dec 14, 8:00 PM local
    await tick(tg)
    assert received(tg, ZED, "Reminder: <b>Public event</b>")
    assert received(tg, BOB, "Reminder: <b>Public event</b>")
    actions = [(r.action, r.target) for r in await audit_rows(tg) if r.action.startswith("talk.")]
    assert ("talk.accept", "P-2026-00001") in actions and ("talk.claim", "P-2026-00001") in actions
    assert all(str(ZED) not in (r.target + r.detail) for r in await audit_rows(tg))


async def test_accepted_for_the_requesters_group_invites_the_group(tg: TelegramHarness) -> None:
    fast_files(tg)
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await tg.register(ANN, "Ann Smith")
    await tg.register(BOB, "Bob Jones")
    await tg.send(ANN, "/join OAK")
    await tg.send(BOB, "/join OAK")
    await ask(tg, ANN, topic="burglary", audience="group", place="")
    await tg.send(ANN, "Oak Park Library")
    await tg.send(ANN, "12/15")
    await tg.press(ANN, "talkf:send")
    await tg.send(OFFICER_ID, "/talks P-2026-00001")
    await tg.press(OFFICER_ID, "talk:a:1")
    await tg.send(OFFICER_ID, "12/16 6:30pm")
    await tg.press(OFFICER_ID, "talk:o:group")
    [event] = await meetings(tg)
    assert not event.public and event.group_id is not None
    await tg.deliver()
    assert received(tg, BOB, "<b>Oak Park</b> meeting")  # the group's invitation
    assert received(tg, ANN, "Open to the Oak Park watch group")
    await tg.send(ZED, "/events")
    assert "No public events" in tg.last(ZED)


async def test_decline_and_suggest_reach_the_requester(tg: TelegramHarness) -> None:
    await ask(tg, ANN)
    await tg.press(ANN, "talkf:send")
    await ask(tg, ANN, topic="vandalism")
    await tg.press(ANN, "talkf:send")
    # Suggest another topic for the first; Ann takes it.
    await tg.send(OFFICER_ID, "/talks")
    await tg.press(OFFICER_ID, "talk:v:1")
    await tg.press(OFFICER_ID, "talk:s:1")
    await tg.press(OFFICER_ID, "talk:st:1:elderly")
    assert "suggested" in tg.last(OFFICER_ID)
    await tg.process(tg.factory.callback(tg.user(OFFICER_ID), "talk:st:1:bomb", 1))
    assert "already waits for the requester's answer" in last_answer(tg)
    await tg.press(OFFICER_ID, "talk:a:1")  # the accept button of the card, meanwhile
    assert "waits for the requester's answer" in last_answer(tg)
    await tg.deliver()
    assert "officers suggest <b>Protection for elderly and disabled people</b>" in tg.last(ANN)
    await tg.press_at_once(ANN, "talkr:y:1", times=2)
    await tg.press_if_shown(ANN, "talkr:n:1")  # the other answer, afterwards
    assert "waits for no answer now" in last_answer(tg)
    request = (await requests(tg))[0]
    assert (request.topic, request.status) == ("elderly", "new")
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, "the requester accepts") == 1
    # Decline the second with a reason.
    await tg.press(OFFICER_ID, "talk:v:2")
    await tg.press(OFFICER_ID, "talk:d:2")
    assert "Why is it declined?" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "no")
    assert "type the reason" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "We have no officer free in December; please ask again in January.")
    assert "is declined" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "talk:d:2")  # again, from the old card
    assert "is declined" in last_answer(tg)
    await tg.deliver()
    assert received(tg, ANN, "was declined: We have no officer free in December")
    await tg.send(ANN, "/mytalks")
    mine = tg.last(ANN)
    assert "P-2026-00001" in mine and "P-2026-00002" in mine and "declined" in mine
    assert ("talk.decline", "P-2026-00002") in [(r.action, r.target) for r in await audit_rows(tg)]


async def test_mytalks_cancels_once_and_only_ones_own(tg: TelegramHarness) -> None:
    await ask(tg, ANN)
    await tg.press(ANN, "talkf:send")
    await ask(tg, BOB)
    await tg.press(BOB, "talkf:send")
    await tg.send(ANN, "/mytalks")
    assert "P-2026-00001" in tg.last(ANN) and "P-2026-00002" not in tg.last(ANN)
    await tg.press(ANN, "talkm:c:1")
    assert "Cancel P-2026-00001?" in tg.last(ANN)
    message_id, sent = tg.button(ANN, "talkm:cy:1")
    await tg.press(ANN, "talkm:cy:1")
    assert "Cancelled P-2026-00001" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), sent, message_id))  # again
    assert "already cancelled" in last_answer(tg)
    await tg.process(tg.factory.callback(tg.user(ANN), "talkm:cy:2", 1))  # Bob's, by hand
    assert "no longer there" in last_answer(tg)
    assert [r.status for r in await requests(tg)] == ["cancelled", "new"]


async def test_untouched_requests_are_in_the_digest(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    from scheduler.talk_jobs import talk_digest

    await ask(tg, ANN)
    await tg.press(ANN, "talkf:send")
    await ask(tg, BOB, topic="bomb")
    await tg.press(BOB, "talkf:send")
    clock.advance(days=1)  # Wednesday
    await tg.send(OFFICER_ID, "/talks")
    await tg.press(OFFICER_ID, "talk:c:2")
    clock.advance(days=2)  # Friday 10:00: P-1 is three working days old
    await talk_digest(tg.services)
    await talk_digest(tg.services)  # the same day again: sent once
    await tg.deliver()
    assert count_received(tg, OFFICER_ID, "untouched for 3 working days") == 1
    digest = tg.api.last_text(OFFICER_ID)
    assert "1 talk request untouched" in digest and "P-2026-00001" in digest
    assert "P-2026-00002" not in digest


async def test_forget_leaves_nothing_of_a_members_or_a_strangers_requests(
    tg: TelegramHarness,
) -> None:
    await tg.register(ANN, "Ann Smith")
    await ask(tg, ANN)
    await tg.press(ANN, "talkf:send")
    await ask(tg, ZED)
    await tg.press(ZED, "talkf:send")
    await tg.send(ANN, "/forget")
    assert "talk request (/mytalks) will be deleted" in tg.last(ANN)
    await tg.press(ANN, "forget:yes")
    await tg.send(ZED, "/forget")
    assert "asked for 1 talk" in tg.last(ZED)
    await tg.press(ZED, "talkm:fg:yes")
    assert "Deleted 1 talk request" in tg.last(ZED)
    assert await requests(tg) == []


async def test_residents_are_refused_the_officers_queue(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await ask(tg, ANN)
    await tg.press(ANN, "talkf:send")
    for attempt in ("/talks", "/talks P-2026-00001"):
        await tg.send(ANN, attempt)
        assert "Only a Crime Prevention Officer can work the requests for talks" in tg.last(ANN)
    for data in ("talk:c:1", "talk:a:1", "talk:d:1", "talk:st:1:bomb", "talk:q:new:0"):
        await tg.process(tg.factory.callback(tg.user(ANN), data, 1))
    [request] = await requests(tg)
    assert request.status == "new" and request.claimed_by_label is None
    assert await tg.services.flows.get(ANN) is None
    refused = [r for r in await audit_rows(tg) if r.outcome == "refused"]
    assert refused and all(r.action == "talk.work" for r in refused)
    assert not any(str(ANN) in t and "P-" in t for t in sent_to(tg, OFFICER_ID))


async def public_event(tg: TelegramHarness, requester: int = ZED) -> None:
    """A request accepted as a public event on Tue Dec 15, 7 PM."""
    await ask(tg, requester)
    await tg.press(requester, "talkf:send")
    await tg.send(OFFICER_ID, "/talks")
    await tg.press(OFFICER_ID, "talk:v:1")
    await tg.press(OFFICER_ID, "talk:a:1")
    await tg.send(OFFICER_ID, "12/15 7pm")
    await tg.press(OFFICER_ID, "talk:o:public")
    await tg.deliver()


async def test_officers_move_and_cancel_public_events_leaders_cannot(
    tg: TelegramHarness,
) -> None:
    fast_files(tg)
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/join OAK")
    await tg.send(OFFICER_ID, "/setleader OAK 1")
    await public_event(tg)
    await tg.press(ZED, "rsvp:1:going")
    await tg.send(ANN, "/events")
    assert not tg.has_button(ANN, "mtg:cancel:1")  # only officers see the changes
    for data in ("mtg:cancelyes:1", "mtg:move:1"):
        await tg.process(tg.factory.callback(tg.user(ANN), data, 1))
        assert "Only a Crime Prevention Officer can change public events" in last_answer(tg)
    assert (await meetings(tg))[0].status == "scheduled"
    await tg.send(OFFICER_ID, "/events")
    await tg.press(OFFICER_ID, "mtg:move:1")
    await tg.send(OFFICER_ID, "12/16 7pm")
    await tg.deliver()
    assert received(tg, ZED, "<b>Rescheduled</b>: the Public event meeting")
    await tg.send(OFFICER_ID, "/events")
    await tg.press(OFFICER_ID, "mtg:cancel:1")
    await tg.press(OFFICER_ID, "mtg:cancelyes:1")
    await tg.deliver()
    assert received(tg, ZED, "<b>Cancelled</b>")
    [event] = await meetings(tg)
    assert event.status == "cancelled"
    await tg.send(ZED, "/events")
    assert "No public events" in tg.last(ZED)
    refused = [(r.action, r.target) for r in await audit_rows(tg) if r.outcome == "refused"]
    assert ("event.manage", "public events") in refused


async def test_the_digest_job_is_a_module_level_function_at_its_local_time(
    tg: TelegramHarness,
) -> None:
    from scheduler.runner import build_scheduler

    scheduler = build_scheduler(tg.services)
    scheduler.start(paused=True)
    try:
        job = {job.id: job for job in scheduler.get_jobs()}["talk_digest"]
    finally:
        scheduler.shutdown(wait=False)
    assert job.func.__module__ == "scheduler.talk_jobs" and job.args == (tg.services,)
    assert "hour='7', minute='30'" in str(job.trigger)
