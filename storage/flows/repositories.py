"""Chat flows: where a private chat stands in a multi-step conversation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.flows.models import ChatFlow
from storage.flows.records import FlowRecord


class FlowRepository:
    """Reads and writes `chat_flows`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, chat_id: int) -> FlowRecord | None:
        """The chat's current flow, if any."""
        row = await self.session.get(ChatFlow, chat_id)
        if row is None:
            return None
        return FlowRecord(row.chat_id, row.flow, row.step, json.loads(row.data), row.updated_at)

    async def put(
        self, chat_id: int, flow: str, step: str, data: dict[str, Any], now: datetime
    ) -> None:
        """Start or advance the chat's flow."""
        row = await self.session.get(ChatFlow, chat_id)
        encoded = json.dumps(data, separators=(",", ":"))
        if row is None:
            self.session.add(
                ChatFlow(chat_id=chat_id, flow=flow, step=step, data=encoded, updated_at=now)
            )
        else:
            row.flow, row.step, row.data, row.updated_at = flow, step, encoded, now
        await self.session.flush()

    async def clear(self, chat_id: int) -> bool:
        """End the chat's flow; False when there was none."""
        result = await self.session.execute(delete(ChatFlow).where(ChatFlow.chat_id == chat_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]
