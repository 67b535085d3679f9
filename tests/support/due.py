"""Helpers for what is due: UTC moments and one run of the scheduler's minute job."""

from __future__ import annotations

from datetime import UTC, datetime

from scheduler import due_jobs
from tests.support.harness import TelegramHarness


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def tick(tg: TelegramHarness) -> None:
    """One run of the scheduler's minute job, then delivery."""
    await due_jobs.calendar_tick(tg.services)
    await tg.deliver()
