"""Watch-group areas: a polygon from a GeoJSON file, or a centre and a radius, and placing
incidents in them (shapely for the geometry; a bounding box first, so that most incidents
are turned away with four comparisons)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import InvalidInput

METERS_PER_DEGREE = 111_320.0
MIN_RADIUS_M = 50
MAX_RADIUS_M = 10_000
MAX_AREA_KM2 = 2_000.0  # bigger than any town's watch area: a typo in the file, likely


@dataclass(frozen=True, slots=True)
class Shape:
    """A group's area as it is stored: polygon or circle, its box and its size."""

    kind: str  # polygon or circle
    geojson: str | None
    center_lat: float | None
    center_lon: float | None
    radius_m: float | None
    south: float
    west: float
    north: float
    east: float
    area_km2: float


def metres_per_degree(ref_lat: float) -> tuple[float, float]:
    """Metres per degree of latitude and of longitude near `ref_lat`."""
    return METERS_PER_DEGREE, METERS_PER_DEGREE * math.cos(math.radians(ref_lat))


def circle(lat: float, lon: float, radius_m: float) -> Shape:
    """The area within `radius_m` of a pin."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("That pin is not on the map: send a location from your phone.")
    if not MIN_RADIUS_M <= radius_m <= MAX_RADIUS_M:
        raise InvalidInput(
            f"The radius must be between {MIN_RADIUS_M} m and {MAX_RADIUS_M // 1000} km."
        )
    per_lat, per_lon = metres_per_degree(lat)
    d_lat, d_lon = radius_m / per_lat, radius_m / max(per_lon, 1.0)
    return Shape(
        "circle",
        None,
        lat,
        lon,
        radius_m,
        lat - d_lat,
        lon - d_lon,
        lat + d_lat,
        lon + d_lon,
        math.pi * radius_m**2 / 1e6,
    )


def _geometry(data: Any) -> dict[str, Any]:
    """The polygon geometry inside a GeoJSON document (Feature, FeatureCollection of one
    feature, Polygon or MultiPolygon)."""
    if not isinstance(data, dict):
        raise InvalidInput("The file is not a GeoJSON object.")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features") or []
        if len(features) != 1:
            raise InvalidInput(
                f"The file has {len(features)} features; a group's area is one polygon "
                "(or one multipolygon): keep only the group's feature."
            )
        return _geometry(features[0])
    if kind == "Feature":
        return _geometry(data.get("geometry"))
    if kind in ("Polygon", "MultiPolygon"):
        return data
    raise InvalidInput(f"The file holds a {kind or 'shape of no type'}; an area must be a polygon.")


def polygon(text: str) -> Shape:
    """A polygon area from GeoJSON text (coordinates are longitude, latitude)."""
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    try:
        geometry = _geometry(json.loads(text))
        geom = shape(geometry)
    except InvalidInput:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
        raise InvalidInput(f"The file is not valid GeoJSON: {error}") from None
    if geom.is_empty:
        raise InvalidInput("The polygon is empty.")
    west, south, east, north = geom.bounds
    if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
        raise InvalidInput(
            "The coordinates are off the map: GeoJSON gives longitude first, then latitude."
        )
    if not geom.is_valid:
        raise InvalidInput(f"The polygon is not valid ({explain_validity(geom)}).")
    per_lat, per_lon = metres_per_degree((south + north) / 2)
    from shapely import affinity

    area_km2 = affinity.scale(geom, per_lon, per_lat, origin=(0, 0)).area / 1e6
    if area_km2 > MAX_AREA_KM2:
        raise InvalidInput(
            f"The polygon covers {area_km2:,.0f} km², more than a watch area; is it the right "
            "file (longitude first, then latitude)?"
        )
    return Shape(
        "polygon",
        json.dumps(geometry, separators=(",", ":")),
        None,
        None,
        None,
        south,
        west,
        north,
        east,
        area_km2,
    )


class _Placed:
    """One area ready for point tests."""

    def __init__(self, group_id: int, shape: Shape) -> None:
        self.group_id = group_id
        self.box = (shape.south, shape.west, shape.north, shape.east)
        self.test: Any
        if shape.kind == "circle":
            assert shape.center_lat is not None and shape.center_lon is not None
            per_lat, per_lon = metres_per_degree(shape.center_lat)
            clat, clon, r2 = shape.center_lat, shape.center_lon, (shape.radius_m or 0) ** 2

            def inside_circle(lat: float, lon: float) -> bool:
                dy, dx = (lat - clat) * per_lat, (lon - clon) * per_lon
                return dx * dx + dy * dy <= r2

            self.test = inside_circle
        else:
            from shapely import prepared
            from shapely.geometry import Point
            from shapely.geometry import shape as to_shape

            geom = prepared.prep(to_shape(json.loads(shape.geojson or "{}")))

            def inside_polygon(lat: float, lon: float) -> bool:
                return bool(geom.covers(Point(lon, lat)))

            self.test = inside_polygon


class Placer:
    """Which groups' areas a point lies in."""

    def __init__(self, areas: Iterable[tuple[int, Shape]]) -> None:
        self.areas = [_Placed(group_id, shape) for group_id, shape in areas]

    def __bool__(self) -> bool:
        return bool(self.areas)

    def groups_for(self, lat: float, lon: float) -> list[int]:
        """The ids of the groups whose area holds (lat, lon)."""
        found = []
        for area in self.areas:
            south, west, north, east = area.box
            if south <= lat <= north and west <= lon <= east and area.test(lat, lon):
                found.append(area.group_id)
        return found


def inside_box(lat: float, lon: float, box: Sequence[float] | None) -> bool:
    """Whether a point is inside the town's (south, west, north, east); True with no box."""
    if box is None:
        return True
    south, west, north, east = box
    return south <= lat <= north and west <= lon <= east
