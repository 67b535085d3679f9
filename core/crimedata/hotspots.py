"""Hotspots: incidents counted on a square grid, and the cells whose rise is more than chance."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Cell = tuple[int, int]

M_PER_DEG_LAT = 111_320.0


@dataclass(frozen=True, kw_only=True)
class Grid:
    """Square cells of `cell_m` metres, flat-earth around `ref_lat` (good for a town)."""

    cell_m: float = 250.0
    ref_lat: float

    def __post_init__(self) -> None:
        if not self.cell_m > 0:
            raise ValueError("cell_m must be positive")
        if not -85.0 <= self.ref_lat <= 85.0:
            raise ValueError("ref_lat must be between -85 and 85 degrees")
        # Cells per degree, worked out once: cell_of runs for every incident of a report.
        object.__setattr__(self, "_rows_per_deg", M_PER_DEG_LAT / self.cell_m)
        object.__setattr__(self, "_cols_per_deg", self.m_per_deg_lon / self.cell_m)

    @property
    def m_per_deg_lon(self) -> float:
        """Metres in one degree of longitude at the reference latitude."""
        return M_PER_DEG_LAT * math.cos(math.radians(self.ref_lat))

    def cell_of(self, lat: float, lon: float) -> Cell:
        """The (row, column) of the cell holding a point; rows grow north, columns east."""
        return (
            math.floor(lat * self._rows_per_deg),  # type: ignore[attr-defined]
            math.floor(lon * self._cols_per_deg),  # type: ignore[attr-defined]
        )

    def bounds(self, cell: Cell) -> tuple[float, float, float, float]:
        """The cell's (south, west, north, east) in degrees."""
        row, col = cell
        d_lat = self.cell_m / M_PER_DEG_LAT
        d_lon = self.cell_m / self.m_per_deg_lon
        return (row * d_lat, col * d_lon, (row + 1) * d_lat, (col + 1) * d_lon)

    def center(self, cell: Cell) -> tuple[float, float]:
        """The cell's centre as (lat, lon)."""
        south, west, north, east = self.bounds(cell)
        return ((south + north) / 2, (west + east) / 2)


def _log_pmf(i: int, mu: float) -> float:
    return -mu + i * math.log(mu) - math.lgamma(i + 1)


def poisson_sf(k: int, mu: float) -> float:
    """P(X >= k) for X ~ Poisson(mu), exact to double precision even far in the tail."""
    if mu < 0 or math.isnan(mu):
        raise ValueError("mu must be non-negative")
    if k <= 0:
        return 1.0
    if mu == 0:
        return 0.0
    # Sum from the largest term outwards as ratios of it, so nothing under- or overflows;
    # the terms shrink away from the mode, so the loop stops after a few hundred at most.
    if k > mu:
        total = term = 1.0
        i = k
        while term > 1e-17 * total:
            i += 1
            term *= mu / i
            total += term
        return min(1.0, math.exp(_log_pmf(k, mu)) * total)
    # For k at or below the mean the upper tail is large: take 1 - P(X <= k - 1) instead.
    total = term = 1.0
    i = k - 1
    while i > 0 and term > 1e-17 * total:
        term *= i / mu
        total += term
        i -= 1
    return max(0.0, 1.0 - math.exp(_log_pmf(k - 1, mu)) * total)


@dataclass(frozen=True)
class Hotspot:
    """One cell this period: its count against what its past predicts, and whether that is
    more than chance after allowing for the number of cells looked at."""

    cell: Cell
    count: int
    previous: int
    expected: float
    rise: float
    p_value: float  # uncorrected: significant means p_value < alpha / cells tested (Bonferroni)
    significant: bool


def rank(
    current: Mapping[Cell, int],
    previous: Mapping[Cell, int],
    *,
    baseline_periods: float = 1.0,
    alpha: float = 0.01,
    min_count: int = 3,
    top: int = 10,
) -> list[Hotspot]:
    """The busiest cells this period, each tested for an unusual rise over its own past.

    `previous` may cover several periods of the current one's length (`baseline_periods`).
    A cell's expected count is its past per period, but never below the town-wide mean per
    occupied cell, so one quiet period does not make a single incident look like a spike.
    Bonferroni over every cell seen in either period keeps the chance of calling any noise a
    hotspot at or below `alpha` (stricter than Benjamini-Hochberg, which a resident's
    "hotspot" label should be: a false one sends people chasing nothing).
    """
    if baseline_periods <= 0:
        raise ValueError("baseline_periods must be positive")
    past = {cell: n for cell, n in previous.items() if n > 0}
    now = {cell: n for cell, n in current.items() if n > 0}
    if not now:
        return []
    if past:
        floor = sum(past.values()) / len(past) / baseline_periods
    else:
        # No history at all: the typical busy cell now is the only yardstick there is.
        floor = sum(now.values()) / len(now)
    tested = len(now.keys() | past.keys())
    threshold = alpha / tested
    spots = []
    for cell, count in now.items():
        before = past.get(cell, 0)
        expected = max(before / baseline_periods, floor)
        p = poisson_sf(count, expected)
        spots.append(
            Hotspot(
                cell=cell,
                count=count,
                previous=before,
                expected=expected,
                rise=count - expected,
                p_value=p,
                significant=count >= min_count and p < threshold,
            )
        )
    spots.sort(key=lambda s: (-s.count, s.p_value, s.cell))
    return spots[:top]


# "007XX", "1200", "1200-1250", "12B" house numbers, then an optional "block (of)".
_NUMBER = re.compile(r"^\s*\d[\dX]*(?:\s*-\s*\d[\dX]*)?[A-Z]?\s+(?:BLOCK\s+(?:OF\s+)?)?", re.I)
_DIRECTIONS = frozenset({"N", "S", "E", "W", "NE", "NW", "SE", "SW"})


def street_name(address: str) -> str | None:
    """The street of a block address ("007XX W 31ST ST" -> "W 31st St"), or None."""
    head = address.split(",", 1)[0]
    rest = _NUMBER.sub("", head, count=1).strip()
    words = rest.split()
    if not words or not any(ch.isalpha() for ch in rest):
        return None
    return " ".join(_title_word(word) for word in words)


def _title_word(word: str) -> str:
    if word.upper() in _DIRECTIONS:
        return word.upper()
    if word[0].isdigit():
        return word.lower()  # "31ST" -> "31st", where str.title() would give "31St"
    return word[0].upper() + word[1:].lower()


def street_names(addresses: Iterable[str], top: int = 2) -> list[str]:
    """The most common street names among a cell's addresses, most common first."""
    counts = Counter(name for name in map(street_name, addresses) if name)
    return [name for name, _ in counts.most_common(top)]
