"""Trends a resident reads in chat: this period against the last, rates and shares, weeks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Verdict = Literal["up", "down", "steady", "too_few"]

# Below this many incidents in the two periods together a rise or fall is mostly chance, and a
# resident shown "up 200%" for 1 -> 3 would be misled.
MIN_TOTAL = 10
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Trend:
    """Two equal-length periods compared: the counts, the relative change and the verdict."""

    current: int
    previous: int
    # (current - previous) / previous, so 0.5 is "up 50%"; None when previous is 0.
    change: float | None
    verdict: Verdict
    # Two-sided exact binomial p-value; None when there were too few incidents to test.
    p_value: float | None = None


def compare(
    current: int, previous: int, *, min_total: int = MIN_TOTAL, alpha: float = SIGNIFICANCE
) -> Trend:
    """This period against the previous one of the same length: up, down, steady or too few."""
    if current < 0 or previous < 0:
        raise ValueError("counts cannot be negative")
    change = None if previous == 0 else (current - previous) / previous
    if current + previous < min_total:
        return Trend(current, previous, change, "too_few")
    p = binomial_two_sided(current, current + previous)
    if p >= alpha or current == previous:
        verdict: Verdict = "steady"
    else:
        verdict = "up" if current > previous else "down"
    return Trend(current, previous, change, verdict, p)


def binomial_two_sided(k: int, n: int) -> float:
    """P-value of k successes in n fair trials, two-sided (the conditional test of two counts)."""
    if not 0 <= k <= n:
        raise ValueError("need 0 <= k <= n")
    # Binomial(n, 1/2) is symmetric, so doubling the smaller tail is the exact two-sided test.
    tail = _binomial_half_cdf(min(k, n - k), n)
    return min(1.0, 2.0 * tail)


def _binomial_half_cdf(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so large n does not overflow."""
    log_half_n = n * math.log(2.0)
    logs = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) - log_half_n
        for i in range(k + 1)
    ]
    top = max(logs)
    return min(1.0, math.exp(top) * math.fsum(math.exp(x - top) for x in logs))


def rate_per_1000(count: int, population: int | None) -> float | None:
    """Incidents per 1,000 residents, or None when the population is not known."""
    if population is None or population <= 0:
        return None
    return count * 1000.0 / population


def share(count: int, total: int) -> float:
    """The part of the total this count is, from 0.0 to 1.0 (0.0 when there is nothing)."""
    if total <= 0:
        return 0.0
    return count / total


def week_start(day: date) -> date:
    """The Monday of the week that holds this day."""
    return day - timedelta(days=day.weekday())


def weeks_back(today: date, weeks: int = 12) -> list[date]:
    """The Mondays starting the last `weeks` weeks, this (partial) week last, oldest first."""
    if weeks < 0:
        raise ValueError("weeks cannot be negative")
    monday = week_start(today)
    return [monday - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
