"""Hotspots: the grid is about 250 m a side, the Poisson tail is exact, a real cluster is
found and noise is not, and a cell is named by its streets."""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest

from core.crimedata.hotspots import (
    M_PER_DEG_LAT,
    Cell,
    Grid,
    Hotspot,
    poisson_sf,
    rank,
    street_name,
    street_names,
)

REF_LAT = 41.84
SOUTH, WEST = 41.83, -87.66
GRID = Grid(ref_lat=REF_LAT)
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(REF_LAT))


def offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / M_PER_DEG_LAT, lon + east_m / M_PER_DEG_LON


# --- the grid


def test_points_200_m_apart_share_a_cell_or_touch_and_600_m_apart_do_not() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        lat, lon = offset(SOUTH, WEST, *rng.uniform(0, 2000, size=2))
        row, col = GRID.cell_of(lat, lon)
        near_row, near_col = GRID.cell_of(*offset(lat, lon, 200, 0))
        assert near_col == col and near_row - row in (0, 1)
        near_row, near_col = GRID.cell_of(*offset(lat, lon, 0, 200))
        assert near_row == row and near_col - col in (0, 1)
        far_row, _ = GRID.cell_of(*offset(lat, lon, 600, 0))
        assert far_row - row >= 2
        _, far_col = GRID.cell_of(*offset(lat, lon, 0, 600))
        assert far_col - col >= 2


def test_cells_are_250_m_squares_and_their_centre_is_inside() -> None:
    cell = GRID.cell_of(41.8401, -87.6502)
    south, west, north, east = GRID.bounds(cell)
    assert (north - south) * M_PER_DEG_LAT == pytest.approx(250)
    assert (east - west) * M_PER_DEG_LON == pytest.approx(250)
    assert south <= 41.8401 < north and west <= -87.6502 < east
    assert GRID.cell_of(*GRID.center(cell)) == cell
    assert Grid(cell_m=500, ref_lat=REF_LAT).bounds(cell) != GRID.bounds(cell)
    with pytest.raises(ValueError):
        Grid(cell_m=0, ref_lat=REF_LAT)


# --- the Poisson tail


def sf_by_fractions(k: int, mu: Fraction, terms: int = 120) -> float:
    """P(X >= k) summed from the pmf upwards, exactly but for the last factor e^-mu."""
    term = Fraction(mu**k, math.factorial(k))
    total = Fraction(0)
    for i in range(k, k + terms):
        total += term
        term = term * mu / (i + 1)
    return float(total) * math.exp(-float(mu))


@pytest.mark.parametrize(
    ("k", "mu"),
    [(1, Fraction(1)), (5, Fraction(1)), (3, Fraction(5, 2)), (12, Fraction(4)), (30, Fraction(5))],
)
def test_poisson_sf_matches_the_pmf_summed_in_fractions(k: int, mu: Fraction) -> None:
    assert poisson_sf(k, float(mu)) == pytest.approx(sf_by_fractions(k, mu), rel=1e-12)


def test_poisson_sf_known_values_and_edges() -> None:
    assert poisson_sf(5, 1.0) == pytest.approx(0.0036598468, rel=1e-7)
    assert poisson_sf(0, 3.0) == 1.0
    assert poisson_sf(-2, 3.0) == 1.0
    assert poisson_sf(1, 2.0) == pytest.approx(1 - math.exp(-2.0))
    assert poisson_sf(1, 0.0) == 0.0
    with pytest.raises(ValueError):
        poisson_sf(1, -1.0)


def test_poisson_sf_for_thousands() -> None:
    # Below the mean it is 1 - cdf; compare with a direct log-space sum of the upper tail.
    for k, mu in [(2400, 2500.0), (2600, 2500.0), (3000, 2500.0)]:
        direct = math.fsum(
            math.exp(-mu + i * math.log(mu) - math.lgamma(i + 1)) for i in range(k, k + 3000)
        )
        assert poisson_sf(k, mu) == pytest.approx(direct, rel=1e-9)
    assert 0.0 < poisson_sf(300, 1.0) < 1e-300 or poisson_sf(300, 1.0) == 0.0
    tail = [poisson_sf(k, 50.0) for k in range(0, 200, 5)]
    assert tail == sorted(tail, reverse=True)


# --- ranking cells


