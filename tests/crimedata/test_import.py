"""Importing the department's incident export into the database: the real Chicago file with
its counts by type and area checked against figures computed here from the raw CSV, re-imports
that add nothing twice, changed rows updated, areas (a circle and a GeoJSON polygon) placing
exactly the incidents inside them, the town's box, whole-file refusals that write nothing, a
dry run, and who may import."""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.crimedata.areas import circle, polygon
from core.crimedata.parsing import ImportFileError
from core.errors import InvalidInput, PermissionDenied
from core.permissions import Actor
from core.services import Services
from storage.crimedata.models import CrimeImport, Incident, IncidentPlace
from tests.support.rows import audit_rows
from tests.support.shared_data import CHICAGO

OFFICER = Actor.system("test officer")

# The categories the export's own "Primary Type" (and, for thefts, "Description") give,
# written out here independently of the importer's rules.
BY_PRIMARY = {
    "ASSAULT": "assault",
    "BATTERY": "assault",
    "DECEPTIVE PRACTICE": "fraud",
    "CRIMINAL DAMAGE": "vandalism",
    "NARCOTICS": "drugs",
    "BURGLARY": "burglary",
    "ROBBERY": "robbery",
    "MOTOR VEHICLE THEFT": "vehicle_theft",
}


def expected_category(primary: str, description: str) -> str:
    """The category a row of the Chicago export belongs to."""
    if primary == "THEFT":
        if "MOTOR VEHICLE" in description:
            return "theft_from_vehicle"
        if "FINANCIAL ID THEFT" in description:
            return "fraud"
        return "theft"
    return BY_PRIMARY.get(primary, "other")


def raw_rows() -> list[dict[str, str]]:
    """The export as the csv module reads it."""
    with CHICAGO.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def coordinates(row: dict[str, str]) -> tuple[float, float] | None:
    """A row's (lat, lon) from its decimal-comma columns, or None."""
    if not row["Latitude"].strip():
        return None
    return float(row["Latitude"].replace(",", ".")), float(row["Longitude"].replace(",", "."))


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


async def count(services: Services, model: type, *where: object) -> int:
    """Rows of a table."""
    async with services.db.transaction() as session:
        statement = select(func.count()).select_from(model)
        for clause in where:
            statement = statement.where(clause)  # type: ignore[arg-type]
        return int(await session.scalar(statement) or 0)


async def make_group(services: Services, code: str) -> int:
    """A watch group made from the command line."""
    group = await services.groups.create(
        OFFICER, name=f"Group {code}", code=code, area="here", bylaws=None, approval_required=False
    )
    return group.id


async def test_chicago_export_counts_by_type_and_area_match_the_raw_file(
    services: Services,
) -> None:
    rows = raw_rows()
    summary = await services.crimedata.import_file(OFFICER, CHICAGO)
    assert (summary.layout, summary.source) == ("chicago", "chicago")
    assert (summary.rows_read, summary.added, summary.updated, summary.unchanged) == (
        949,
        949,
        0,
        0,
    )
    assert summary.problem_count == 0
    assert summary.no_coordinates == sum(1 for r in rows if coordinates(r) is None) == 6
    expected = Counter(expected_category(r["Primary Type"], r["Description"]) for r in rows)
    async with services.db.transaction() as session:
        stored = dict(
            (
                await session.execute(
                    select(Incident.category, func.count()).group_by(Incident.category)
                )
            ).all()
        )
        beats = dict(
            (
                await session.execute(select(Incident.area, func.count()).group_by(Incident.area))
            ).all()
        )
        [sample] = (await session.scalars(select(Incident).where(Incident.key == "14216537"))).all()
    assert stored == dict(expected)
    assert beats == dict(Counter(r["Beat"] for r in rows))
    assert (sample.raw_type, sample.description, sample.address) == (
        "ASSAULT",
        "SIMPLE",
        "007XX W 31ST ST",
    )
    assert sample.lat == pytest.approx(41.83805499) and sample.lon == pytest.approx(-87.645458414)
    # 06/01/2026 09:58 PM in New York (the test's zone) is 01:58 UTC the next day.
    assert sample.occurred_at.isoformat() == "2026-06-02T01:58:00+00:00"
    assert await count(services, CrimeImport) == 1

    again = await services.crimedata.import_file(OFFICER, CHICAGO)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 949)
    assert await count(services, Incident) == 949


