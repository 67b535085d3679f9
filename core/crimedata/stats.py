"""The facts for an area: the last 30 days by type against the 30 before and the same days a
year earlier, the town beside the area, and the weekly counts of the last 12 weeks.

Every figure is a grouped count over the `day` column (an index range on both back ends); the
window ends on the newest day imported when the data stop before today, so a department whose
export lags still sees its last month rather than an empty one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from core.crimedata.trends import Trend, compare, weeks_back
from storage.crimedata.repositories import IncidentRepository

PERIOD_DAYS = 30
WEEKS = 12
MIN_FOR_TREND = 10


@dataclass(frozen=True, slots=True)
class Facts:
    """What /stats shows for one area (or the town)."""

    scope: str  # the group's name, or "the town"
    category: str | None
    first: date  # the 30 days shown: first..last
    last: date
    data_until: date | None
    current: dict[str, int]
    previous: dict[str, int]
    last_year: dict[str, int]
    town_current: int
    town_previous: int
    area_km2: float | None
    town_km2: float | None
    weeks: list[date]
    weekly: dict[str, list[int]]
    trend: Trend
    year_trend: Trend
    is_town: bool

    @property
    def total(self) -> int:
        """Incidents in the 30 days."""
        return sum(self.current.values())

    @property
    def density(self) -> float | None:
        """Incidents per km² in the 30 days, when the area's size is known."""
        return self.total / self.area_km2 if self.area_km2 else None

    @property
    def town_density(self) -> float | None:
        """The town's incidents per km² in the 30 days, when its size is known."""
        return self.town_current / self.town_km2 if self.town_km2 else None


def window(today: date, data_until: date | None) -> tuple[date, date]:
    """The 30 days shown: up to today, or up to the newest day imported if that is older."""
    last = min(today, data_until) if data_until else today
    return last - timedelta(days=PERIOD_DAYS - 1), last


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


async def gather(
    repo: IncidentRepository,
    *,
    today: date,
    scope: str,
    group_id: int | None,
    category: str | None,
    area_km2: float | None,
    town_km2: float | None,
) -> Facts:
    """Read every figure for an area (group_id) or the town (None)."""
    latest = await repo.latest_day()
    data_until = date.fromordinal(latest) if latest else None
    first, last = window(today, data_until)
    previous_first = first - timedelta(days=PERIOD_DAYS)
    year_first, year_last = _year_before(first), _year_before(last)

    async def counts(a: date, b: date, group: int | None) -> dict[str, int]:
        return await repo.by_category(
            a.toordinal(), b.toordinal(), group_id=group, category=category
        )

    current = await counts(first, last, group_id)
    previous = await counts(previous_first, first - timedelta(days=1), group_id)
    last_year = await counts(year_first, year_last, group_id)
    if group_id is None:
        town_current, town_previous = sum(current.values()), sum(previous.values())
    else:
        town_current = sum((await counts(first, last, None)).values())
        town_previous = sum(
            (await counts(previous_first, first - timedelta(days=1), None)).values()
        )
    weeks = weeks_back(last, WEEKS)
    by_day = await repo.by_day(
        weeks[0].toordinal(), last.toordinal(), group_id=group_id, category=category
    )
    weekly = _weekly(weeks, by_day)
    return Facts(
        scope=scope,
        category=category,
        first=first,
        last=last,
        data_until=data_until,
        current=current,
        previous=previous,
        last_year=last_year,
        town_current=town_current,
        town_previous=town_previous,
        area_km2=area_km2,
        town_km2=town_km2,
        weeks=weeks,
        weekly=weekly,
        trend=compare(sum(current.values()), sum(previous.values()), min_total=MIN_FOR_TREND),
        year_trend=compare(sum(current.values()), sum(last_year.values()), min_total=MIN_FOR_TREND),
        is_town=group_id is None,
    )


def _weekly(weeks: list[date], by_day: list[tuple[int, str, int]]) -> dict[str, list[int]]:
    """Counts per category per week (weeks start on the given Mondays)."""
    starts = [w.toordinal() for w in weeks]
    series: dict[str, list[int]] = {}
    for day, category, n in by_day:
        index = _week_index(starts, day)
        if index is None:
            continue
        series.setdefault(category, [0] * len(weeks))[index] += n
    return series


def _week_index(starts: list[int], day: int) -> int | None:
    if day < starts[0] or day >= starts[-1] + 7:
        return None
    return min((day - starts[0]) // 7, len(starts) - 1)


def top_categories(counts: Mapping[str, int], n: int = 3) -> list[tuple[str, int]]:
    """The most frequent categories, most first (ties by name)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
