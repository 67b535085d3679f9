"""Elections of group leaders: opening, nominations, votes, the close, runoffs, terms, review.

A leader or an officer opens an election; members nominate themselves or another member, and a
nominee must accept. Each member has one vote, changeable until the close. The scheduler closes
it at the deadline (a due item), announces the result, and installs the winner through the same
core path as `/setleader`, for a term of `LEADER_TERM_DAYS`, with the runner-up as alternate. A
tie goes to a runoff between the tied; a tied runoff goes to the officers. Votes are secret:
neither the audit log nor any view says who voted for whom.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.due import DueRunner
from core.elections import messages as msg
from core.elections.close import ELECTION_CLOSE, TERM_REMINDER, close_due, term_due
from core.erasure import Erased
from core.errors import Conflict, InvalidInput, NotFound, NotRegistered, PermissionDenied
from core.members import GroupService, LeaderChange, OfficerService
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from core.timefmt import local
from storage.elections.records import CandidateRecord, ElectionRecord
from storage.elections.repositories import ElectionRepository
from storage.members.records import GroupRecord, MemberRecord
from storage.members.repositories import GroupRepository, MemberRepository

log = logging.getLogger(__name__)

MAX_DAYS = 30

RoleListener = Callable[[int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A nominee with their name and status."""

    record: CandidateRecord
    name: str


@dataclass(frozen=True, slots=True)
class ElectionView:
    """An open election as a member sees it."""

    election: ElectionRecord
    group: GroupRecord
    candidates: list[Candidate]
    my_vote: int | None


@dataclass(frozen=True, slots=True)
class VoteResult:
    """A vote cast or changed."""

    candidate: str
    previous: str | None


@dataclass(frozen=True, slots=True)
class ElectionSummary:
    """An election in the officers' overview."""

    election: ElectionRecord
    group: GroupRecord | None
    winner: str | None
    runner_up: str | None
    tally: list[tuple[str, int]]


async def erase_member_in(session: AsyncSession, erased: Erased) -> None:
    """/forget: elections they opened no longer name them (their candidacies and votes go
    with their member row)."""
    await ElectionRepository(session).forget_opener(erased.label_mark, erased.forgotten)


