"""Importing the department's incident exports: rows read in a stream, written a batch to a
transaction, each keyed by its source and id (or a hash of the row) so that importing the same
file again, or an overlapping export, adds nothing twice; changed rows are updated, every row
that cannot be read is reported with its line number and reason while the rest go in.

A file that cannot be imported at all (missing, empty, binary, too big, without the columns
needed) is refused before anything is written. Batches commit one after another so that a
million-row import never holds SQLite's write lock for a minute; an import cut short is
finished by running it again.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from queue import Empty
from typing import Any
from zoneinfo import ZoneInfo

from core.clock import Clock
from core.crimedata.areas import Placer, Shape, inside_box
from core.crimedata.parsing import IncidentReader, IncidentRow, RowProblem, open_incidents
from core.crimedata.taxonomy import Taxonomy
from core.errors import CrimeWatchError
from storage.crimedata.records import AreaRecord, IncidentValues
from storage.crimedata.repositories import AreaRepository, ImportRepository, IncidentRepository
from storage.engine import Database

BATCH = 5_000
PARALLEL_BYTES = 16 * 1024 * 1024  # bigger files are read in a second process
QUEUED_CHUNKS = 4  # chunks read ahead of the writing (memory stays bounded)
KEPT_PROBLEMS = 20  # listed with their line numbers; the rest are counted by reason
SOURCE_LIMIT = 40

# What a progress display is told after every batch: rows read, bytes read, bytes in all.
Progress = Callable[[int, int, int], None]


@dataclass
class ImportSummary:
    """What an import read and did."""

    file_name: str
    source: str
    layout: str
    columns: dict[str, str]
    dry_run: bool
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    problem_count: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    no_coordinates: int = 0
    outside_town: int = 0
    placements: int = 0
    seconds: float = 0.0

    @property
    def unplaced(self) -> int:
        """Rows that are in no area: without coordinates or outside the town's box."""
        return self.no_coordinates + self.outside_town

    def lines(self) -> list[str]:
        """The summary as the command line prints it."""
        verb = "would add" if self.dry_run else "added"
        out = [
            f"{self.file_name}: {self.layout} layout, source '{self.source}'",
            "  columns: " + ", ".join(f"{f}={c}" for f, c in self.columns.items()),
            f"  rows read {self.rows_read:,}: {verb} {self.added:,}, "
            f"{'would update' if self.dry_run else 'updated'} {self.updated:,}, "
            f"unchanged {self.unchanged:,}, skipped {self.problem_count:,}",
        ]
        if self.reasons:
            out.append("  skipped because:")
            out += [f"    {n:,} x {reason}" for reason, n in self.reasons.most_common()]
        for problem in self.problems:
            out.append(f"    line {problem.line}: {problem.reason}")
        if self.problem_count > len(self.problems):
            out.append(f"    ... and {self.problem_count - len(self.problems):,} more")
        if self.no_coordinates or self.outside_town:
            out.append(
                f"  not placed in any area: {self.no_coordinates:,} without coordinates, "
                f"{self.outside_town:,} outside the town's box (TOWN_BOUNDS)"
            )
        out.append(
            f"  placed in watch-group areas: {self.placements:,}"
            + ("" if not self.dry_run else " (dry run: nothing was written)")
        )
        if self.seconds:
            rate = self.rows_read / self.seconds if self.seconds else 0
            out.append(f"  {self.seconds:.1f} s ({rate:,.0f} rows/s)")
        return out


def default_source(layout: str) -> str:
    """The source rows are keyed under when none is named: the layout's city portal, or
    'import' for a file named column by column."""
    return layout if layout in ("chicago", "socrata") else "import"


def clean_source(source: str) -> str:
    """A source name as stored (trimmed, at most 40 characters, lower case)."""
    return source.strip().lower()[:SOURCE_LIMIT] or "import"


def shape_of(area: AreaRecord) -> Shape:
    """The stored area as a shape to place incidents in."""
    return Shape(
        area.kind,
        area.geojson,
        area.center_lat,
        area.center_lon,
        area.radius_m,
        area.south,
        area.west,
        area.north,
        area.east,
        area.area_km2,
    )


