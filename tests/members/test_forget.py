"""/forget leaves nothing that names the person: every text column of every table is searched
for their name, phone and address after a member who did a bit of everything is forgotten."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import String, Text, select

from core.property.rules import ItemDraft
from core.vacation.rules import VacationRequest
from storage.schema import Base
from tests.conftest import OFFICER_ID
from tests.support.due import tick
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, make_group, neighborhood

QUILL = 777
NAME, PHONE, ADDRESS = "Quill Yarrowby", "+12035550917", "917 Quillfeather Lane"
# What must not be found anywhere once Quill is forgotten.
NEEDLES = ("Quill", "Yarrowby", "5550917", "555-0917", "Quillfeather")


async def leftovers(tg: TelegramHarness) -> list[str]:
    """Every (table.column: value) in the database that still names Quill."""
    found = []
    async with tg.services.db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String | Text):
                    continue
                for value in await session.scalars(select(column)):
                    if value and any(needle in str(value) for needle in NEEDLES):
                        found.append(f"{table.name}.{column.name}: {str(value)[:120]}")
    return found


async def test_forget_leaves_no_name_phone_or_address_in_any_table(tg: TelegramHarness) -> None:
    await neighborhood(tg, extra=False)
    await tg.register(QUILL, NAME, phone=PHONE, address=ADDRESS)
    await tg.send(QUILL, "/join OAK")
    # A named tip, and an answer to an officer's question on it.
    await tg.send(QUILL, "/tip")
    await tg.send(QUILL, "Van idling outside 20 Oak St every night at 2 am")
    for _ in range(4):
        await tg.press(QUILL, "tipf:skip")
    await tg.press(QUILL, "tipf:named")
    await tg.press(QUILL, "tipf:send")
    # A vacation watch whose leader (Ann) is told a neighbor is away.
    today = tg.services.clock.now().date()
    await tg.services.vacation.create(
        QUILL,
        VacationRequest(
            address=ADDRESS,
            leave_on=today + timedelta(days=3),
            return_on=today + timedelta(days=6),
            emergency_name="Rowan Yarrowby",
            emergency_phone="+12035550918",
            tell_leader=True,
        ),
    )
    # A property register: an item that names them, and one reported stolen (its tip stays
    # with officers, like any tip, without their name).
    register = tg.services.property.register
    await register.add(QUILL, ItemDraft(item="Quill Yarrowby's violin", notes="917 Quillfeather"))
    await register.add(QUILL, ItemDraft(item="Bicycle", serial="WTU-99"))
    await tg.send(QUILL, "/stolen")
    await tg.press(QUILL, "stol:t:2")
    await tg.press(QUILL, "stol:next")
    await tg.press(QUILL, "stol:send")
    assert "Sent to the police as tip" in tg.last(QUILL)
    # Quill leads the group for a while: a broadcast, an election, a meeting.
    quill_id = (await tg.services.members.by_telegram(QUILL)).id  # type: ignore[union-attr]
    await tg.send(OFFICER_ID, f"/setleader OAK {quill_id}")
    await tg.send(QUILL, "/broadcast Porch lights on tonight, please")
    await tg.press(QUILL, "alert:send")
    await tg.send(QUILL, "/election open OAK 3")
    await tg.send(QUILL, "/nominate me")
    await tg.deliver()
    await tick(tg)
    assert await leftovers(tg)  # the search finds Quill before

    await tg.send(QUILL, "/forget")
    await tg.press(QUILL, "forget:yes")
    assert "Your personal data is deleted" in tg.last(QUILL)
    left = await leftovers(tg)
    assert left == [], "\n".join(left)
    # What others were sent stays theirs to read in Telegram; the group still works.
    await tg.send(ANN, "/profile")
    assert "Oak Park" in tg.last(ANN)


async def test_forget_takes_the_name_out_of_what_the_leader_was_told(tg: TelegramHarness) -> None:
    """A request to join an approval group, and leaving another: each told the leader the
    person's name (or the officers, for a group without a leader); after /forget those
    messages no longer name them."""
    await make_group(tg, "Birch Lane", "BIRCH", approval=True)
    await make_group(tg, "Cedar Court", "CEDAR", approval=True)  # it never gets a leader
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await tg.register(ANN, "Ann")  # member #1 leads Birch Lane
    await tg.send(ANN, "/join BIRCH")
    await tg.send(OFFICER_ID, "/pending BIRCH")
    await tg.press(OFFICER_ID, "review:1:a")
    await tg.send(OFFICER_ID, "/setleader BIRCH 1")
    await tg.register(BOB, "Bob")  # member #2 leads Oak Park
    await tg.send(BOB, "/join OAK")
    await tg.send(OFFICER_ID, "/setleader OAK 2")
    await tg.register(QUILL, NAME, phone=PHONE, address=ADDRESS)
    await tg.send(QUILL, "/join BIRCH")  # the leader is told who asked
    await tg.send(QUILL, "/join CEDAR")  # the officers are told who asked
    await tg.send(QUILL, "/join OAK")
    await tg.send(QUILL, "/leave OAK")
    await tg.press(QUILL, "leave:yes:OAK")  # the leader is told who left
    await tg.deliver()
    before = await leftovers(tg)
    assert any("asked to join" in line for line in before)
    assert any("which has no leader yet" in line for line in before)
    assert any("left" in line for line in before)
    await tg.send(QUILL, "/forget")
    await tg.press(QUILL, "forget:yes")
    left = await leftovers(tg)
    assert left == [], "\n".join(left)
