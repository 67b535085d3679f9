"""The migrations build exactly the schema the models describe, on both back ends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from storage.engine import Database
from storage.migrate import current_revision, upgrade
from storage.schema import Base


async def test_migrated_schema_matches_models(database: Database, database_url: str) -> None:
    def diff(conn: Any) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with database.engine.connect() as conn:
        assert await conn.run_sync(diff) == []
    assert await current_revision(database_url) is not None


async def test_upgrade_is_idempotent(database_url: str) -> None:
    before = await current_revision(database_url)
    await upgrade(database_url)
    assert await current_revision(database_url) == before


async def test_sqlite_runs_in_wal_with_a_busy_timeout(tmp_path: Any) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/wal.db")
    async with db.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 10_000
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    await db.dispose()
