"""/report in words: channels by name, why what did not arrive did not, and for officers who
was not reached (by name while the person exists, never a phone number); leaders see why, not
who."""

from __future__ import annotations

import pytest

from core.delivery import reports
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, CAT, DAN, neighborhood
from tests.support.rows import notifications


async def _sent(tg: TelegramHarness, uid: int, command: str) -> int:
    await tg.send(uid, command)
    await tg.press(uid, "alert:send")
    await tg.deliver()
    return max(n.id for n in await notifications(tg, command.split()[0].lstrip("/")))


async def test_officers_see_who_was_not_reached_and_why(
    tg: TelegramHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await neighborhood(tg, extra=False)
    tg.api.block_user(CAT)
    await tg.send(DAN, "/stop")
    tg.api.fail_next("sendMessage", status=502, chat_id=BOB)
    report_id = await _sent(tg, OFFICER_ID, "/alert all Water main break on Elm St")
    await tg.send(OFFICER_ID, f"/report {report_id}")
    report = tg.last(OFFICER_ID)
    assert "<b>Telegram</b>: 1 waiting or being sent, 1 sent, 1 failed, 1 not sent" in report, (
        report
    )
    assert "Telegram: 1 blocked the bot" in report
    assert "Telegram: 1 still retrying" in report
    assert "Telegram: 1 turned all messages off (/stop)" in report
    assert "<b>Not reached</b> (3)" in report
    assert "• Bob — Telegram: still retrying" in report
    assert "• Cat — Telegram: blocked the bot" in report
    assert "• Dan — Telegram: turned all messages off (/stop)" in report
    assert "Ann —" not in report and "555" not in report and "Forbidden" not in report
    # Dan uses /forget: the report keeps his count, not his name.
    await tg.send(DAN, "/forget")
    await tg.press(DAN, "forget:yes")
    await tg.send(OFFICER_ID, f"/report {report_id}")
    report = tg.last(OFFICER_ID)
    assert "Dan" not in report
    assert "• a former member — Telegram: turned all messages off (/stop)" in report
    # Many not reached: a few names, and how many more.
    monkeypatch.setattr(reports, "NOT_REACHED_MAX", 2)
    await tg.send(OFFICER_ID, f"/report {report_id}")
    assert "<b>Not reached</b> (3)" in tg.last(OFFICER_ID)
    assert "…and 1 more." in tg.last(OFFICER_ID)


async def test_a_report_with_everyone_reached_says_so(tg: TelegramHarness) -> None:
    await neighborhood(tg, extra=False)
    report_id = await _sent(tg, OFFICER_ID, "/alert all Street sweeping tomorrow")
    await tg.send(OFFICER_ID, f"/report {report_id}")
    report = tg.last(OFFICER_ID)
    assert "<b>Telegram</b>: 4 sent" in report and "Everyone was reached." in report
    assert "Not reached" not in report and "Why" not in report


async def test_leaders_see_why_but_not_who(tg: TelegramHarness) -> None:
    await neighborhood(tg, extra=False)  # Ann leads Oak, where Bob is a member
    tg.api.block_user(BOB)
    broadcast = await _sent(tg, ANN, "/broadcast Porch lights on tonight, please")
    await tg.send(ANN, f"/report {broadcast}")
    report = tg.last(ANN)
    assert "<b>Telegram</b>: 1 sent, 1 failed" in report
    assert "Telegram: 1 blocked the bot" in report
    assert "Officers can see who was not reached." in report
    assert "Bob" not in report and "Not reached" not in report
    await tg.send(OFFICER_ID, f"/report {broadcast}")
    assert "• Bob — Telegram: blocked the bot" in tg.last(OFFICER_ID)
    # An officer's alert is not the leader's to read, with or without names.
    alert = await _sent(tg, OFFICER_ID, "/alert all Fireworks tonight are permitted")
    await tg.send(ANN, f"/report {alert}")
    assert f"There is no report #{alert} you can see" in tg.last(ANN)
