"""/hotspots through the fake Bot API: an officer gets the busiest cells with the cluster's
street marked as a significant rise and the steady background as normal variation, then a
map and a CSV of every cell; a type and a period, periods out of range and unknown types are
answered kindly; residents and leaders are refused (and audited); no data and too little data
are said as such."""

from __future__ import annotations

import csv
import io
import random
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from core.crimedata.hotspot_report import analyse, reference_latitude
from core.crimedata.hotspots import street_names
from core.permissions import REFUSALS, Action
from core.settings import Settings
from tests.conftest import OFFICER_ID, make_settings
from tests.crimedata.hotspot_town import (
    GRID,
    SIZE,
    TODAY,
    TOWN,
    Export,
    background_street,
    cell,
)
from tests.support.chat import document_text, documents
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import ANN, BOB, neighborhood
from tests.support.rows import audit_actions

CLUSTER = cell(2, 3)
MAPLE = "012XX W MAPLE ST"


@pytest.fixture
def settings() -> Settings:
    """The town's bounds set, so that the grid is the one the test writes on."""
    return make_settings(town_bounds=TOWN)


def photos_to(tg: TelegramHarness, chat: int) -> list[bytes]:
    """The PNGs the bot sent to a chat."""
    return [
        c.files["photo"].content
        for c in tg.api.calls_to("sendPhoto")
        if c.ok and str(c.params["chat_id"]) == str(chat)
    ]


def cell_lines(text: str) -> list[str]:
    """The numbered cell lines of a /hotspots reply."""
    return [line for line in text.splitlines() if line[:1].isdigit() and ". " in line]


def table(tg: TelegramHarness) -> list[dict[str, str]]:
    """The newest hotspots.csv the officer got, as rows."""
    call = documents(tg, OFFICER_ID)[-1]
    assert call.files["document"].file_name == "hotspots.csv"
    return list(csv.DictReader(io.StringIO(document_text(call).lstrip("\ufeff"))))


def export_with_cluster() -> Export:
    """60 days of a steady background (every cell, every 4 days, three types) and 20
    burglaries on W Maple St in one cell in the last week."""
    export = Export()
    export.background(days=60, every=4)
    export.cluster(CLUSTER, 20, "BURGLARY", MAPLE)
    return export


def assert_png(png: bytes) -> None:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width >= 800
    assert len(image.convert("RGB").getcolors(1 << 20) or []) > 8  # not blank


async def test_an_officer_sees_the_cluster_as_a_significant_rise(
    tg: TelegramHarness, tmp_path: Path
) -> None:
    export = export_with_cluster()
    await export.imported(tg.services, tmp_path / "export.csv")
    await tg.send(OFFICER_ID, "/hotspots")
    text = tg.last(OFFICER_ID)
    assert text.startswith("<b>Hotspots: incidents, last 30 days</b>")
    assert "Nov 2, 2026 – Dec 1, 2026, against Oct 3, 2026 – Nov 1, 2026" in text
    assert "<b>1 cell</b> rose more than chance" in text
    lines = cell_lines(text)
    assert len(lines) == 10  # at most 10 of the 36 cells
    assert "W Maple St" in lines[0] and "significant rise" in lines[0]
    first, last = TODAY - timedelta(days=29), TODAY
    now = export.count(CLUSTER, first, last)
    before = export.count(CLUSTER, first - timedelta(days=30), first - timedelta(days=1))
    assert f"{now} now, {before} before" in lines[0]
    for line in lines[1:]:
        assert "within normal variation" in line and "significant" not in line
        assert "W Row" in line  # the background streets

    [png] = photos_to(tg, OFFICER_ID)
    assert_png(png)

    rows = table(tg)
    assert len(rows) == SIZE * SIZE
    top = rows[0]
    assert GRID.cell_of(float(top["center_lat"]), float(top["center_lon"])) == CLUSTER
    south, west, north, east = GRID.bounds(CLUSTER)
    assert float(top["south"]) == pytest.approx(south) and float(top["east"]) == pytest.approx(east)
    assert float(top["north"]) == pytest.approx(north) and float(top["west"]) == pytest.approx(west)
    assert top["streets"].split("; ")[0] == "W Maple St"
    assert (int(top["count"]), int(top["previous"])) == (now, before)
    assert top["significant"] == "yes" and float(top["p_value"]) < 0.01 / len(rows)
    for row in rows[1:]:
        c = GRID.cell_of(float(row["center_lat"]), float(row["center_lon"]))
        assert row["significant"] == "no"
        assert int(row["count"]) == export.count(c, first, last)
        assert row["streets"] == "W " + background_street(c).split(" W ")[1].title()


