"""The sandbox's demo data, written through the same services the bot and the CLI use.

One watch group (Bridgeport, code BRIDGEPORT) with an elected leader, its residents, a meeting
next week, and, where the shared Chicago file is found, its 949 real incidents with the group's
area drawn around them, so that /stats and /hotspots have something to show.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.sandbox.people import SEEDED, Person
from core.crimedata.areas import circle
from core.meetings.service import MeetingDraft
from core.permissions import Actor
from core.services import Services

log = logging.getLogger(__name__)

SEED_ACTOR = Actor.system("sandbox seed")
GROUP_CODE = "BRIDGEPORT"
GROUP_NAME = "Bridgeport"
GROUP_AREA = "Bridgeport, Chicago: the blocks between Halsted and Archer, 26th to 35th"
# The shared file's incidents lie within about 1.5 km of here.
AREA_PIN = (41.8380, -87.6460)
AREA_RADIUS_M = 2500
ADDRESSES = {
    "leader": "3100 S Halsted St",
    "ruth": "2950 S Emerald Ave",
    "sam": "3215 S Morgan St",
    "priya": "3021 S Lituanica Ave",
}
CHICAGO_FILE = "chicago_bridgeport_crime.csv"


async def seed(services: Services, people: list[Person], timezone: str) -> list[str]:
    """Write the demo data; returns what was done, a line each, for the console."""
    done: list[str] = []
    officer = next(p for p in SEEDED if p.role == "officer")
    assert officer.telegram_id is not None
    await services.officers.set_name(SEED_ACTOR, f"Officer {officer.name}", officer.telegram_id)
    residents = [p for p in people if p.telegram_id is not None and p.role != "officer"]
    for person in residents:
        uid = person.telegram_id
        assert uid is not None
        await services.members.consent(uid, uid)
        await services.members.set_name(uid, person.name)
        if person.phone:
            await services.members.set_shared_phone(uid, person.phone)
        await services.members.set_address(uid, ADDRESSES.get(person.key, "Bridgeport"))
        await services.members.set_paused(uid, False)
    done.append(f"{len(residents)} residents registered")
    group = await services.groups.create(
        SEED_ACTOR, name=GROUP_NAME, code=GROUP_CODE, area=GROUP_AREA
    )
    for person in residents:
        assert person.telegram_id is not None
        await services.groups.join(person.telegram_id, group.code)
    leader = next(p for p in residents if p.role == "leader")
    assert leader.telegram_id is not None
    leader_member = await services.access.actor(leader.telegram_id)
    assert leader_member.member is not None
    await services.groups.set_leader(SEED_ACTOR, group.code, leader_member.member.id)
    done.append(f"group {group.name} (join code {group.code}) led by {leader.name}")
    sam = next((p for p in residents if p.key == "sam"), None)
    if sam is not None and sam.telegram_id is not None:
        await services.preferences.set_channels(sam.telegram_id, "both")
        done.append(f"{sam.name} gets alerts on Telegram and by text")
    zone = ZoneInfo(timezone)
    day = (services.clock.now().astimezone(zone) + timedelta(days=7)).date()
    starts = datetime.combine(day, time(19, 0), tzinfo=zone)
    leader_actor = await services.access.actor(leader.telegram_id)
    await services.meetings.schedule(
        leader_actor,
        group.code,
        MeetingDraft(
            title="Monthly Crime Watch meeting",
            starts_at=starts,
            place="Bridgeport Library, 3400 S Halsted St",
            agenda="Package thefts on Morgan St; the new street lights; walking group",
        ),
    )
    done.append(f"a meeting on {starts:%a %b %d at %I:%M %p}")
    done.extend(await _crime_data(services, group.code))
    return done


async def _crime_data(services: Services, code: str) -> list[str]:
    found = shared_data(CHICAGO_FILE)
    if found is None:
        return [f"no crime data: {CHICAGO_FILE} was not found (set CRIMEWATCH_SHARED_DATA)"]
    summary = await services.crimedata.import_file(
        SEED_ACTOR, found, source="Chicago Data Portal (Bridgeport)"
    )
    await services.crimedata.set_area(SEED_ACTOR, code, circle(*AREA_PIN, AREA_RADIUS_M))
    return [f"crime data: {summary.lines()[0]}"]


def shared_data(name: str) -> Path | None:
    """The project's shared data file: CRIMEWATCH_SHARED_DATA, then `shared/data` beside the
    checkout or a folder above it."""
    folders: list[Path] = []
    if os.environ.get("CRIMEWATCH_SHARED_DATA"):
        folders.append(Path(os.environ["CRIMEWATCH_SHARED_DATA"]))
    here = Path(__file__).resolve()
    folders += [parent / "shared" / "data" for parent in here.parents]
    return next((f / name for f in folders if (f / name).is_file()), None)
