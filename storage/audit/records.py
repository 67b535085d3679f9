"""Audit records: one privileged action or refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit-log line."""

    id: int
    at: datetime
    actor_telegram_id: int | None
    actor_label: str
    action: str
    target: str
    outcome: str
    detail: str
