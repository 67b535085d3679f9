"""Plain, immutable records of what is due (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class DueRecord:
    """Something due at a moment."""

    id: int
    kind: str
    subject_id: int
    key: str
    due_at: datetime
    status: str
    attempts: int
