"""Local crime data as one service: imports, watch-group areas, and the facts for an area.

Permissions are checked here for every parameter: importing is for officers; a group's area
is set by its leader or an officer; residents and leaders see the figures of their own
groups' areas, officers of any group or of the whole town.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.crimedata import messages
from core.crimedata.areas import Placer, Shape, inside_box, metres_per_degree
from core.crimedata.digest import WeeklyDigest
from core.crimedata.importer import (
    Importer,
    ImportSummary,
    Progress,
    clean_source,
    default_source,
    open_file,
    shape_of,
)
from core.crimedata.mentions import mentioned, numbers_line
from core.crimedata.stats import Facts, gather
from core.crimedata.taxonomy import CATEGORIES, Taxonomy
from core.crimedata.tips import TipSource
from core.due import DueRunner
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.flows import Claim, take_in
from core.members import GroupService
from core.permissions import REFUSALS, Action, Actor, allowed
from core.shared import Shared, SharedService
from storage.crimedata.records import AreaRecord
from storage.crimedata.repositories import (
    AreaRepository,
    IncidentRepository,
    tidy_after_import,
)
from storage.members.records import GroupRecord

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class AreaChange:
    """A group's area after it was set: how big, and how many incidents it now holds."""

    group: GroupRecord
    area_km2: float
    placed: int


def parse_category(word: str) -> str:
    """'burglary', 'car break-ins', 'Vehicle theft' -> a taxonomy key; InvalidInput if none."""
    cleaned = word.strip().lower().replace("-", " ").replace("_", " ")
    if not cleaned:
        raise InvalidInput("Name a type, e.g. /stats burglary.")
    for key, text in CATEGORIES.items():
        if cleaned in (key.replace("_", " "), text.lower()):
            return key
    # What people write ("car break-ins", "scams", "graffiti") is read as alerts read it.
    found = "vandalism" if cleaned == "damage" else mentioned(cleaned)
    if found is not None:
        return found
    choices = ", ".join(k.replace("_", " ") for k in CATEGORIES)
    raise InvalidInput(f"'{word[:40]}' is not a type I count. Try one of: {choices}.")


