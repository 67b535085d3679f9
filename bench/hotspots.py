"""Hotspots at a city's size: 1,000,000 incidents, then /hotspots and the morning alert timed.

The incidents (random over a 10 km x 10 km town, spread evenly over `--years` years up to
today, a tenth of them burglaries) are written straight through `IncidentRepository.add_many`,
the statement the import uses, so the run is about reading them back. Then the report of
/hotspots (30 days, 30 days of one type, 365 days), the alert's 7-against-28-days report, the
map and the CSV are timed, each the median and worst of several runs.

    .venv/bin/python -m bench.hotspots
    .venv/bin/python -m bench.hotspots --years 1 --backend postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.common import bench_settings, peak_rss_mib, temp_database
from bench.crimedata import SOUTH, SPAN_LAT, SPAN_LON, STREETS, WEST, timed_runs

CHUNK = 50_000
CATEGORIES = ["theft"] * 5 + ["assault", "vandalism", "fraud", "burglary", "drugs"]


async def fill(db: Any, rows: int, years: float, seed: int) -> None:
    """Write `rows` incidents over `years` years up to today."""
    from storage.crimedata.records import IncidentValues
    from storage.crimedata.repositories import IncidentRepository

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    today = date.today()
    span = int(years * 365)
    now = datetime.now(UTC)
    for start in range(0, rows, CHUNK):
        values = []
        for i in range(start, min(rows, start + CHUNK)):
            day = today - timedelta(days=rng.randrange(span))
            values.append(
                IncidentValues(
                    key=str(i), fingerprint="-", occurred_at=now, day=day.toordinal(),
                    category=rng.choice(CATEGORIES), raw_type="X", description="",
                    address=f"{rng.randrange(1, 80):03d}XX {rng.choice(STREETS)}",
                    lat=SOUTH + rng.random() * SPAN_LAT, lon=WEST + rng.random() * SPAN_LON,
                    area="",
                )
            )  # fmt: skip
        async with db.transaction() as session:
            await IncidentRepository(session).add_many("bench", values, now)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Fill a fresh database, then time the reports."""
    from core.permissions import Actor
    from core.services import Services
    from storage.engine import Database

    officer = Actor.system("benchmark")
    figures: dict[str, Any] = {}
    async with temp_database(args.backend) as url:
        settings = bench_settings(database_url=url)
        db = Database(url)
        services = Services.build(settings, db)
        t = time.perf_counter()
        await fill(db, args.rows, args.years, args.seed)
        figures["fill_seconds"] = f"{time.perf_counter() - t:.1f}"
        hotspots = services.hotspots
        await hotspots.report(officer)  # warm the caches once: the service is long-running
        for name, category, days in (
            ("30 days", None, 30),
            ("30 days, burglary", "burglary", 30),
            ("365 days", None, 365),
        ):
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                report = await hotspots.report(officer, category=category, days=days)
                times.append(time.perf_counter() - t)
            figures[f"report: {name}"] = (
                f"{timed_runs(times)}; {report.total:,} + {report.previous_total:,} points, "
                f"{len(report.cells):,} cells"
            )
        report = await hotspots.report(officer)
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            async with db.transaction() as session:
                await hotspots._report_in(
                    session, category=None, days=7, baseline_periods=4, today=date.today()
                )
            times.append(time.perf_counter() - t)
        figures["alert's report: 7 against 28 days"] = timed_runs(times)
        t = time.perf_counter()
        png = hotspots.chart(report)
        figures["map (PNG)"] = f"{(time.perf_counter() - t) * 1000:.0f} ms, {len(png) // 1024} KB"
        t = time.perf_counter()
        table = hotspots.csv(report)
        figures["CSV"] = f"{(time.perf_counter() - t) * 1000:.0f} ms, {len(table) // 1024} KB"
        await db.dispose()
    figures["rss_mib"] = peak_rss_mib()
    return figures


def main() -> None:
    """`python -m bench.hotspots`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per report")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{args.rows:,} incidents over {args.years:g} years, {args.backend}")
    for name, value in asyncio.run(run(args)).items():
        print(f"  {name}: {value}")


if __name__ == "__main__":
    main()
