"""/stolen end to end: items picked by position (several, ticked and unticked), the review
shows the tip exactly as officers get it, Send files one tip however often it is pressed and
marks the items stolen; officers then see those items' serials (and nothing else of the
register); buttons made by hand for another member's items are refused and audited."""

from __future__ import annotations

from sqlalchemy import select

from scheduler.tip_jobs import tip_digest
from storage.property.models import PropertyItem
from storage.tips.models import Tip, TipPhoto
from tests.conftest import OFFICER_ID
from tests.property.test_register import add_item, items
from tests.support.chat import count_received, sent_to
from tests.support.harness import TelegramHarness
from tests.support.rows import audit_rows

ANN, BOB = 871, 872


async def tips(tg: TelegramHarness) -> list[Tip]:
    """Every tip row."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(Tip).order_by(Tip.id)))


async def picked(tg: TelegramHarness, uid: int) -> list[int]:
    """The items ticked in the chat's /stolen, if it is picking."""
    flow = await tg.services.flows.get(uid)
    found = flow.data.get("picked") if flow is not None and flow.flow == "stolen" else None
    return [int(str(i)) for i in found] if isinstance(found, list) else []


async def ann_with_three(tg: TelegramHarness) -> list[PropertyItem]:
    """Ann's register: a bike, a laptop and a drill, each with a serial."""
    await tg.register(ANN, "Ann Smith")
    await add_item(tg, ANN, "Mountain bike", serial="WTU123", value="$800", make="Trek")
    await add_item(tg, ANN, "Laptop", serial="DELL-777", make="Dell")
    await add_item(tg, ANN, "Cordless drill", serial="DRL-555")
    return await items(tg)


async def test_pick_review_send_once_and_officers_see_the_serials(tg: TelegramHarness) -> None:
    bike, laptop, drill = await ann_with_three(tg)
    await tg.register(OFFICER_ID, "Officer Kim")
    await tg.send(ANN, "/stolen")
    assert "Tap each item that was stolen" in tg.last(ANN) and "call 911" in tg.last(ANN)
    await tg.press(ANN, f"stol:t:{bike.id}")
    await tg.press(ANN, f"stol:t:{drill.id}")
    await tg.press(ANN, f"stol:t:{laptop.id}")
    await tg.press(ANN, f"stol:t:{laptop.id}")  # unticked again
    labels = [label for label, _ in tg.api.buttons(ANN)]
    assert "☑️ 1. Mountain bike — Trek (serial on file)" in labels
    assert any(label.startswith("⬜ 2. Laptop") for label in labels)
    await tg.send(ANN, "the bike and the drill")  # typed: the buttons are the way
    assert "use the buttons" in tg.last(ANN)
    await tg.press(ANN, "stol:next")
    review = tg.last(ANN)
    assert "Officers will get this tip, with your name" in review
    assert "1. Mountain bike; make: Trek; serial number: WTU123" in review
    assert "3. Cordless drill; serial number: DRL-555" in review and "DELL-777" not in review
    assert await tips(tg) == []  # nothing before Send
    message_id, send = tg.button(ANN, "stol:send")
    await tg.press_at_once(ANN, "stol:send", times=2)
    await tg.process(tg.factory.callback(tg.user(ANN), send, message_id))  # later, again
    [tip] = await tips(tg)
    assert tip.category == "theft" and not tip.anonymous and tip.tipster_name == "Ann Smith"
    assert "WTU123" in tip.text and "DRL-555" in tip.text and "DELL-777" not in tip.text
    assert "Operation ID number CW-OID-000001" in tip.text
    assert count_received(tg, ANN, "Sent to the police as tip <b>T-2026-00001</b>") == 1
    stored = {i.item: i for i in await items(tg)}
    assert stored["Mountain bike"].tip_reference == "T-2026-00001"
    assert stored["Cordless drill"].stolen_at is not None
    assert stored["Laptop"].stolen_at is None
    # Officers: the digest, then the tip's card, with the stolen items' serials only.
    await tip_digest(tg.services)
    await tg.deliver()
    assert any("T-2026-00001" in t for t in sent_to(tg, OFFICER_ID))
    await tg.send(OFFICER_ID, "/tip T-2026-00001")
    card = "\n".join(sent_to(tg, OFFICER_ID))
    assert "WTU123" in card and "DRL-555" in card and "DELL-777" not in card
    [stolen] = [r for r in await audit_rows(tg) if r.action == "property.stolen"]
    assert (stolen.target, stolen.detail) == ("T-2026-00001", "2 items")
    # The register shows what was reported; /stolen offers only the rest.
    await tg.send(ANN, "/property")
    assert "Mountain bike — Trek (serial on file) [STOLEN]" in tg.last(ANN)
    await tg.send(ANN, "/stolen")
    labels = [label for label, _ in tg.api.buttons(ANN)]
    assert [label for label in labels if "." in label] == ["⬜ 2. Laptop — Dell (serial on file)"]


