"""Vacation watch: requests, the departure checklist, officers' checks, the daily patrol list,
early returns and expiry.

The data is sensitive (address, emergency contact, alarm company): only officers and the
resident see it, it never goes into a log or an audit line, and /forget deletes it. A group's
leader hears that a neighbor is away (name and dates only) when the resident agreed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.due import CANCELLED, DONE, MISSED, DueContext, DueRunner
from core.erasure import Erased
from core.errors import Conflict, InvalidInput, NotFound, NotRegistered
from core.flows import Claim, take_in
from core.localtime import latest_daily, local_date, local_moment, parse_clock
from core.members import OfficerService
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from core.timefmt import local
from core.vacation import messages as msg
from core.vacation.rules import (
    VacationRequest,
    check_leave,
    check_return,
    checks_summary,
    patrol_message,
    short_date,
)
from storage.due.repositories import DueRepository
from storage.members.records import MemberRecord
from storage.members.repositories import GroupRepository, MemberRepository
from storage.vacation.records import CheckRecord, WatchRecord
from storage.vacation.repositories import VacationRepository

CHECKLIST = "vacation_checklist"
EXPIRY = "vacation_expiry"
PATROL_LIST = "patrol_list"
# The checklist goes the day before departure, the welcome back the day after the return,
# both at this local time (quiet hours may hold them a little longer).
NOTICE_AT = time(10, 0)
NOTE_MAX = 300
PATROL_LIST_KEPT_DAYS = 2


@dataclass(frozen=True, slots=True)
class Ended:
    """A watch that ended, with its checks."""

    watch: WatchRecord
    checks: list[CheckRecord]


class VacationService(SharedService):
    """House checks while residents are away."""

    def __init__(
        self,
        shared: Shared,
        officers: OfficerService,
        due: DueRunner,
    ) -> None:
        super().__init__(shared)
        self.officers = officers
        self.due = due
        due.register(CHECKLIST, self._checklist_due)
        due.register(EXPIRY, self._expiry_due)
        shared.erasure.register("vacation", erase_member_in)
        due.register_tick(self._patrol_list_tick)

    def today(self) -> date:
        """The department's local date."""
        return local_date(self.clock.now(), self.settings.zone)

    def check_leave(self, leave_on: date) -> date:
        """The leaving date, checked against today."""
        return check_leave(leave_on, self.today())

    @staticmethod
    def check_return(leave_on: date, return_on: date) -> date:
        """The return date, checked against the leaving date."""
        return check_return(leave_on, return_on)

    # Residents

    async def _member(self, session: AsyncSession, telegram_user_id: int) -> MemberRecord:
        member = await MemberRepository(session).by_telegram_user(telegram_user_id)
        if member is None or not member.is_registered:
            raise NotRegistered("Please finish registering first (send /start), then ask again.")
        return member

    async def _current(self, session: AsyncSession, member_id: int) -> WatchRecord | None:
        watches = await VacationRepository(session).of_member(member_id, ("active",))
        return watches[-1] if watches else None

    async def start(self, telegram_user_id: int) -> MemberRecord:
        """Before asking anything: registered, and no watch running or coming up."""
        async with self.db.transaction() as session:
            member = await self._member(session, telegram_user_id)
            current = await self._current(session, member.id)
        if current is not None:
            raise Conflict(
                f"You already have a vacation watch, {short_date(current.leave_on)} → "
                f"{short_date(current.return_on)}. Send /back to end it first."
            )
        return member

    async def create(
        self, telegram_user_id: int, request: VacationRequest, *, claim: Claim | None = None
    ) -> WatchRecord:
        """Store the watch, schedule the checklist and the expiry, and tell the leader if
        the resident agreed. With a claim, the confirm's stored step is taken in the same
        transaction, so a second press stores nothing (AlreadyDone)."""
        checked = request.checked(self.today())
        zone, now = self.settings.zone, self.clock.now()
        async with self.db.transaction() as session:
            await take_in(session, claim)
            member = await self._member(session, telegram_user_id)
            if await self._current(session, member.id) is not None:
                raise Conflict("You already have a vacation watch. Send /back to end it first.")
            repo = VacationRepository(session)
            watch = await repo.create(
                member_id=member.id,
                created_at=now,
                **{f: getattr(checked, f) for f in VacationRequest.__dataclass_fields__},
            )
            checklist_at = local_moment(checked.leave_on - timedelta(days=1), NOTICE_AT, zone)
            await self.due.schedule_in(
                session, CHECKLIST, watch.id, "checklist", max(checklist_at, now)
            )
            expiry_at = local_moment(checked.return_on + timedelta(days=1), NOTICE_AT, zone)
            await self.due.schedule_in(session, EXPIRY, watch.id, "expiry", expiry_at)
            if checked.tell_leader:
                await self._tell_leaders(session, member, watch)
        return watch

    async def _tell_leaders(
        self, session: AsyncSession, member: MemberRecord, watch: WatchRecord
    ) -> None:
        groups = GroupRepository(session)
        for group, membership in await groups.groups_of(member.id):
            if membership.status != "active" or group.leader_member_id in (None, member.id):
                continue
            leader = await MemberRepository(session).get(group.leader_member_id or 0)
            if leader is None:
                continue
            await self.outbox.enqueue_in(
                session,
                kind="vacation",
                message=msg.neighbor_away(
                    group.name,
                    member.display_name or "A neighbor",
                    short_date(watch.leave_on),
                    short_date(watch.return_on),
                ),
                recipients=[leader],
                group_id=group.id,
                audience=f"leader of {group.code}",
                # Sent on the resident's behalf: /forget finds it by them and takes their name.
                author_member_id=member.id,
            )

    async def running(self, telegram_user_id: int) -> WatchRecord:
        """The resident's watch that is running or coming up (for /back to ask about)."""
        async with self.db.transaction() as session:
            member = await self._member(session, telegram_user_id)
            watch = await self._current(session, member.id)
        if watch is None:
            raise NotFound("You have no vacation watch running. Send /vacation to ask for one.")
        return watch

    async def end_early(self, telegram_user_id: int, watch_id: int | None = None) -> Ended:
        """/back, confirmed: end the resident's watch now (this one, when `watch_id` names it:
        a confirmation pressed twice, or for an older watch, ends nothing more)."""
        async with self.db.transaction() as session:
            member = await self._member(session, telegram_user_id)
            watch = await self._current(session, member.id)
            if watch is None or (watch_id is not None and watch.id != watch_id):
                raise NotFound("You have no vacation watch running. Send /vacation to ask for one.")
            repo = VacationRepository(session)
            await repo.end(watch.id, "ended", self.clock.now())
            await self.due.cancel_in(session, [CHECKLIST, EXPIRY], watch.id)
            ended = await repo.get(watch.id)
            assert ended is not None
            return Ended(ended, await repo.checks(watch.id))

    # Officers

    async def check(self, actor: Actor, watch_id: int, note: str = "") -> tuple[WatchRecord, int]:
        """Log a house check; the resident is told. Returns the watch and its number of checks."""
        await self.access.require(actor, Action.CHECK_VACATION, target=f"watch #{watch_id}")
        note = " ".join(note.split())
        if len(note) > NOTE_MAX:
            raise InvalidInput(f"A note can have at most {NOTE_MAX} characters.")
        now, today = self.clock.now(), self.today()
        async with self.db.transaction() as session:
            repo = VacationRepository(session)
            watch = await repo.get(watch_id)
            if watch is None:
                raise NotFound(
                    f"There is no vacation watch #{watch_id}. The patrol list has the numbers."
                )
            if watch.status != "active" or watch.return_on < today:
                ended = f" on {local(watch.ended_at, self.settings.zone)}" if watch.ended_at else ""
                raise Conflict(f"Vacation watch #{watch_id} has ended{ended}; no check was logged.")
            if watch.leave_on > today:
                raise Conflict(
                    f"Vacation watch #{watch_id} starts on {short_date(watch.leave_on)}; "
                    "no check was logged."
                )
            await repo.add_check(watch.id, actor.label, note, now)
            resident = await MemberRepository(session).get(watch.member_id)
            if resident is not None:
                await self.outbox.enqueue_in(
                    session,
                    kind="vacation",
                    message=msg.vacation_checked(
                        watch.address, local(now, self.settings.zone), note
                    ),
                    recipients=[resident],
                    author_label=actor.label,
                    audience="vacation watch resident",
                )
            await self.audit.record_in(
                session, actor, "vacation.check", target=f"watch #{watch.id}"
            )
            return watch, len(await repo.checks(watch.id))

    async def _patrol_list_tick(self) -> dict[str, int]:
        listed = await self.send_patrol_list()
        return {f"patrol_list_{listed}": 1} if listed is not None else {}

    async def send_patrol_list(self) -> str | None:
        """The officers' morning list, once a day at PATROL_LIST_TIME (or on start, if late)."""
        at = parse_clock(self.settings.patrol_list_time)
        day, scheduled = latest_daily(self.clock.now(), at, self.settings.zone)

        async def send(session: AsyncSession) -> None:
            await self._patrol_list_in(session, day)

        return await self.due.run_list(PATROL_LIST, day.isoformat(), scheduled, send)

    async def _patrol_list_in(self, session: AsyncSession, day: date) -> None:
        repo = VacationRepository(session)
        # Earlier lists have been delivered: their addresses need not stay in the outbox.
        await repo.scrub_notifications(
            PATROL_LIST, before=self.clock.now() - timedelta(days=PATROL_LIST_KEPT_DAYS)
        )
        entries = [(w, await repo.checks(w.id)) for w in await repo.active_on(day)]
        officers, direct = await self.officers.audience_in(session)
        await self.outbox.enqueue_in(
            session,
            kind="patrol_list",
            message=patrol_message(day, entries, self.settings.zone),
            recipients=officers,
            direct=direct,
            audience="officers",
        )

    # The scheduler

    async def _checklist_due(self, ctx: DueContext) -> str:
        watch = await VacationRepository(ctx.session).get(ctx.item.subject_id)
        if watch is None or watch.status != "active":
            return CANCELLED
        if ctx.stale or local_date(ctx.now, self.settings.zone) > watch.leave_on:
            return MISSED
        resident = await MemberRepository(ctx.session).get(watch.member_id)
        if resident is None:
            return CANCELLED
        await self.outbox.enqueue_in(
            ctx.session,
            kind="vacation",
            message=msg.vacation_checklist(
                watch.address, short_date(watch.leave_on), short_date(watch.return_on)
            ),
            recipients=[resident],
            audience="vacation watch resident",
        )
        return DONE

    async def _expiry_due(self, ctx: DueContext) -> str:
        """After the return date: the watch expires (always), with a welcome back (unless it
        would be stale)."""
        repo = VacationRepository(ctx.session)
        watch = await repo.get(ctx.item.subject_id)
        if watch is None or not await repo.end(watch.id, "expired", ctx.now):
            return CANCELLED
        await self.due.cancel_in(ctx.session, [CHECKLIST], watch.id)
        if ctx.stale:
            return MISSED
        resident = await MemberRepository(ctx.session).get(watch.member_id)
        if resident is not None:
            checks = await repo.checks(watch.id)
            await self.outbox.enqueue_in(
                ctx.session,
                kind="vacation",
                message=msg.vacation_welcome_back(
                    watch.address, checks_summary(checks, self.settings.zone), len(checks)
                ),
                recipients=[resident],
                audience="vacation watch resident",
            )
        return DONE


async def erase_member_in(session: AsyncSession, erased: Erased) -> None:
    """/forget: the member's watches and house checks go."""
    await forget_vacation_in(session, erased.member_id, erased.now)


async def forget_vacation_in(session: AsyncSession, member_id: int, now: datetime) -> int:
    """/forget: delete the member's watches and their checks, and cancel what was due for them
    (inside the caller's transaction)."""
    repo = VacationRepository(session)
    await repo.scrub_notifications("vacation", member_id=member_id)
    ids = await repo.delete_for_member(member_id)
    for watch_id in ids:
        await DueRepository(session).cancel([CHECKLIST, EXPIRY], watch_id, now)
    return len(ids)
