"""Closing elections at their deadline and reminding groups before a term ends (due items).

The close installs the winner through the same core path as `/setleader`
(`GroupService.set_leader_in`) in the transaction that records the result and queues the
announcement; a tie in a first round opens a runoff between the tied, a tied runoff goes to the
officers. A result is never stale, so a close after downtime still announces it; a term
reminder more than `MISSED_AFTER_HOURS` late is missed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditService
from core.delivery import Outbox
from core.due import CANCELLED, DONE, MISSED, DueContext, DueRunner
from core.elections import messages as msg
from core.members import GroupService, LeaderChange, MemberRecord, OfficerService
from core.permissions import Actor
from core.settings import Settings
from storage.elections.records import ElectionRecord
from storage.elections.repositories import ElectionRepository
from storage.members.records import GroupRecord
from storage.members.repositories import GroupRepository


class ElectionRunner(Protocol):
    """What settling a closing or a term's end needs from the election service."""

    settings: Settings
    outbox: Outbox
    audit: AuditService
    officers: OfficerService
    groups: GroupService
    due: DueRunner

    async def active_members(self, session: AsyncSession, group_id: int) -> list[MemberRecord]:
        """The group's active members."""

    async def names(self, session: AsyncSession, ids: list[int]) -> dict[int, str]:
        """Display names by member id."""

    async def notify_roles(self, changes: list[LeaderChange]) -> None:
        """Refresh the command menus of people whose roles changed."""

    async def start_in(
        self, session: AsyncSession, election: ElectionRecord, group: GroupRecord, runoff: bool
    ) -> None:
        """Open an election (or its runoff) in the caller's transaction."""


ELECTION_CLOSE = "election_close"
TERM_REMINDER = "term_reminder"
RUNOFF_DAYS = 3
TERM_REMINDER_DAYS = 30


async def close_due(svc: ElectionRunner, ctx: DueContext) -> str:
    """Close an election at its deadline (never `missed`: a result is never stale)."""
    session, now = ctx.session, ctx.now
    repo = ElectionRepository(session)
    election = await repo.get(ctx.item.subject_id)
    group = await GroupRepository(session).get(election.group_id) if election else None
    if election is None or group is None or not election.is_open:
        return CANCELLED
    members = await svc.active_members(session, group.id)
    active_ids = {m.id for m in members}
    eligible = []
    for candidate in await repo.candidates(election.id):
        leads = await GroupRepository(session).led_by(candidate.member_id)
        if (
            candidate.status == "accepted"
            and candidate.member_id in active_ids
            and (leads is None or leads.id == group.id)
        ):
            eligible.append(candidate)
    counts = await repo.counts(election.id)
    tally = {c.member_id: counts.get(c.member_id, 0) for c in eligible}
    ordered = sorted(eligible, key=lambda c: -tally[c.member_id])  # stable: nomination order
    names = await svc.names(session, [c.member_id for c in ordered])
    shown = [(names[c.member_id], tally[c.member_id]) for c in ordered]
    system = Actor.system(f"scheduler (election #{election.id})")

    async def announce(message: msg.Message) -> None:
        await svc.outbox.enqueue_in(
            session,
            kind="election",
            message=message,
            recipients=members,
            group_id=group.id,
            audience=f"members of {group.code}",
        )

    async def audit(outcome: str) -> None:
        await svc.audit.record_in(
            session,
            system,
            "election.close",
            target=f"group {group.code}",
            detail=f"election #{election.id}: {outcome}",
        )

    if not ordered:
        await repo.close(
            election.id, status="no_winner", now=now, tally={}, winner=None, runner_up=None
        )
        await announce(msg.election_without_candidates(group.name))
        await audit("no candidates")
        return DONE
    top = tally[ordered[0].member_id]
    tied = [c for c in ordered if tally[c.member_id] == top]
    if len(tied) > 1:
        runoff = election.round == 1
        status = "runoff" if runoff else "no_winner"
        await repo.close(
            election.id, status=status, now=now, tally=tally, winner=None, runner_up=None
        )
        await announce(msg.election_tied(group.name, shown, runoff))
        if runoff:
            second = await repo.create(
                group_id=group.id,
                opened_by=f"runoff of election #{election.id}",
                now=now,
                closes_at=now + timedelta(days=RUNOFF_DAYS),
                round_=2,
                runoff_of_id=election.id,
            )
            for candidate in tied:
                await repo.nominate(second.id, candidate.member_id, None, "accepted", now)
            await svc.start_in(session, second, group, runoff=True)
            await audit(f"tie; runoff election #{second.id}")
        else:
            officers, direct = await svc.officers.audience_in(session)
            await svc.outbox.enqueue_in(
                session,
                kind="election",
                message=msg.officers_runoff_tied(group.name, group.code, shown),
                recipients=officers,
                direct=direct,
                audience="officers",
            )
            await audit("runoff tied; officers to appoint")
        return DONE
    winner = ordered[0].member_id
    runner_up = ordered[1].member_id if len(ordered) > 1 else None
    await repo.close(
        election.id, status="closed", now=now, tally=tally, winner=winner, runner_up=runner_up
    )
    changes = []
    if group.leader_member_id != winner:
        changes.append(await svc.groups.set_leader_in(session, system, group, winner))
    term_ends = now + timedelta(days=svc.settings.leader_term_days)
    await repo.set_term(group.id, alternate=runner_up, term_ends_at=term_ends)
    await svc.due.cancel_in(session, [TERM_REMINDER], group.id)
    await svc.due.schedule_in(
        session,
        TERM_REMINDER,
        group.id,
        f"{winner}:{term_ends.date().isoformat()}",
        term_ends - timedelta(days=TERM_REMINDER_DAYS),
    )
    await announce(
        msg.election_won(
            group.name,
            names[winner],
            names[runner_up] if runner_up else None,
            shown,
            term_ends,
            svc.settings.zone,
        )
    )
    await audit(
        f"member #{winner} elected" + (f", member #{runner_up} alternate" if runner_up else "")
    )
    if changes:
        ctx.after_commit.append(lambda: svc.notify_roles(changes))
    return DONE


async def term_due(svc: ElectionRunner, ctx: DueContext) -> str:
    """Remind the group to elect again, 30 days before the term ends."""
    group = await GroupRepository(ctx.session).get(ctx.item.subject_id)
    leader_id = int(ctx.item.key.split(":", 1)[0])
    if group is None or group.leader_member_id != leader_id or group.leader_term_ends_at is None:
        return CANCELLED
    if ctx.stale:
        return MISSED
    names = await svc.names(ctx.session, [leader_id])
    await svc.outbox.enqueue_in(
        ctx.session,
        kind="election",
        message=msg.term_ending(
            group.name, names[leader_id], group.leader_term_ends_at, svc.settings.zone
        ),
        recipients=await svc.active_members(ctx.session, group.id),
        group_id=group.id,
        audience=f"members of {group.code}",
    )
    return DONE
