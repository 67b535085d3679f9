"""Apply Alembic migrations from code (`crimewatch db upgrade`, start-up, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from storage.engine import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database at `url` up to `revision`."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_upgrade, url, revision)
            await conn.commit()
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def current_revision(url: str) -> str | None:
    """The revision the database is at (several heads joined by commas, sorted), or None when
    it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            heads = await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_heads())
            return ",".join(sorted(heads)) or None
    finally:
        await engine.dispose()