async def test_changed_and_new_rows_of_an_overlapping_export(
    services: Services, tmp_path: Path
) -> None:
    await services.crimedata.import_file(OFFICER, CHICAGO)
    lines = CHICAGO.read_text(encoding="utf-8").splitlines(keepends=True)
    header, first, second = lines[0], lines[1], lines[2]
    assert '"14216537"' in first and '"ASSAULT"' in first
    changed = first.replace('"ASSAULT","SIMPLE"', '"BATTERY","SIMPLE"')
    new = second.replace('"14203870"', '"99999999"')
    export = tmp_path / "export.csv"
    export.write_text(header + changed + new + second, encoding="utf-8")
    summary = await services.crimedata.import_file(OFFICER, export, source="chicago")
    assert (summary.rows_read, summary.added, summary.updated, summary.unchanged) == (3, 1, 1, 1)
    async with services.db.transaction() as session:
        row = (await session.scalars(select(Incident).where(Incident.key == "14216537"))).one()
    assert row.raw_type == "BATTERY" and row.category == "assault"
    assert await count(services, Incident) == 950


async def test_rows_without_ids_are_keyed_by_their_values(
    services: Services, tmp_path: Path
) -> None:
    export = tmp_path / "no-ids.csv"
    export.write_text(
        "date,type,address\n"
        "2026-11-02 10:00,Burglary,100 Oak St\n"
        "2026-11-03 11:00,Theft,200 Elm St\n"
        "not a date,Theft,300 Elm St\n"
        "2026-11-04 12:00,,400 Elm St\n",
        encoding="utf-8",
    )
    first = await services.crimedata.import_file(OFFICER, export)
    assert (first.added, first.problem_count) == (2, 2)
    assert [p.line for p in first.problems] == [4, 5]
    text = "\n".join(first.lines())
    assert "line 4:" in text and "line 5:" in text and "skipped 2" in text
    again = await services.crimedata.import_file(OFFICER, export)
    assert (again.added, again.unchanged) == (0, 2)
    assert await count(services, Incident) == 2


async def test_a_circle_area_places_exactly_the_incidents_within_its_radius(
    services: Services,
) -> None:
    group_id = await make_group(services, "BRIDGE")
    centre, radius = (41.83806, -87.6450), 300.0  # every incident of the file is on one block
    change = await services.crimedata.set_area(OFFICER, "BRIDGE", circle(*centre, radius))
    assert change.placed == 0  # nothing imported yet
    await services.crimedata.import_file(OFFICER, CHICAGO)
    inside = [
        r
        for r in raw_rows()
        if (c := coordinates(r)) is not None and metres(c, centre) <= radius - 1
    ]
    near_edge = [
        r
        for r in raw_rows()
        if (c := coordinates(r)) is not None and abs(metres(c, centre) - radius) < 1
    ]
    placed = await count(services, IncidentPlace, IncidentPlace.group_id == group_id)
    assert len(inside) > 50
    assert len(inside) <= placed <= len(inside) + len(near_edge)
    # Setting the area again (smaller) places the incidents anew, none twice.
    smaller = await services.crimedata.set_area(OFFICER, "BRIDGE", circle(*centre, 50.0))
    within_50 = sum(
        1 for r in raw_rows() if (c := coordinates(r)) is not None and metres(c, centre) <= 49
    )
    assert 0 < within_50 <= smaller.placed < len(inside)
    assert await count(services, IncidentPlace) == smaller.placed


async def test_a_geojson_polygon_and_the_towns_box(services: Services, tmp_path: Path) -> None:
    group_id = await make_group(services, "NORTH")
    # The west end of the block: a box as a GeoJSON Feature (longitude first).
    south, west, north, east = 41.8300, -87.6500, 41.8450, -87.6455
    feature = {
        "type": "Feature",
        "properties": {"name": "North"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [[west, south], [east, south], [east, north], [west, north], [west, south]]
            ],
        },
    }
    shape = polygon(json.dumps(feature))
    assert shape.kind == "polygon" and 0.5 < shape.area_km2 < 0.7
    await services.crimedata.set_area(OFFICER, "NORTH", shape)
    summary = await services.crimedata.import_file(OFFICER, CHICAGO)
    expected = sum(
        1
        for r in raw_rows()
        if (c := coordinates(r)) is not None and south <= c[0] <= north and west <= c[1] <= east
    )
    assert 0 < expected < 943
    assert summary.placements == expected
    assert await count(services, IncidentPlace, IncidentPlace.group_id == group_id) == expected


