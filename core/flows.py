"""Multi-step conversations whose state is stored, so a restart mid-flow loses nothing."""

from __future__ import annotations

from typing import Any

from core.clock import Clock
from storage.engine import Database
from storage.flows.records import FlowRecord
from storage.flows.repositories import FlowRepository

__all__ = ["FlowRecord", "FlowService"]


class FlowService:
    """Where each private chat stands in a flow (registration edits, group creation, ...)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def get(self, chat_id: int) -> FlowRecord | None:
        """The chat's current flow."""
        async with self.db.transaction() as session:
            return await FlowRepository(session).get(chat_id)

    async def put(
        self, chat_id: int, flow: str, step: str, data: dict[str, Any] | None = None
    ) -> None:
        """Start a flow or move it to a step."""
        async with self.db.transaction() as session:
            await FlowRepository(session).put(chat_id, flow, step, data or {}, self.clock.now())

    async def clear(self, chat_id: int) -> bool:
        """Leave the chat's flow; False when there was none."""
        async with self.db.transaction() as session:
            return await FlowRepository(session).clear(chat_id)