class ElectionService(SharedService):
    """Runs the groups' leader elections."""

    def __init__(
        self,
        shared: Shared,
        groups: GroupService,
        officers: OfficerService,
        due: DueRunner,
    ) -> None:
        super().__init__(shared)
        self.groups = groups
        self.officers = officers
        self.due = due
        # Called with a Telegram user id whose roles changed (the face refreshes its menu).
        self.role_listeners: list[RoleListener] = []
        due.register(ELECTION_CLOSE, functools.partial(close_due, self))
        shared.erasure.register("elections", erase_member_in)
        due.register(TERM_REMINDER, functools.partial(term_due, self))

    # Helpers

    async def active_members(self, session: AsyncSession, group_id: int) -> list[MemberRecord]:
        return [m for m, _ in await GroupRepository(session).members_of(group_id, "active")]

    async def _is_active(self, session: AsyncSession, member_id: int, group_id: int) -> bool:
        membership = await GroupRepository(session).membership(member_id, group_id)
        return membership is not None and membership.status == "active"

    async def names(self, session: AsyncSession, ids: list[int]) -> dict[int, str]:
        found = await MemberRepository(session).many(ids)
        return {
            i: (found[i].display_name or "a member") if i in found else "a former member"
            for i in ids
        }

    def _require_open(self, election: ElectionRecord) -> None:
        if not election.is_open or self.clock.now() >= election.closes_at:
            raise Conflict(
                f"This election closed on {local(election.closes_at, self.settings.zone)}; "
                "votes and nominations are no longer taken."
            )

    async def notify_roles(self, changes: list[LeaderChange]) -> None:
        ids = {
            person.telegram_user_id
            for change in changes
            for person in (change.new_leader, change.previous_leader)
            if person is not None and person.telegram_user_id is not None
        }
        for uid in sorted(ids):
            for listener in self.role_listeners:
                try:
                    await listener(uid)
                except Exception:
                    log.exception("role listener failed")

    # Opening

    async def open(
        self, actor: Actor, code: str | None = None, days: int | None = None
    ) -> tuple[ElectionRecord, GroupRecord]:
        """Open an election for a group (its leader, or an officer naming the group)."""
        days = self.settings.election_days if days is None else days
        if not 1 <= days <= MAX_DAYS:
            raise InvalidInput(f"An election runs from 1 to {MAX_DAYS} days.")
        if code:
            group = await self.groups.by_code(code)
        elif actor.leads is not None:
            group = actor.leads
        else:
            await self.access.require(actor, Action.OPEN_ELECTION, group_id=-1, target="election")
            raise InvalidInput("Please name the group: /election open CODE [days]")
        await self.access.require(
            actor, Action.OPEN_ELECTION, group_id=group.id, target=f"group {group.code}"
        )
        if group.is_partner:
            raise Conflict(f"{group.name} is a partner group: officers run it; it elects no one.")
        now = self.clock.now()
        async with self.db.transaction() as session:
            repo = ElectionRepository(session)
            current = await repo.open_for(group.id)
            if current is not None:
                raise Conflict(
                    f"{group.name} already has an election open until "
                    f"{local(current.closes_at, self.settings.zone)}."
                )
            election = await repo.create(
                group_id=group.id,
                opened_by=actor.label,
                now=now,
                closes_at=now + timedelta(days=days),
            )
            await self.start_in(session, election, group, runoff=False)
            await self.audit.record_in(
                session,
                actor,
                "election.open",
                target=f"group {group.code}",
                detail=f"election #{election.id}; closes {election.closes_at.isoformat()}",
            )
        return election, group

    async def start_in(
        self, session: AsyncSession, election: ElectionRecord, group: GroupRecord, runoff: bool
    ) -> None:
        await self.due.schedule_in(
            session, ELECTION_CLOSE, election.id, "close", election.closes_at
        )
        await self.outbox.enqueue_in(
            session,
            kind="election",
            message=msg.election_opened(group.name, election.closes_at, self.settings.zone, runoff),
            recipients=await self.active_members(session, group.id),
            group_id=group.id,
            audience=f"members of {group.code}",
        )

    # Reading

    async def open_for_member(self, telegram_user_id: int) -> list[ElectionView]:
        """Open elections in the member's groups, with candidates and the member's own vote."""
        async with self.db.transaction() as session:
            member = await MemberRepository(session).by_telegram_user(telegram_user_id)
            if member is None:
                raise NotRegistered("Please register and join your group first: send /start.")
            mine = [
                g
                for g, m in await GroupRepository(session).groups_of(member.id)
                if m.status == "active"
            ]
            repo = ElectionRepository(session)
            views = []
            for election in await repo.open_in([g.id for g in mine]):
                group = next(g for g in mine if g.id == election.group_id)
                views.append(
                    ElectionView(
                        election,
                        group,
                        await self._candidates(session, election.id),
                        await repo.vote_of(election.id, member.id),
                    )
                )
            return views

    async def _candidates(self, session: AsyncSession, election_id: int) -> list[Candidate]:
        records = await ElectionRepository(session).candidates(election_id)
        names = await self.names(session, [c.member_id for c in records])
        return [Candidate(c, names[c.member_id]) for c in records]

    async def nominees_to_choose(
        self, actor: Actor, election_id: int
    ) -> tuple[GroupRecord, list[MemberRecord]]:
        """Active members of the election's group who are not nominated yet: shown only to the
        group's own active members (an old button in anyone else's hands shows nobody)."""
        async with self.db.transaction() as session:
            election, group = await self._election_and_group(session, election_id)
            self._require_open(election)
            member = actor.member
            allowed = member is not None and await self._is_active(session, member.id, group.id)
            if allowed:
                taken = {
                    c.member_id for c in await ElectionRepository(session).candidates(election_id)
                }
                return group, [
                    m for m in await self.active_members(session, group.id) if m.id not in taken
                ]
        # Audited after the read has ended (SQLite allows one writer).
        await self.audit.record(
            actor,
            "election.nominees",
            target=f"election #{election_id}",
            outcome="refused",
            detail="not a member of the group",
        )
        raise PermissionDenied(f"Only members of {group.name} can nominate in its election.")

    async def _election_and_group(
        self, session: AsyncSession, election_id: int
    ) -> tuple[ElectionRecord, GroupRecord]:
        election = await ElectionRepository(session).get(election_id)
        group = await GroupRepository(session).get(election.group_id) if election else None
        if election is None or group is None:
            raise NotFound("That election no longer exists.")
        return election, group

    async def overview(self, actor: Actor) -> list[ElectionSummary]:
        """Recent elections of every group (officers)."""
        await self.access.require(actor, Action.REVIEW_ELECTION, target="elections")
        async with self.db.transaction() as session:
            summaries = []
            for election in await ElectionRepository(session).recent(15):
                group = await GroupRepository(session).get(election.group_id)
                ids = [i for i in (election.winner_member_id, election.runner_up_member_id) if i]
                names = await self.names(session, ids + list(election.tally))
                summaries.append(
                    ElectionSummary(
                        election,
                        group,
                        names.get(election.winner_member_id or 0),
                        names.get(election.runner_up_member_id or 0),
                        [(names[m], v) for m, v in election.tally.items()],
                    )
                )
            return summaries

    # Nominations

    async def nominate(
        self, actor: Actor, election_id: int, member_id: int
    ) -> tuple[Candidate, GroupRecord]:
        """Nominate an active member of the group (oneself: accepted at once)."""
        nominator = actor.member
        if nominator is None:
            raise NotRegistered("Please register first: send /start.")
        async with self.db.transaction() as session:
            election, group = await self._election_and_group(session, election_id)
            self._require_open(election)
            if not await self._is_active(session, nominator.id, group.id):
                raise PermissionDenied(
                    f"Only members of {group.name} can nominate in its election."
                )
            nominee = await MemberRepository(session).get(member_id)
            if nominee is None or not await self._is_active(session, member_id, group.id):
                raise NotFound(
                    f"That person is not a member of {group.name}; only its members can be "
                    "nominated. Send /nominate for the list."
                )
            return await self._add_nominee(session, election, group, nominator, nominee), group

    async def nominate_by_name(
        self, actor: Actor, election_id: int, name: str
    ) -> tuple[Candidate, GroupRecord]:
        """Nominate by display name (case-insensitive) among the group's active members."""
        wanted = " ".join(name.split()).casefold()
        async with self.db.transaction() as session:
            _, group = await self._election_and_group(session, election_id)
            matches = [
                m
                for m in await self.active_members(session, group.id)
                if (m.display_name or "").casefold() == wanted
            ]
        if not matches:
            raise NotFound(
                f"No member of {group.name} is called “{name.strip()[:64]}”. Only members of the "
                "group can be nominated; send /nominate for the list."
            )
        if len(matches) > 1:
            raise InvalidInput(
                "Several members have that name; send /nominate and tap the right one."
            )
        return await self.nominate(actor, election_id, matches[0].id)

    async def _add_nominee(
        self,
        session: AsyncSession,
        election: ElectionRecord,
        group: GroupRecord,
        nominator: MemberRecord,
        nominee: MemberRecord,
    ) -> Candidate:
        repo = ElectionRepository(session)
        name = nominee.display_name or "That member"
        existing = await repo.candidate(election.id, nominee.id)
        if existing is not None:
            state = {"nominated": "was already nominated", "accepted": "is already a candidate"}
            raise Conflict(
                f"{name} {state.get(existing.status, 'declined a nomination')} in this election."
            )
        other = await GroupRepository(session).led_by(nominee.id)
        if other is not None and other.id != group.id:
            raise Conflict(f"{name} leads {other.name}; a member leads one group at a time.")
        own = nominee.id == nominator.id
        candidate = await repo.nominate(
            election.id,
            nominee.id,
            nominator.id,
            "accepted" if own else "nominated",
            self.clock.now(),
        )
        if not own:
            await self.outbox.enqueue_in(
                session,
                kind="election",
                message=msg.nominated(
                    group.name,
                    nominator.display_name or "A neighbor",
                    candidate.id,
                    election.closes_at,
                    self.settings.zone,
                ),
                recipients=[nominee],
                group_id=group.id,
                audience=f"nominee in {group.code}",
            )
        return Candidate(candidate, name)

    async def respond(
        self, actor: Actor, candidate_id: int, accept: bool
    ) -> tuple[Candidate, GroupRecord]:
        """The nominee accepts or declines; whoever nominated them is told."""
        async with self.db.transaction() as session:
            repo = ElectionRepository(session)
            candidate = await repo.candidate_by_id(candidate_id)
            if candidate is None:
                raise NotFound("That nomination no longer exists.")
            if actor.member is None or candidate.member_id != actor.member.id:
                raise PermissionDenied("Only the person nominated can answer a nomination.")
            election, group = await self._election_and_group(session, candidate.election_id)
            self._require_open(election)
            if candidate.status != "nominated":
                raise Conflict(f"You already {candidate.status} this nomination.")
            status = "accepted" if accept else "declined"
            await repo.decide(candidate.id, status, self.clock.now())
            nominator = (
                await MemberRepository(session).get(candidate.nominated_by_member_id)
                if candidate.nominated_by_member_id
                else None
            )
            name = actor.member.display_name or "The nominee"
            if nominator is not None:
                await self.outbox.enqueue_in(
                    session,
                    kind="election",
                    message=msg.nomination_answered(name, group.name, accept),
                    recipients=[nominator],
                    group_id=group.id,
                    audience=f"nominator in {group.code}",
                )
            updated = await repo.candidate_by_id(candidate.id)
            assert updated is not None
            return Candidate(updated, name), group

    # Voting

    async def vote(self, actor: Actor, election_id: int, candidate_member_id: int) -> VoteResult:
        """Cast or change the member's one vote; the same vote twice changes nothing."""
        voter = actor.member
        if voter is None:
            raise NotRegistered("Please register first: send /start.")
        async with self.db.transaction() as session:
            election, group = await self._election_and_group(session, election_id)
            if not await self._is_active(session, voter.id, group.id):
                raise PermissionDenied(f"Only members of {group.name} can vote in its election.")
            self._require_open(election)
            repo = ElectionRepository(session)
            candidate = await repo.candidate(election_id, candidate_member_id)
            if candidate is None or candidate.status != "accepted":
                raise NotFound(
                    "That person is not a candidate in this election. Send /vote for the list."
                )
            previous = await repo.vote_of(election_id, voter.id)
            names = await self.names(
                session, [candidate_member_id, *([previous] if previous else [])]
            )
            if previous == candidate_member_id:
                raise Conflict(
                    f"You already voted for {names[candidate_member_id]}: one vote each, so "
                    "nothing changed. To change your vote, choose another candidate before the "
                    "close."
                )
            await repo.cast(election_id, voter.id, candidate_member_id, self.clock.now())
            return VoteResult(names[candidate_member_id], names[previous] if previous else None)

    # Review (officers)

    async def review(
        self, actor: Actor, election_id: int, certify: bool, note: str = ""
    ) -> ElectionSummary:
        """Certify a result, or overturn it (the winner stops leading if still the leader)."""
        action = "election.certify" if certify else "election.overturn"
        await self.access.require(actor, Action.REVIEW_ELECTION, target=f"election #{election_id}")
        note = " ".join(note.split())[:300]
        changes: list[LeaderChange] = []
        async with self.db.transaction() as session:
            election, group = await self._election_and_group(session, election_id)
            if election.status != "closed" or election.winner_member_id is None:
                raise Conflict(
                    "Only a closed election with a winner can be certified or overturned."
                )
            if election.review:
                raise Conflict(
                    f"This result was already {election.review} by {election.reviewed_by}."
                )
            repo = ElectionRepository(session)
            await repo.review(
                election.id,
                "certified" if certify else "overturned",
                actor.label,
                note,
                self.clock.now(),
            )
            winner = election.winner_member_id
            if not certify and group.leader_member_id == winner:
                changes.append(await self.groups.set_leader_in(session, actor, group, None))
                await repo.set_term(group.id, alternate=None, term_ends_at=None)
                await self.due.cancel_in(session, [TERM_REMINDER], group.id)
            names = await self.names(session, [winner])
            await self.outbox.enqueue_in(
                session,
                kind="election",
                message=msg.election_reviewed(group.name, names[winner], certify, note),
                recipients=await self.active_members(session, group.id),
                group_id=group.id,
                audience=f"members of {group.code}",
            )
            await self.audit.record_in(
                session,
                actor,
                action,
                target=f"election #{election.id}",
                detail=f"group {group.code}; winner member #{winner}"
                + (f"; {note}" if note else ""),
            )
            updated = await repo.get(election.id)
            assert updated is not None
        await self.notify_roles(changes)
        return ElectionSummary(updated, group, names[winner], None, [])

    async def refuse_review(self, actor: Actor) -> None:
        """Audit-and-refuse for a non-officer asking for the overview or a review."""
        await self.access.require(actor, Action.REVIEW_ELECTION, target="elections")
