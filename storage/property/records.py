"""Plain records of the Operation Identification tables (repositories never hand out ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """An item of a member's register, with its photos (Telegram file ids, oldest first)."""

    id: int
    member_id: int
    item: str
    make: str | None
    model: str | None
    serial: str | None
    marking: str | None
    value_cents: int | None
    notes: str | None
    created_at: datetime
    updated_at: datetime
    stolen_at: datetime | None
    tip_reference: str | None
    photos: tuple[str, ...] = field(default=())

    @property
    def stolen(self) -> bool:
        """Reported stolen."""
        return self.stolen_at is not None
