"""Alerts that carry local numbers, through the fake Bot API: an officer's alert naming a crime
type offers "Add the local numbers" in its preview; the line counts the type in the group's
area (one group) or the town (everyone), the last 30 days to the newest imported day against
the 30 before; pressed twice it is added once; it can be removed; what is sent is what the
preview showed. No button without crime words, without an area, or without figures; a line
that would pass the 1000-character limit is refused with the reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.crimedata.mentions import mentioned
from tests.conftest import OFFICER_ID
from tests.crimedata.export import FAR, import_rows, oak_area, rows
from tests.support.chat import count_received, received
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import BOB, CAT, neighborhood

ADD, REMOVE = "alert:numbers:add", "alert:numbers:off"
OAK_LINE = (
    "Local numbers: 3 thefts from vehicles in Oak Park in the 30 days to Nov 25, "
    "5 in the 30 days before."
)


async def imported(tg: TelegramHarness, tmp_path: Path) -> None:
    """Oak Park with an area; Elm Street without. The newest day imported is Nov 25, so the
    30 days are Oct 27 - Nov 25 and the 30 before Sep 27 - Oct 26."""
    await neighborhood(tg, extra=False)
    await oak_area(tg.services)
    await import_rows(
        tg.services,
        tmp_path / "export.csv",
        rows(1, date(2026, 11, 20), "theft_from_vehicle", 3)
        + rows(10, date(2026, 10, 15), "theft_from_vehicle", 5)
        + rows(20, date(2026, 11, 10), "burglary", 1)
        + rows(30, date(2026, 11, 25), "theft_from_vehicle", 2, where=FAR)
        + rows(40, date(2026, 9, 1), "theft_from_vehicle", 7),  # before both periods
    )


def answered(tg: TelegramHarness) -> str:
    """The text of the newest answer to a button."""
    return str(tg.api.calls_to("answerCallbackQuery")[-1].params.get("text", ""))


async def test_an_alert_carries_the_local_numbers_once(tg: TelegramHarness, tmp_path: Path) -> None:
    await imported(tg, tmp_path)
    await tg.send(OFFICER_ID, "/alert OAK Car break-ins on Elm St last night. Lock your cars.")
    assert "Local numbers" not in tg.last(OFFICER_ID)
    message_id, first_press = tg.button(OFFICER_ID, ADD)

    await tg.press_at_once(OFFICER_ID, ADD, times=2)
    preview = tg.last(OFFICER_ID)
    assert f"Car break-ins on Elm St last night. Lock your cars.\n\n{OAK_LINE}" in preview
    assert preview.count("Local numbers") == 1
    # A third press, from the preview as it was before the first: stale, nothing more added.
    await tg.process(tg.factory.callback(tg.user(OFFICER_ID), first_press, message_id))
    assert "out of date" in answered(tg)
    assert tg.last(OFFICER_ID).count("Local numbers") == 1
    assert not tg.has_button(OFFICER_ID, ADD) and tg.has_button(OFFICER_ID, REMOVE)

    await tg.press(OFFICER_ID, REMOVE)
    assert "Local numbers" not in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, ADD)
    await tg.press(OFFICER_ID, "alert:urgency")  # the line stays through other changes
    assert OAK_LINE in tg.last(OFFICER_ID) and "🚨 urgent" in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "alert:send")
    await tg.deliver()
    assert count_received(tg, BOB, f"Lock your cars.\n\n{OAK_LINE}") == 1
    assert not received(tg, CAT, "Car break-ins")


async def test_everyone_gets_the_towns_numbers(tg: TelegramHarness, tmp_path: Path) -> None:
    await imported(tg, tmp_path)
    await tg.send(OFFICER_ID, "/alert all Catalytic converter thefts reported this week.")
    await tg.press(OFFICER_ID, ADD)
    line = (
        "Local numbers: 5 thefts from vehicles in the town in the 30 days to Nov 25, "
        "5 in the 30 days before."
    )
    assert line in tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, "alert:send")
    await tg.deliver()
    assert received(tg, CAT, line)


async def test_no_numbers_offered_without_a_type_an_area_or_figures(
    tg: TelegramHarness, tmp_path: Path
) -> None:
    await imported(tg, tmp_path)
    for text in (
        "/alert all Water main repair on Oak St tomorrow: expect detours.",  # no crime words
        "/alert ELM Burglary on Elm St: lock your back doors.",  # Elm has no area
        "/alert OAK A robbery near the park on Sunday.",  # no robberies imported
        "/alert OAK,ELM Package theft: bring deliveries in.",  # two groups: no one area
    ):
        await tg.send(OFFICER_ID, text)
        assert "Preview — Alert" in tg.last(OFFICER_ID)
        assert not tg.has_button(OFFICER_ID, ADD), text
        await tg.press(OFFICER_ID, "alert:cancel")


async def test_numbers_that_would_pass_the_limit_are_refused(
    tg: TelegramHarness, tmp_path: Path
) -> None:
    await imported(tg, tmp_path)
    text = ("Burglary on Oak St. " + "Lock doors and windows. " * 50)[:990].strip()
    await tg.send(OFFICER_ID, f"/alert OAK {text}")
    before = tg.last(OFFICER_ID)
    await tg.press(OFFICER_ID, ADD)
    assert "the limit is 1000" in answered(tg) and "Shorten the text" in answered(tg)
    assert tg.last(OFFICER_ID) == before and "Local numbers" not in before


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Car break-ins on Elm St last night", "theft_from_vehicle"),
        ("Two cars were broken into on Main St", "theft_from_vehicle"),
        ("Catalytic converter stolen from a Prius", "theft_from_vehicle"),
        ("Package theft is up before the holidays", "theft"),
        ("Porch pirates on Oak St", "theft"),
        ("Phone scam: callers claim to be the IRS", "fraud"),
        ("Identity theft after a data breach", "fraud"),
        ("A burglary on Pine St; another break-in on Elm", "burglary"),
        ("Stolen car found on Oak St", "vehicle_theft"),
        ("Vandals sprayed graffiti on the school", "vandalism"),
        ("Water main repair tomorrow", None),
        ("Meeting on Thursday about the new streetlights", None),
    ],
)
def test_the_words_of_an_alert_name_a_type(text: str, category: str | None) -> None:
    assert mentioned(text) == category
