"""Operation Identification: each member's private register of valuables (item, make, model,
serial number, marking, estimated value, photos, notes) and the Operation ID number the service
issues them to engrave on their things.

Nobody but the member reads a register: officers see an item only once its owner reports it
stolen, and then through the tip that report files (the item keeps the tip's reference).
/forget deletes the register and the number.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class PropertyOwner(Base):
    """The Operation ID number issued to a member (once; never handed out again)."""

    __tablename__ = "property_owners"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    number: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PropertyCounter(Base):
    """The last Operation ID number handed out (one row)."""

    __tablename__ = "property_counters"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class PropertyItem(Base):
    """One item of a member's register."""

    __tablename__ = "property_items"
    __table_args__ = (Index("ix_property_items_member", "member_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    item: Mapped[str] = mapped_column(String(80))
    make: Mapped[str | None] = mapped_column(String(60))
    model: Mapped[str | None] = mapped_column(String(60))
    serial: Mapped[str | None] = mapped_column(String(60))
    # The marking applied: usually the member's Operation ID number, engraved.
    marking: Mapped[str | None] = mapped_column(String(60))
    value_cents: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Reported stolen: when, and the tip that told officers.
    stolen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tip_reference: Mapped[str | None] = mapped_column(String(20))


class PropertyPhoto(Base):
    """A photo of an item: a Telegram file id of a picture without metadata (Telegram
    re-encodes photos; image files are stripped before they are re-sent)."""

    __tablename__ = "property_photos"
    __table_args__ = (Index("ix_property_photos_item", "item_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("property_items.id", ondelete="CASCADE"))
    file_id: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
