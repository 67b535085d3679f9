"""`crimewatch data import` and `crimewatch group area` as an officer runs them in a shell, and
the import's second reading process (big files) giving the same result as reading in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

import core.crimedata.importer
from core.permissions import Actor
from core.services import Services
from storage.crimedata.models import Incident
from tests.service.test_settings_and_cli import run_cli
from tests.support.shared_data import CHICAGO


def test_import_and_areas_from_the_shell(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cw.db", "LOG_LEVEL": "WARNING"}

    def cli(*args: str) -> tuple[int, str, str]:
        done = run_cli(*args, env=env, cwd=tmp_path)
        return done.returncode, done.stdout, done.stderr

    assert cli("group", "create", "Bridgeport", "--area", "31st St", "--code", "BRIDGE")[0] == 0
    code, out, err = cli(
        "group", "area", "BRIDGE", "--circle", "41.83806,-87.6450", "--radius", "300"
    )
    assert code == 0, err
    assert "Bridgeport: area set (circle, 0.28 km²); 0 incidents already imported" in out

    code, out, err = cli("data", "import", str(CHICAGO), "--dry-run")
    assert code == 0, err
    assert "rows read 949: would add 949" in out and "dry run: nothing was written" in out

    code, out, err = cli("data", "import", str(CHICAGO))
    assert code == 0, err
    assert "chicago layout, source 'chicago'" in out
    assert "rows read 949: added 949, updated 0, unchanged 0, skipped 0" in out
    assert "6 without coordinates" in out and "placed in watch-group areas: 943" in out
    assert "949 rows read (100%)" in err  # in a pipe: progress lines, not a bar

    code, out, _err = cli("data", "import", str(CHICAGO))
    assert "added 0, updated 0, unchanged 949" in out

    polygon = tmp_path / "area.geojson"
    polygon.write_text(
        '{"type": "Polygon", "coordinates": [[[-87.6500, 41.8300], [-87.6455, 41.8300], '
        "[-87.6455, 41.8450], [-87.6500, 41.8450], [-87.6500, 41.8300]]]}"
    )
    code, out, err = cli("group", "area", "BRIDGE", str(polygon))
    assert code == 0, err
    assert "area set (polygon" in out and "incidents already imported fall in it" in out

    code, _out, err = cli("data", "import", str(CHICAGO), "--map", "type")
    assert code == 1 and "--map takes FIELD=COLUMN" in err
    code, _out, err = cli("data", "import", str(CHICAGO), "--map", "type=Offense")
    assert code == 1 and "Offense" in err
    code, _out, err = cli("data", "import", str(tmp_path / "missing.csv"))
    assert code == 1 and "missing.csv" in err
    polygon.write_text("{not json")
    code, _out, err = cli("group", "area", "BRIDGE", str(polygon))
    assert code == 1 and "not valid GeoJSON" in err
    code, _out, err = cli("group", "area", "BRIDGE", "--circle", "41.8,-87.6")
    assert code == 2 and "--radius" in err
    code, _out, err = cli("group", "area", "NOPE", "--circle", "41.8,-87.6", "--radius", "300")
    assert code == 1


async def test_a_big_file_read_in_a_second_process_imports_the_same(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.crimedata.importer, "PARALLEL_BYTES", 0)
    seen: list[tuple[int, int, int]] = []
    summary = await services.crimedata.import_file(
        Actor.system("test"), CHICAGO, progress=lambda *a: seen.append(a)
    )
    assert (summary.rows_read, summary.added, summary.problem_count) == (949, 949, 0)
    assert seen[-1] == (949, CHICAGO.stat().st_size, CHICAGO.stat().st_size)
    async with services.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Incident)) == 949
