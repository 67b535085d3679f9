"""Officers and tips end to end: the list and its buttons, the view with photos, location and
timeline, the relay in both directions by Telegram, status changes, the digest, and refusals."""

from __future__ import annotations

from core.clock import FrozenClock
from core.permissions import Actor
from scheduler.runner import build_scheduler
from scheduler.tip_jobs import tip_digest
from tests.conftest import OFFICER_ID
from tests.support.chat import received, sent_to
from tests.support.harness import TelegramHarness
from tests.support.rows import audit_rows, deliveries, notifications
from tests.support.tips import (
    digest,
    events,
    guided_tip,
    relayed_message,
    relays,
    telegram_reply,
    tips,
)

ANN, BOB, CAT = 811, 812, 813


SECOND_OFFICER = 900002


async def test_list_urgent_first_then_newest_with_paging(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    for n in range(9):
        await tg.send(ANN + n, f"/tip Ordinary tip number {n}")
        clock.advance(minutes=1)
    await tg.send(BOB, "/tip Shots fired near the gas station")
    clock.advance(minutes=1)
    await tg.send(CAT, "/tip Newest ordinary tip")
    await tg.send(OFFICER_ID, "/tips")
    listing = tg.last(OFFICER_ID)
    assert "Open tips</b> (11)" in listing and "Showing 1-8" in listing
    order = [
        label for label, data in tg.api.buttons(OFFICER_ID) if data and data.startswith("tip:v")
    ]
    assert order[0] == "🚨 👁 T-2026-00010"  # urgent first
    assert order[1] == "👁 T-2026-00011" and order[2] == "👁 T-2026-00009"  # then newest
    await tg.press(OFFICER_ID, "tip:l:8")
    assert "Showing 9-11" in tg.last(OFFICER_ID)
    assert ("« Newer", "tip:l:0") in tg.api.buttons(OFFICER_ID)


async def test_view_shows_photos_location_timeline_and_claim(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip")
    await tg.send(ANN, "Two men loading a TV into a grey sedan at 5 Ash St")
    await tg.press(ANN, "tipf:now")
    await tg.location(ANN, 41.2, -73.1)
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="PH-1"))
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="PH-2"))
    await tg.press(ANN, "tipf:done")
    await tg.press(ANN, "tipf:cat:burglary")
    await tg.press(ANN, "tipf:anon")
    await tg.press(ANN, "tipf:send")
    [tip] = await tips(tg)
    await tg.send(OFFICER_ID, "/tip t-2026-1")  # any case, zeros optional
    [group] = tg.api.calls_to("sendMediaGroup")
    assert [m["media"] for m in group.params["media"]] == ["PH-1", "PH-2"]
    [location] = tg.api.calls_to("sendLocation")
    assert (location.params["latitude"], location.params["longitude"]) == (41.2, -73.1)
    card = tg.last(OFFICER_ID)
    assert "<b>Tip T-2026-00001</b> · Burglary · received" in card
    assert f"From: {tip.alias} (anonymous)" in card and "Photos: 2" in card
    assert "Timeline" in card and f"{tip.alias} filed" in card
    assert ("✋ Claim", f"tip:c:{tip.id}") in tg.api.buttons(OFFICER_ID)
    await tg.press(OFFICER_ID, f"tip:c:{tip.id}")
    assert "You claimed" in tg.last(OFFICER_ID)
    await tg.deliver()
    assert "being reviewed by an officer" in tg.api.last_text(ANN)
    await tg.services.officers.add(_system(), SECOND_OFFICER)
    await tg.send(SECOND_OFFICER, "/tips")
    listing = tg.message_with_button(SECOND_OFFICER, f"tip:v:{tip.id}")
    assert ("✋ Claim", f"tip:c:{tip.id}") not in tg.api.buttons(SECOND_OFFICER)  # claimed
    stale = tg.factory.callback(tg.user(SECOND_OFFICER), f"tip:c:{tip.id}", listing)
    await tg.process(stale)  # a Claim button from an older list
    answer = tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    assert "has already claimed T-2026-00001" in answer
    await tg.send(OFFICER_ID, "/tip T-2026-00001")
    assert "Claimed by: " in tg.last(OFFICER_ID) and "claimed it" in tg.last(OFFICER_ID)
    actions = [(r.action, r.target, r.outcome) for r in await audit_rows(tg)]
    assert ("tip.view", "tip T-2026-00001", "ok") in actions
    assert ("tip.claim", "tip T-2026-00001", "ok") in actions


