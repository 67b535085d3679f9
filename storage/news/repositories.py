"""The news content library and its publishing schedule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.news.models import NewsItem
from storage.news.records import NewsRecord


def news_record(row: NewsItem) -> NewsRecord:
    """Copy an ORM row into a plain record."""
    return NewsRecord(
        id=row.id,
        slug=row.slug,
        topic=row.topic,
        title=row.title,
        body=row.body,
        schedule=row.schedule,
        paused=row.paused,
        next_at=row.next_at,
        last_published_at=row.last_published_at,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class NewsRepository:
    """Reads and writes `news_items`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, **values: Any) -> NewsRecord:
        """Add an item."""
        row = NewsItem(**values)
        self.session.add(row)
        await self.session.flush()
        return news_record(row)

    async def get(self, item_id: int) -> NewsRecord | None:
        """An item by id."""
        row = await self.session.get(NewsItem, item_id, populate_existing=True)
        return news_record(row) if row else None

    async def slugs(self) -> set[str]:
        """Slugs of the starter items already in the library."""
        rows = await self.session.scalars(select(NewsItem.slug).where(NewsItem.slug.is_not(None)))
        return {s for s in rows if s}

    async def all(self) -> list[NewsRecord]:
        """Every item: scheduled ones by next date, then the rest."""
        rows = await self.session.scalars(select(NewsItem).order_by(NewsItem.id))
        items = [news_record(r) for r in rows]
        return sorted(
            items,
            key=lambda i: (i.paused or i.next_at is None, i.next_at or i.created_at, i.id),
        )

    async def update(self, item_id: int, now: datetime, **values: Any) -> NewsRecord:
        """Change an item."""
        await self.session.execute(
            update(NewsItem).where(NewsItem.id == item_id).values(updated_at=now, **values)
        )
        record = await self.get(item_id)
        assert record is not None
        return record

    async def due(self, now: datetime, limit: int) -> list[NewsRecord]:
        """Active items whose next publication has come."""
        rows = await self.session.scalars(
            select(NewsItem)
            .where(
                NewsItem.paused.is_(False),
                NewsItem.next_at.is_not(None),
                NewsItem.next_at <= now,
            )
            .order_by(NewsItem.next_at, NewsItem.id)
            .limit(limit)
        )
        return [news_record(r) for r in rows]

    async def advance(
        self,
        item_id: int,
        expected: datetime,
        next_at: datetime | None,
        published_at: datetime | None,
    ) -> bool:
        """Move an item to its next publication, only if it is still at `expected` (so that a
        publication is processed once); False when another run did it first."""
        values: dict[str, Any] = {"next_at": next_at}
        if published_at is not None:
            values["last_published_at"] = published_at
        result = await self.session.execute(
            update(NewsItem)
            .where(NewsItem.id == item_id, NewsItem.next_at == expected)
            .values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
