"""Flow records: where a chat stands in a multi-step conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FlowRecord:
    """A chat's place in a multi-step flow."""

    chat_id: int
    flow: str
    step: str
    data: dict[str, object]
    updated_at: datetime
    version: int = 0