def _system() -> Actor:
    return Actor.system("test")


async def test_relay_both_ways_by_telegram(tg: TelegramHarness) -> None:
    await guided_tip(tg, ANN, "Same red car parks by the school gate every afternoon")
    [tip] = await tips(tg)
    # Not a reference (T-YYYY-NNNNN): filed as a tip.
    await tg.send(OFFICER_ID, f"/tip {tip.year}-{tip.seq} again at the gate")
    assert "Your tip is in" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/tips")
    await tg.press(OFFICER_ID, f"tip:v:{tip.id}")
    await tg.press(OFFICER_ID, f"tip:r:{tip.id}")
    assert "Type your message to the tipster of <b>T-2026-00001</b>" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "Thanks! Did you see the plate? <b>any</b> part helps")
    assert "On its way" in tg.last(OFFICER_ID)
    await tg.deliver()
    relayed = tg.api.last_text(ANN)
    assert "Message from the police about your tip T-2026-00001" in relayed
    assert "&lt;b&gt;any&lt;/b&gt;" in relayed  # officer text escaped
    # The tipster answers with Telegram's Reply.
    message = await relayed_message(tg, ANN, "Message from the police")
    await telegram_reply(tg, ANN, "Plate started with 7KX", message)
    assert "It is now part of tip <b>T-2026-00001</b>" in tg.last(ANN)
    await tg.deliver()
    assert "answered on T-2026-00001" in tg.api.last_text(OFFICER_ID)
    assert "Plate started with 7KX" in tg.api.last_text(OFFICER_ID)
    # The officer answers the answer with Telegram's Reply too.
    note = await relayed_message(tg, OFFICER_ID, "answered on T-2026-00001")
    await telegram_reply(tg, OFFICER_ID, "Thank you, that helps a lot.", note)
    assert "On its way" in tg.last(OFFICER_ID)
    await tg.deliver()
    assert "Thank you, that helps a lot." in tg.api.last_text(ANN)
    # And from /mytips.
    await tg.send(ANN, "/mytips")
    relay = (await relays(tg))[0]
    await tg.press(ANN, f"tip:a:{relay.token}")
    assert "Write your message about tip" in tg.last(ANN)
    await tg.send(ANN, "One more thing: the driver wore a green cap.")
    assert "It is now part of tip" in tg.last(ANN)
    kinds = [(e.kind, e.body[:14]) for e in await events(tg, tip.id)]
    assert kinds[1:] == [
        ("officer_message", "Thanks! Did yo"),
        ("tipster_message", "Plate started "),
        ("officer_message", "Thank you, tha"),
        ("tipster_message", "One more thing"),
    ]
    assert (await tips(tg))[0].status == "in_review"  # the first reply put it in review
    assert (await tips(tg))[1].text == "2026-1 again at the gate"
    await tg.send(OFFICER_ID, "/tip T-2026-00001")
    card = tg.last(OFFICER_ID)
    assert "→ tipster" in card and "→ officers" in card and "green cap" in card


