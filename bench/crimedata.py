"""Local crime data at a city's size: importing 1,000,000 incidents, then every statistic.

A synthetic export in the City of Chicago's layout (the real file's columns and value forms:
US dates with AM/PM, decimal-comma coordinates, a few blank ones, the real file's crime types
and descriptions) with 1,000,000 rows over five years in a 10 km x 10 km town, written to a
temporary file. Twenty watch groups get areas first (circles of 300-1,500 m), so the import
places every incident as it goes, as it would in a running department. Then the import runs
through `CrimeData.import_file` (the path `crimewatch data import` takes), and every statistic
of /stats is timed on the result: a group's facts, a group's facts for one type, the town's
facts (an officer's /stats town), each the median and worst of several runs.

    .venv/bin/python -m bench.crimedata
    .venv/bin/python -m bench.crimedata --backend postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import bench_settings, cpu_seconds, peak_rss_mib, temp_database

TYPES = [
    ("THEFT", "$500 AND UNDER", 20),
    ("THEFT", "OVER $500", 8),
    ("THEFT", "RETAIL THEFT", 10),
    ("THEFT", "FROM BUILDING", 5),
    ("THEFT", "THEFT FROM MOTOR VEHICLE", 6),
    ("BATTERY", "SIMPLE", 12),
    ("ASSAULT", "SIMPLE", 8),
    ("CRIMINAL DAMAGE", "TO VEHICLE", 5),
    ("CRIMINAL DAMAGE", "TO PROPERTY", 5),
    ("DECEPTIVE PRACTICE", "FINANCIAL IDENTITY THEFT OVER $ 300", 5),
    ("NARCOTICS", "POSS: CANNABIS 30GMS OR LESS", 3),
    ("BURGLARY", "FORCIBLE ENTRY", 4),
    ("ROBBERY", "ARMED: HANDGUN", 2),
    ("MOTOR VEHICLE THEFT", "AUTOMOBILE", 3),
    ("CRIMINAL TRESPASS", "TO LAND", 2),
    ("OTHER OFFENSE", "HARASSMENT BY TELEPHONE", 2),
]
HEADER = [
    "ID", "Case Number", "Date", "Block", "IUCR", "Primary Type", "Description",
    "Location Description", "Arrest", "Domestic", "Beat", "Ward", "FBI Code", "X Coordinate",
    "Y Coordinate", "Year", "Updated On", "Latitude", "Longitude", "Location",
]  # fmt: skip
SOUTH, WEST = 41.80, -87.70
SPAN_LAT, SPAN_LON = 0.09, 0.12  # about 10 km x 10 km
STREETS = ["W 31ST ST", "S HALSTED ST", "S WALLACE ST", "W 35TH ST", "S MORGAN ST", "W 26TH ST"]


def write_export(path: Path, rows: int, seed: int, newest: datetime) -> None:
    """A Chicago-layout export of `rows` synthetic incidents over five years up to `newest`."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    weights = [w for _t, _d, w in TYPES]
    span = 5 * 365 * 24 * 3600
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL)
        out.writerow(HEADER)
        for i in range(rows):
            primary, description, _w = rng.choices(TYPES, weights)[0]
            when = newest - timedelta(seconds=rng.randrange(span))
            blank = rng.random() < 0.006
            lat = SOUTH + rng.random() * SPAN_LAT
            lon = WEST + rng.random() * SPAN_LON
            lat_text = "" if blank else f"{lat:.9f}".replace(".", ",")
            lon_text = "" if blank else f"{lon:.9f}".replace(".", ",")
            out.writerow(
                [
                    str(20_000_000 + i), f"JK{i:06d}", when.strftime("%m/%d/%Y %I:%M:%S %p"),
                    f"{rng.randrange(1, 80):03d}XX {rng.choice(STREETS)}", "0820", primary,
                    description, "STREET", "false", "false", f"09{rng.randrange(10, 30)}", "11",
                    "06", "", "", str(when.year), "", lat_text, lon_text,
                    "" if blank else f"POINT ({lon:.9f} {lat:.9f})",
                ]
            )  # fmt: skip


def timed_runs(values: list[float]) -> str:
    """'median 12.3 ms, worst 15.0 ms'."""
    return f"median {statistics.median(values) * 1000:.1f} ms, worst {max(values) * 1000:.1f} ms"


async def run(args: argparse.Namespace, export: Path) -> dict[str, Any]:
    """Import the export into a fresh database, then time the statistics."""
    from core.crimedata.areas import circle
    from core.permissions import Actor
    from core.services import Services
    from storage.engine import Database

    officer = Actor.system("benchmark")
    figures: dict[str, Any] = {}
    async with temp_database(args.backend) as url:
        settings = bench_settings(database_url=url)
        db = Database(url)
        services = Services.build(settings, db)
        rng = random.Random(7)  # noqa: S311 - synthetic areas
        codes = []
        for n in range(args.groups):
            code = f"G{n:02d}"
            await services.groups.create(
                officer, name=f"Group {n}", code=code, area="-", bylaws=None,
                approval_required=False,
            )  # fmt: skip
            lat = SOUTH + 0.01 + rng.random() * (SPAN_LAT - 0.02)
            lon = WEST + 0.01 + rng.random() * (SPAN_LON - 0.02)
            await services.crimedata.set_area(
                officer, code, circle(lat, lon, rng.uniform(300, 1500))
            )
            codes.append(code)
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        summary = await services.crimedata.import_file(officer, export)
        figures["import_seconds"] = time.perf_counter() - t0
        figures["import_cpu"] = cpu_seconds() - cpu0
        figures["summary"] = summary.lines()

        # Warm the caches once (the service is long-running), then time each statistic.
        owner = officer
        await services.crimedata.facts(owner, code=codes[0])
        facts = services.crimedata.facts
        for name, scope, category in (
            ("group", None, None),
            ("group, one type", None, "burglary"),
            ("town", "town", None),
            ("town, one type", "town", "theft"),
        ):
            times = []
            for code in codes[: args.repeat]:
                t = time.perf_counter()
                await facts(owner, code=scope or code, category=category)
                times.append(time.perf_counter() - t)
            figures[f"facts: {name}"] = timed_runs(times)
        shown, _group = await facts(owner, code=codes[0])
        assert shown is not None
        t = time.perf_counter()
        services.crimedata.chart(shown)
        figures["weekly chart (PNG)"] = f"{(time.perf_counter() - t) * 1000:.0f} ms"
        await db.dispose()
    figures["rss_mib"] = peak_rss_mib()
    return figures


def main() -> None:
    """`python -m bench.crimedata`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per statistic")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="crimewatch-data-"))
    export = folder / "export.csv"
    newest = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    t = time.perf_counter()
    write_export(export, args.rows, args.seed, newest)
    size = export.stat().st_size
    print(
        f"export: {args.rows:,} rows, {size / 1e6:.0f} MB, written in "
        f"{time.perf_counter() - t:.1f} s; load before {os.getloadavg()[0]:.2f}"
    )
    try:
        figures = asyncio.run(run(args, export))
    finally:
        export.unlink(missing_ok=True)
        folder.rmdir()
    seconds = figures["import_seconds"]
    print(
        f"import into {args.backend}: {seconds:.1f} s (CPU {figures['import_cpu']:.1f} s), "
        f"{args.rows / seconds:,.0f} rows/s"
    )
    for line in figures["summary"]:
        print("  " + line)
    for key, value in figures.items():
        if key.startswith("facts") or key.startswith("weekly"):
            print(f"{key}: {value}")
    print(f"peak RSS {figures['rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
