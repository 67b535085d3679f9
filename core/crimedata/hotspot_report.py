"""Hotspots for officers, as pure computation over incident points: the period asked for
against the same number of days before it (or several such periods), on a square grid, each
cell with its streets, its counts and whether its rise is more than chance; and the same as a
CSV file for a spreadsheet or a GIS.

The reading is done by the service (`core.crimedata.hotspot_service`); everything here takes
plain points, so it is tested and timed without a database.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.crimedata.areas import inside_box
from core.crimedata.hotspots import Cell, Grid, Hotspot, rank, street_name
from core.crimedata.service import parse_category
from core.errors import InvalidInput

DEFAULT_DAYS = 30
MIN_DAYS = 7
MAX_DAYS = 365
SHOWN = 10  # cells listed in the reply (the CSV has them all)
MIN_INCIDENTS = 10  # fewer in the period, and no cell could stand out: said as such
STREETS = 2  # street names given for a cell

# (lat, lon, day, address), as `IncidentRepository.points` reads them.
Point = tuple[float, float, int, str]
Box = tuple[float, float, float, float]

_NUMBER = re.compile(r"^-?\d+$")


@dataclass(frozen=True, slots=True)
class HotspotCell:
    """One grid cell with incidents in the period: where it is, its streets, and its test."""

    spot: Hotspot
    center: tuple[float, float]  # (lat, lon)
    bounds: Box  # (south, west, north, east)
    streets: tuple[str, ...]

    @property
    def place(self) -> str:
        """'W 31st St / S Halsted St', or 'near 41.8381, -87.6455' when no street is known."""
        if self.streets:
            return " / ".join(self.streets)
        return f"near {self.center[0]:.4f}, {self.center[1]:.4f}"


@dataclass(frozen=True, slots=True)
class HotspotReport:
    """What /hotspots shows: the cells of the period, busiest first, with their tests."""

    category: str | None
    days: int
    first: date  # the period: first..last
    last: date
    baseline_first: date  # what it is compared with: baseline_first..first - 1 day
    baseline_periods: int
    data_until: date | None
    cell_m: int
    total: int  # incidents with a place in the period (inside the town when it is set)
    previous_total: int
    cells: tuple[HotspotCell, ...]  # every cell with incidents in the period, rank's order

    @property
    def significant(self) -> list[HotspotCell]:
        """The cells whose rise is more than chance."""
        return [c for c in self.cells if c.spot.significant]

    @property
    def shown(self) -> list[HotspotCell]:
        """The cells to list: the significant ones first, then the busiest, at most 10."""
        rest = [c for c in self.cells if not c.spot.significant]
        return (self.significant + rest)[:SHOWN]

    @property
    def too_few(self) -> bool:
        """Too few incidents in the period for any cell to stand out."""
        return self.total < MIN_INCIDENTS


def parse_request(words: Sequence[str]) -> tuple[str | None, int]:
    """'/hotspots car break-ins 14' -> ('theft_from_vehicle', 14); InvalidInput if not."""
    days = DEFAULT_DAYS
    rest: list[str] = []
    for word in words:
        if _NUMBER.match(word.strip()):
            days = int(word)
        else:
            rest.append(word)
    check_days(days)
    category = parse_category(" ".join(rest)) if rest else None
    return category, days


def check_days(days: int) -> None:
    """InvalidInput unless `days` is within 7 to 365."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise InvalidInput(
            f"The period is {MIN_DAYS} to {MAX_DAYS} days, e.g. /hotspots 14 or "
            "/hotspots burglary 60 (30 when none is given)."
        )


def periods(
    today: date, data_until: date | None, days: int, baseline_periods: int = 1
) -> tuple[date, date, date]:
    """(first, last, baseline_first): the last `days` days, ending today or on the newest day
    imported when that is older, and the `days * baseline_periods` days before them."""
    last = min(today, data_until) if data_until else today
    first = last - timedelta(days=days - 1)
    return first, last, first - timedelta(days=days * baseline_periods)


