"""The officers' morning hotspot alert on a frozen clock, through the real services and the
fake Bot API: on a day with a cell that rose in the last 7 days against the 28 before, each
officer gets one message naming its street however often the job runs; nothing on a quiet day;
nothing the next day for the same cluster, and a message again when a new cell rises."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from core.clock import FrozenClock
from core.permissions import Actor
from core.settings import Settings
from scheduler.crimedata_jobs import hotspot_alert, triggers
from tests.conftest import OFFICER_ID, make_settings
from tests.crimedata.hotspot_town import TODAY, TOWN, Export, cell
from tests.support.chat import count_received, sent_to
from tests.support.due import tick
from tests.support.harness import TelegramHarness

SECOND_OFFICER = 900002
HEAD = "more than chance in the last 7 days"
MAPLE = "012XX W MAPLE ST"
OAK = "034XX S OAK AVE"


@pytest.fixture
def settings() -> Settings:
    """The town's bounds set, so that the grid is the one the test writes on."""
    return make_settings(town_bounds=TOWN)


def alerts(tg: TelegramHarness, chat: int) -> list[str]:
    """The hotspot alerts a chat got, oldest first."""
    return [t for t in sent_to(tg, chat) if HEAD in t]


def quiet_town() -> Export:
    """Five weeks of one incident a week in every cell: nothing stands out."""
    export = Export()
    export.background(days=35, every=7)
    return export


async def test_a_rise_is_told_once_to_each_officer_and_not_again_the_next_day(
    tg: TelegramHarness, clock: FrozenClock, tmp_path: Path
) -> None:
    await tg.services.officers.add(Actor.system("test"), SECOND_OFFICER)
    export = quiet_town()
    export.cluster(cell(2, 3), 14, "BURGLARY", MAPLE)  # two a day, Nov 25 to Dec 1
    await export.imported(tg.services, tmp_path / "week1.csv")

    # Tuesday 10:00, after 07:15: the job twice and the calendar tick send one message.
    await hotspot_alert(tg.services)
    await hotspot_alert(tg.services)
    await tick(tg)
    await tg.deliver()
    for officer in (OFFICER_ID, SECOND_OFFICER):
        [alert] = alerts(tg, officer)
        assert "Hotspots: 1 cell rose" in alert
        assert "W Maple St" in alert and "15 incidents" in alert  # 14 and the weekly one
        assert "1.0 a week before" in alert
        assert "/hotspots for the map" in alert
        assert "W Row" not in alert.replace("W Maple St / W Row", "")  # no background cell

    # Wednesday: the same cluster is still in the 7 days, and is not news.
    clock.advance(days=1)
    await hotspot_alert(tg.services)
    await tick(tg)
    assert count_received(tg, OFFICER_ID, HEAD) == 1

    # Thursday: a new cell rises (imported overnight); the alert names it, and says the
    # Maple St cell was told already.
    clock.advance(days=1)
    newer = Export()
    for i in range(8):
        newer.add(cell(4, 1), TODAY + timedelta(days=2) - timedelta(days=i % 5), "THEFT", OAK)
    await newer.imported(tg.services, tmp_path / "week2.csv", start=len(export.rows))
    await hotspot_alert(tg.services)
    await tick(tg)
    for officer in (OFFICER_ID, SECOND_OFFICER):
        assert count_received(tg, officer, HEAD) == 2
        latest = alerts(tg, officer)[-1]
        assert "Hotspots: 2 cells rose" in latest
        assert "S Oak Ave" in latest
        maple = next(line for line in latest.splitlines() if "W Maple St" in line)
        assert "in an alert this week already" in maple


async def test_nothing_on_a_quiet_day(
    tg: TelegramHarness, clock: FrozenClock, tmp_path: Path
) -> None:
    await quiet_town().imported(tg.services, tmp_path / "quiet.csv")
    await hotspot_alert(tg.services)
    await tick(tg)
    assert alerts(tg, OFFICER_ID) == []
    # The day was looked at once: a rise imported later that day waits for tomorrow.
    assert await tg.services.hotspots.send_alert() is None
    export = Export()
    export.cluster(cell(0, 0), 8, "BURGLARY", MAPLE)
    await export.imported(tg.services, tmp_path / "late.csv", start=10_000)
    await hotspot_alert(tg.services)
    await tick(tg)
    assert alerts(tg, OFFICER_ID) == []
    clock.advance(days=1)
    await tick(tg)
    assert len(alerts(tg, OFFICER_ID)) == 1


async def test_before_the_alert_time_nothing_is_sent(
    tg: TelegramHarness, clock: FrozenClock, tmp_path: Path
) -> None:
    export = quiet_town()
    export.cluster(cell(2, 3), 8, "BURGLARY", MAPLE)
    await export.imported(tg.services, tmp_path / "week1.csv")
    await tick(tg)  # Tuesday 10:00: today's alert
    assert len(alerts(tg, OFFICER_ID)) == 1
    clock.advance(hours=20)  # Wednesday 06:00: tomorrow's not yet due
    assert await tg.services.hotspots.send_alert() is None
    assert len(alerts(tg, OFFICER_ID)) == 1


def test_the_job_runs_at_the_alert_time() -> None:
    services = SimpleNamespace(settings=make_settings(hotspot_alert_time="6:40"))
    trigger = triggers(services)  # type: ignore[arg-type]
    assert str(trigger["hotspot_alert"]) == "cron[hour='6', minute='40']"
    assert make_settings().hotspot_alert_time == "07:15"