def town(rng: np.random.Generator, incidents: int = 400) -> Counter[Cell]:
    """Uniform incidents over a 2 km by 2 km town, counted by cell."""
    north = rng.uniform(0, 2000, incidents)
    east = rng.uniform(0, 2000, incidents)
    return Counter(
        GRID.cell_of(*offset(SOUTH, WEST, n, e)) for n, e in zip(north, east, strict=True)
    )


HOT = GRID.cell_of(*offset(SOUTH, WEST, 1000, 1000))


def with_cluster(rng: np.random.Generator, counts: Counter[Cell], extra: int = 25) -> Counter[Cell]:
    lat, lon = GRID.center(HOT)
    cluster = Counter(
        GRID.cell_of(*offset(lat, lon, n, e)) for n, e in rng.uniform(-100, 100, size=(extra, 2))
    )
    return counts + cluster


def test_a_cluster_of_25_in_one_cell_is_the_only_hotspot() -> None:
    rng = np.random.default_rng(2024)
    previous = town(rng)
    current = with_cluster(rng, town(rng))
    spots = rank(current, previous, top=100)
    significant = [s for s in spots if s.significant]
    assert [s.cell for s in significant] == [HOT]
    assert spots[0].cell == HOT
    hot = spots[0]
    assert hot.count == current[HOT] and hot.previous == previous[HOT]
    assert hot.rise == pytest.approx(hot.count - hot.expected)
    assert hot.p_value < 1e-8


def test_the_cluster_is_found_against_several_past_periods() -> None:
    rng = np.random.default_rng(5)
    previous = sum((town(rng) for _ in range(4)), Counter[Cell]())
    current = with_cluster(rng, town(rng))
    spots = rank(current, previous, baseline_periods=4)
    assert [s.cell for s in spots if s.significant] == [HOT]


def test_pure_noise_is_never_a_hotspot() -> None:
    flagged = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        spots = rank(town(rng), town(rng), top=1000)
        assert len(spots) > 50  # every occupied cell was looked at
        flagged += any(s.significant for s in spots)
    assert flagged == 0


def test_a_cell_quiet_before_is_measured_against_the_town_not_zero() -> None:
    previous = {(0, i): 4 for i in range(10)}
    spots = {s.cell: s for s in rank({(5, 5): 2, (0, 0): 4}, previous)}
    assert spots[(5, 5)].expected == pytest.approx(4.0)
    assert not spots[(5, 5)].significant
    assert spots[(5, 5)].p_value > 0.5


def test_below_min_count_is_never_significant() -> None:
    # A cell with 2 where the town averages 0.01 a cell: rare, but 2 incidents are no hotspot.
    previous = {(0, i): 1 for i in range(10)}
    spots = rank({(9, 9): 2}, previous, baseline_periods=100)
    assert spots[0].p_value < 0.01 / 11
    assert not spots[0].significant
    assert rank({(9, 9): 3}, previous, baseline_periods=100)[0].significant


def test_ranked_by_count_then_p_and_cut_to_top() -> None:
    previous = {(0, 0): 10, (0, 1): 1, (0, 2): 5}
    current = {(0, 0): 10, (0, 1): 10, (0, 2): 12, (0, 3): 1}
    spots = rank(current, previous, top=3)
    assert [s.cell for s in spots] == [(0, 2), (0, 1), (0, 0)]
    assert all(isinstance(s, Hotspot) for s in spots)
    assert rank({}, previous) == []


# --- street names


@pytest.mark.parametrize(
    ("address", "street"),
    [
        ("007XX W 31ST ST", "W 31st St"),
        ("1200 block of Main Street", "Main Street"),
        ("123 OAK AVE", "Oak Ave"),
        ("100 BLOCK N STATE ST", "N State St"),
        ("0000X S HALSTED ST, CHICAGO", "S Halsted St"),
        ("12B ELM RD", "Elm Rd"),
        ("MAIN ST", "Main St"),
        ("1200", None),
        ("", None),
    ],
)
def test_street_name(address: str, street: str | None) -> None:
    assert street_name(address) == street


def test_street_names_most_common_first() -> None:
    addresses = [
        "007XX W 31ST ST",
        "031XX S HALSTED ST",
        "008XX W 31ST ST",
        "031XX S HALSTED ST",
        "007XX W 31ST ST",
        "2 block of Lyman Ave",
        "",
    ]
    assert street_names(addresses) == ["W 31st St", "S Halsted St"]
    assert street_names(addresses, top=5) == ["W 31st St", "S Halsted St", "Lyman Ave"]
    assert street_names([]) == []