def values_of(row: IncidentRow, zone: ZoneInfo) -> IncidentValues:
    """What is stored of a parsed row (texts cut to the columns' sizes; the day in `zone`)."""
    return IncidentValues(
        key=(row.external_id or f"#{row.row_hash}")[:80],
        fingerprint=row.row_hash[:40],
        occurred_at=row.occurred_at,
        day=row.occurred_at.astimezone(zone).toordinal(),
        category=row.category,
        raw_type=row.raw_type[:100],
        description=row.description[:200],
        address=row.address[:120],
        lat=row.lat,
        lon=row.lon,
        area=row.area[:40],
    )


class Importer:
    """Runs one import: reads the file, writes batches, places incidents, logs the import."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        zone: ZoneInfo,
        town: tuple[float, float, float, float] | None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.zone = zone
        self.town = town

    async def run(
        self,
        opened: OpenedFile,
        summary: ImportSummary,
        *,
        progress: Progress | None = None,
    ) -> ImportSummary:
        """Read every row of an opened export into the database (or only count, on a dry
        run). A big file is read in a second process while this one writes: on two cores the
        reading and the writing then take about as long as the slower of the two."""
        async with self.db.transaction() as session:
            areas = await AreaRepository(session).all()
        placer = Placer((a.group_id, shape_of(a)) for a in areas)
        started = time.perf_counter()
        parallel = opened.reader.total_bytes >= PARALLEL_BYTES
        chunks = _child_chunks(opened) if parallel else _chunks_here(opened)
        total = opened.reader.total_bytes
        written, next_analysis = 0, BATCH
        async for chunk, position in chunks:
            batch: dict[str, IncidentValues] = {}
            for item in chunk:
                summary.rows_read += 1
                if isinstance(item, RowProblem):
                    summary.problem_count += 1
                    summary.reasons[_reason_kind(item.reason)] += 1
                    if len(summary.problems) < KEPT_PROBLEMS:
                        summary.problems.append(item)
                    continue
                batch[item.key] = item  # the same incident twice in a file: the later row
            if batch:
                await self._write(batch, summary, placer)
                written += len(batch)
                if written >= next_analysis:  # the table doubled: the planner should know
                    next_analysis = 2 * written
                    async with self.db.transaction() as session:
                        await IncidentRepository(session).refresh_statistics()
            if progress is not None:
                progress(summary.rows_read, position, total)
        summary.seconds = time.perf_counter() - started
        return summary

    async def _write(
        self, batch: Mapping[str, IncidentValues], summary: ImportSummary, placer: Placer
    ) -> None:
        keys = list(batch)
        async with self.db.transaction() as session:
            repo = IncidentRepository(session)
            existing = await repo.existing(summary.source, keys)
            new = [v for k, v in batch.items() if k not in existing]
            changed = [
                (existing[k][0], v)
                for k, v in batch.items()
                if k in existing and existing[k][1] != v.fingerprint
            ]
            summary.added += len(new)
            summary.updated += len(changed)
            summary.unchanged += len(batch) - len(new) - len(changed)
            placing: list[tuple[int, IncidentValues]] = []
            if not summary.dry_run:
                ids = await repo.add_many(summary.source, new, self.clock.now())
                await repo.update_many(changed)
                await repo.unplace([id_ for id_, _ in changed])
                placing = [(ids[v.key], v) for v in new] + changed
            else:
                placing = [(0, v) for v in new] + changed
            places: list[tuple[int, int, int, str]] = []
            for id_, v in placing:
                if v.lat is None or v.lon is None:
                    summary.no_coordinates += 1
                    continue
                if not inside_box(v.lat, v.lon, self.town):
                    summary.outside_town += 1
                    continue
                for group_id in placer.groups_for(v.lat, v.lon):
                    places.append((group_id, id_, v.day, v.category))
            summary.placements += len(places)
            if not summary.dry_run:
                await repo.place_many(places)
            else:
                await session.rollback()

    async def log(self, summary: ImportSummary, started: datetime, by: str) -> None:
        """Keep the import in the import log."""
        async with self.db.transaction() as session:
            await ImportRepository(session).add(
                {
                    "source": summary.source,
                    "file_name": summary.file_name[:200],
                    "layout": summary.layout,
                    "started_at": started,
                    "finished_at": self.clock.now(),
                    "rows_read": summary.rows_read,
                    "added": summary.added,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "problems": summary.problem_count,
                    "unplaced": summary.unplaced,
                    "imported_by": by[:100],
                }
            )


def _reason_kind(reason: str) -> str:
    """A problem's reason without the value quoted in it, to count like problems together."""
    head, quote, _rest = reason.partition("'")
    return (head + "...") if quote else reason


