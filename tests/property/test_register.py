"""Operation Identification's register end to end through the fake Bot API: the guided add
(skips, the Operation ID marking, photos up to three, a review with Edit, Save pressed
twice), bad input that loses nothing, the paged list, editing one field, deleting after a
question, the PDF and CSV exports, the window decal, privacy and /forget."""

from __future__ import annotations

import csv
import io

from pypdf import PdfReader
from sqlalchemy import select

from storage.property.models import PropertyItem, PropertyOwner, PropertyPhoto
from tests.conftest import OFFICER_ID
from tests.support.chat import count_received, documents
from tests.support.harness import TelegramHarness
from tests.support.images import jpeg_segment
from tests.support.rows import audit_rows

ANN, BOB, ZED = 861, 862, 869

EXIF_JPEG = (
    b"\xff\xd8"
    + jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    + jpeg_segment(0xE1, b"Exif\x00\x00GPS 41.1N 73.1W")
    + jpeg_segment(0xDA, b"")
    + b"PIXELDATA\xff\xd9"
)


async def items(tg: TelegramHarness) -> list[PropertyItem]:
    """Every item row, oldest first."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(PropertyItem).order_by(PropertyItem.id)))


async def photos(tg: TelegramHarness) -> list[str]:
    """Every photo's file id, oldest first."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(PropertyPhoto.file_id).order_by(PropertyPhoto.id)))


async def add_item(
    tg: TelegramHarness,
    uid: int,
    item: str,
    serial: str | None = None,
    value: str | None = None,
    make: str | None = None,
) -> None:
    """/property add with some fields, the rest skipped, saved."""
    await tg.send(uid, "/property add")
    await tg.send(uid, item)
    for answer in (make, None, serial):  # make, model, serial
        await (tg.send(uid, answer) if answer else tg.press(uid, "propf:skip"))
    await tg.press(uid, "propf:mark")
    await (tg.send(uid, value) if value else tg.press(uid, "propf:skip"))
    await tg.press(uid, "propf:skip")  # no photos
    await tg.press(uid, "propf:skip")  # no notes
    await tg.press(uid, "propf:save")


async def test_the_guided_add_with_photos_review_edit_and_save_once(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/property add")
    assert "What is it?" in tg.last(ANN) and "/cancel" in tg.last(ANN)
    await tg.send(ANN, "Mountain bike")
    assert "Its make" in tg.last(ANN)
    await tg.send(ANN, "Trek")
    await tg.press(ANN, "propf:skip")  # no model
    await tg.send(ANN, "WTU123C4567")
    assert "Operation ID number <b>CW-OID-000001</b>" in tg.last(ANN)
    await tg.press(ANN, "propf:mark")
    await tg.send(ANN, "about $300")
    assert "Up to 3 photos" in tg.last(ANN)
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="BIKE-1"))
    assert "Photo 1 of 3 kept" in tg.last(ANN)
    tg.api.add_file("BQACAgIAAxkBAAIB-bike.jpg", EXIF_JPEG)
    await tg.process(tg.factory.document(tg.user(ANN), "bike.jpg", "image/jpeg", len(EXIF_JPEG)))
    [upload] = tg.api.calls_to("sendPhoto")
    assert b"GPS" not in upload.files["photo"].content  # metadata gone before it is kept
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="BIKE-3"))
    assert "Photo 3 of 3 kept" in tg.last(ANN)
    for n in range(22):  # 25 photos in a row: the rest get a reason, nothing else is lost
        await tg.process(tg.factory.photo(tg.user(ANN), file_id=f"BIKE-{n + 4}"))
    assert "already has 3 photos" in tg.last(ANN) and "not added" in tg.last(ANN)
    assert count_received(tg, ANN, "already has 3 photos") == 22
    assert len(tg.api.calls_to("sendPhoto")) == 1  # no fourth file was even downloaded
    await tg.press(ANN, "propf:skip")  # Done
    await tg.send(ANN, "Red frame, sticker on the top tube")
    review = tg.last(ANN)
    assert review.startswith("Your register will keep this:")
    for part in ("Mountain bike", "Trek", "WTU123C4567", "CW-OID-000001", "$300", "3 photos"):
        assert part in review, part
    assert await items(tg) == []  # nothing stored before Save
    await tg.press(ANN, "propf:edit")
    await tg.press(ANN, "propf:ed:value")
    await tg.send(ANN, "three hundred")  # words: explained, the step stays
    assert "couldn't find an amount" in tg.last(ANN)
    await tg.send(ANN, "$1,250.50")
    assert "$1,250.50" in tg.last(ANN) and tg.last(ANN).startswith("Your register will keep")
    await tg.press_at_once(ANN, "propf:save", times=2)
    [bike] = await items(tg)
    assert (bike.item, bike.make, bike.model, bike.serial) == (
        "Mountain bike",
        "Trek",
        None,
        "WTU123C4567",
    )
    assert (bike.marking, bike.value_cents) == ("CW-OID-000001", 125050)
    assert bike.notes == "Red frame, sticker on the top tube" and bike.stolen_at is None
    kept = await photos(tg)
    assert len(kept) == 3 and kept[0] == "BIKE-1" and kept[2] == "BIKE-3"
    assert count_received(tg, ANN, "Saved as item 1") == 1
    assert await tg.services.flows.get(ANN) is None


