"""Elections, nominations and votes; and the leader's term on the group."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.elections.models import Election, ElectionCandidate, ElectionVote
from storage.elections.records import CandidateRecord, ElectionRecord
from storage.members.models import WatchGroup


def election_record(row: Election) -> ElectionRecord:
    """Copy an ORM row into a plain record."""
    return ElectionRecord(
        id=row.id,
        group_id=row.group_id,
        status=row.status,
        round=row.round,
        runoff_of_id=row.runoff_of_id,
        opened_by=row.opened_by,
        opened_at=row.opened_at,
        closes_at=row.closes_at,
        closed_at=row.closed_at,
        winner_member_id=row.winner_member_id,
        runner_up_member_id=row.runner_up_member_id,
        tally={int(k): int(v) for k, v in json.loads(row.tally or "{}").items()},
        review=row.review,
        reviewed_by=row.reviewed_by,
        reviewed_at=row.reviewed_at,
        review_note=row.review_note,
    )


def candidate_record(row: ElectionCandidate) -> CandidateRecord:
    """Copy an ORM row into a plain record."""
    return CandidateRecord(
        row.id,
        row.election_id,
        row.member_id,
        row.nominated_by_member_id,
        row.status,
        row.created_at,
    )


class ElectionRepository:
    """Reads and writes `elections`, `election_candidates` and `election_votes`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def forget_opener(self, label_mark: str, label: str) -> int:
        """Elections opened by a forgotten member: `opened_by` (their label, which contains
        `label_mark`) becomes `label`."""
        result = await self.session.execute(
            update(Election)
            .where(Election.opened_by.contains(label_mark, autoescape=True))
            .values(opened_by=label)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def create(
        self,
        *,
        group_id: int,
        opened_by: str,
        now: datetime,
        closes_at: datetime,
        round_: int = 1,
        runoff_of_id: int | None = None,
    ) -> ElectionRecord:
        """Open an election."""
        row = Election(
            group_id=group_id,
            status="open",
            round=round_,
            runoff_of_id=runoff_of_id,
            opened_by=opened_by[:100],
            opened_at=now,
            closes_at=closes_at,
            tally="{}",
            review="",
            reviewed_by="",
            review_note="",
        )
        self.session.add(row)
        await self.session.flush()
        return election_record(row)

    async def get(self, election_id: int) -> ElectionRecord | None:
        """An election by id."""
        row = await self.session.get(Election, election_id, populate_existing=True)
        return election_record(row) if row else None

    async def open_for(self, group_id: int) -> ElectionRecord | None:
        """The group's open election, if any."""
        row = await self.session.scalar(
            select(Election).where(Election.group_id == group_id, Election.status == "open")
        )
        return election_record(row) if row else None

    async def open_in(self, group_ids: list[int]) -> list[ElectionRecord]:
        """Open elections of these groups."""
        if not group_ids:
            return []
        rows = await self.session.scalars(
            select(Election)
            .where(Election.group_id.in_(group_ids), Election.status == "open")
            .order_by(Election.closes_at)
        )
        return [election_record(r) for r in rows]

    async def recent(self, limit: int = 10) -> list[ElectionRecord]:
        """The newest elections of every group."""
        rows = await self.session.scalars(
            select(Election).order_by(Election.opened_at.desc(), Election.id.desc()).limit(limit)
        )
        return [election_record(r) for r in rows]

    async def close(
        self,
        election_id: int,
        *,
        status: str,
        now: datetime,
        tally: dict[int, int],
        winner: int | None,
        runner_up: int | None,
    ) -> bool:
        """Record the close; False when it was already closed (nothing to do)."""
        result = await self.session.execute(
            update(Election)
            .where(Election.id == election_id, Election.status == "open")
            .values(
                status=status,
                closed_at=now,
                tally=json.dumps({str(k): v for k, v in tally.items()}),
                winner_member_id=winner,
                runner_up_member_id=runner_up,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def review(
        self, election_id: int, review: str, by: str, note: str, now: datetime
    ) -> None:
        """Record an officer's certification or overturning."""
        await self.session.execute(
            update(Election)
            .where(Election.id == election_id)
            .values(review=review, reviewed_by=by[:100], review_note=note[:300], reviewed_at=now)
        )

    # Candidates

    async def candidates(self, election_id: int) -> list[CandidateRecord]:
        """Every nomination of an election, oldest first."""
        rows = await self.session.scalars(
            select(ElectionCandidate)
            .where(ElectionCandidate.election_id == election_id)
            .order_by(ElectionCandidate.created_at, ElectionCandidate.id)
        )
        return [candidate_record(r) for r in rows]

    async def candidate(self, election_id: int, member_id: int) -> CandidateRecord | None:
        """A member's nomination in an election."""
        row = await self.session.scalar(
            select(ElectionCandidate).where(
                ElectionCandidate.election_id == election_id,
                ElectionCandidate.member_id == member_id,
            )
        )
        return candidate_record(row) if row else None

    async def candidate_by_id(self, candidate_id: int) -> CandidateRecord | None:
        """A nomination by id."""
        row = await self.session.get(ElectionCandidate, candidate_id, populate_existing=True)
        return candidate_record(row) if row else None

    async def nominate(
        self,
        election_id: int,
        member_id: int,
        nominated_by: int | None,
        status: str,
        now: datetime,
    ) -> CandidateRecord:
        """Add a nomination."""
        row = ElectionCandidate(
            election_id=election_id,
            member_id=member_id,
            nominated_by_member_id=nominated_by,
            status=status,
            created_at=now,
            decided_at=now if status != "nominated" else None,
        )
        self.session.add(row)
        await self.session.flush()
        return candidate_record(row)

    async def decide(self, candidate_id: int, status: str, now: datetime) -> None:
        """A nominee accepts or declines."""
        await self.session.execute(
            update(ElectionCandidate)
            .where(ElectionCandidate.id == candidate_id)
            .values(status=status, decided_at=now)
        )

    # Votes

    async def vote_of(self, election_id: int, voter_id: int) -> int | None:
        """Whom a member voted for."""
        return await self.session.scalar(
            select(ElectionVote.candidate_member_id).where(
                ElectionVote.election_id == election_id, ElectionVote.voter_member_id == voter_id
            )
        )

    async def cast(self, election_id: int, voter_id: int, candidate_id: int, now: datetime) -> None:
        """Cast or change a member's vote (one row per voter and election)."""
        row = await self.session.scalar(
            select(ElectionVote).where(
                ElectionVote.election_id == election_id, ElectionVote.voter_member_id == voter_id
            )
        )
        if row is None:
            self.session.add(
                ElectionVote(
                    election_id=election_id,
                    voter_member_id=voter_id,
                    candidate_member_id=candidate_id,
                    cast_at=now,
                    changed_at=now,
                )
            )
        else:
            row.candidate_member_id, row.changed_at = candidate_id, now
        await self.session.flush()

    async def counts(self, election_id: int) -> dict[int, int]:
        """Votes per candidate member id."""
        rows = await self.session.execute(
            select(ElectionVote.candidate_member_id, func.count(ElectionVote.id))
            .where(ElectionVote.election_id == election_id)
            .group_by(ElectionVote.candidate_member_id)
        )
        return {int(member): int(n) for member, n in rows.all()}

    # The group's term

    async def set_term(
        self, group_id: int, *, alternate: int | None, term_ends_at: datetime | None
    ) -> None:
        """Record the alternate and when the leader's term ends."""
        await self.session.execute(
            update(WatchGroup)
            .where(WatchGroup.id == group_id)
            .values(alternate_member_id=alternate, leader_term_ends_at=term_ends_at)
        )
