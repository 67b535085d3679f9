"""Trends: the verdicts a resident is shown, the exact binomial test behind them, rates, shares
and the weeks of a chart."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from itertools import pairwise
from math import comb

import pytest

from core.crimedata.trends import (
    Trend,
    binomial_two_sided,
    compare,
    rate_per_1000,
    share,
    weeks_back,
)


def exact_two_sided(k: int, n: int) -> float:
    """Twice the smaller tail of Binomial(n, 1/2), in exact integers and one fraction."""
    low = min(k, n - k)
    term, tail = 1, 0
    for i in range(low + 1):
        tail += term
        term = term * (n - i) // (i + 1)
    return float(min(Fraction(1), Fraction(2 * tail, 2**n)))


def test_the_reference_agrees_with_counting_outcomes() -> None:
    """The two-sided p is the chance of outcomes no more likely than the one seen."""
    for n, k in [(10, 3), (20, 15), (9, 9)]:
        at_most_as_likely = sum(comb(n, i) for i in range(n + 1) if comb(n, i) <= comb(n, k))
        assert exact_two_sided(k, n) == float(min(Fraction(1), Fraction(at_most_as_likely, 2**n)))


def test_verdicts_from_the_brief() -> None:
    assert compare(12, 10).verdict == "steady"
    assert compare(40, 10).verdict == "up"
    assert compare(3, 1).verdict == "too_few"
    assert compare(0, 30).verdict == "down"


def test_trend_carries_counts_change_and_p() -> None:
    trend = compare(40, 10)
    assert isinstance(trend, Trend)
    assert (trend.current, trend.previous) == (40, 10)
    assert trend.change == pytest.approx(3.0)
    assert trend.p_value is not None and trend.p_value < 1e-4
    assert compare(30, 0).change is None
    assert compare(3, 1).p_value is None
    with pytest.raises(AttributeError):
        trend.verdict = "down"  # type: ignore[misc]


def test_too_few_is_below_min_total_only() -> None:
    assert compare(9, 0).verdict == "too_few"
    assert compare(10, 0).verdict == "up"  # p = 2 / 1024
    assert compare(6, 3, min_total=5).verdict == "steady"
    assert compare(0, 0).verdict == "too_few"


def test_the_boundary_of_significance() -> None:
    # 15 vs 5 of 20: p = 0.041; 14 vs 6: p = 0.115.
    assert compare(15, 5).verdict == "up"
    assert compare(14, 6).verdict == "steady"
    assert compare(5, 15).verdict == "down"
    assert compare(20, 20).verdict == "steady"


@pytest.mark.parametrize(
    ("k", "n"), [(0, 1), (3, 10), (7, 10), (15, 20), (12, 22), (0, 30), (61, 100)]
)
def test_binomial_matches_exact_fractions(k: int, n: int) -> None:
    assert binomial_two_sided(k, n) == pytest.approx(exact_two_sided(k, n), rel=1e-9)


def test_binomial_with_large_counts_does_not_overflow() -> None:
    assert binomial_two_sided(5000, 10_000) == pytest.approx(1.0)
    for k in (4800, 5100, 5200):
        assert binomial_two_sided(k, 10_000) == pytest.approx(exact_two_sided(k, 10_000), rel=1e-8)
    assert binomial_two_sided(0, 5000) == 0.0  # 2 / 2**5000 is below the smallest float


def test_rates_and_shares() -> None:
    assert rate_per_1000(25, 12_500) == pytest.approx(2.0)
    assert rate_per_1000(5, None) is None
    assert rate_per_1000(5, 0) is None
    assert share(1, 4) == 0.25
    assert share(0, 0) == 0.0


def test_weeks_back_are_mondays_oldest_first_ending_this_week() -> None:
    wednesday = date(2025, 10, 8)
    weeks = weeks_back(wednesday)
    assert len(weeks) == 12
    assert weeks[-1] == date(2025, 10, 6)
    assert weeks[0] == date(2025, 7, 21)
    assert all(day.weekday() == 0 for day in weeks)
    assert all((b - a).days == 7 for a, b in pairwise(weeks))
    assert weeks_back(date(2025, 10, 6), 2) == [date(2025, 9, 29), date(2025, 10, 6)]
    assert weeks_back(date(2025, 10, 12), 1) == [date(2025, 10, 6)]  # a Sunday
    assert weeks_back(wednesday, 0) == []