async def test_bad_input_gets_a_reason_and_loses_nothing(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/property add")
    await tg.send(ANN, "   ")
    assert "Please type what the item is" in tg.last(ANN) or "empty" in tg.last(ANN)
    await tg.send(ANN, "x" * 81)
    assert "81 characters long; the limit is 80" in tg.last(ANN)
    await tg.photo(ANN)
    assert "No photo is asked for here" in tg.last(ANN)
    await tg.send(ANN, "Laptop")
    await tg.send(ANN, "Dell")
    await tg.send(ANN, "L" * 61)
    assert "the limit is 60" in tg.last(ANN)
    await tg.send(ANN, "Latitude 5440")
    await tg.send(ANN, "SN-998877")
    await tg.press(ANN, "propf:skip")  # not marked
    await tg.send(ANN, "between 300 and 400")
    assert "more than one amount" in tg.last(ANN)
    await tg.send(ANN, "about $900")
    await tg.press(ANN, "propf:skip")
    await tg.send(ANN, "n" * 10_000)  # a 10,000-character note
    assert "10000 characters long; the limit is 500" in tg.last(ANN)
    await tg.send(ANN, "Sticker on the lid")
    review = tg.last(ANN)
    for part in ("Laptop", "Dell", "Latitude 5440", "SN-998877", "$900", "Sticker on the lid"):
        assert part in review, part
    await tg.press(ANN, "propf:save")
    [laptop] = await items(tg)
    assert (laptop.marking, laptop.value_cents) == (None, 90000)


async def test_cancel_stores_nothing_and_buttons_of_a_cancelled_add_do_nothing(
    tg: TelegramHarness,
) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/property add")
    await tg.send(ANN, "Chainsaw")
    await tg.send(ANN, "/cancel")
    await tg.press(ANN, "propf:skip")
    assert await items(tg) == []
    await add_item(tg, ANN, "Chainsaw")
    assert len(await items(tg)) == 1
    await tg.send(ANN, "/property add")
    await tg.send(ANN, "Drill")
    for _ in range(7):  # make, model, serial, marking, value, photos, notes
        await tg.press(ANN, "propf:skip")
    message_id, save = tg.button(ANN, "propf:save")
    await tg.press(ANN, "propf:cancel")
    assert "nothing was added" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), save, message_id))  # Save after Cancel
    assert [i.item for i in await items(tg)] == ["Chainsaw"]


async def test_unregistered_people_are_asked_to_register(tg: TelegramHarness) -> None:
    await tg.send(ZED, "/property")
    assert "register" in tg.last(ZED).lower() and "/start" in tg.last(ZED)
    await tg.send(ZED, "/stolen")
    assert "/start" in tg.last(ZED)
    await tg.process(tg.factory.callback(tg.user(ZED), "prop:v:1", 1))
    async with tg.services.db.transaction() as session:
        assert list(await session.scalars(select(PropertyOwner))) == []


