"""Watch groups: creation, joining and leaving, approval, rosters and leaders; and partner
groups, which are joined by invitation code only and run by officers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.delivery import Message
from core.errors import Conflict, InvalidInput, NotFound, NotRegistered, PermissionDenied
from core.markup import esc
from core.members.officers import OfficerService
from core.members.service import next_step
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from storage.members.records import GroupRecord, MemberRecord, MembershipRecord
from storage.members.repositories import GroupRepository, MemberRepository

# Invitation codes: no letters or digits that read alike (0/O, 1/I/L), "P" first.
_INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 8


class JoinOutcome(StrEnum):
    """What happened when a member asked to join."""

    JOINED = "joined"
    PENDING = "pending"  # the group's leader decides
    PENDING_OFFICERS = "pending_officers"  # the group has no leader yet: officers decide


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """A group with its member count, for lists."""

    group: GroupRecord
    active_members: int
    leader_name: str | None
    waiting: int = 0  # requests to join not decided yet


@dataclass(frozen=True, slots=True)
class LeaderChange:
    """The outcome of appointing or removing a leader, so the faces can refresh menus."""

    group: GroupRecord
    new_leader: MemberRecord | None
    previous_leader: MemberRecord | None


def _unknown_code(cleaned: str) -> NotFound:
    shown = cleaned[:20] if cleaned else "that"
    return NotFound(
        f"No watch group has the code {shown}. Check the flyer or link, "
        "or send /join to pick from the list."
    )


class GroupService(SharedService):
    """Everything about watch groups and who is in them."""

    def __init__(self, shared: Shared, officers: OfficerService) -> None:
        super().__init__(shared)
        # Requests to join a group without a leader go to the officers.
        self.officers = officers

    @property
    def service_name(self) -> str:
        """How the service names itself in messages."""
        return self.settings.service_name

    # Reading

    async def summaries(self, kind: str = "watch") -> list[GroupSummary]:
        """Every group of a kind (neighborhood watch groups unless asked for "partner") with
        its active member count and leader's name."""
        async with self.db.transaction() as session:
            repo = GroupRepository(session)
            groups = [g for g in await repo.all() if g.kind == kind]
            counts = await repo.active_counts()
            waiting = await repo.pending_counts()
            leaders = await MemberRepository(session).many(
                [g.leader_member_id for g in groups if g.leader_member_id]
            )
        return [
            GroupSummary(
                g,
                counts.get(g.id, 0),
                leaders[g.leader_member_id].display_name if g.leader_member_id in leaders else None,
                waiting.get(g.id, 0),
            )
            for g in groups
        ]

    async def leader_user_ids(self) -> list[int]:
        """Telegram user ids of every group's leader (for their command menus)."""
        async with self.db.transaction() as session:
            return await GroupRepository(session).leader_telegram_ids()

    async def by_code(self, code: str) -> GroupRecord:
        """The group with this join code, or NotFound."""
        async with self.db.transaction() as session:
            return await self._by_code(session, code)

    async def _by_code(self, session: AsyncSession, code: str) -> GroupRecord:
        cleaned = code.strip().upper()
        group = await GroupRepository(session).by_code(cleaned) if cleaned else None
        if group is None:
            raise _unknown_code(cleaned)
        return group

    async def joinable(self, code: str) -> GroupRecord | None:
        """The group a code lets people join: a watch group by its code, a partner group by
        its invitation code only."""
        cleaned = code.strip().upper()
        if not cleaned:
            return None
        async with self.db.transaction() as session:
            return await self._joinable(GroupRepository(session), cleaned)

    @staticmethod
    async def _joinable(repo: GroupRepository, cleaned: str) -> GroupRecord | None:
        group = await repo.by_code(cleaned)
        if group is not None and not group.is_partner:
            return group
        return await repo.by_invite(cleaned)

    # Officers

    async def create(
        self,
        actor: Actor,
        *,
        name: str,
        code: str | None,
        area: str,
        bylaws: str | None = None,
        approval_required: bool = False,
        sector: str | None = None,
    ) -> GroupRecord:
        """Create a watch group (officers only); the code is derived from the name if not given.
        With a `sector`, a partner group: it gets an invitation code, the only way to join it
        (the invitation is the approval)."""
        await self.access.require(actor, Action.CREATE_GROUP, target=f"group {name[:80]}")
        if sector is not None:
            approval_required = False
        clean_name = validation.group_name(name)
        clean_area = validation.area(area)
        clean_bylaws = validation.bylaws(bylaws)
        async with self.db.transaction() as session:
            repo = GroupRepository(session)
            if await repo.by_name(clean_name):
                raise Conflict(f"There is already a group called {clean_name}.")
            if code:
                clean_code = validation.group_code(code)
                if await repo.code_taken(clean_code):
                    raise Conflict(f"The code {clean_code} is taken; please choose another.")
            else:
                clean_code = await self._free_code(repo, validation.suggest_code(clean_name))
            group = await repo.create(
                name=clean_name,
                code=clean_code,
                area=clean_area,
                bylaws=clean_bylaws,
                approval_required=approval_required,
                now=self.clock.now(),
                kind="watch" if sector is None else "partner",
                sector=sector,
                invite_code=None if sector is None else await self._free_invite(repo),
            )
            joining = (
                "by invitation"
                if group.is_partner
                else ("approval required" if approval_required else "approval open")
            )
            await self.audit.record_in(
                session,
                actor,
                Action.CREATE_GROUP.value,
                target=f"group {group.code}",
                detail=f"{group.name}; {joining}",
            )
            return group

    async def new_invite(self, actor: Actor, code: str, replacing: str) -> GroupRecord:
        """Give a partner group a new invitation code in place of `replacing` (officers only):
        the old one stops working at once; its members stay. A second press of the same
        confirm finds its code already replaced and changes nothing."""
        await self.access.require(actor, Action.CREATE_GROUP, target=f"group {code[:12]}")
        async with self.db.transaction() as session:
            group = await self._by_code(session, code)
            if not group.is_partner:
                raise Conflict(f"{group.name} is a watch group: people join it by its code.")
            if group.invite_code != replacing.strip().upper():
                raise Conflict(
                    f"That invitation code of {group.name} was already replaced; /partners "
                    "shows the one that works now."
                )
            repo = GroupRepository(session)
            updated = await repo.set_invite(group.id, await self._free_invite(repo))
            assert updated is not None
            await self.audit.record_in(
                session, actor, "group.new_invite", target=f"group {group.code}"
            )
            return updated

    @staticmethod
    async def _free_invite(repo: GroupRepository) -> str:
        for _ in range(20):
            candidate = "P" + "".join(
                secrets.choice(_INVITE_ALPHABET) for _ in range(INVITE_LENGTH - 1)
            )
            if not await repo.code_taken(candidate):
                return candidate
        raise Conflict("Could not make a free invitation code; please try again.")

    @staticmethod
    async def _free_code(repo: GroupRepository, base: str) -> str:
        if not await repo.code_taken(base):
            return base
        for n in range(2, 1000):
            candidate = f"{base[: 12 - len(str(n))]}{n}"
            if not await repo.code_taken(candidate):
                return candidate
        raise Conflict("Could not find a free group code; please give one.")

    async def set_leader(self, actor: Actor, code: str, member_id: int | None) -> LeaderChange:
        """Appoint an active member, or someone waiting to join (their request is approved
        with it), as the group's leader, or remove the leader (None)."""
        await self.access.require(actor, Action.SET_LEADER, target=f"group {code[:12]}")
        async with self.db.transaction() as session:
            group = await self._by_code(session, code)
            return await self.set_leader_in(session, actor, group, member_id, approve_pending=True)

    async def leader_candidates(
        self, actor: Actor, code: str
    ) -> tuple[GroupRecord, list[MemberRecord], list[MemberRecord]]:
        """Who could lead the group (officers): its active members, and the people waiting
        to join it (a new group that requires approval has only those)."""
        await self.access.require(actor, Action.SET_LEADER, target=f"group {code[:12]}")
        async with self.db.transaction() as session:
            group = await self._by_code(session, code)
            repo = GroupRepository(session)
            active = [m for m, _ in await repo.members_of(group.id, "active")]
            waiting = [m for m, _ in await repo.members_of(group.id, "pending")]
        return group, active, waiting

    async def set_leader_in(
        self,
        session: AsyncSession,
        actor: Actor,
        group: GroupRecord,
        member_id: int | None,
        *,
        approve_pending: bool = False,
    ) -> LeaderChange:
        """`set_leader` inside the caller's transaction, after its permission check (an
        election's close installs its winner this way). With `approve_pending`, a person
        waiting to join may be appointed: their request is approved in the same step."""
        if group.is_partner and member_id is not None:
            raise Conflict(
                f"{group.name} is a partner group: officers run it, and it has no leader (a "
                "leader could see who is in it and message them)."
            )
        repo = GroupRepository(session)
        members = MemberRepository(session)
        previous = await members.get(group.leader_member_id) if group.leader_member_id else None
        new: MemberRecord | None = None
        approved = False
        if member_id is not None:
            new = await members.get(member_id)
            membership = await repo.membership(member_id, group.id) if new else None
            waiting = membership is not None and membership.status == "pending"
            if new is None or membership is None or (waiting and not approve_pending):
                raise NotFound(
                    f"Member #{member_id} is not an active member of {group.name}. "
                    f"Send /setleader {group.code} to choose from its members and the people "
                    "waiting to join."
                )
            if previous and previous.id == new.id:
                raise Conflict(f"{new.display_name} already leads {group.name}.")
            other = await repo.led_by(member_id)
            if other and other.id != group.id:
                raise Conflict(
                    f"{new.display_name} already leads {other.name}; a member leads one "
                    "group at a time. Remove them there first."
                )
            if waiting:
                assert membership is not None
                # Taken once, like an approval: a request withdrawn or decided meanwhile stops it.
                if not await repo.take_pending(membership.id, "active", self.clock.now()):
                    raise NotFound("That request was already handled or withdrawn.")
                approved = True
        elif previous is None:
            raise Conflict(f"{group.name} has no leader to remove.")
        if not await repo.replace_leader(group.id, group.leader_member_id, member_id):
            # Someone changed the leader since `group` was read (the same button pressed twice
            # at once, or two officers): this change is not made, nor announced.
            now_leads = await repo.get(group.id)
            if new is not None and now_leads is not None and now_leads.leader_member_id == new.id:
                raise Conflict(f"{new.display_name} already leads {group.name}.")
            raise Conflict(
                f"The leader of {group.name} changed meanwhile; /setleader {group.code} shows "
                "who leads it now."
            )
        waiting_now = (await repo.pending_counts()).get(group.id, 0)
        await self._tell_leader_change(session, group, new, previous, approved, waiting_now)
        await self.audit.record_in(
            session,
            actor,
            Action.SET_LEADER.value,
            target=f"group {group.code}",
            detail=(f"leader member #{new.id}" if new else "leader removed")
            + ("; request to join approved" if approved else "")
            + (f"; was member #{previous.id}" if previous else ""),
        )
        updated = await repo.get(group.id)
        assert updated is not None
        return LeaderChange(updated, new, previous)

    async def _tell_leader_change(
        self,
        session: AsyncSession,
        group: GroupRecord,
        new: MemberRecord | None,
        previous: MemberRecord | None,
        approved: bool = False,
        waiting: int = 0,
    ) -> None:
        name = esc(group.name)
        if new:
            opening = (
                f"Your request to join <b>{name}</b> was approved, and you are now its leader."
                if approved
                else f"You are now the leader of <b>{name}</b>."
            )
            html = (
                f"{opening} Send /help to see your leader commands: /pending to approve "
                "members, /members for the roster."
            )
            if waiting:
                people = "1 person is" if waiting == 1 else f"{waiting} people are"
                html += f"\n\n⏳ {people} waiting to join: send /pending to decide."
            await self.outbox.enqueue_in(
                session,
                kind="role",
                recipients=[new],
                message=Message(
                    html=html,
                    text=(
                        f"You're now a member and the leader of {group.name}."
                        if approved
                        else f"You are now the leader of {group.name}."
                    ),
                ),
                group_id=group.id,
                audience=f"new leader of {group.code}",
            )
        if previous and (new is None or previous.id != new.id):
            await self.outbox.enqueue_in(
                session,
                kind="role",
                recipients=[previous],
                message=Message(
                    html=f"You are no longer the leader of <b>{name}</b>. Thank you for leading.",
                    text=f"You are no longer the leader of {group.name}.",
                ),
                group_id=group.id,
                audience=f"previous leader of {group.code}",
            )

    # Residents

    async def join(self, telegram_user_id: int, code: str) -> tuple[GroupRecord, JoinOutcome]:
        """Join the group with this code, or ask to when it requires approval."""
        async with self.db.transaction() as session:
            member = await MemberRepository(session).by_telegram_user(telegram_user_id)
            if member is None or next_step(member) is not None:
                raise NotRegistered(
                    "Please finish registering first (send /start), then join your group."
                )
            repo = GroupRepository(session)
            cleaned = code.strip().upper()
            found = await self._joinable(repo, cleaned) if cleaned else None
            # A partner group's own code does not let anyone in: that would tell residents it
            # exists, so it reads like any unknown code.
            if found is None:
                raise _unknown_code(cleaned)
            group = found
            existing = await repo.membership(member.id, group.id)
            if existing:
                if existing.status == "pending":
                    raise Conflict(
                        f"You already asked to join {group.name}; the leader will decide soon."
                    )
                raise Conflict(f"You are already a member of {group.name}.")
            if not group.approval_required:
                await repo.add_membership(member.id, group.id, "active", self.clock.now())
                return group, JoinOutcome.JOINED
            await repo.add_membership(member.id, group.id, "pending", self.clock.now())
            return group, await self._tell_reviewers(session, group, member)

    async def _tell_leader(
        self,
        session: AsyncSession,
        group: GroupRecord,
        about: MemberRecord,
        kind: str,
        message: Message,
    ) -> None:
        """Queue a message about a member to the group's leader (never to the member about
        themself). It names the member, so it is marked as theirs: /forget takes the name
        out of it."""
        if group.leader_member_id in (None, about.id):
            return
        leader = await MemberRepository(session).get(group.leader_member_id)
        if leader is None:
            return
        await self.outbox.enqueue_in(
            session,
            kind=kind,
            recipients=[leader],
            message=message,
            group_id=group.id,
            author_member_id=about.id,
            audience=f"leader of {group.code}",
        )

    async def _tell_leader_of_leaving(
        self, session: AsyncSession, group: GroupRecord, member: MemberRecord
    ) -> None:
        """The group's leader hears that a member left."""
        name = member.display_name or "A member"
        message = Message(
            html=f"👋 {esc(name)} left <b>{esc(group.name)}</b>.",
            text=f"{name} left {group.name}.",
        )
        await self._tell_leader(session, group, member, "member_left", message)

    async def _leader_of(self, session: AsyncSession, group: GroupRecord) -> MemberRecord | None:
        if group.leader_member_id is None:
            return None
        return await MemberRepository(session).get(group.leader_member_id)

    async def _tell_officers(
        self, session: AsyncSession, group: GroupRecord, about: MemberRecord, message: Message
    ) -> None:
        """Queue a message about a member to every officer (marked as the member's, so
        /forget takes the name out of it)."""
        officers, direct = await self.officers.audience_in(session)
        await self.outbox.enqueue_in(
            session,
            kind="review",
            recipients=[o for o in officers if o.id != about.id],
            direct=direct,
            message=message,
            group_id=group.id,
            author_member_id=about.id,
            audience=f"officers, for {group.code} (no leader)",
        )

    async def _tell_reviewers(
        self, session: AsyncSession, group: GroupRecord, member: MemberRecord
    ) -> JoinOutcome:
        """Whoever decides hears of a request to join: the group's leader, or the officers
        while the group has none (so that no request waits unseen)."""
        who = esc(member.display_name or "A resident")
        if await self._leader_of(session, group) is not None:
            message = Message(
                html=f"{who} asked to join <b>{esc(group.name)}</b>. Send /pending to approve "
                "or reject.",
                text=f"A resident asked to join {group.name}.",
            )
            await self._tell_leader(session, group, member, "review", message)
            return JoinOutcome.PENDING
        code = esc(group.code)
        message = Message(
            html=(
                f"{who} asked to join <b>{esc(group.name)}</b>, which has no leader yet, so "
                f"the request comes to officers. Send /pending {code} to approve or reject, "
                f"or /setleader {code} to appoint a leader."
            ),
            text=f"A resident asked to join {group.name}, which has no leader yet.",
        )
        await self._tell_officers(session, group, member, message)
        return JoinOutcome.PENDING_OFFICERS

    async def leave(self, telegram_user_id: int, code: str) -> GroupRecord:
        """Leave a group (or withdraw a pending request); a leader who leaves stops leading."""
        async with self.db.transaction() as session:
            member = await MemberRepository(session).by_telegram_user(telegram_user_id)
            if member is None:
                raise NotRegistered("You haven't registered, so you are in no group.")
            group = await self._by_code(session, code)
            repo = GroupRepository(session)
            membership = await repo.membership(member.id, group.id)
            if membership is None or not await repo.remove_membership(member.id, group.id):
                raise NotFound(f"You are not a member of {group.name}.")
            if membership.status == "active":
                await self._tell_leader_of_leaving(session, group, member)
            if group.leader_member_id == member.id:
                await repo.set_leader(group.id, None)
                await self.audit.record_in(
                    session,
                    Actor(telegram_user_id, member, False, group),
                    "group.leader_left",
                    target=f"group {group.code}",
                    detail=f"member #{member.id} left; group has no leader",
                )
                waiting = (await repo.pending_counts()).get(group.id, 0)
                await self._tell_officers(
                    session, group, member, self._leader_left_message(group, member, waiting)
                )
            return group

    @staticmethod
    def _leader_left_message(group: GroupRecord, leader: MemberRecord, waiting: int) -> Message:
        """Officers hear that a group lost its leader, and what waits for a decision."""
        code = esc(group.code)
        html = (
            f"{esc(leader.display_name or 'The leader')} left <b>{esc(group.name)}</b>, which "
            f"has no leader now. Appoint one with /setleader {code}, or open an election."
        )
        if waiting:
            people = "1 request to join is" if waiting == 1 else f"{waiting} requests to join are"
            html += f" {people} waiting for officers: /pending {code}."
        return Message(html=html, text=f"{group.name} has no leader now.")

    async def membership_in(
        self, telegram_user_id: int, code: str
    ) -> tuple[GroupRecord, MembershipRecord]:
        """The member's membership of the group with this code (active or pending)."""
        async with self.db.transaction() as session:
            member = await MemberRepository(session).by_telegram_user(telegram_user_id)
            if member is None:
                raise NotRegistered("You haven't registered, so you are in no group.")
            group = await self._by_code(session, code)
            membership = await GroupRepository(session).membership(member.id, group.id)
            if membership is None:
                raise NotFound(f"You are not a member of {group.name}.")
            return group, membership

    async def my_groups(self, telegram_user_id: int) -> list[tuple[GroupRecord, MembershipRecord]]:
        """The member's groups (active and pending)."""
        async with self.db.transaction() as session:
            member = await MemberRepository(session).by_telegram_user(telegram_user_id)
            if member is None:
                return []
            return await GroupRepository(session).groups_of(member.id)

    # Leaders (and officers)

    async def _reviewable(
        self, actor: Actor, code: str | None, action: Action, command: str
    ) -> GroupRecord:
        """The group an actor means: the named one, or the one they lead."""
        if code:
            group = await self.by_code(code)
        elif actor.leads:
            group = actor.leads
        else:
            await self.access.require(actor, action, group_id=-1, target="no group named")
            raise InvalidInput(f"Please name the group, for example: /{command} OAKPARK")
        try:
            await self.access.require(
                actor, action, group_id=group.id, target=f"group {group.code}"
            )
        except PermissionDenied:
            if actor.leads is None:
                raise
            # A leader asking about another group: say what they can do instead (the refusal
            # is on the audit log all the same).
            raise PermissionDenied(
                f"You lead {actor.leads.name}, not {group.name}. /{command} alone shows "
                f"{actor.leads.name}."
            ) from None
        return group

    async def pending(
        self, actor: Actor, code: str | None = None
    ) -> tuple[GroupRecord, list[tuple[MemberRecord, MembershipRecord]]]:
        """The group's pending requests (its leader or an officer)."""
        group = await self._reviewable(actor, code, Action.REVIEW_MEMBERS, "pending")
        async with self.db.transaction() as session:
            return group, await GroupRepository(session).members_of(group.id, "pending")

    async def waiting_groups(self, actor: Actor) -> list[GroupSummary]:
        """Groups with requests to join waiting for a decision (officers, who decide for
        groups without a leader); groups without a leader first."""
        await self.access.require(actor, Action.REVIEW_MEMBERS, target="requests in every group")
        waiting = [s for s in await self.summaries() if s.waiting]
        return sorted(waiting, key=lambda s: (s.group.leader_member_id is not None, s.group.name))

    async def roster(
        self, actor: Actor, code: str | None = None
    ) -> tuple[GroupRecord, list[tuple[MemberRecord, MembershipRecord]]]:
        """The group's active members (its leader or an officer); callers show names only."""
        group = await self._reviewable(actor, code, Action.VIEW_ROSTER, "members")
        async with self.db.transaction() as session:
            return group, await GroupRepository(session).members_of(group.id, "active")

    async def decide(
        self, actor: Actor, membership_id: int, approve: bool
    ) -> tuple[GroupRecord, MemberRecord]:
        """Approve or reject a pending request; the member is told either way."""
        async with self.db.transaction() as session:
            repo = GroupRepository(session)
            membership = await repo.membership_by_id(membership_id)
            group = await repo.get(membership.group_id) if membership else None
        if membership is None or group is None or membership.status != "pending":
            raise NotFound("That request was already handled or withdrawn.")
        await self.access.require(
            actor, Action.REVIEW_MEMBERS, group_id=group.id, target=f"group {group.code}"
        )
        async with self.db.transaction() as session:
            repo = GroupRepository(session)
            current = await repo.membership_by_id(membership_id)
            member = await MemberRepository(session).get(membership.member_id)
            if current is None or current.status != "pending" or member is None:
                raise NotFound("That request was already handled or withdrawn.")
            name = esc(group.name)
            # Taken once even when two presses read "pending" together (PostgreSQL runs them
            # side by side): the loser changes nothing and tells nobody.
            if not await repo.take_pending(
                membership_id, "active" if approve else None, self.clock.now()
            ):
                raise NotFound("That request was already handled or withdrawn.")
            if approve:
                message = Message(
                    html=(
                        f"Welcome to <b>{name}</b>! Your request was approved. You will get "
                        "this group's alerts and meeting news here."
                    ),
                    text=f"You're now a member of {group.name}.",
                )
            else:
                message = Message(
                    html=(
                        f"Your request to join <b>{name}</b> was not approved. If you think this "
                        "is a mistake, please contact the Crime Prevention Unit."
                    ),
                    text=f"Your request to join {group.name} was declined.",
                )
            await self.outbox.enqueue_in(
                session,
                kind="membership",
                recipients=[member],
                message=message,
                group_id=group.id,
                audience=f"applicant to {group.code}",
            )
            await self.audit.record_in(
                session,
                actor,
                Action.REVIEW_MEMBERS.value,
                target=f"group {group.code}",
                detail=f"{'approved' if approve else 'rejected'} member #{member.id}",
            )
            return group, member
