"""Tables of the watch group's calendar: what is due, elections, meetings, vacation watch, news.

Registered on `storage.models.Base` by the import at the end of `storage.models`; the schema is
built by the migration `0005_calendar`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from storage.models import Base
from storage.types import UTCDateTime


class CalendarDue(Base):
    """One thing that becomes due at a moment: a reminder, a closing, an expiry, a daily list.

    The scheduler's tick settles each pending row once (`done`, `missed` when it is too late to
    be useful, `cancelled` when its subject went away) in the transaction that queues its
    messages. The daily and weekly lists are recorded here too, keyed by their date, so that
    a restart neither skips nor repeats them.
    """

    __tablename__ = "calendar_due"
    __table_args__ = (
        UniqueConstraint("kind", "subject_id", "key"),
        Index("ix_calendar_due_pending", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


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


class Meeting(Base):
    """A group meeting; `sequence` counts changes, as the calendar file's SEQUENCE."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("watch_groups.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12))  # "scheduled" or "cancelled"
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeetingInvitation(Base):
    """Who was invited to a meeting (or answered from /meetings), and their answer."""

    __tablename__ = "meeting_invitations"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    invited: Mapped[bool] = mapped_column(Boolean, default=True)
    answer: Mapped[str | None] = mapped_column(String(8))  # "going", "maybe", "no"
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VacationWatch(Base):
    """A resident's request for house checks while away. Sensitive: officers and the
    resident only; deleted with the member."""

    __tablename__ = "vacation_watches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(200))
    leave_on: Mapped[date] = mapped_column(Date)
    return_on: Mapped[date] = mapped_column(Date)
    emergency_name: Mapped[str] = mapped_column(String(64))
    emergency_phone: Mapped[str] = mapped_column(String(16))
    key_holder: Mapped[str] = mapped_column(String(120), default="")
    vehicles: Mapped[str] = mapped_column(String(200), default="")
    alarm_company: Mapped[str] = mapped_column(String(120), default="")
    lights: Mapped[str] = mapped_column(String(120), default="")
    pets: Mapped[str] = mapped_column(String(120), default="")
    allowed_people: Mapped[str] = mapped_column(String(200), default="")
    tell_leader: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(12))  # "active", "ended" (early), "expired"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VacationCheck(Base):
    """An officer's check of a home on vacation watch."""

    __tablename__ = "vacation_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watch_id: Mapped[int] = mapped_column(
        ForeignKey("vacation_watches.id", ondelete="CASCADE"), index=True
    )
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    officer_label: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(300), default="")


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
