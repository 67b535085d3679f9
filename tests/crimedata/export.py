"""A small incident export written by a test: the generic layout `id,date,type,address,lat,lon`."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from core.crimedata.areas import circle
from core.permissions import Actor
from core.services import Services

OAK_PIN = (41.8380, -87.6454)  # the middle of Oak Park's area in these tests
NEAR = (41.8385, -87.6450)  # about 70 m from the pin
FAR = (41.8800, -87.7000)  # across town, in no area

TYPES = {
    "theft_from_vehicle": "Theft from vehicle",
    "burglary": "Burglary",
    "vehicle_theft": "Motor vehicle theft",
    "fraud": "Fraud",
    "assault": "Assault",
}


def rows(
    first_id: int, day: date, category: str, n: int, where: tuple[float, float] = NEAR
) -> list[tuple[str, str, str, str, float, float]]:
    """`n` incidents of a type on a day (at noon), with ids from `first_id`."""
    return [
        (f"T{first_id + i}", f"{day.isoformat()} 12:00", TYPES[category], "100 Elm St", *where)
        for i in range(n)
    ]


async def import_rows(
    services: Services, path: Path, incidents: Iterable[tuple[str, str, str, str, float, float]]
) -> None:
    """Write the export and import it as an officer would."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "date", "type", "address", "lat", "lon"])
        writer.writerows(incidents)
    summary = await services.crimedata.import_file(Actor.system("test"), path)
    assert summary.problem_count == 0, summary.lines()


async def oak_area(services: Services, radius_m: float = 500) -> None:
    """Oak Park's area: a circle around OAK_PIN."""
    await services.crimedata.set_area(Actor.system("test"), "OAK", circle(*OAK_PIN, radius_m))