async def test_a_quoted_message_inside_a_flow_answers_the_flow(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip Kids throwing rocks at cars on the overpass")
    confirmation = await relayed_message(tg, ANN, "Your tip is in")
    await tg.press(ANN, f"tipf:more:{(await relays(tg))[0].token}")
    await telegram_reply(tg, ANN, "around 5 pm", confirmation)  # quoting by habit
    assert "Where?" in tg.last(ANN)
    [tip] = await tips(tg)
    assert tip.when_text == "around 5 pm"
    assert [e.kind for e in await events(tg, tip.id)] == ["filed", "details"]


async def test_answers_go_to_the_claimer_only(tg: TelegramHarness) -> None:
    await tg.services.officers.add(_system(), SECOND_OFFICER)
    await tg.send(ANN, "/tip Kids on the roof of the old mill")
    [tip] = await tips(tg)
    await tg.send(OFFICER_ID, "/tip T-2026-00001")
    await tg.press(OFFICER_ID, f"tip:c:{tip.id}")
    await tg.press(OFFICER_ID, f"tip:r:{tip.id}")
    await tg.send(OFFICER_ID, "How many?")
    await tg.deliver()
    message = await relayed_message(tg, ANN, "How many?")
    await telegram_reply(tg, ANN, "About five", message)
    await tg.deliver()
    assert received(tg, OFFICER_ID, "About five") and not received(tg, SECOND_OFFICER, "About five")
    await telegram_reply(tg, ANN, "One of them is hurt and bleeding", message)
    assert tg.texts(ANN)[-2].startswith("🚨 <b>If this is an emergency, call 911 now.</b>")
    await tg.deliver()
    assert received(tg, SECOND_OFFICER, "URGENT")  # an emergency goes to every officer
    assert (await tips(tg))[0].urgent


async def test_close_with_outcome_and_spam_tell_the_tipster(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip Garage door left open all night on Fir St")
    await tg.send(BOB, "/tip buy cheap watches at my website")
    first, second = await tips(tg)
    await tg.send(OFFICER_ID, "/tips")
    await tg.press(OFFICER_ID, f"tip:v:{first.id}")
    await tg.press(OFFICER_ID, f"tip:x:{first.id}")
    assert "with which outcome" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "tip:k")
    assert "Not closed" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, f"tip:x:{first.id}")
    await tg.press(OFFICER_ID, f"tip:o:{first.id}:resolved")
    assert "closed: Resolved" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, f"tip:v:{second.id}")
    await tg.press(OFFICER_ID, f"tip:s:{second.id}")
    assert "never that it was marked spam" in tg.last(OFFICER_ID)  # asks first
    assert (await tips(tg))[1].status != "spam"
    await tg.press(OFFICER_ID, f"tip:sy:{second.id}")
    assert "marked as spam" in tg.last(OFFICER_ID)
    await tg.deliver()
    assert "is closed: Resolved" in tg.api.last_text(ANN)
    assert "is closed." in tg.api.last_text(BOB) and "spam" not in tg.api.last_text(BOB)
    await tg.send(OFFICER_ID, "/tips")
    assert "No open tips" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, f"tip:r:{first.id}")  # refused at once: nothing to write
    assert "is closed" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    message = await relayed_message(tg, ANN, "is closed: Resolved")
    await telegram_reply(tg, ANN, "It's open again tonight", message)
    assert "is closed. If there is something new" in tg.last(ANN)
    await tg.send(ANN, "/mytips")
    assert "✅ Closed: Resolved" in tg.last(ANN)
    assert [r.action for r in await audit_rows(tg) if r.action in ("tip.close", "tip.spam")] == [
        "tip.close",
        "tip.spam",
    ]