async def test_nothing_picked_cancel_back_and_an_empty_register(tg: TelegramHarness) -> None:
    await tg.register(BOB, "Bob Jones")
    await tg.send(BOB, "/stolen")
    assert "Your register is empty" in tg.last(BOB)
    (bike, *_rest) = await ann_with_three(tg)
    await tg.send(ANN, "/stolen")
    await tg.press(ANN, "stol:next")
    assert "Pick at least one" in str(tg.api.calls_to("answerCallbackQuery")[-1].params)
    await tg.press(ANN, f"stol:t:{bike.id}")
    await tg.press(ANN, "stol:next")
    await tg.press(ANN, "stol:back")
    assert "Tap each item" in tg.last(ANN)
    await tg.press(ANN, "stol:next")
    message_id, send = tg.button(ANN, "stol:send")
    await tg.press(ANN, "stol:cancel")
    assert "nothing was sent" in tg.last(ANN)
    await tg.process(tg.factory.callback(tg.user(ANN), send, message_id))  # Send after Cancel
    assert await tips(tg) == []
    assert all(i.stolen_at is None for i in await items(tg))


async def test_a_pick_pressed_twice_changes_nothing_more(tg: TelegramHarness) -> None:
    bike, _laptop, _drill = await ann_with_three(tg)
    await tg.send(ANN, "/stolen")
    message_id, tick = tg.button(ANN, f"stol:t:{bike.id}")
    await tg.process(tg.factory.callback(tg.user(ANN), tick, message_id))
    await tg.process(tg.factory.callback(tg.user(ANN), tick, message_id))  # the old button again
    assert await picked(tg, ANN) == [bike.id]


async def test_another_members_items_cannot_be_picked(tg: TelegramHarness) -> None:
    bike, _laptop, _drill = await ann_with_three(tg)
    await tg.register(BOB, "Bob Jones")
    await add_item(tg, BOB, "Kayak", serial="KAY-1")
    await tg.send(BOB, "/stolen")
    _message_id, tick = tg.button(BOB, "stol:t:4")  # his kayak's button, remade for her bike
    forged = tick.replace("stol:t:4", f"stol:t:{bike.id}")
    before = len(tg.texts(BOB))
    await tg.process(tg.factory.callback(tg.user(BOB), forged, 1))
    assert bike.id not in await picked(tg, BOB)
    assert not any("Mountain bike" in t for t in tg.texts(BOB)[before:])
    refusals = [r for r in await audit_rows(tg) if r.outcome == "refused"]
    assert [r.target for r in refusals] == [f"item #{bike.id}"]
    assert await tips(tg) == []


async def test_the_items_photos_go_with_the_tip(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    await tg.send(ANN, "/property add")
    await tg.send(ANN, "Kayak")
    for _ in range(5):  # make, model, serial, marking, value
        await tg.press(ANN, "propf:skip")
    for n in range(2):
        await tg.process(tg.factory.photo(tg.user(ANN), file_id=f"KAYAK-{n}"))
    await tg.press(ANN, "propf:skip")  # Done
    await tg.press(ANN, "propf:skip")  # no notes
    await tg.press(ANN, "propf:save")
    [kayak] = await items(tg)
    await tg.send(ANN, "/stolen")
    await tg.press(ANN, f"stol:t:{kayak.id}")
    await tg.press(ANN, "stol:next")
    await tg.press(ANN, "stol:send")
    async with tg.services.db.transaction() as session:
        kept = list(await session.scalars(select(TipPhoto.file_id).order_by(TipPhoto.id)))
    assert kept == ["KAYAK-0", "KAYAK-1"]


async def test_too_many_items_for_one_report(tg: TelegramHarness) -> None:
    await tg.register(ANN, "Ann Smith")
    for n in range(9):
        await add_item(tg, ANN, f"Tool {n + 1}", serial=f"T{n + 1}")
    stored = await items(tg)
    await tg.send(ANN, "/stolen")
    for item in stored:
        await tg.press(ANN, f"stol:t:{item.id}")
    assert len(await picked(tg, ANN)) == 8
    answer = str(tg.api.calls_to("answerCallbackQuery")[-1].params)
    assert "at most 8 items" in answer
