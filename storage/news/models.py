"""The news items table (the safety news calendar)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class NewsItem(Base):
    """A safety news item in the content library, with its publishing schedule."""

    __tablename__ = "news_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Starter items carry a slug so that seeding the library never adds one twice.
    slug: Mapped[str | None] = mapped_column(String(40), unique=True)
    topic: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    # "weekly:tue", "monthly:1", "yearly:12-15", "once:2026-12-20", or "" (not scheduled).
    schedule: Mapped[str] = mapped_column(String(32), default="")
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
