"""Crime data: incidents written in bulk, their places in watch-group areas, the areas, the
import log, and the counts statistics are made of (grouped in SQL, by day and category)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, Table, bindparam, delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crimedata.models import CrimeImport, GroupArea, Incident, IncidentPlace
from storage.crimedata.records import (
    AreaRecord,
    ImportRecord,
    IncidentValues,
    PlacedPoint,
)
from storage.engine import Database

# The tables themselves, for bulk statements without the ORM's per-row work.
INCIDENTS: Table = Incident.__table__  # type: ignore[assignment]
PLACES: Table = IncidentPlace.__table__  # type: ignore[assignment]

# Keys looked up per query: well under SQLite's and asyncpg's limits on bound parameters.
LOOKUP_CHUNK = 900


def area_record(row: GroupArea) -> AreaRecord:
    """Copy an ORM row into a plain record."""
    return AreaRecord(
        group_id=row.group_id,
        kind=row.kind,
        geojson=row.geojson,
        center_lat=row.center_lat,
        center_lon=row.center_lon,
        radius_m=row.radius_m,
        south=row.south,
        west=row.west,
        north=row.north,
        east=row.east,
        area_km2=row.area_km2,
        set_at=row.set_at,
        set_by=row.set_by,
    )


class IncidentRepository:
    """Reads and writes `incidents` and `incident_places`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def existing(self, source: str, keys: Sequence[str]) -> dict[str, tuple[int, str]]:
        """For keys already imported from this source: their id and fingerprint."""
        found: dict[str, tuple[int, str]] = {}
        for start in range(0, len(keys), LOOKUP_CHUNK):
            rows = await self.session.execute(
                select(Incident.key, Incident.id, Incident.fingerprint).where(
                    Incident.source == source, Incident.key.in_(keys[start : start + LOOKUP_CHUNK])
                )
            )
            found.update({key: (id_, fingerprint) for key, id_, fingerprint in rows})
        return found

    async def add_many(
        self, source: str, rows: Sequence[IncidentValues], now: datetime
    ) -> dict[str, int]:
        """Insert new incidents in one statement; returns each one's id by key.

        The ids are reserved first (the transaction holds SQLite's write lock; PostgreSQL
        hands out a block from the sequence), so a million rows need no RETURNING.
        """
        if not rows:
            return {}
        ids = await self._reserve_ids(len(rows))
        stored = self._stored_time()
        stamp = stored(now)
        # The values in column order, the time converted as the column stores it; one pass.
        await self._bulk(
            "incidents",
            ("id", "source", "imported_at", *_VALUE_COLUMNS),
            [
                (id_, source, stamp, key, fingerprint, stored(at), *rest)
                for id_, (key, fingerprint, at, *rest) in zip(ids, rows, strict=True)
            ],
        )
        return {r.key: id_ for id_, r in zip(ids, rows, strict=True)}

    async def _reserve_ids(self, n: int) -> list[int]:
        if self.session.get_bind().dialect.name == "postgresql":
            rows = await self.session.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('incidents', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": n},
            )
            return [int(r[0]) for r in rows]
        last = int(await self.session.scalar(select(func.coalesce(func.max(Incident.id), 0))) or 0)
        return list(range(last + 1, last + 1 + n))

    async def update_many(self, changed: Sequence[tuple[int, IncidentValues]]) -> None:
        """Rewrite incidents whose values changed in the export (ids given)."""
        if not changed:
            return
        table = INCIDENTS
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({name: bindparam(f"b_{name}") for name in _VALUE_COLUMNS})
        )
        await self.session.execute(
            statement,
            [
                {
                    "b_id": id_,
                    **{f"b_{k}": v for k, v in zip(_VALUE_COLUMNS, values, strict=True)},
                }
                for id_, values in changed
            ],
        )

    async def unplace(self, incident_ids: Sequence[int]) -> None:
        """Take incidents out of every area (before placing them again)."""
        for start in range(0, len(incident_ids), LOOKUP_CHUNK):
            await self.session.execute(
                delete(IncidentPlace).where(
                    IncidentPlace.incident_id.in_(incident_ids[start : start + LOOKUP_CHUNK])
                )
            )

    async def place_many(self, places: Sequence[tuple[int, int, int, str]]) -> None:
        """Record (group, incident, day, category) placements."""
        if places:
            await self._bulk(
                "incident_places", ("group_id", "incident_id", "day", "category"), places
            )

    def _stored_time(self) -> Callable[[datetime], Any]:
        """How a UTCDateTime column stores an aware datetime, for the driver itself: naive
        UTC on PostgreSQL, its ISO text on SQLite (as SQLAlchemy writes it)."""
        if self.session.get_bind().dialect.name == "postgresql":
            return _naive_utc
        return _sqlite_time

    async def _bulk(
        self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """INSERT many rows with the driver's own executemany: an import writes millions of
        plain values, and SQLAlchemy's per-row parameter processing costs more than SQLite's
        insert itself. The values must be as the driver takes them (see `_stored_time`)."""
        if self.session.get_bind().dialect.name == "postgresql":
            marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
        else:
            marks = ", ".join("?" for _ in columns)
        names = ", ".join(columns)
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - our own names
        connection = await self.session.connection()
        await connection.exec_driver_sql(sql, list(rows))

    async def clear_group(self, group_id: int) -> None:
        """Take every incident out of a group's area."""
        await self.session.execute(delete(IncidentPlace).where(IncidentPlace.group_id == group_id))

    async def points_in_box(
        self, south: float, west: float, north: float, east: float
    ) -> list[PlacedPoint]:
        """Incidents with coordinates inside a bounding box."""
        rows = await self.session.execute(
            select(Incident.id, Incident.lat, Incident.lon, Incident.day, Incident.category).where(
                Incident.lat.between(south, north), Incident.lon.between(west, east)
            )
        )
        return [
            PlacedPoint(i, float(a), float(o), d, c)
            for i, a, o, d, c in rows
            if a is not None and o is not None
        ]

    def _counted(
        self,
        columns: Sequence[Any],
        first: int,
        last: int,
        group_id: int | None,
        category: str | None,
    ) -> Select[Any]:
        table: Any = IncidentPlace if group_id is not None else Incident
        statement = select(*[getattr(table, c) for c in columns], func.count()).where(
            table.day.between(first, last)
        )
        if group_id is not None:
            statement = statement.where(IncidentPlace.group_id == group_id)
        if category is not None:
            statement = statement.where(table.category == category)
        return statement.group_by(*[getattr(table, c) for c in columns])

    async def by_category(
        self, first: int, last: int, *, group_id: int | None = None, category: str | None = None
    ) -> dict[str, int]:
        """Incidents per category with `first <= day <= last`, in a group's area or the town."""
        rows = await self.session.execute(
            self._counted(["category"], first, last, group_id, category)
        )
        return {c: int(n) for c, n in rows}

    async def by_day(
        self, first: int, last: int, *, group_id: int | None = None, category: str | None = None
    ) -> list[tuple[int, str, int]]:
        """(day, category, count) with `first <= day <= last`, in a group's area or the town."""
        rows = await self.session.execute(
            self._counted(["day", "category"], first, last, group_id, category)
        )
        return [(int(d), c, int(n)) for d, c, n in rows]

    async def points(
        self, first: int, last: int, category: str | None = None
    ) -> list[tuple[float, float, int, str]]:
        """(lat, lon, day, address) of incidents with coordinates in a day range (read with
        the driver's own rows: a report reads tens of thousands of them)."""
        postgres = self.session.get_bind().dialect.name == "postgresql"
        marks = ("$1", "$2", "$3") if postgres else ("?", "?", "?")
        sql = (
            "SELECT lat, lon, day, address FROM incidents "  # noqa: S608 - no user text
            f"WHERE day BETWEEN {marks[0]} AND {marks[1]} AND lat IS NOT NULL "
            "AND lon IS NOT NULL"
        )
        params: tuple[Any, ...] = (first, last)
        if category is not None:
            sql += f" AND category = {marks[2]}"
            params += (category,)
        connection = await self.session.connection()
        result = await connection.exec_driver_sql(sql, params)
        return [tuple(row) for row in result]  # type: ignore[misc]

    async def refresh_statistics(self) -> None:
        """Let PostgreSQL's planner see how big the tables have grown (during a long import
        its statistics lag, and the look-up of known keys turned into a scan of the whole
        table); SQLite's planner needs none for these queries."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(text("ANALYZE incidents"))
            await self.session.execute(text("ANALYZE incident_places"))

    async def latest_day(self) -> int | None:
        """The day of the newest incident (None when nothing was imported)."""
        return await self.session.scalar(select(func.max(Incident.day)))

    async def count(self) -> int:
        """Incidents stored."""
        return int(await self.session.scalar(select(func.count(Incident.id))) or 0)


_VALUE_COLUMNS = IncidentValues._fields
# `add_many` unpacks the values by position: the time is the third.
assert _VALUE_COLUMNS[:3] == ("key", "fingerprint", "occurred_at")


def _naive_utc(value: datetime) -> datetime:
    """An aware datetime as the naive UTC the UTCDateTime columns store."""
    return value.astimezone(UTC).replace(tzinfo=None)


def _sqlite_time(value: datetime) -> str:
    """An aware datetime as the text SQLAlchemy's SQLite dialect stores for a UTCDateTime."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


async def tidy_after_import(db: Database) -> None:
    """After an import, on PostgreSQL: VACUUM ANALYZE the incidents, so that the statistics'
    counts are index-only scans at once (rows fresh from an import are not yet marked
    visible, and every count would visit the table too until autovacuum came by).
    SQLite needs nothing. VACUUM cannot run in a transaction: its own connection, autocommit."""
    if db.is_sqlite:
        return
    async with db.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE incidents"))
        await autocommit.execute(text("VACUUM ANALYZE incident_places"))


class AreaRepository:
    """Reads and writes `group_areas`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, group_id: int) -> AreaRecord | None:
        """A group's area, if it has one."""
        row = await self.session.get(GroupArea, group_id)
        return area_record(row) if row is not None else None

    async def all(self) -> list[AreaRecord]:
        """Every group's area."""
        rows = await self.session.scalars(select(GroupArea).order_by(GroupArea.group_id))
        return [area_record(r) for r in rows]

    async def put(self, area: AreaRecord) -> None:
        """Set (or replace) a group's area."""
        row = await self.session.get(GroupArea, area.group_id)
        if row is None:
            self.session.add(GroupArea(**asdict(area)))
        else:
            for name, value in asdict(area).items():
                setattr(row, name, value)
        await self.session.flush()


class ImportRepository:
    """Writes and reads `crime_imports`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, values: dict[str, Any]) -> int:
        """Log an import; returns its id."""
        row = CrimeImport(**values)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def recent(self, limit: int = 10) -> list[ImportRecord]:
        """The latest imports, newest first."""
        rows = await self.session.scalars(
            select(CrimeImport).order_by(CrimeImport.id.desc()).limit(limit)
        )
        return [
            ImportRecord(**{c: getattr(r, c) for c in ImportRecord.__dataclass_fields__})
            for r in rows
        ]
