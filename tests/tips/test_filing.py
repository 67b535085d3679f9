"""Filing tips end to end through the fake Bot API: guided and one-line, photos and location,
anonymous and named, the emergency guard, and every bad input."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core.clock import FrozenClock
from storage.flows.records import FlowRecord
from storage.tips.models import TipRateMark
from tests.conftest import OFFICER_ID
from tests.support.chat import received, sent_to, shown
from tests.support.harness import TelegramHarness
from tests.support.images import jpeg_segment
from tests.support.rows import notifications
from tests.support.tips import events, guided_tip, photos, relays, tips

ANN, BOB = 801, 802


EXIF_JPEG = (
    b"\xff\xd8"
    + jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    + jpeg_segment(0xE1, b"Exif\x00\x00GPS 41.1N 73.1W")
    + jpeg_segment(0xFE, b"Serial 123")
    + jpeg_segment(0xDB, b"\x00\x00")
    + jpeg_segment(0xDA, b"")
    + b"PIXELDATA\xff\xd9"
)


async def flow_of(tg: TelegramHarness, chat: int) -> FlowRecord | None:
    return await tg.services.flows.get(chat)


async def test_guided_tip_with_every_detail_named_by_registration(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/tip")
    assert "call 911" in tg.last(ANN) and "What happened?" in tg.last(ANN)
    await tg.send(ANN, "A man walked down Oak St looking into every parked car.")
    assert "When did it happen?" in tg.last(ANN)
    await tg.send(ANN, "yesterday around 11 pm")
    assert "Where?" in tg.last(ANN)
    await tg.send(ANN, "Corner of Oak St and 3rd Ave")
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="PHOTO-A"))
    assert "Photo 1 of 5" in tg.last(ANN)
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="PHOTO-B"))
    assert "Photo 2 of 5" in tg.last(ANN)
    await tg.press(ANN, "tipf:done")
    assert "What kind of tip" in tg.last(ANN)
    await tg.press(ANN, "tipf:cat:suspicious")
    assert "What did the person do?" in tg.last(ANN)  # actions, not only looks
    await tg.send(ANN, "Tried the door handles of three cars")
    assert "Anonymous or with your name?" in tg.last(ANN) and "Ann Smith" in tg.last(ANN)
    assert not any("T-2026-" in text for text in sent_to(tg, ANN))  # no reference before storing
    assert await tips(tg) == []
    await tg.press(ANN, "tipf:named")
    review = tg.last(ANN)  # the tip as officers will receive it, before anything is stored
    assert "Please check your tip" in review and "From: Ann Smith (named)" in review
    assert "When: “yesterday around 11 pm”" in review and "Photos: 2" in review
    assert "Where: Corner of Oak St and 3rd Ave" in review and "Suspicious activity" in review
    assert "Tried the door handles of three cars" in review and await tips(tg) == []
    await tg.press(ANN, "tipf:send")
    assert "Your tip is in: T-2026-00001" in tg.last(ANN) and "Ann Smith" in tg.last(ANN)
    [tip] = await tips(tg)
    member = await tg.services.members.by_telegram(ANN)
    assert member is not None
    assert (tip.anonymous, tip.tipster_name, tip.tipster_member_id) == (
        False,
        "Ann Smith",
        member.id,
    )
    assert tip.when_text == "yesterday around 11 pm" and tip.place == "Corner of Oak St and 3rd Ave"
    assert tip.category == "suspicious" and tip.conduct == "Tried the door handles of three cars"
    assert await photos(tg, tip.id) == ["PHOTO-A", "PHOTO-B"]
    assert not tip.urgent and tip.status == "received" and tip.notified_at is None
    assert await flow_of(tg, ANN) is None
    assert not received(tg, OFFICER_ID, "T-2026-00001")  # not urgent: it waits for the digest


async def test_guided_anonymous_tip_with_location_stores_no_identity(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip")
    await tg.send(ANN, "Graffiti sprayed on the bus shelter")
    await tg.press(ANN, "tipf:now")
    await tg.location(ANN, 41.1234567, -73.1234567)
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="PHOTO-C"))
    await tg.press(ANN, "tipf:done")
    await tg.press(ANN, "tipf:cat:vandalism")  # not suspicious activity: no conduct question
    assert "Anonymous or with your name?" in tg.last(ANN)
    await tg.press(ANN, "tipf:anon")
    await tg.press(ANN, "tipf:send")
    assert "Sent anonymously" in tg.last(ANN)
    [tip] = await tips(tg)
    assert tip.anonymous and tip.tipster_member_id is None and tip.tipster_name is None
    assert tip.alias.startswith("Tipster ") and len(tip.alias) == 12
    assert (tip.latitude, tip.longitude) == (41.1235, -73.1235)  # about 10 m
    assert tip.occurred_at is not None and tip.channel == "telegram"
    [relay] = await relays(tg)
    assert (relay.tip_id, relay.channel, relay.address) == (tip.id, "telegram", str(ANN))
    assert len(relay.token) >= 20


async def test_cancel_leaves_without_storing_anything(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip")
    await tg.send(ANN, "Someone dumped tires behind the school")
    await tg.press(ANN, "tipf:now")
    await tg.send(ANN, "/cancel")
    assert "Cancelled" in tg.last(ANN)
    assert await tips(tg) == [] and await relays(tg) == []
    assert await flow_of(tg, ANN) is None
    await tg.press(ANN, "tipf:skip")  # a button of the cancelled flow
    assert "no longer active" in tg.api.calls_to("answerCallbackQuery")[-1].params["text"]
    assert "Cancelled" in tg.last(ANN)  # the message it belonged to stays as it was
    assert await tips(tg) == []


async def test_one_line_tip_is_stored_at_once_then_details_are_offered(
    tg: TelegramHarness,
) -> None:
    await tg.send(ANN, "/tip Blue pickup dumping trash at the end of Elm St\nevery Tuesday")
    assert "Your tip is in: T-2026-00001" in tg.last(ANN) and "anonymously" in tg.last(ANN)
    [tip] = await tips(tg)
    assert tip.text == "Blue pickup dumping trash at the end of Elm St\nevery Tuesday"
    await tg.press(ANN, f"tipf:more:{(await relays(tg))[0].token}")
    assert "When did it happen?" in tg.last(ANN)
    await tg.send(ANN, "Tuesdays at 6 am")
    await tg.send(ANN, "End of Elm St")
    await tg.press(ANN, "tipf:skip")
    await tg.press(ANN, "tipf:cat:other")
    await tg.press(ANN, "tipf:named")  # Ann never registered: she is asked for a name
    assert "What name should officers see?" in tg.last(ANN)
    await tg.send(ANN, "Ann from Elm St")
    assert "Officers now see your name" in tg.texts(ANN)[-2]
    assert "has your details" in tg.last(ANN)
    [tip] = await tips(tg)
    assert (tip.when_text, tip.place, tip.category) == (
        "Tuesdays at 6 am",
        "End of Elm St",
        "other",
    )
    assert (tip.anonymous, tip.tipster_name, tip.tipster_member_id) == (
        False,
        "Ann from Elm St",
        None,
    )
    kinds = [e.kind for e in await events(tg, tip.id)]
    assert kinds[0] == "filed" and "details" in kinds and kinds[-1] == "named"
    assert await flow_of(tg, ANN) is None


async def test_add_details_keeps_the_receipt_and_asks_below_it(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip Blue pickup dumping trash at the end of Elm St")
    token = (await relays(tg))[0].token
    receipt, data = tg.button(ANN, f"tipf:more:{token}")
    for _ in range(2):  # pressed twice from the same receipt: one set of questions
        await tg.process(tg.factory.callback(tg.user(ANN), data, receipt))
    text, buttons = shown(tg, ANN, receipt)
    assert "Your tip is in: T-2026-00001" in text and buttons == []
    assert sum("When did it happen?" in t for t in tg.texts(ANN)) == 1
    assert "When did it happen?" in tg.last(ANN)
    assert len(tg.api.calls_to("answerCallbackQuery")) == 2
    await tg.press(ANN, "tipf:now")
    assert "Where?" in tg.last(ANN)
    assert "Your tip is in: T-2026-00001" in shown(tg, ANN, receipt)[0]


async def test_photos_from_mytips_keep_the_list(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip Blue pickup dumping trash at the end of Elm St")
    await tg.send(ANN, "/mytips")
    token = (await relays(tg))[0].token
    listing, data = tg.button(ANN, f"tip:p:{token}")
    await tg.press(ANN, f"tip:p:{token}")
    text, buttons = shown(tg, ANN, listing)
    assert "T-2026-00001" in text and data in buttons  # the list and its buttons stay
    assert "Photos?" in tg.last(ANN)


async def test_thats_all_ends_a_one_line_tip(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip Loud party with broken bottles in the park")
    await tg.press(ANN, "tipf:fin")
    assert "Thank you" in tg.last(ANN)
    assert len(await tips(tg)) == 1 and await flow_of(tg, ANN) is None


async def test_emergency_in_a_guided_tip_warns_first_stores_at_once_and_alerts_officers(
    tg: TelegramHarness,
) -> None:
    await tg.send(ANN, "/tip")
    tg.api.clear()
    await tg.send(ANN, "Two men are breaking in next door, one has a knife")
    texts = tg.texts(ANN)
    assert texts[0].startswith("🚨 <b>If this is an emergency, call 911 now.</b>")
    assert "T-2026-00001" in texts[1] and "flagged urgent" in texts[1]
    assert "When did it happen?" in texts[2]  # details go on, optional
    [tip] = await tips(tg)
    assert tip.urgent and tip.notified_at is not None and tip.anonymous
    await tg.deliver()
    alert = tg.api.last_text(OFFICER_ID)
    assert "URGENT tip T-2026-00001" in alert and "breaking in" in alert and "knife" in alert
    [urgent] = await notifications(tg, "tip_urgent")
    assert urgent.urgency == "urgent"
    await tg.press(ANN, "tipf:now")
    await tg.send(ANN, "14 Oak St")  # officers already know of it: told of the details
    await tg.deliver()
    assert "added to T-2026-00001" in tg.api.last_text(OFFICER_ID)
    assert "14 Oak St" in tg.api.last_text(OFFICER_ID)


async def test_emergency_in_a_one_line_tip_and_in_the_conduct_step(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip Fire in the dumpster behind the pharmacy, happening now")
    assert tg.texts(ANN)[-2].startswith("🚨 <b>If this is an emergency, call 911 now.</b>")
    assert "flagged urgent" in tg.last(ANN)
    await guided_tip(tg, BOB, "Man checking car doors on Pine St", category="suspicious")
    [_, calm] = await tips(tg)
    assert not calm.urgent
    await tg.send(BOB, "/tip")
    await tg.send(BOB, "A man in the alley behind Pine St")
    for _ in range(3):
        await tg.press(BOB, "tipf:skip")
    await tg.press(BOB, "tipf:cat:suspicious")
    await tg.send(BOB, "He pulled out a gun and is waving it around")
    assert tg.texts(BOB)[-3].startswith("🚨 <b>If this is an emergency, call 911 now.</b>")
    third = (await tips(tg))[-1]
    assert third.urgent and "gun" in (third.conduct or "")
    await tg.press(BOB, "tipf:anon")
    assert "has your details" in tg.last(BOB)


async def test_negated_words_do_not_flag_a_tip(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip Mailbox knocked over on Ash St last night, nobody was hurt")
    assert not any("call 911 now" in t for t in tg.texts(ANN))
    assert not (await tips(tg))[0].urgent


async def test_five_photos_at_most(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip")
    await tg.send(ANN, "Bikes stolen from the rack at the library")
    await tg.press(ANN, "tipf:skip")
    await tg.press(ANN, "tipf:skip")
    for n in range(5):
        await tg.process(tg.factory.photo(tg.user(ANN), file_id=f"P{n}"))
    assert "What kind of tip" in tg.last(ANN)  # the fifth photo ends the step
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="P5"))
    assert "use the buttons" in tg.last(ANN)
    await tg.press(ANN, "tipf:cat:theft")
    await tg.press(ANN, "tipf:anon")
    await tg.press(ANN, "tipf:send")
    [tip] = await tips(tg)
    assert await photos(tg, tip.id) == [f"P{n}" for n in range(5)]


async def test_photo_in_the_first_step_with_a_caption(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip")
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="CAPT"))
    assert "describe in words" in tg.last(ANN)
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="CAPT", caption="This car, all week"))
    assert "When did it happen?" in tg.last(ANN)
    await guided_rest(tg, ANN)
    [tip] = await tips(tg)
    assert tip.text == "This car, all week" and await photos(tg, tip.id) == ["CAPT"]


async def guided_rest(tg: TelegramHarness, uid: int) -> None:
    for _ in range(3):
        await tg.press(uid, "tipf:skip")
    await tg.press(uid, "tipf:skip")  # no category
    await tg.press(uid, "tipf:anon")
    await tg.press(uid, "tipf:send")


async def test_bad_input_is_refused_and_stores_nothing(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip \u200b\u200b")  # invisible characters only
    assert "The tip is empty" in tg.last(ANN)
    await tg.send(ANN, "/tip " + "x" * 4001)
    assert "4001 characters long; the limit is 4000" in tg.last(ANN)
    await tg.send(ANN, "/tip")
    await tg.send(ANN, "y" * 4001)
    assert "the limit is 4000" in tg.last(ANN)
    assert await tips(tg) == []
    await tg.send(ANN, "Someone keeps leaving nails in the driveway")
    await tg.press(ANN, "tipf:skip")
    await tg.press(ANN, "tipf:skip")
    big = tg.factory.photo(tg.user(ANN), file_id="BIG", file_size=11 * 1024 * 1024)
    await tg.process(big)
    assert "11.0 MB; the limit is 10 MB" in tg.last(ANN)
    pdf = tg.factory.document(tg.user(ANN), "report.pdf", "application/pdf", 20_000)
    await tg.process(pdf)
    assert "not an image" in tg.last(ANN)
    huge = tg.factory.document(tg.user(ANN), "scan.jpg", "image/jpeg", 12 * 1024 * 1024)
    await tg.process(huge)
    assert "the limit is 10 MB" in tg.last(ANN)
    heic = tg.factory.document(tg.user(ANN), "IMG_1.HEIC", "image/heic", 900_000)
    await tg.process(heic)
    assert "as a photo, not as a file" in tg.last(ANN)
    await tg.send(ANN, "what?")
    assert "Please send photos" in tg.last(ANN)
    await tg.press(ANN, "tipf:done")
    await tg.press(ANN, "tipf:cat:other")
    await tg.press(ANN, "tipf:anon")
    await tg.press(ANN, "tipf:send")
    [tip] = await tips(tg)
    assert await photos(tg, tip.id) == []


async def test_an_image_file_is_stripped_of_metadata_and_kept_as_a_photo(
    tg: TelegramHarness,
) -> None:
    tg.api.add_file("DOC-JPEG", EXIF_JPEG)
    await tg.send(ANN, "/tip")
    await tg.send(ANN, "Car with a smashed window on Birch St")
    await tg.press(ANN, "tipf:skip")
    await tg.press(ANN, "tipf:skip")
    document = tg.factory.document(
        tg.user(ANN), "IMG_2040.jpg", "image/jpeg", len(EXIF_JPEG), file_id="DOC-JPEG"
    )
    await tg.process(document)
    assert "Photo 1 of 5" in tg.last(ANN)
    [upload] = [c for c in tg.api.calls_to("sendPhoto") if c.files]
    stripped = upload.files["photo"].content
    assert b"Exif" not in stripped and b"GPS" not in stripped and b"Serial" not in stripped
    assert b"JFIF" in stripped and stripped.endswith(b"PIXELDATA\xff\xd9")
    assert "hidden details" in upload.params["caption"]
    file_id = upload.result["photo"][-1]["file_id"]
    await tg.press(ANN, "tipf:done")
    await tg.press(ANN, "tipf:cat:vehicle")
    await tg.press(ANN, "tipf:anon")
    await tg.press(ANN, "tipf:send")
    [tip] = await tips(tg)
    assert await photos(tg, tip.id) == [file_id]  # the re-encoded photo, not the file


async def test_tips_per_hour_from_one_chat(tg: TelegramHarness, clock: FrozenClock) -> None:
    tg.services.settings.tips_per_hour = 2
    await tg.send(ANN, "/tip First: broken street light on Maple")
    await tg.send(ANN, "/tip Second: same light, still broken")
    await tg.send(ANN, "/tip Third one")
    assert "You've sent 2 in the last hour" in tg.last(ANN) and "about 60 minutes" in tg.last(ANN)
    await tg.send(ANN, "/tip")  # the guided form refuses before anything is typed
    assert "You've sent 2 in the last hour" in tg.last(ANN)
    assert len(await tips(tg)) == 2
    await tg.send(BOB, "/tip Another chat is not limited by Ann's tips")
    assert "Your tip is in" in tg.last(BOB)
    async with tg.services.db.transaction() as session:
        keys = list(await session.scalars(select(TipRateMark.key)))
    assert len(set(keys)) == 2 and all(re.fullmatch("[0-9a-f]{64}", k) for k in keys)  # HMACs
    clock.advance(minutes=61)
    await tg.send(ANN, "/tip Fourth, an hour later")
    assert "Your tip is in: T-2026-00004" in tg.last(ANN)
    async with tg.services.db.transaction() as session:
        # Kept for the daily limit (TIPS_PER_DAY), then pruned after 24 hours.
        assert await session.scalar(select(func.count(TipRateMark.id))) == 4
    clock.advance(hours=24)
    await tg.send(ANN, "/tip Fifth, a day later")
    async with tg.services.db.transaction() as session:
        assert await session.scalar(select(func.count(TipRateMark.id))) == 1  # old marks pruned


async def test_mytips_lists_this_chats_tips_and_status(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip Porch packages stolen on Cedar Ln")
    await guided_tip(tg, ANN, "Van with no plates parked for days")
    await tg.send(BOB, "/tip Bob's own tip")
    await tg.send(ANN, "/mytips")
    listing = tg.last(ANN)
    assert "T-2026-00001" in listing and "T-2026-00002" in listing and "T-2026-00003" not in listing
    assert listing.count("Received — waiting for an officer") == 2
    assert listing.count("anonymous") == 2
    assert "“Porch packages stolen on Cedar Ln”" in listing and "sent Tue Dec 1," in listing
    labels = [label for label, _ in tg.api.buttons(ANN)]
    assert "💬 T-2026-00001" in labels and "📷 T-2026-00002" in labels
    await tg.send(ANN, "/tip T-2026-00001")  # a tipster opening their own tip: its status
    assert "Your tip <b>T-2026-00001</b> is received" in tg.last(ANN)
    await tg.send(BOB, "/mytips")
    assert "T-2026-00001" not in tg.last(BOB)


async def test_photos_can_be_added_later_from_mytips(tg: TelegramHarness) -> None:
    await tg.send(ANN, "/tip Shopping carts dumped in the creek")
    [relay] = await relays(tg)
    await tg.send(ANN, "/mytips")
    await tg.press(ANN, f"tip:p:{relay.token}")
    assert "Photos?" in tg.last(ANN)
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="LATER"))
    await tg.press(ANN, "tipf:done")
    assert "has your details" in tg.last(ANN)
    [tip] = await tips(tg)
    assert await photos(tg, tip.id) == ["LATER"]
    assert (await events(tg, tip.id))[-1].body == "1 photo"


async def test_the_last_step_pressed_twice_at_once_files_one_tip(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann")
    await guided_tip(tg, ANN, "Two men trying car doors on Pine St", presses=2)
    assert len(await tips(tg)) == 1
    assert sum("Your tip is in" in t for t in tg.texts(ANN)) == 1
    # The second press is answered on its own; the receipt the first left stays in the chat.
    assert "Your tip is in" in tg.last(ANN)


async def test_a_tip_says_something_and_its_details_are_words(tg: TelegramHarness) -> None:
    """ "hi" is not a tip and "👍" is not a time; both are said at once, and nothing is lost."""
    await tg.send(ANN, "/tip hi")
    assert "very short for a tip" in tg.last(ANN)
    await tg.send(ANN, "/tip")
    await tg.send(ANN, "hi")
    assert "very short for a tip" in tg.last(ANN)
    await tg.send(ANN, "Two men trying car doors on Pine St")
    await tg.send(ANN, "👍")  # the time
    assert "Please write the time in words" in tg.last(ANN)
    await tg.send(ANN, "last night around 11")
    assert "Where?" in tg.last(ANN)
    await tg.send(ANN, "Fire!")  # where the place was asked: an emergency word goes through
    assert await tips(tg)  # stored at once, flagged urgent
    assert (await tips(tg))[0].urgent
