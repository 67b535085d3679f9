"""Chat flows: where a private chat stands in a multi-step conversation.

A chat's row outlives its flows: a flow that ends leaves the row with no flow (`ENDED`) and the
version counting on, so a button made for an earlier flow never matches a later one's version
(a new flow starting at version 1 again would let an old preview's Send confirm a new draft).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.flows.models import ChatFlow
from storage.flows.records import FlowRecord

ENDED = ""  # the flow name of a chat that is in no flow


class FlowRepository:
    """Reads and writes `chat_flows`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, chat_id: int) -> FlowRecord | None:
        """The chat's current flow, if any."""
        row = await self.session.get(ChatFlow, chat_id)
        if row is None or row.flow == ENDED:
            return None
        return FlowRecord(
            row.chat_id, row.flow, row.step, json.loads(row.data), row.updated_at, row.version
        )

    async def put(
        self, chat_id: int, flow: str, step: str, data: dict[str, Any], now: datetime
    ) -> int:
        """Start or advance the chat's flow; returns its new version."""
        encoded = json.dumps(data, separators=(",", ":"))
        version = await self.session.scalar(
            update(ChatFlow)
            .where(ChatFlow.chat_id == chat_id)
            .values(
                flow=flow, step=step, data=encoded, updated_at=now, version=ChatFlow.version + 1
            )
            .returning(ChatFlow.version)
            .execution_options(synchronize_session=False)
        )
        if version is None:
            self.session.add(
                ChatFlow(
                    chat_id=chat_id, flow=flow, step=step, data=encoded, updated_at=now, version=1
                )
            )
            await self.session.flush()
            version = 1
        return int(version)

    async def take(self, chat_id: int, flow: str, version: int) -> bool:
        """End the chat's flow only if it is still this flow at this version: True for the one
        caller that took it (concurrent callers wait on the row and then find it ended)."""
        result = await self.session.execute(
            self._end().where(
                ChatFlow.chat_id == chat_id, ChatFlow.flow == flow, ChatFlow.version == version
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def clear(self, chat_id: int) -> bool:
        """End the chat's flow; False when there was none."""
        result = await self.session.execute(
            self._end().where(ChatFlow.chat_id == chat_id, ChatFlow.flow != ENDED)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def delete(self, chat_id: int) -> bool:
        """Remove the chat's row altogether (/forget); False when there was none."""
        result = await self.session.execute(delete(ChatFlow).where(ChatFlow.chat_id == chat_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    @staticmethod
    def _end() -> Any:
        # What the step held goes with it; the version moves on past every button made for it.
        return (
            update(ChatFlow)
            .values(flow=ENDED, step=ENDED, data="{}", version=ChatFlow.version + 1)
            .execution_options(synchronize_session=False)
        )