def reference_latitude(town: Box | None, points: Iterable[Point]) -> float | None:
    """The grid's reference latitude: the middle of the town when TOWN_BOUNDS is set, else the
    median latitude of the points (None when there are none)."""
    if town is not None:
        return (town[0] + town[2]) / 2
    lats = [p[0] for p in points]
    return statistics.median(lats) if lats else None


def analyse(
    current: Sequence[Point],
    previous: Sequence[Point],
    *,
    cell_m: float,
    ref_lat: float,
    baseline_periods: int = 1,
) -> list[HotspotCell]:
    """Every cell with incidents in `current`, tested against `previous` (which covers
    `baseline_periods` periods of the current one's length), in `rank`'s order."""
    grid = Grid(cell_m=cell_m, ref_lat=ref_lat)
    now: dict[Cell, int] = {}
    addresses: dict[Cell, Counter[str]] = {}
    for lat, lon, _day, address in current:
        cell = grid.cell_of(lat, lon)
        now[cell] = now.get(cell, 0) + 1
        if cell in addresses:
            addresses[cell][address] += 1
        else:
            addresses[cell] = Counter((address,))
    before: dict[Cell, int] = {}
    for lat, lon, _day, _address in previous:
        cell = grid.cell_of(lat, lon)
        before[cell] = before.get(cell, 0) + 1
    spots = rank(now, before, baseline_periods=baseline_periods, top=len(now))
    names: dict[str, str | None] = {}
    return [
        HotspotCell(
            spot=spot,
            center=grid.center(spot.cell),
            bounds=grid.bounds(spot.cell),
            streets=_streets(addresses[spot.cell], names),
        )
        for spot in spots
    ]


def _streets(addresses: Counter[str], names: dict[str, str | None]) -> tuple[str, ...]:
    """`street_names` of a cell's addresses, each distinct address named once: block
    addresses repeat, and naming 33,000 of them one by one took a third of a report."""
    counts: Counter[str] = Counter()
    for address, n in addresses.items():
        if address not in names:
            names[address] = street_name(address)
        name = names[address]
        if name:
            counts[name] += n
    return tuple(name for name, _ in counts.most_common(STREETS))


def in_town(points: Sequence[Point], town: Box | None) -> list[Point]:
    """The points inside the town (all of them when TOWN_BOUNDS is not set)."""
    if town is None:
        return list(points)
    return [p for p in points if inside_box(p[0], p[1], town)]


def build(
    current: Sequence[Point],
    previous: Sequence[Point],
    *,
    category: str | None,
    days: int,
    today: date,
    data_until: date | None,
    cell_m: int,
    town: Box | None,
    baseline_periods: int = 1,
) -> HotspotReport:
    """The report from the points of the period and of the baseline before it."""
    first, last, baseline_first = periods(today, data_until, days, baseline_periods)
    current = in_town(current, town)
    previous = in_town(previous, town)
    ref_lat = reference_latitude(town, [*current, *previous])
    cells = (
        analyse(
            current, previous, cell_m=cell_m, ref_lat=ref_lat, baseline_periods=baseline_periods
        )
        if ref_lat is not None and current
        else []
    )
    return HotspotReport(
        category=category,
        days=days,
        first=first,
        last=last,
        baseline_first=baseline_first,
        baseline_periods=baseline_periods,
        data_until=data_until,
        cell_m=cell_m,
        total=len(current),
        previous_total=len(previous),
        cells=tuple(cells),
    )


CSV_COLUMNS = (
    "center_lat",
    "center_lon",
    "south",
    "west",
    "north",
    "east",
    "streets",
    "count",
    "previous",
    "expected",
    "p_value",
    "significant",
)


def csv_bytes(report: HotspotReport) -> bytes:
    """Every cell of the report as CSV (UTF-8 with a BOM, so that Excel reads the streets)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for cell in report.cells:
        spot = cell.spot
        writer.writerow(
            [
                f"{cell.center[0]:.6f}",
                f"{cell.center[1]:.6f}",
                *(f"{v:.6f}" for v in cell.bounds),
                "; ".join(cell.streets),
                spot.count,
                spot.previous,
                f"{spot.expected:.2f}",
                f"{spot.p_value:.3g}",
                "yes" if spot.significant else "no",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
