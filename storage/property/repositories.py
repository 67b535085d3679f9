"""Operation Identification: Operation ID numbers, register items and their photos."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.property.models import PropertyCounter, PropertyItem, PropertyOwner, PropertyPhoto
from storage.property.records import ItemRecord

# Columns a caller may change through `update`.
EDITABLE = frozenset({"item", "make", "model", "serial", "marking", "value_cents", "notes"})
COUNTER = "operation_id"


def to_record(row: PropertyItem, photos: Iterable[str] = ()) -> ItemRecord:
    """Copy an ORM row into a plain record."""
    return ItemRecord(
        id=row.id,
        member_id=row.member_id,
        item=row.item,
        make=row.make,
        model=row.model,
        serial=row.serial,
        marking=row.marking,
        value_cents=row.value_cents,
        notes=row.notes,
        created_at=row.created_at,
        updated_at=row.updated_at,
        stolen_at=row.stolen_at,
        tip_reference=row.tip_reference,
        photos=tuple(photos),
    )


class PropertyRepository:
    """Reads and writes `property_owners`, `property_counters`, `property_items` and
    `property_photos`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Operation ID numbers

    async def number_of(self, member_id: int) -> int | None:
        """The member's Operation ID number, if one was issued."""
        return await self.session.scalar(
            select(PropertyOwner.number).where(PropertyOwner.member_id == member_id)
        )

    async def issue_number(self, member_id: int, now: datetime) -> int:
        """The member's Operation ID number, issued now if they had none (numbers count up
        and are never reused, so a number engraved on a forgotten member's things stays
        theirs alone)."""
        found = await self.number_of(member_id)
        if found is not None:
            return found
        insert = (
            pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        statement = (
            insert(PropertyCounter)
            .values(name=COUNTER, last=1)
            .on_conflict_do_update(index_elements=["name"], set_={"last": PropertyCounter.last + 1})
            .returning(PropertyCounter.last)
        )
        number = int((await self.session.execute(statement)).scalar_one())
        self.session.add(PropertyOwner(member_id=member_id, number=number, created_at=now))
        await self.session.flush()
        return number

    # Items

    async def _photos(self, item_ids: list[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {i: [] for i in item_ids}
        if not item_ids:
            return found
        rows = await self.session.execute(
            select(PropertyPhoto.item_id, PropertyPhoto.file_id)
            .where(PropertyPhoto.item_id.in_(item_ids))
            .order_by(PropertyPhoto.id)
        )
        for item_id, file_id in rows:
            found[item_id].append(file_id)
        return found

    async def add(
        self, *, member_id: int, now: datetime, photos: Iterable[str] = (), **values: Any
    ) -> ItemRecord:
        """Write an item with its photos."""
        row = PropertyItem(member_id=member_id, created_at=now, updated_at=now, **values)
        self.session.add(row)
        await self.session.flush()
        kept = list(photos)
        for file_id in kept:
            self.session.add(PropertyPhoto(item_id=row.id, file_id=file_id, added_at=now))
        await self.session.flush()
        return to_record(row, kept)

    async def get(self, item_id: int) -> ItemRecord | None:
        """An item by id, whoever's it is (the caller checks the owner)."""
        row = await self.session.get(PropertyItem, item_id)
        if row is None:
            return None
        return to_record(row, (await self._photos([row.id]))[row.id])

    async def for_member(self, member_id: int) -> list[ItemRecord]:
        """A member's register, oldest first (an item's position is its place in this list)."""
        rows = list(
            await self.session.scalars(
                select(PropertyItem)
                .where(PropertyItem.member_id == member_id)
                .order_by(PropertyItem.id)
            )
        )
        photos = await self._photos([r.id for r in rows])
        return [to_record(r, photos[r.id]) for r in rows]

    async def count_for_member(self, member_id: int) -> int:
        """How many items a member's register holds."""
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(PropertyItem)
                .where(PropertyItem.member_id == member_id)
            )
            or 0
        )

    async def update(self, item_id: int, member_id: int, now: datetime, **values: Any) -> bool:
        """Change an item of this member's; False when there was none."""
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        result = await self.session.execute(
            update(PropertyItem)
            .where(PropertyItem.id == item_id, PropertyItem.member_id == member_id)
            .values(updated_at=now, **values)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def add_photo(self, item_id: int, file_id: str, now: datetime) -> None:
        """Attach a photo to an item."""
        self.session.add(PropertyPhoto(item_id=item_id, file_id=file_id, added_at=now))
        await self.session.flush()

    async def remove_photos(self, item_id: int) -> int:
        """Remove every photo of an item; returns how many went."""
        result = await self.session.execute(
            delete(PropertyPhoto).where(PropertyPhoto.item_id == item_id)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def mark_stolen(
        self, item_ids: list[int], member_id: int, now: datetime, tip_reference: str
    ) -> int:
        """Mark these items of this member's stolen (those not already); returns how many."""
        result = await self.session.execute(
            update(PropertyItem)
            .where(
                PropertyItem.id.in_(item_ids),
                PropertyItem.member_id == member_id,
                PropertyItem.stolen_at.is_(None),
            )
            .values(stolen_at=now, updated_at=now, tip_reference=tip_reference)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def delete_one(self, item_id: int, member_id: int) -> bool:
        """Delete an item of this member's with its photos; False when there was none."""
        owned = await self.session.scalar(
            select(PropertyItem.id).where(
                PropertyItem.id == item_id, PropertyItem.member_id == member_id
            )
        )
        if owned is None:
            return False
        await self.remove_photos(item_id)
        await self.session.execute(delete(PropertyItem).where(PropertyItem.id == item_id))
        return True

    async def delete_for_member(self, member_id: int) -> int:
        """/forget: the member's whole register and their Operation ID number; returns how
        many items went."""
        ids = list(
            await self.session.scalars(
                select(PropertyItem.id).where(PropertyItem.member_id == member_id)
            )
        )
        if ids:
            await self.session.execute(delete(PropertyPhoto).where(PropertyPhoto.item_id.in_(ids)))
            await self.session.execute(delete(PropertyItem).where(PropertyItem.id.in_(ids)))
        await self.session.execute(
            delete(PropertyOwner).where(PropertyOwner.member_id == member_id)
        )
        return len(ids)