class CrimeData(SharedService):
    """Imports, areas and facts."""

    def __init__(
        self,
        shared: Shared,
        groups: GroupService,
        due: DueRunner | None = None,
        tips: TipSource | None = None,
    ) -> None:
        super().__init__(shared)
        self.groups = groups
        self._taxonomy: Taxonomy | None = None
        # The weekly figures to followers of "crime_stats", with a tip from `tips`.
        self.digest: WeeklyDigest | None = None
        if due is not None:
            self.digest = WeeklyDigest(shared, due, tips)
            due.register_tick(self.digest.tick)

    def taxonomy(self) -> Taxonomy:
        """The built-in type rules, after the department's own (CRIME_TYPE_MAP_FILE)."""
        if self._taxonomy is None:
            path = self.settings.crime_type_map_file
            self._taxonomy = Taxonomy.load(Path(path)) if path else Taxonomy.default()
        return self._taxonomy

    async def import_file(
        self,
        actor: Actor,
        path: Path,
        *,
        source: str | None = None,
        mapping: dict[str, str] | None = None,
        date_format: str | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportSummary:
        """Import an export file (officers); the summary of what was read and done."""
        await self.access.require(actor, Action.IMPORT_CRIME_DATA, target=path.name)
        started = self.clock.now()
        opened = open_file(
            path,
            zone=self.settings.zone,
            taxonomy=self.taxonomy(),
            mapping=mapping,
            date_format=date_format,
            max_bytes=self.settings.data_import_max_mb * MB,
            now=started,
        )
        summary = ImportSummary(
            file_name=path.name,
            source=clean_source(source or default_source(opened.reader.layout)),
            layout=opened.reader.layout,
            columns=dict(opened.reader.columns),
            dry_run=dry_run,
        )
        importer = Importer(
            self.db, self.clock, zone=self.settings.zone, town=self.settings.town_box
        )
        try:
            await importer.run(opened, summary, progress=progress)
        finally:
            opened.reader.close()
        if not dry_run:
            await tidy_after_import(self.db)
            await importer.log(summary, started, actor.label)
            await self.audit.record(
                actor,
                Action.IMPORT_CRIME_DATA.value,
                target=summary.source,
                detail=f"{path.name}: read {summary.rows_read}, added {summary.added}, "
                f"updated {summary.updated}, skipped {summary.problem_count}",
            )
        return summary

    async def set_area(
        self, actor: Actor, code: str, shape: Shape, *, claim: Claim | None = None
    ) -> AreaChange:
        """Set a group's area and place every incident already imported in it again; with
        `claim`, the flow step it was confirmed from is taken in the same transaction."""
        group = await self.groups.by_code(code)
        await self.access.require(actor, Action.SET_AREA, group_id=group.id, target=group.code)
        town = self.settings.town_box
        if town is not None and not _overlaps(shape, town):
            raise InvalidInput(
                "That area lies outside the town (TOWN_BOUNDS): is the pin or the file right? "
                "GeoJSON gives longitude first, then latitude."
            )
        async with self.db.transaction() as session:
            await take_in(session, claim)
            record = AreaRecord(
                group_id=group.id,
                kind=shape.kind,
                geojson=shape.geojson,
                center_lat=shape.center_lat,
                center_lon=shape.center_lon,
                radius_m=shape.radius_m,
                south=shape.south,
                west=shape.west,
                north=shape.north,
                east=shape.east,
                area_km2=shape.area_km2,
                set_at=self.clock.now(),
                set_by=actor.label[:100],
            )
            await AreaRepository(session).put(record)
            repo = IncidentRepository(session)
            await repo.clear_group(group.id)
            placer = Placer([(group.id, shape)])
            places = [
                (group.id, p.id, p.day, p.category)
                for p in await repo.points_in_box(shape.south, shape.west, shape.north, shape.east)
                if inside_box(p.lat, p.lon, town) and placer.groups_for(p.lat, p.lon)
            ]
            await repo.place_many(places)
            await self.audit.record_in(
                session,
                actor,
                Action.SET_AREA.value,
                target=group.code,
                detail=f"{shape.kind}, {shape.area_km2:.2f} km², {len(places)} incidents",
            )
        return AreaChange(group, shape.area_km2, len(places))

    async def area(self, code: str) -> AreaRecord | None:
        """A group's area, if set."""
        group = await self.groups.by_code(code)
        async with self.db.transaction() as session:
            return await AreaRepository(session).get(group.id)

    async def stats_scopes(self, actor: Actor) -> list[GroupRecord]:
        """The groups whose figures the actor may see by default: their own active groups."""
        if actor.telegram_user_id is None:
            return []
        mine = await self.groups.my_groups(actor.telegram_user_id)
        return [g for g, m in mine if m.status == "active"]

    async def facts(
        self, actor: Actor, *, code: str | None = None, category: str | None = None
    ) -> tuple[Facts | None, GroupRecord | None]:
        """The facts for a group's area (code), the actor's own group, or the town (officers,
        code 'town'); (None, group) when the group has no area on the map."""
        group: GroupRecord | None
        if code is not None and code.strip().lower() in ("town", "all"):
            if not allowed(actor, Action.VIEW_TOWN_STATS):
                await self.access.require(actor, Action.VIEW_TOWN_STATS, target="town")
            group = None
        elif code is not None:
            group = await self.groups.by_code(code)
            own = [g.id for g in await self.stats_scopes(actor)]
            if group.id not in own and not actor.is_officer:
                refusal = REFUSALS[Action.VIEW_GROUP_STATS]
                await self.audit.record(
                    actor,
                    Action.VIEW_GROUP_STATS.value,
                    target=group.code,
                    outcome="refused",
                    detail=refusal,
                )
                raise PermissionDenied(refusal)
        else:
            own_groups = await self.stats_scopes(actor)
            if own_groups:
                group = own_groups[0]
            elif actor.is_officer:
                group = None
            else:
                raise NotFound(
                    "The figures are for your watch group's area: join your group first "
                    "(/join), then send /stats again."
                )
        today = self.clock.now().astimezone(self.settings.zone).date()
        town_km2 = _box_km2(self.settings.town_box)
        async with self.db.transaction() as session:
            area = await AreaRepository(session).get(group.id) if group is not None else None
            if group is not None and area is None:
                return None, group
            facts = await gather(
                IncidentRepository(session),
                today=today,
                scope=group.name if group is not None else "The town",
                group_id=group.id if group is not None else None,
                category=category,
                area_km2=area.area_km2 if area is not None else town_km2,
                town_km2=town_km2,
            )
        return facts, group

    async def alert_numbers(self, actor: Actor, text: str, *, code: str | None) -> str | None:
        """The line of local numbers an alert about a crime type can carry, for a group's area
        (code) or the town (None): the type's last 30 days and the 30 before, as /stats counts
        them. None when the text names no type, the group has no area, or nothing was counted."""
        category = mentioned(text)
        if category is None:
            return None
        facts, group = await self.facts(actor, code=code or "town", category=category)
        if facts is None or facts.data_until is None:
            return None
        current, previous = facts.current.get(category, 0), facts.previous.get(category, 0)
        if current + previous == 0:
            return None
        name = group.name if group is not None else None
        return numbers_line(category, current, previous, name, facts.last)

    def chart(self, facts: Facts) -> bytes:
        """The weekly chart of the facts (PNG)."""
        from core.crimedata.charts import weekly_chart

        return weekly_chart(facts.weeks, facts.weekly, CATEGORIES, messages.chart_title(facts))


def _overlaps(shape: Shape, box: tuple[float, float, float, float]) -> bool:
    south, west, north, east = box
    return not (
        shape.north < south or shape.south > north or shape.east < west or shape.west > east
    )


def _box_km2(box: tuple[float, float, float, float] | None) -> float | None:
    if box is None:
        return None
    south, west, north, east = box
    per_lat, per_lon = metres_per_degree((south + north) / 2)
    return (north - south) * per_lat * (east - west) * per_lon / 1e6


__all__ = ["AreaChange", "CrimeData", "parse_category", "shape_of"]