@dataclass(frozen=True)
class ExportFile:
    """An export and how to read it: all a second process needs to open it again."""

    path: Path
    zone: ZoneInfo
    taxonomy: Taxonomy
    mapping: Mapping[str, str] | None
    date_format: str | None
    max_bytes: int
    now: datetime  # the service's clock when the import began: later dates are refused

    def open(self) -> IncidentReader:
        """A reader of the file (ImportFileError when it cannot be imported at all)."""
        return open_incidents(
            self.path,
            zone=self.zone,
            taxonomy=self.taxonomy,
            mapping=self.mapping,
            date_format=self.date_format,
            max_bytes=self.max_bytes,
            now=self.now,
        )


@dataclass(frozen=True)
class OpenedFile:
    """An export whose whole-file checks passed, and its open reader."""

    export: ExportFile
    reader: IncidentReader


Chunk = list[IncidentValues | RowProblem]


def chunks(reader: IncidentReader, zone: ZoneInfo) -> Iterator[tuple[Chunk, int]]:
    """The reader's rows as stored values (or problems), `BATCH` at a time, each with how far
    into the file reading had got."""
    chunk: Chunk = []
    with reader:
        for item in reader:
            chunk.append(item if isinstance(item, RowProblem) else values_of(item, zone))
            if len(chunk) >= BATCH:
                yield chunk, reader.bytes_read
                chunk = []
        yield chunk, reader.total_bytes


async def _chunks_here(opened: OpenedFile) -> AsyncIterator[tuple[Chunk, int]]:
    for item in chunks(opened.reader, opened.export.zone):
        yield item


def _read_in_child(export: ExportFile, queue: Any) -> None:
    """The second process: read the file and hand over its chunks (then None, or the error)."""
    try:
        for item in chunks(export.open(), export.zone):
            queue.put(item)
        queue.put(None)
    except BaseException as error:
        queue.put(f"{type(error).__name__}: {error}")


def _next_from(queue: Any, process: Any) -> Any:
    """The child's next message, noticing a child that died without one."""
    while True:
        try:
            return queue.get(timeout=1.0)
        except Empty:
            if not process.is_alive():
                return f"the reading process ended unexpectedly (exit code {process.exitcode})"


async def _child_chunks(opened: OpenedFile) -> AsyncIterator[tuple[Chunk, int]]:
    opened.reader.close()  # the child opens the file itself
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    queue = context.Queue(maxsize=QUEUED_CHUNKS)
    process = context.Process(target=_read_in_child, args=(opened.export, queue), daemon=True)
    process.start()
    try:
        while True:
            message = await asyncio.to_thread(_next_from, queue, process)
            if message is None:
                return
            if isinstance(message, str):
                raise CrimeWatchError(f"reading the file failed: {message}")
            yield message
    finally:
        if process.is_alive():
            process.terminate()
        await asyncio.to_thread(process.join, 10)


def open_file(
    path: Path,
    *,
    zone: ZoneInfo,
    taxonomy: Taxonomy,
    mapping: Mapping[str, str] | None,
    date_format: str | None,
    max_bytes: int,
    now: datetime,
) -> OpenedFile:
    """Open an export for reading (refusing a file that cannot be imported at all)."""
    export = ExportFile(path, zone, taxonomy, mapping, date_format, max_bytes, now)
    return OpenedFile(export, export.open())
