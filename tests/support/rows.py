"""Reading rows back in tests: one helper per question, for a harness, services or a database."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import inspect, select

from core.services import Services
from storage.audit.models import AuditEntry
from storage.delivery.models import Delivery, Notification
from storage.engine import Database
from tests.support.harness import TelegramHarness

Model = TypeVar("Model")
Source = TelegramHarness | Services | Database


def database(source: Source) -> Database:
    """The database behind a harness, the services or the database itself."""
    if isinstance(source, TelegramHarness):
        return source.services.db
    if isinstance(source, Services):
        return source.db
    return source


async def rows(source: Source, model: type[Model], *where: Any) -> list[Model]:
    """Every row of a table (matching the conditions), oldest first."""
    query = select(model).where(*where).order_by(*inspect(model).primary_key)
    async with database(source).transaction() as session:
        return list(await session.scalars(query))


async def audit_rows(source: Source) -> list[AuditEntry]:
    """Every audit-log row, oldest first."""
    return await rows(source, AuditEntry)


async def audit_actions(source: Source, outcome: str | None = None) -> list[str]:
    """The audit log's actions, oldest first (only those with this outcome)."""
    return [r.action for r in await audit_rows(source) if outcome is None or r.outcome == outcome]


async def deliveries(source: Source) -> list[Delivery]:
    """Every delivery row, oldest first."""
    return await rows(source, Delivery)


async def notifications(source: Source, kind: str | None = None) -> list[Notification]:
    """Notifications (of a kind), oldest first."""
    return await rows(source, Notification, *([Notification.kind == kind] if kind else []))