async def test_the_list_pages_and_opens_each_item(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    for n in range(7):
        await add_item(tg, ANN, f"Thing {n + 1}", serial=f"S{n + 1}")
    await tg.send(ANN, "/property")
    page = tg.last(ANN)
    assert "Operation ID number <b>CW-OID-000001</b>" in page and "Only you see" in page
    assert "7 items (page 1 of 2)" in page and "Thing 5" in page and "Thing 6" not in page
    assert "S1" not in page  # serials stay on the card
    await tg.press(ANN, "prop:l:1")
    assert "Thing 6" in tg.last(ANN) and "Thing 7" in tg.last(ANN)
    await tg.press(ANN, "prop:l:0")
    stored = await items(tg)
    await tg.press(ANN, f"prop:v:{stored[1].id}")
    assert "Item 2" in tg.last(ANN) and "Serial number: S2" in tg.last(ANN)
    await tg.press(ANN, "prop:l:0")  # back to the page it is on
    await tg.press(ANN, "prop:l:1")
    await tg.press(ANN, f"prop:v:{stored[6].id}")
    assert "Item 7" in tg.last(ANN)
    await tg.press(ANN, "prop:l:1")  # back to the page it is on
    assert "(page 2 of 2)" in tg.last(ANN)
    await tg.send(ANN, "/property sell")
    assert "/property add" in tg.last(ANN) and "/property decal" in tg.last(ANN)


async def test_edit_one_field_and_photos(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await add_item(tg, ANN, "Camera", serial="OLD1", value="200")
    [camera] = await items(tg)
    await tg.send(ANN, "/property")
    await tg.press(ANN, f"prop:v:{camera.id}")
    await tg.press(ANN, f"prop:e:{camera.id}")
    await tg.press(ANN, f"prop:ef:{camera.id}:serial")
    assert "Now: OLD1" in tg.last(ANN) and "/cancel" in tg.last(ANN)
    await tg.send(ANN, "s" * 61)  # too long: explained, the edit waits
    assert "the limit is 60" in tg.last(ANN)
    await tg.send(ANN, "NEW-42")
    assert "Serial number: NEW-42" in tg.last(ANN)
    await tg.press(ANN, f"prop:e:{camera.id}")
    await tg.press(ANN, f"prop:ef:{camera.id}:value")
    await tg.press(ANN, "propx:clear")
    await tg.press(ANN, f"prop:e:{camera.id}")
    await tg.press(ANN, f"prop:ef:{camera.id}:item")
    await tg.send(ANN, " ")
    assert "empty" in tg.last(ANN)
    await tg.send(ANN, "Camera and lens")
    await tg.press(ANN, f"prop:e:{camera.id}")
    await tg.press(ANN, f"prop:ef:{camera.id}:photos")
    for n in range(5):
        await tg.process(tg.factory.photo(tg.user(ANN), file_id=f"CAM-{n}"))
    assert "already has 3 photos" in tg.last(ANN)
    await tg.press(ANN, "propx:done")
    [camera] = await items(tg)
    assert (camera.item, camera.serial, camera.value_cents) == ("Camera and lens", "NEW-42", None)
    assert await photos(tg) == ["CAM-0", "CAM-1", "CAM-2"]
    await tg.press(ANN, f"prop:ph:{camera.id}")
    assert len(tg.api.calls_to("sendPhoto")) == 3
    await tg.press(ANN, f"prop:e:{camera.id}")
    await tg.press(ANN, f"prop:ef:{camera.id}:photos")
    await tg.press(ANN, f"prop:pr:{camera.id}")
    assert "Remove the 3 photos" in tg.last(ANN)
    await tg.press(ANN, f"prop:pry:{camera.id}")
    assert await photos(tg) == []


async def test_delete_asks_first_and_a_second_press_changes_nothing(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await add_item(tg, ANN, "Tablet")
    await add_item(tg, ANN, "Guitar")
    tablet, guitar = await items(tg)
    await tg.send(ANN, "/property")
    await tg.press(ANN, f"prop:v:{tablet.id}")
    await tg.press(ANN, f"prop:d:{tablet.id}")
    assert "Delete item 1, <b>Tablet</b>" in tg.last(ANN) and "can't be undone" in tg.last(ANN)
    assert len(await items(tg)) == 2  # nothing before the answer
    await tg.press(ANN, f"prop:k:{tablet.id}")
    assert "Kept" in tg.last(ANN)
    await tg.press(ANN, f"prop:d:{tablet.id}")
    message_id, data = tg.button(ANN, f"prop:dy:{tablet.id}")
    await tg.press_at_once(ANN, f"prop:dy:{tablet.id}", times=2)
    await tg.process(tg.factory.callback(tg.user(ANN), data, message_id))
    assert [i.id for i in await items(tg)] == [guitar.id]
    assert count_received(tg, ANN, "Deleted <b>Tablet</b>") == 1


async def test_exports_pdf_and_csv_hold_every_item(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await add_item(tg, ANN, "Mountain bike", serial="WTU123", value="$800", make="Trek")
    await add_item(tg, ANN, "=HYPERLINK(evil)", serial="X-1")
    await add_item(tg, ANN, "Caf\u00e9 espresso machine \U0001f600", value="1.5k")
    await tg.send(ANN, "/property csv")
    [csv_file] = documents(tg, ANN)
    assert csv_file.files["document"].file_name == "property-CW-OID-000001.csv"
    rows = list(csv.reader(io.StringIO(csv_file.files["document"].content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["No.", "Item", "Make", "Model", "Serial number"]
    assert rows[1][:5] == ["1", "Mountain bike", "Trek", "", "WTU123"]
    assert rows[1][5:7] == ["CW-OID-000001", "800.00"]
    assert rows[2][1] == "'=HYPERLINK(evil)"  # never a formula
    assert rows[3][1] == "Caf\u00e9 espresso machine \U0001f600" and rows[3][6] == "1500.00"
    await tg.send(ANN, "/property")
    await tg.press(ANN, "prop:pdf")
    pdf_file = documents(tg, ANN)[-1]
    assert pdf_file.files["document"].file_name == "property-CW-OID-000001.pdf"
    text = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(pdf_file.files["document"].content)).pages
    )
    for part in (
        "CW-OID-000001",
        "Mountain bike",
        "WTU123",
        "$800",
        "Trek",
        "Caf\u00e9 espresso",
        "$1,500",
    ):
        assert part in text, part


async def test_the_decal_and_the_number_is_per_member_and_never_reused(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.register(BOB, "Bob Jones")
    await tg.send(ANN, "/property decal")
    assert "OPERATION IDENTIFICATION" in tg.last(ANN) and "CW-OID-000001" in tg.last(ANN)
    await tg.send(BOB, "/property")
    await tg.press(BOB, "prop:decal")
    assert "CW-OID-000002" in tg.last(BOB)
    await tg.send(ANN, "/forget")
    await tg.press(ANN, "forget:yes")
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/property decal")
    assert "CW-OID-000003" in tg.last(ANN)  # a forgotten number is not handed out again


async def test_nobody_else_sees_a_register(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.register(BOB, "Bob Jones")
    await tg.register(OFFICER_ID, "Officer Kim")
    await add_item(tg, ANN, "Mountain bike", serial="WTU123")
    [bike] = await items(tg)
    for uid in (BOB, OFFICER_ID):
        before = len(tg.texts(uid))
        for data in (
            f"prop:v:{bike.id}",
            f"prop:e:{bike.id}",
            f"prop:ef:{bike.id}:serial",
            f"prop:d:{bike.id}",
            f"prop:dy:{bike.id}",
            f"prop:ph:{bike.id}",
            f"prop:pry:{bike.id}",
        ):
            await tg.process(tg.factory.callback(tg.user(uid), data, 1))
        await tg.send(uid, "/property")
        await tg.send(uid, "/property csv")
        shown = "\n".join(tg.texts(uid)[before:])
        assert "WTU123" not in shown and "Mountain bike" not in shown
        for call in documents(tg, uid):
            assert b"WTU123" not in call.files["document"].content
        assert await tg.services.flows.get(uid) is None
    [bike_after] = await items(tg)
    assert bike_after.serial == "WTU123"
    refusals = [r for r in await audit_rows(tg) if r.outcome == "refused"]
    assert {r.target for r in refusals} == {f"item #{bike.id}"}
    assert len(refusals) >= 2
    for row in await audit_rows(tg):
        assert "WTU123" not in f"{row.target} {row.detail}"
        assert "bike" not in f"{row.target} {row.detail}".lower()


async def test_forget_warns_and_erases_the_register(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await add_item(tg, ANN, "Mountain bike", serial="WTU123")
    await tg.process(tg.factory.photo(tg.user(ANN), file_id="X"))  # outside a flow: a tip offer
    await tg.send(ANN, "/forget")
    assert "Your property register (1 item) and your Operation ID number" in tg.last(ANN)
    await tg.press(ANN, "forget:yes")
    assert await items(tg) == []
    async with tg.services.db.transaction() as session:
        assert list(await session.scalars(select(PropertyOwner))) == []


async def test_an_emergency_typed_in_the_add_gets_911_first_and_the_add_waits(
    tg: TelegramHarness,
) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/property add")
    await tg.send(ANN, "Mountain bike")
    before = len(tg.texts(ANN))
    await tg.send(ANN, "Someone is breaking into my garage right now")
    assert "call 911" in tg.texts(ANN)[before]
    await tg.press(ANN, "urgent:send")  # filed as an urgent tip, the question put back
    assert "answer the question above" in tg.last(ANN)
    flow = await tg.services.flows.get(ANN)
    assert flow is not None and (flow.flow, flow.step) == ("property", "make")
    assert flow.data["item"] == "Mountain bike"  # nothing answered before is lost
    await tg.press(ANN, "propf:skip")  # the make's Skip, on the message above, still works
    assert "Its model" in tg.last(ANN)
