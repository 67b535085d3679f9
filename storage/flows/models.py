"""The table of chats' stored flows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class ChatFlow(Base):
    """Where a private chat stands in a multi-step flow, kept so a restart loses nothing."""

    __tablename__ = "chat_flows"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Raised by every change of step or data: buttons carry it, so a confirm takes the step it
    # was made for, once, and a button from an older preview is recognised as stale.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
