"""Local crime data: incidents imported from the department's exports, which watch-group
areas each falls in, each group's area, and a record of every import.

Incidents hold no personal data: the block-level address, the type and the time, as city open
data portals publish them. `day` (the local date's ordinal) and `category` are kept beside
the time so that every statistic is an indexed range count in SQL on both back ends.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class Incident(Base):
    """One reported incident as the department's export gave it, with its normalised type."""

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("source", "key"),
        Index("ix_incidents_day", "day", "category"),
        # No index on the coordinates: every insert would pay a random B-tree write (it
        # doubled the import's time), for the one rare query that places incidents in an
        # area that changed, which reads the table once instead.
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Where the rows came from ("chicago", "records-system"), and the incident's key there:
    # its id, or '#' and a hash of the row when the export has no ids.
    source: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(80))
    # A hash of the row's values: a re-import that changed nothing leaves the row alone.
    fingerprint: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    day: Mapped[int] = mapped_column(Integer)  # date.toordinal() of the local date
    category: Mapped[str] = mapped_column(String(20))
    raw_type: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    area: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IncidentPlace(Base):
    """An incident inside a watch group's area (day and category copied for the index)."""

    __tablename__ = "incident_places"
    __table_args__ = (Index("ix_incident_places_group_day", "group_id", "day", "category"),)

    group_id: Mapped[int] = mapped_column(
        ForeignKey("watch_groups.id", ondelete="CASCADE"), primary_key=True
    )
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    day: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))


class GroupArea(Base):
    """The ground a watch group covers: a polygon (GeoJSON) or a centre and a radius."""

    __tablename__ = "group_areas"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("watch_groups.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # polygon or circle
    geojson: Mapped[str | None] = mapped_column(Text)
    center_lat: Mapped[float | None] = mapped_column(Float)
    center_lon: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float)
    # The bounding box, so that placing incidents reads only those near the area.
    south: Mapped[float] = mapped_column(Float)
    west: Mapped[float] = mapped_column(Float)
    north: Mapped[float] = mapped_column(Float)
    east: Mapped[float] = mapped_column(Float)
    area_km2: Mapped[float] = mapped_column(Float)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())
    set_by: Mapped[str] = mapped_column(String(100))


class CrimeImport(Base):
    """One import of an export file: what it read and what it did."""

    __tablename__ = "crime_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(200))
    layout: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rows_read: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    problems: Mapped[int] = mapped_column(Integer)
    unplaced: Mapped[int] = mapped_column(Integer)  # no coordinates, or outside the town
    imported_by: Mapped[str] = mapped_column(String(100))
