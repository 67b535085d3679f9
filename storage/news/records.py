"""News records as the news service reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class NewsRecord:
    """A news item in the content library."""

    id: int
    slug: str | None
    topic: str
    title: str
    body: str
    schedule: str
    paused: bool
    next_at: datetime | None
    last_published_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