async def test_non_officers_cannot_list_view_or_answer_tips(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip Someone selling something from a car at night")
    [tip] = await tips(tg)
    await tg.send(BOB, "/tips")
    assert "Only a Crime Prevention Officer can see and answer tips" in tg.last(BOB)
    await tg.send(BOB, "/tip T-2026-00001")
    assert "Only a Crime Prevention Officer" in tg.last(BOB)
    for data in (f"tip:v:{tip.id}", f"tip:c:{tip.id}", f"tip:r:{tip.id}", f"tip:s:{tip.id}"):
        update = tg.factory.callback(tg.user(BOB), data, 1)
        await tg.process(update)
        answer = tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
        assert "Only a Crime Prevention Officer" in answer
    refusals = [r for r in await audit_rows(tg) if r.outcome == "refused"]
    assert len(refusals) == 1  # six tries, one line: a repeated refusal is written once a window
    assert {(r.action, r.target, r.actor_telegram_id) for r in refusals} == {
        ("tip.triage", "tips", BOB)
    }  # no tip named: a tipster trying their own reference is not linked to it
    [fresh] = await tips(tg)
    assert fresh.status == "received" and fresh.claimed_by_label is None


async def test_digest_lists_new_tips_once_and_nothing_when_none(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await tg.send(ANN, "/tip Streetlight out at Oak and 5th")
    await tg.send(BOB, "/tip Kids playing with fire near the shed")  # urgent: told at once
    await guided_tip(tg, CAT, "Abandoned bike by the pond for a week")
    await tg.deliver()
    tg.api.clear()
    await digest(tg, clock)
    [text] = [t for t in sent_to(tg, OFFICER_ID) if "new tip" in t]
    assert "2 new tips" in text and "T-2026-00001" in text and "T-2026-00003" in text
    assert "T-2026-00002" not in text
    tg.api.clear()
    await digest(tg, clock)
    assert sent_to(tg, OFFICER_ID) == []
    assert len(await notifications(tg, "tip_digest")) == 1


async def test_digest_skips_tips_already_closed(tg: TelegramHarness, clock: FrozenClock) -> None:
    await tg.send(ANN, "/tip spam spam spam")
    [tip] = await tips(tg)
    await tg.send(OFFICER_ID, "/tip T-2026-00001")
    await tg.press(OFFICER_ID, f"tip:s:{tip.id}")
    await tg.press(OFFICER_ID, f"tip:sy:{tip.id}")
    await tip_digest(tg.services)
    assert await notifications(tg, "tip_digest") == []
    assert (await tips(tg))[0].notified_at is not None


async def test_relay_addresses_are_scrubbed_once_delivered(
    tg: TelegramHarness, clock: FrozenClock
) -> None:
    await tg.send(ANN, "/tip Broken fence at the playground")
    [tip] = await tips(tg)
    await tg.send(OFFICER_ID, "/tip T-2026-00001")
    await tg.press(OFFICER_ID, f"tip:r:{tip.id}")
    await tg.send(OFFICER_ID, "Which playground?")
    relay_rows = [d for d in await deliveries(tg) if d.member_id is None and d.address == str(ANN)]
    assert relay_rows  # queued: the address is needed to send
    await tg.deliver()
    await digest(tg, clock)
    assert [d for d in await deliveries(tg) if d.address == str(ANN)] == []


async def test_the_scheduler_runs_the_digest_every_tip_digest_minutes(
    tg: TelegramHarness,
) -> None:
    tg.services.settings.tip_digest_minutes = 20
    scheduler = build_scheduler(tg.services)
    job = scheduler.get_job("tip_digest")
    assert job is not None and job.func is tip_digest
    assert job.trigger.interval.total_seconds() == 20 * 60


async def test_a_reply_to_any_part_of_a_long_card_goes_to_that_tips_author(
    tg: TelegramHarness,
) -> None:
    """A long tip's card comes in parts; a later part may quote another tip's reference. The
    officer's swipe-reply is routed by the message it answers, never by that reference."""
    await tg.send(BOB, "/tip Bob's own tip: a loose dog pack near the school")  # T-2026-00001
    paragraph = " ".join(["Cars slow down outside number 20 and then drive off again."] * 9)
    story = "\n\n".join([paragraph] * 8)[:3960].strip()
    await tg.send(ANN, f"/tip {story}\n\nLinked to T-2026-00001?")
    await tg.send(OFFICER_ID, "/tip T-2026-00002")
    parts = [c for c in tg.api.calls_to("sendMessage") if c.params["chat_id"] == OFFICER_ID]
    last = await relayed_message(tg, OFFICER_ID, "Linked to T-2026-00001?")
    assert "T-2026-00002" not in str(last["text"]) and len(parts) >= 2  # only the other ref
    await telegram_reply(tg, OFFICER_ID, "Which car, do you remember a plate?", last)
    await tg.deliver()
    assert received(tg, ANN, "Which car, do you remember a plate?")
    assert not received(tg, BOB, "Which car")
    assert "T-2026-00002" in tg.last(OFFICER_ID)  # "sent to the tipster of T-2026-00002"


async def test_a_step_about_a_closed_tip_ends_instead_of_catching_every_message(
    tg: TelegramHarness,
) -> None:
    """Reply on a closed tip is refused at once; a tip closed while an officer was writing to
    its tipster ends the writing step, and the officer's next message is not taken for it."""
    await tg.send(ANN, "/tip Someone dumped tires behind the school")
    [tip] = await tips(tg)
    await tg.send(OFFICER_ID, f"/tip T-{tip.year}-{tip.seq:05d}")
    await tg.press(OFFICER_ID, f"tip:r:{tip.id}")
    assert "/cancel to stop" in tg.last(OFFICER_ID)
    await tg.services.tips.triage.close(
        await tg.services.access.actor(OFFICER_ID), tip.id, "resolved"
    )
    await tg.send(OFFICER_ID, "Which school?")
    assert "is closed" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "hello")
    assert "is closed" not in tg.last(OFFICER_ID)  # not in reply mode any more
    assert await tg.services.flows.get(OFFICER_ID) is None
    await tg.process(tg.factory.callback(tg.user(OFFICER_ID), f"tip:r:{tip.id}", 1))
    assert "is closed" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    assert await tg.services.flows.get(OFFICER_ID) is None
