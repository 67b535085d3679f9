"""Multi-step conversations whose state is stored, so a restart mid-flow loses nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.errors import AlreadyDone
from storage.engine import Database
from storage.flows.records import FlowRecord
from storage.flows.repositories import FlowRepository

__all__ = ["INTERRUPTED", "RESUMED", "Claim", "FlowRecord", "FlowService", "interrupted", "take_in"]


STEP_LIFETIME = timedelta(days=7)
# In a step put back after an interruption: the version its buttons were made for, which they
# still carry (the step's next change drops it).
RESUMED = "_resumed_version"
# In a step that interrupted another (the urgent offer): the interrupted step, kept whole
# ({"flow", "step", "data", "version"}) until it is put back.
INTERRUPTED = "resume"


def interrupted(flow: FlowRecord | None) -> FlowRecord | None:
    """The step the chat's current step interrupted and holds, if any: a button of that
    step (pressed from its message above) can still find what it stored."""
    held = flow.data.get(INTERRUPTED) if flow is not None else None
    if flow is None or not isinstance(held, dict) or not isinstance(held.get("data"), dict):
        return None
    version = held.get("version")
    return FlowRecord(
        flow.chat_id,
        str(held.get("flow", "")),
        str(held.get("step", "")),
        dict(held["data"]),
        flow.updated_at,
        int(version) if isinstance(version, int) else 0,
    )


@dataclass(frozen=True, slots=True)
class Claim:
    """A confirm button's claim on the stored step it was made for: the chat, the flow and
    the flow's version when the button was sent."""

    chat_id: int
    flow: str
    version: int


async def take_in(session: AsyncSession, claim: Claim | None) -> None:
    """Take the claimed step in the caller's transaction, the one that carries out the confirm:
    it ends the flow, so a second press, a concurrent one or a stale button finds nothing to take
    and raises AlreadyDone, and the transaction (the confirm's effect) rolls back."""
    if claim is not None and not await FlowRepository(session).take(
        claim.chat_id, claim.flow, claim.version
    ):
        raise AlreadyDone()


class FlowService:
    """Where each private chat stands in a flow (registration edits, group creation, ...)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def get(self, chat_id: int) -> FlowRecord | None:
        """The chat's current flow; a step left untouched for a week has expired (a message
        a week later is not the answer to an old question) and is removed."""
        async with self.db.transaction() as session:
            repo = FlowRepository(session)
            flow = await repo.get(chat_id)
            if flow is not None and self.clock.now() - flow.updated_at > STEP_LIFETIME:
                await repo.clear(chat_id)
                return None
            return flow

    async def put(
        self, chat_id: int, flow: str, step: str, data: dict[str, Any] | None = None
    ) -> int:
        """Start a flow or move it to a step; returns the flow's new version."""
        kept = {k: v for k, v in (data or {}).items() if k != RESUMED}
        async with self.db.transaction() as session:
            return await FlowRepository(session).put(chat_id, flow, step, kept, self.clock.now())

    async def resume(
        self, chat_id: int, flow: str, step: str, data: dict[str, Any], version: int | None
    ) -> int:
        """Put back a step that something else interrupted (the urgent offer): the buttons
        of its message, made for `version`, work again until the step next changes."""
        kept = {k: v for k, v in data.items() if k != RESUMED}
        if version is not None:
            kept[RESUMED] = version
        async with self.db.transaction() as session:
            return await FlowRepository(session).put(chat_id, flow, step, kept, self.clock.now())

    async def clear(self, chat_id: int) -> bool:
        """Leave the chat's flow; False when there was none."""
        async with self.db.transaction() as session:
            return await FlowRepository(session).clear(chat_id)
