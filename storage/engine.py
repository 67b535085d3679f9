"""Engine and transactions for SQLite (the embedded default) and PostgreSQL.

SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` for every transaction: with aiosqlite a
deferred BEGIN ignores the busy timeout when a read later turns into a write, so two writers
would fail with "database is locked" instead of waiting their turn.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 10_000

# asyncpg's errors for a server that went away, is shutting down or starting up (matched by
# name, so that this module needs no asyncpg import on SQLite-only installs).
_ASYNCPG_GONE = frozenset(
    {
        "AdminShutdownError",
        "CannotConnectNowError",
        "ConnectionDoesNotExistError",
        "ConnectionFailureError",
        "ConnectionRejectionError",
        "CrashShutdownError",
        "TooManyConnectionsError",
    }
)


def unavailable(error: BaseException) -> bool:
    """Whether an error means the database could not be reached for now (a server restarting,
    a dropped connection, a file locked past the busy timeout), as opposed to a bug."""
    seen: BaseException | None = error
    for _ in range(10):  # the cause chain, which is short
        if seen is None:
            return False
        if isinstance(seen, OSError):  # refused, reset, timed out
            return True
        if isinstance(seen, DBAPIError) and (
            seen.connection_invalidated or isinstance(seen, OperationalError | InterfaceError)
        ):
            return True
        if type(seen).__name__ in _ASYNCPG_GONE:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def is_sqlite(url: str) -> bool:
    """Whether a database URL names SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the async engine with the connection settings each back end needs.

    Parameters are hidden from SQLAlchemy's error messages: they hold phone numbers and names,
    which must never reach a log.
    """
    kwargs.setdefault("hide_parameters", True)
    if is_sqlite(url):
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        # SQLite has one writer at a time and every transaction here writes (BEGIN
        # IMMEDIATE): one connection lets writers queue in the pool, in order, instead of in
        # SQLite's busy loop, which sleeps up to 100 ms between tries.
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        engine = create_async_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The engine plus a session factory; `transaction()` is the unit of work."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """Whether this database is SQLite."""
        return is_sqlite(self.url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def ping(self) -> bool:
        """True when a trivial query succeeds."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
