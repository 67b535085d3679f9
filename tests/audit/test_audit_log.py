"""/audit as officers read it: people by their names as they are now (a renamed member by the
new name, a forgotten one as forgotten, never the old name), times in the local style."""

from __future__ import annotations

import re

from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, neighborhood


async def test_names_are_read_now_and_times_are_local(tg: TelegramHarness) -> None:
    await neighborhood(tg, extra=False)  # the officer made Ann (member #1) Oak's leader
    await tg.send(ANN, "/election open 7")
    await tg.send(BOB, "/audit")  # refused, on the log as Bob (member #2)
    await tg.send(OFFICER_ID, "/audit")
    log = tg.last(OFFICER_ID)
    assert "Bob (member, member #2) · <b>audit.view</b> · audit log · refused" in log
    assert "leader Ann (member #1)" in log  # the setleader line's detail
    assert "Sgt. Kowalski (officer) · <b>group.set_leader</b>" in log
    # Times written into a line read like every other time: no ISO.
    assert re.search(r"closes \w{3} \w{3} \d{1,2}, \d{1,2}:\d\d [AP]M", log), log
    assert not re.search(r"\d{4}-\d\d-\d\d", log)
    # Ann renames herself: her past lines say so.
    await tg.send(ANN, "/profile")
    await tg.press(ANN, "edit:name")
    await tg.send(ANN, "Ann Reyes")
    # Bob uses /forget: he is forgotten in every line, including those about him.
    await tg.send(BOB, "/forget")
    await tg.press(BOB, "forget:yes")
    await tg.send(OFFICER_ID, "/audit")
    log = tg.last(OFFICER_ID)
    assert "Bob" not in log
    assert "member #2 (forgotten) · <b>audit.view</b>" in log
    assert "<b>member.forget</b> · member #2 (forgotten)" in log
    assert "Ann Reyes (leader, member #1) · <b>election.open</b>" in log
    assert "leader Ann Reyes (member #1)" in log and "Ann (leader" not in log