async def test_coordinates_outside_the_town_are_reported_not_placed(
    services: Services, tmp_path: Path
) -> None:
    services.crimedata.settings = services.crimedata.settings.model_copy(
        update={"town_bounds": "41.80,-87.6455,41.90,-87.60"}
    )
    await make_group(services, "ALL")
    await services.crimedata.set_area(OFFICER, "ALL", circle(41.838, -87.645, 5000))
    summary = await services.crimedata.import_file(OFFICER, CHICAGO)
    west_of_box = sum(
        1 for r in raw_rows() if (c := coordinates(r)) is not None and c[1] < -87.6455
    )
    assert 0 < west_of_box < 943
    assert summary.outside_town == west_of_box
    assert summary.added == 949  # imported all the same, only not placed
    assert "outside the town's box" in "\n".join(summary.lines())


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a text file"),
        (b"when,what,where\n2026-01-01,Theft,Main St\n", "--map"),
    ],
)
async def test_a_file_that_cannot_be_imported_writes_nothing(
    services: Services, tmp_path: Path, content: bytes, fragment: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as refused:
        await services.crimedata.import_file(OFFICER, path)
    assert fragment in str(refused.value).lower()
    assert await count(services, Incident) == 0
    assert await count(services, CrimeImport) == 0


async def test_a_file_over_the_limit_is_refused_before_it_is_read(
    services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(2 * 1024**3)  # a sparse 2 GB file
    with pytest.raises(ImportFileError) as refused:
        await services.crimedata.import_file(OFFICER, path)
    assert "DATA_IMPORT_MAX_MB" in str(refused.value)
    assert await count(services, Incident) == 0


async def test_a_dry_run_reports_and_writes_nothing(services: Services) -> None:
    summary = await services.crimedata.import_file(OFFICER, CHICAGO, dry_run=True)
    assert (summary.rows_read, summary.added) == (949, 949)
    assert "would add 949" in "\n".join(summary.lines())
    assert await count(services, Incident) == 0
    assert await count(services, CrimeImport) == 0


async def test_only_officers_import_and_set_other_groups_areas(services: Services) -> None:
    await make_group(services, "OAK")
    resident = Actor(5, None, False, None)
    with pytest.raises(PermissionDenied):
        await services.crimedata.import_file(resident, CHICAGO)
    with pytest.raises(PermissionDenied):
        await services.crimedata.set_area(resident, "OAK", circle(41.8, -87.6, 500))
    assert await count(services, Incident) == 0
    refusals = [r for r in await audit_rows(services) if r.outcome == "refused"]
    assert {r.action for r in refusals} == {"data.import", "group.set_area"}


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"type": "Point", "coordinates": [-87.6, 41.8]}',
        '{"type": "FeatureCollection", "features": []}',
        '{"type": "Polygon", "coordinates": [[[200, 41.8], [201, 41.8], [201, 41.9], '
        "[200, 41.8]]]}",
        '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}',
    ],
)
def test_bad_geojson_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(InvalidInput):
        polygon(text)


@pytest.mark.parametrize(
    ("lat", "lon", "radius"), [(95, 0, 500), (41.8, -87.6, 10), (41.8, -87.6, 50_000)]
)
def test_bad_circles_are_refused(lat: float, lon: float, radius: float) -> None:
    with pytest.raises(InvalidInput):
        circle(lat, lon, radius)


async def test_the_future_is_the_services_clocks_not_the_machines(
    services: Services, tmp_path: Path
) -> None:
    """A date is 'in the future' by the service's clock (Tuesday 2026-12-01 in the tests):
    an incident of the 3rd is refused even when the machine's own date is later."""
    export = tmp_path / "export.csv"
    export.write_text(
        "id,date,type\n1,2026-11-30 10:00,Theft\n2,2026-12-03 10:00,Theft\n", encoding="utf-8"
    )
    summary = await services.crimedata.import_file(OFFICER, export)
    assert (summary.added, summary.problem_count) == (1, 1)
    assert summary.problems[0].line == 3 and "future" in summary.problems[0].reason
