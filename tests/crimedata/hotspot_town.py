"""A town to look for hotspots in: a 6 x 6 block of 250 m cells with a steady background of
incidents, and clusters put in one cell, written as a generic export (id,date,type,address,
lat,lon) and imported the way an officer imports one."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from core.crimedata.hotspots import Cell, Grid
from core.permissions import Actor
from core.services import Services

TOWN = "41.80,-87.70,41.87,-87.60"
GRID = Grid(cell_m=250, ref_lat=(41.80 + 41.87) / 2)  # what the service builds from TOWN
ORIGIN = GRID.cell_of(41.82, -87.67)
SIZE = 6
TODAY = date(2026, 12, 1)  # the `clock` fixture's Tuesday
TYPES = ("THEFT", "BURGLARY", "CRIMINAL DAMAGE")


def cell(row: int, col: int) -> Cell:
    """The town's cell at (row, col) of the block."""
    return (ORIGIN[0] + row, ORIGIN[1] + col)


def background_street(c: Cell) -> str:
    """The block address of the background incidents in a cell."""
    return f"0{c[1] - ORIGIN[1] + 10}XX W ROW{c[0] - ORIGIN[0]} ST"


@dataclass
class Export:
    """Rows of an export being written: (id, day, type, address, cell, jitter)."""

    rows: list[tuple[str, date, str, str, Cell, int]] = field(default_factory=list)

    def background(self, days: int, every: int, types: tuple[str, ...] = TYPES) -> None:
        """An incident every `every` days in each cell, over the `days` days up to TODAY."""
        for index in range(SIZE * SIZE):
            c = cell(index // SIZE, index % SIZE)
            for back in range(days):
                if (back + index) % every == 0:
                    kind = types[(back // every + index) % len(types)]
                    self.add(c, TODAY - timedelta(days=back), kind, background_street(c))

    def cluster(self, c: Cell, n: int, kind: str, address: str, days: int = 7) -> None:
        """`n` incidents in one cell over the last `days` days up to TODAY."""
        for i in range(n):
            self.add(c, TODAY - timedelta(days=i % days), kind, address)

    def add(self, c: Cell, day: date, kind: str, address: str) -> None:
        """One incident near the middle of a cell."""
        self.rows.append((f"R{len(self.rows) + 1}", day, kind, address, c, len(self.rows)))

    def count(self, c: Cell, first: date, last: date, kind: str | None = None) -> int:
        """The incidents written in a cell between two days (of one type)."""
        return sum(
            1
            for _id, day, k, _a, at, _j in self.rows
            if at == c and first <= day <= last and (kind is None or k == kind)
        )

    def write(self, path: Path, start: int = 0) -> Path:
        """The export as a CSV file (ids from `start`, so a second file adds new incidents)."""
        with path.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["id", "date", "type", "address", "lat", "lon"])
            for number, (_id, day, kind, address, c, jitter) in enumerate(self.rows, start):
                lat, lon = GRID.center(c)
                # Up to 60 m from the middle: inside the cell, not all on one spot.
                d_lat = ((jitter * 7) % 11 - 5) * 12 / 111_320
                d_lon = ((jitter * 5) % 11 - 5) * 12 / GRID.m_per_deg_lon
                when = f"{day.isoformat()} 01:30"
                place = [f"{lat + d_lat:.6f}", f"{lon + d_lon:.6f}"]
                writer.writerow([f"X{number}", when, kind, address, *place])
        return path

    async def imported(self, services: Services, path: Path, start: int = 0) -> None:
        """Write the export and import it as an officer would."""
        summary = await services.crimedata.import_file(
            Actor.system("test"), self.write(path, start)
        )
        assert summary.added == len(self.rows), summary