async def test_a_type_and_a_period(tg: TelegramHarness, tmp_path: Path) -> None:
    export = export_with_cluster()
    await export.imported(tg.services, tmp_path / "export.csv")
    await tg.send(OFFICER_ID, "/hotspots burglary 14")
    text = tg.last(OFFICER_ID)
    assert text.startswith("<b>Hotspots: burglary, last 14 days</b>")
    assert "Nov 18, 2026 – Dec 1, 2026, against Nov 4, 2026 – Nov 17, 2026" in text
    lines = cell_lines(text)
    assert "W Maple St" in lines[0] and "significant rise" in lines[0]
    assert all("within normal variation" in line for line in lines[1:])
    rows = table(tg)
    first = TODAY - timedelta(days=13)
    assert int(rows[0]["count"]) == export.count(CLUSTER, first, TODAY, "BURGLARY")
    assert int(rows[0]["previous"]) == export.count(
        CLUSTER, first - timedelta(days=14), first - timedelta(days=1), "BURGLARY"
    )
    assert rows[0]["significant"] == "yes"
    assert sum(row["significant"] == "yes" for row in rows) == 1

    await tg.send(OFFICER_ID, "/hotspots car break-ins 7")  # none of those at all
    assert "too few to look for hotspots" in tg.last(OFFICER_ID)


@pytest.mark.parametrize("args", ["3", "366", "0", "-5", "burglary 400"])
async def test_a_period_out_of_range_says_the_range(tg: TelegramHarness, args: str) -> None:
    await tg.send(OFFICER_ID, f"/hotspots {args}")
    assert "The period is 7 to 365 days" in tg.last(OFFICER_ID)
    assert photos_to(tg, OFFICER_ID) == []


async def test_an_unknown_type_lists_the_types(tg: TelegramHarness) -> None:
    await tg.send(OFFICER_ID, "/hotspots nonsense")
    text = tg.last(OFFICER_ID)
    assert "'nonsense' is not a type I count" in text and "burglary" in text


async def test_residents_and_leaders_are_refused_and_audited(
    tg: TelegramHarness, tmp_path: Path
) -> None:
    await neighborhood(tg)
    await export_with_cluster().imported(tg.services, tmp_path / "export.csv")
    refusal = REFUSALS[Action.VIEW_HOTSPOTS]
    for who in (BOB, ANN):  # a resident, and Oak Park's leader
        await tg.send(who, "/hotspots burglary 14")
        assert refusal.split(".")[0] in tg.last(who)
        assert photos_to(tg, who) == [] and documents(tg, who) == []
    await tg.send(BOB, "/hotspots nonsense")  # refused before the words are looked at
    assert refusal.split(".")[0] in tg.last(BOB)
    # One row per person (the audit log folds a refusal repeated within minutes).
    assert (await audit_actions(tg.services, "refused")).count("stats.hotspots") == 2


async def test_no_data_and_too_little_data(tg: TelegramHarness, tmp_path: Path) -> None:
    await tg.send(OFFICER_ID, "/hotspots")
    assert "No crime data has been imported yet" in tg.last(OFFICER_ID)
    export = Export()
    export.cluster(CLUSTER, 4, "BURGLARY", MAPLE)
    await export.imported(tg.services, tmp_path / "few.csv")
    await tg.send(OFFICER_ID, "/hotspots")
    assert "Only 4 incidents with a place in these 30 days" in tg.last(OFFICER_ID)
    assert "too few to look for hotspots" in tg.last(OFFICER_ID)
    assert photos_to(tg, OFFICER_ID) == [] and documents(tg, OFFICER_ID) == []


async def test_data_that_stop_before_today_end_the_period_on_the_newest_day(
    tg: TelegramHarness, tmp_path: Path, clock: object
) -> None:
    await export_with_cluster().imported(tg.services, tmp_path / "export.csv")
    clock.advance(days=10)  # type: ignore[attr-defined]
    await tg.send(OFFICER_ID, "/hotspots")
    text = tg.last(OFFICER_ID)
    assert "Nov 2, 2026 – Dec 1, 2026" in text
    assert "Figures up to Dec 1, 2026, the newest imported." in text


def test_the_grid_is_centred_on_the_town_else_on_the_median_point() -> None:
    points = [(41.0, -87.0, 1, ""), (42.0, -87.0, 1, ""), (41.2, -87.0, 1, "")]
    assert reference_latitude((41.8, -87.7, 41.9, -87.6), points) == pytest.approx(41.85)
    assert reference_latitude(None, points) == 41.2
    assert reference_latitude(None, []) is None


def test_a_cells_streets_are_street_names_of_its_addresses() -> None:
    rng = random.Random(3)
    streets = ["W 31ST ST", "S HALSTED ST", "S WALLACE ST", "W 35TH ST", ""]
    addresses = [f"0{rng.randrange(10, 14)}XX {rng.choice(streets)}" for _ in range(500)]
    points = [(41.8381, -87.6455, 1, a) for a in addresses]
    [only] = analyse(points, [], cell_m=250, ref_lat=41.84)
    assert list(only.streets) == street_names(addresses, 2)
