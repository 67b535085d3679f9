"""A neighborhood to test in: watch groups made the way an officer makes them, residents who
registered and joined, and a leader."""

from __future__ import annotations

from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness


async def make_group(tg: TelegramHarness, name: str, code: str | None, approval: bool) -> None:
    """The /newgroup flow as an officer."""
    await tg.send(OFFICER_ID, "/newgroup")
    await tg.send(OFFICER_ID, name)
    if code:
        await tg.send(OFFICER_ID, code)
    else:
        await tg.press(OFFICER_ID, "newgroup:code")
    await tg.send(OFFICER_ID, "Oak St to Elm St, north of Main")
    await tg.press(OFFICER_ID, f"newgroup:approval:{'y' if approval else 'n'}")
    await tg.press(OFFICER_ID, "newgroup:skip")


ANN, BOB, CAT, DAN, EVE, FAY = 701, 702, 703, 704, 705, 706
# Member ids follow registration order.
ANN_ID, BOB_ID, CAT_ID, DAN_ID, EVE_ID, FAY_ID = 1, 2, 3, 4, 5, 6


def fast_files(tg: TelegramHarness) -> None:
    """No one-second pause between a message and its file in tests."""
    notifier = tg.services.delivery.senders["telegram"].notifier
    notifier.part_interval = 0  # type: ignore[attr-defined]


async def neighborhood(tg: TelegramHarness, *, extra: bool = True) -> None:
    """Oak (Ann leads; Bob, Eve, Fay members) and Elm (Cat); Dan in no group."""
    fast_files(tg)
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await make_group(tg, "Elm Street", "ELM", approval=False)
    people = [(ANN, "Ann"), (BOB, "Bob"), (CAT, "Cat"), (DAN, "Dan")]
    if extra:
        people += [(EVE, "Eve"), (FAY, "Fay")]
    for uid, name in people:
        await tg.register(uid, name)
    for uid in (ANN, BOB, EVE, FAY) if extra else (ANN, BOB):
        await tg.send(uid, "/join OAK")
    await tg.send(CAT, "/join ELM")
    await tg.send(OFFICER_ID, f"/setleader OAK {ANN_ID}")
    await tg.deliver()
    tg.api.clear()
