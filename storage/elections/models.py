"""Election tables: elections, candidates and votes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class Election(Base):
    """A group's election of its leader (round 2 is a runoff between those who tied)."""

    __tablename__ = "elections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("watch_groups.id", ondelete="CASCADE"), index=True
    )
    # "open", then "closed" (a winner), "no_winner" (no candidates or a second tie), or
    # "runoff" (a tie sent to a new round).
    status: Mapped[str] = mapped_column(String(12))
    round: Mapped[int] = mapped_column(Integer, default=1)
    runoff_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("elections.id", ondelete="SET NULL")
    )
    opened_by: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    winner_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    runner_up_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    # Votes per candidate at the close, as JSON {member id: votes}; names are looked up when
    # shown, so a forgotten member's name is not kept here.
    tally: Mapped[str] = mapped_column(Text, default="{}")
    # "" until an officer reviews the result: "certified" or "overturned".
    review: Mapped[str] = mapped_column(String(12), default="")
    reviewed_by: Mapped[str] = mapped_column(String(100), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_note: Mapped[str] = mapped_column(String(300), default="")


class ElectionCandidate(Base):
    """A nomination: `nominated` until the nominee accepts or declines."""

    __tablename__ = "election_candidates"
    __table_args__ = (UniqueConstraint("election_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    nominated_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ElectionVote(Base):
    """A member's one vote in an election, changeable until the close."""

    __tablename__ = "election_votes"
    __table_args__ = (UniqueConstraint("election_id", "voter_member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"))
    voter_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    candidate_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
