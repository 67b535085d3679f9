"""Plain records of the crime data tables (repositories never hand out ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


class IncidentValues(NamedTuple):
    """What an import writes for one incident (its source is the import's). A named tuple:
    a million of them cross from the reading process, and tuples pickle fastest."""

    key: str
    fingerprint: str
    occurred_at: datetime
    day: int
    category: str
    raw_type: str
    description: str
    address: str
    lat: float | None
    lon: float | None
    area: str


@dataclass(frozen=True, slots=True)
class PlacedPoint:
    """An incident with coordinates, as placing it in areas needs it."""

    id: int
    lat: float
    lon: float
    day: int
    category: str


@dataclass(frozen=True, slots=True)
class AreaRecord:
    """A watch group's area as stored."""

    group_id: int
    kind: str
    geojson: str | None
    center_lat: float | None
    center_lon: float | None
    radius_m: float | None
    south: float
    west: float
    north: float
    east: float
    area_km2: float
    set_at: datetime
    set_by: str


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One import as logged."""

    id: int
    source: str
    file_name: str
    layout: str
    started_at: datetime
    finished_at: datetime
    rows_read: int
    added: int
    updated: int
    unchanged: int
    problems: int
    unplaced: int
    imported_by: str
