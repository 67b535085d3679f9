"""Local crime data in Telegram, through the fake Bot API: a leader sets the group's area with a
pin and a radius (the button pressed twice sets it once), a member's /stats with its figures
and weekly chart, a type, too few incidents said as such, officers' any group and the town,
and what others are refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.permissions import Actor
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, CAT, DAN, neighborhood
from tests.support.rows import audit_actions
from tests.support.shared_data import CHICAGO

CENTRE = (41.8380, -87.6454)  # 31st St and Halsted, Bridgeport


def photos_to(tg: TelegramHarness, chat: int) -> list[bytes]:
    """The PNGs the bot sent to a chat."""
    return [
        c.files["photo"].content
        for c in tg.api.calls_to("sendPhoto")
        if c.ok and str(c.params["chat_id"]) == str(chat)
    ]


async def imported(tg: TelegramHarness) -> None:
    """The neighborhood, and the Chicago export imported by an officer."""
    await neighborhood(tg)
    await tg.services.crimedata.import_file(Actor.system("test"), CHICAGO)


async def test_leader_sets_the_area_and_members_read_the_facts(tg: TelegramHarness) -> None:
    await imported(tg)
    await tg.send(BOB, "/stats")
    assert "Oak Park" in tg.last(BOB) and "no area on the map yet" in tg.last(BOB)
    assert "leader or an officer can set it" in tg.last(BOB)

    await tg.send(ANN, "/area")
    assert "where is the middle of the area" in tg.last(ANN)
    await tg.send(ANN, "Halsted and 31st")  # words, not a pin
    assert "Send the centre of the area as a location" in tg.last(ANN)
    await tg.location(ANN, *CENTRE)
    assert "how far around the pin" in tg.last(ANN)
    await tg.press_at_once(ANN, "area:r:500", times=2)
    receipt = tg.last(ANN)
    assert "Oak Park</b>: the area is set (0.79 km²)" in receipt
    placed = int(receipt.split("km²). ")[1].split(" ")[0].replace(",", ""))
    assert placed > 100
    assert (await audit_actions(tg.services, "ok")).count("group.set_area") == 1

    tg.api.clear()
    await tg.send(BOB, "/stats")
    text = tg.last(BOB)
    assert text.startswith("<b>Oak Park: incidents, last 30 days</b>")
    assert "Figures up to Jun 1, 2026, the newest imported." in text
    assert "too few incidents to compare" in text  # a handful in May 2026
    assert "In the whole town:" in text
    [png] = photos_to(tg, BOB)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width >= 800
    assert len(image.convert("RGB").getcolors(1 << 20) or []) > 8  # not blank

    await tg.send(BOB, "/stats car break-ins")
    assert "theft from vehicle, last 30 days" in tg.last(BOB)
    await tg.send(BOB, "/stats jaywalking")
    assert "is not a type I count" in tg.last(BOB) and "burglary" in tg.last(BOB)


async def test_officers_see_any_group_and_the_town_others_are_refused(tg: TelegramHarness) -> None:
    await imported(tg)
    await tg.send(OFFICER_ID, "/area OAK")
    await tg.location(OFFICER_ID, *CENTRE)
    await tg.send(OFFICER_ID, "800 m")
    assert "the area is set (2.01 km²)" in tg.last(OFFICER_ID)
    await tg.send(OFFICER_ID, "/stats town burglary")
    town = tg.last(OFFICER_ID)
    assert town.startswith("<b>The town: burglary, last 30 days</b>")
    await tg.send(OFFICER_ID, "/stats OAK")
    assert tg.last(OFFICER_ID).startswith("<b>Oak Park: incidents")
    await tg.send(OFFICER_ID, "/stats ELM")
    assert "Elm Street" in tg.last(OFFICER_ID) and "no area on the map" in tg.last(OFFICER_ID)

    await tg.send(CAT, "/stats OAK")  # Cat is in Elm, not Oak
    assert "your own watch group" in tg.last(CAT)
    await tg.send(CAT, "/stats town")
    assert "Only officers can see the whole town" in tg.last(CAT)
    await tg.send(DAN, "/stats")  # in no group
    assert "join your group first" in tg.last(DAN)
    await tg.send(CAT, "/area OAK")
    assert "Only the group's leader or an officer" in tg.last(CAT)
    refused = await audit_actions(tg.services, "refused")
    assert {"stats.group", "stats.town", "group.set_area"} <= set(refused)


@pytest.mark.parametrize("radius", ["10", "ten", "99999"])
async def test_a_bad_radius_is_asked_again(tg: TelegramHarness, radius: str) -> None:
    await neighborhood(tg)
    await tg.send(ANN, "/area")
    await tg.location(ANN, *CENTRE)
    await tg.send(ANN, radius)
    assert "radius" in tg.last(ANN).lower()
    assert (await tg.services.flows.get(ANN)) is not None  # still waiting for a radius
    await tg.send(ANN, "300")
    assert "the area is set" in tg.last(ANN)


async def test_stats_before_any_import(tg: TelegramHarness) -> None:
    await neighborhood(tg)
    await tg.send(OFFICER_ID, "/stats town")
    assert "No crime data has been imported yet" in tg.last(OFFICER_ID)
    assert photos_to(tg, OFFICER_ID) == []
