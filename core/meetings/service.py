"""Group meetings: scheduling with an invitation and calendar file, RSVPs, reminders, changes.

Invitations and reminders go to the group's active members who follow the Meetings topic
(members who turned it off in /settings chose not to get meeting news; they still see meetings
in /meetings and can answer there). A reschedule or cancellation goes to everyone who was
invited or answered, whatever their topics, since it changes something they know about.
Reminders (`MEETING_REMINDERS`, default 24h and 1h before) go to those going or maybe and to
those who have not answered, never to those who said no.

A public event (a talk officers give, open to anyone) belongs to no group: nobody is invited,
anyone answers it from /events (registered or not: someone who never registered answers from
their private chat), and its reminders go to those going or maybe. Only officers change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.delivery import Attachment
from core.due import CANCELLED, DONE, MISSED, DueContext, DueRunner
from core.erasure import Erased
from core.errors import Conflict, InvalidInput, NotFound, NotRegistered, PermissionDenied
from core.flows import Claim, take_in
from core.ics import Event, calendar_file, uid
from core.localtime import latest_weekly, parse_offsets, parse_weekly
from core.meetings import messages as msg
from core.members import GroupService, OfficerService
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from core.validation import clean_text, one_line
from storage.meetings.records import MeetingRecord
from storage.meetings.repositories import MeetingRepository
from storage.members.records import GroupRecord, MemberRecord
from storage.members.repositories import GroupRepository, MemberRepository

MEETING_REMINDER = "meeting_reminder"
WEEKLY_LIST = "weekly_meetings"
MEETING_LENGTH = timedelta(minutes=90)
MAX_AHEAD = timedelta(days=365)
WEEKLY_HORIZON = timedelta(days=14)
TITLE_MAX, PLACE_MAX, AGENDA_MAX = 120, 200, 1000
ANSWERS = ("going", "maybe", "no")
PUBLIC = "Public event"
PUBLIC_MAX = 20


def host_name(group: GroupRecord | None) -> str:
    """Whose meeting it is: the group's name, or 'Public event'."""
    return group.name if group is not None else PUBLIC


async def erase_chat_answers_in(session: AsyncSession, erased: Erased) -> None:
    """/forget: the answers given to public events from the member's chat before they
    registered (their member answers go with their member row)."""
    await MeetingRepository(session).delete_chat_answers(erased.telegram_chat)


def clean_title(value: str) -> str:
    """A meeting title: 1-120 characters on one line."""
    title = one_line(value)
    if not title or title.startswith("/"):
        raise InvalidInput("Please send a title for the meeting, e.g. Monthly watch meeting.")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"A title can have at most {TITLE_MAX} characters.")
    return title


def clean_place(value: str) -> str:
    """Where: 3-200 characters on one line."""
    place = one_line(value)
    if len(place) < 3:
        raise InvalidInput("Please say where, e.g. Oak Park Library, Room 2.")
    if len(place) > PLACE_MAX:
        raise InvalidInput(f"A place can have at most {PLACE_MAX} characters.")
    return place


def clean_agenda(value: str) -> str:
    """The agenda: at most 1000 characters (may be empty)."""
    agenda = clean_text(value)
    if len(agenda) > AGENDA_MAX:
        raise InvalidInput(
            f"An agenda can have at most {AGENDA_MAX} characters; please shorten it."
        )
    return agenda


def check_start(starts_at: datetime, now: datetime) -> datetime:
    """A meeting starts in the future, at most a year ahead."""
    if starts_at <= now:
        raise InvalidInput("That time has passed. Please send a date and time in the future.")
    if starts_at > now + MAX_AHEAD:
        raise InvalidInput("Meetings can be scheduled at most a year ahead.")
    return starts_at


@dataclass(frozen=True, slots=True)
class MeetingDraft:
    """What the leader typed, checked."""

    title: str
    starts_at: datetime
    place: str
    agenda: str = ""


@dataclass(frozen=True, slots=True)
class EventView:
    """An upcoming public event as anyone sees it in /events."""

    meeting: MeetingRecord
    my_answer: str | None
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class MeetingView:
    """An upcoming meeting as a member sees it."""

    meeting: MeetingRecord
    group: GroupRecord
    my_answer: str | None
    counts: dict[str, int]
    can_manage: bool


class MeetingService(SharedService):
    """Schedules meetings and keeps the invited informed."""

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
        due.register(MEETING_REMINDER, self._reminder_due)
        due.register_tick(self._weekly_list_tick)
        shared.erasure.register("meetings", erase_chat_answers_in)

    # The calendar file

    def ics(
        self, meeting: MeetingRecord, group: GroupRecord | None, *, cancelled: bool = False
    ) -> Attachment:
        """The meeting's .ics (an update has a higher SEQUENCE; a cancellation METHOD:CANCEL)."""
        description = (
            f"{group.name} watch group meeting."
            if group is not None
            else f"{self.settings.service_name}: open to the public."
        )
        if meeting.agenda:
            description += f"\n\nAgenda:\n{meeting.agenda}"
        event = Event(
            uid=uid(f"meeting-{meeting.id}", self.settings.service_name),
            sequence=meeting.sequence,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            summary=f"{meeting.title} ({host_name(group)})",
            location=meeting.place,
            description=description,
            stamp=self.clock.now(),
            cancelled=cancelled,
        )
        content = calendar_file(event, self.settings.service_name)
        return Attachment(f"meeting-{meeting.id}.ics", "text/calendar", content)

    # Who may

    async def group_for(self, actor: Actor, code: str | None) -> GroupRecord:
        """The group a meeting is for: the named one, or the one the actor leads; checked."""
        if code:
            group = await self.groups.by_code(code)
        elif actor.leads is not None:
            group = actor.leads
        else:
            await self.access.require(actor, Action.SCHEDULE_MEETING, group_id=-1, target="meeting")
            raise InvalidInput("Please name the group: /meeting CODE")
        await self.access.require(
            actor, Action.SCHEDULE_MEETING, group_id=group.id, target=f"group {group.code}"
        )
        return group

    async def _managed(
        self, session: AsyncSession, actor: Actor, meeting_id: int
    ) -> tuple[MeetingRecord, GroupRecord | None]:
        meeting = await MeetingRepository(session).get(meeting_id)
        group = await self._group_in(session, meeting)
        if meeting is None or (group is None and not meeting.public):
            raise NotFound(f"There is no meeting #{meeting_id}.")
        if meeting.status != "scheduled":
            raise Conflict("That meeting was cancelled.")
        if meeting.starts_at <= self.clock.now():
            raise Conflict("That meeting has already started.")
        return meeting, group

    async def require_manager(self, actor: Actor, meeting_id: int) -> MeetingRecord:
        """The meeting, if the actor may change it (its group's leader or an officer)."""
        async with self.db.transaction() as session:
            meeting, group = await self._managed(session, actor, meeting_id)
        await self._require_manager(actor, group)
        return meeting

    async def _require_manager(self, actor: Actor, group: GroupRecord | None) -> None:
        if group is None:  # a public event: officers only
            await self.access.require(actor, Action.MANAGE_EVENTS, target="public events")
            return
        await self.access.require(
            actor, Action.SCHEDULE_MEETING, group_id=group.id, target=f"group {group.code}"
        )

    @staticmethod
    async def _group_in(session: AsyncSession, meeting: MeetingRecord | None) -> GroupRecord | None:
        if meeting is None or meeting.group_id is None:
            return None
        return await GroupRepository(session).get(meeting.group_id)

    # Scheduling

    async def _interested(self, session: AsyncSession, group_id: int) -> list[MemberRecord]:
        return await MemberRepository(session).registered(group_ids=[group_id], category="meetings")

    async def _schedule_reminders(self, session: AsyncSession, meeting: MeetingRecord) -> None:
        now = self.clock.now()
        for offset in parse_offsets(self.settings.meeting_reminders):
            due_at = offset.before(meeting.starts_at, self.settings.zone)
            if due_at > now:
                await self.due.schedule_in(
                    session,
                    MEETING_REMINDER,
                    meeting.id,
                    f"{offset.label}#{meeting.sequence}",
                    due_at,
                )

    async def schedule(
        self, actor: Actor, code: str | None, draft: MeetingDraft, *, claim: Claim | None = None
    ) -> tuple[MeetingRecord, GroupRecord, int]:
        """Create the meeting, invite the group and schedule the reminders; returns how many
        members were invited. With a claim, the confirm's stored step is taken in the same
        transaction, so a second press creates nothing (AlreadyDone)."""
        group = await self.group_for(actor, code)
        async with self.db.transaction() as session:
            await take_in(session, claim)
            meeting, invited = await self.schedule_in(session, actor, group, draft)
        return meeting, group, invited

    async def schedule_in(
        self, session: AsyncSession, actor: Actor, group: GroupRecord | None, draft: MeetingDraft
    ) -> tuple[MeetingRecord, int]:
        """Create a meeting in the caller's transaction (the caller has checked that the actor
        may): a group's, with its members invited, or (no group) a public event open to
        anyone from /events; the reminders are scheduled. Returns how many were invited."""
        title, place, agenda = (
            clean_title(draft.title),
            clean_place(draft.place),
            clean_agenda(draft.agenda),
        )
        now = self.clock.now()
        starts_at = check_start(draft.starts_at, now)
        repo = MeetingRepository(session)
        meeting = await repo.create(
            group_id=group.id if group is not None else None,
            public=group is None,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + MEETING_LENGTH,
            place=place,
            agenda=agenda,
            created_by_member_id=actor.member.id if actor.member else None,
            created_at=now,
            updated_at=now,
        )
        invited: list[MemberRecord] = []
        if group is not None:
            invited = await self._interested(session, group.id)
            await repo.invite(meeting.id, [m.id for m in invited])
            await self.outbox.enqueue_in(
                session,
                kind="meeting",
                category="meetings",
                message=msg.meeting_invitation(
                    group.name,
                    title,
                    starts_at,
                    place,
                    agenda,
                    self.settings.zone,
                    meeting.id,
                    self.ics(meeting, group),
                ),
                recipients=invited,
                author_label=actor.label,
                author_member_id=actor.member.id if actor.member else None,
                group_id=group.id,
                audience=f"members of {group.code}",
            )
        await self._schedule_reminders(session, meeting)
        where = f"group {group.code}" if group is not None else "public"
        await self.audit.record_in(
            session,
            actor,
            "meeting.schedule",
            target=f"meeting #{meeting.id}",
            detail=f"{where}; starts {starts_at.isoformat()}; {len(invited)} invited",
        )
        return meeting, len(invited)

    async def reschedule(
        self, actor: Actor, meeting_id: int, starts_at: datetime
    ) -> tuple[MeetingRecord, GroupRecord | None, int]:
        """Move a meeting; everyone invited gets the new time and calendar file."""
        async with self.db.transaction() as session:
            meeting, group = await self._managed(session, actor, meeting_id)
        await self._require_manager(actor, group)
        check_start(starts_at, self.clock.now())
        if starts_at == meeting.starts_at:
            raise Conflict("The meeting is already at that time.")
        async with self.db.transaction() as session:
            meeting, group = await self._managed(session, actor, meeting_id)
            repo = MeetingRepository(session)
            old_start = meeting.starts_at
            moved = await repo.update(
                meeting.id,
                self.clock.now(),
                starts_at=starts_at,
                ends_at=starts_at + MEETING_LENGTH,
            )
            await self.due.cancel_in(session, [MEETING_REMINDER], meeting.id)
            await self._schedule_reminders(session, moved)
            invitees = [m for m, _ in await repo.invitees(meeting.id)]
            await self.outbox.enqueue_in(
                session,
                kind="meeting",
                message=msg.meeting_moved(
                    host_name(group),
                    moved.title,
                    old_start,
                    starts_at,
                    moved.place,
                    self.settings.zone,
                    moved.id,
                    self.ics(moved, group),
                ),
                recipients=invitees,
                direct=await self._chats_in(session, meeting.id),
                author_label=actor.label,
                group_id=meeting.group_id,
                audience=f"invited to meeting #{meeting.id}",
            )
            await self.audit.record_in(
                session,
                actor,
                "meeting.reschedule",
                target=f"meeting #{meeting.id}",
                detail=f"from {old_start.isoformat()} to {starts_at.isoformat()}",
            )
        return moved, group, len(invitees)

    async def _chats_in(
        self, session: AsyncSession, meeting_id: int, answers: tuple[str, ...] = ANSWERS
    ) -> list[tuple[str, str]]:
        """The private chats of those who answered a public event without registering."""
        chats = await MeetingRepository(session).chat_answers(meeting_id)
        return [("telegram", chat) for chat, answer in chats.items() if answer in answers]

    async def cancel(
        self, actor: Actor, meeting_id: int
    ) -> tuple[MeetingRecord, GroupRecord | None, int]:
        """Cancel a meeting; everyone invited is told, with a cancelling calendar file."""
        async with self.db.transaction() as session:
            _, group = await self._managed(session, actor, meeting_id)
        await self._require_manager(actor, group)
        async with self.db.transaction() as session:
            meeting, group = await self._managed(session, actor, meeting_id)
            repo = MeetingRepository(session)
            cancelled = await repo.update(meeting.id, self.clock.now(), status="cancelled")
            await self.due.cancel_in(session, [MEETING_REMINDER], meeting.id)
            invitees = [m for m, _ in await repo.invitees(meeting.id)]
            await self.outbox.enqueue_in(
                session,
                kind="meeting",
                message=msg.meeting_cancelled(
                    host_name(group),
                    meeting.title,
                    meeting.starts_at,
                    self.settings.zone,
                    self.ics(cancelled, group, cancelled=True),
                ),
                recipients=invitees,
                direct=await self._chats_in(session, meeting.id),
                author_label=actor.label,
                group_id=meeting.group_id,
                audience=f"invited to meeting #{meeting.id}",
            )
            await self.audit.record_in(
                session,
                actor,
                "meeting.cancel",
                target=f"meeting #{meeting.id}",
                detail=f"group {group.code}" if group is not None else "public",
            )
        return cancelled, group, len(invitees)

    # Members

    async def rsvp(
        self, telegram_user_id: int, meeting_id: int, answer: str
    ) -> tuple[MeetingRecord, str | None]:
        """Record a member's answer; returns the meeting and the previous answer."""
        if answer not in ANSWERS:
            raise InvalidInput("Please answer going, maybe or no.")
        if not 0 < meeting_id < 2**31:  # no such id (and past what the database stores)
            raise NotFound("That meeting no longer exists.")
        async with self.db.transaction() as session:
            member = await MemberRepository(session).by_telegram_user(telegram_user_id)
            repo = MeetingRepository(session)
            meeting = await repo.get(meeting_id)
            if meeting is not None and meeting.public:  # anyone may answer a public event
                self._check_open(meeting)
                now = self.clock.now()
                if member is not None:
                    return meeting, await repo.answer(meeting.id, member.id, answer, now)
                chat = str(telegram_user_id)  # a user's private chat has the user's id
                return meeting, await repo.answer_by_chat(meeting.id, chat, answer, now)
            if member is None:
                raise NotRegistered("Please register first: send /start.")
            if meeting is None or meeting.group_id is None:
                raise NotFound("That meeting no longer exists.")
            membership = await GroupRepository(session).membership(member.id, meeting.group_id)
            allowed = membership is not None and membership.status == "active"
            if allowed:
                self._check_open(meeting)
                previous = await repo.answer(meeting.id, member.id, answer, self.clock.now())
                return meeting, previous
        # Audited after the read has ended (SQLite allows one writer).
        await self.audit.record(
            await self.access.actor(telegram_user_id),
            "meeting.rsvp",
            target=f"meeting #{meeting_id}",
            outcome="refused",
            detail="not a member of the meeting's group",
        )
        raise PermissionDenied("Only members of the meeting's group can answer.")

    def _check_open(self, meeting: MeetingRecord) -> None:
        if meeting.status != "scheduled":
            raise Conflict("That meeting was cancelled.")
        if meeting.starts_at <= self.clock.now():
            raise Conflict("That meeting has already started.")

    async def public_events(self, telegram_user_id: int | None) -> list[EventView]:
        """Upcoming public events, soonest first, with this person's answers."""
        async with self.db.transaction() as session:
            repo = MeetingRepository(session)
            events = (await repo.upcoming(self.clock.now(), public=True))[:PUBLIC_MAX]
            ids = [e.id for e in events]
            mine: dict[int, str | None] = {}
            if telegram_user_id is not None:
                member = await MemberRepository(session).by_telegram_user(telegram_user_id)
                mine.update(await repo.chat_answers_of(str(telegram_user_id), ids))
                if member is not None:
                    mine.update(
                        {k: v for k, v in (await repo.answers_of(member.id, ids)).items() if v}
                    )
            return [EventView(e, mine.get(e.id), await repo.answer_counts(e.id)) for e in events]

    async def forget_chat(self, telegram_chat: str) -> int:
        """Forget the answers a chat that never registered gave to public events."""
        async with self.db.transaction() as session:
            return await MeetingRepository(session).delete_chat_answers(telegram_chat)

    async def upcoming_for(self, actor: Actor) -> list[MeetingView]:
        """Upcoming meetings of the member's groups, with their answers."""
        if actor.member is None:
            raise NotRegistered("Please register and join your group first: send /start.")
        async with self.db.transaction() as session:
            groups = {
                g.id: g
                for g, m in await GroupRepository(session).groups_of(actor.member.id)
                if m.status == "active"
            }
            repo = MeetingRepository(session)
            meetings = await repo.upcoming(self.clock.now(), group_ids=list(groups))
            answers = await repo.answers_of(actor.member.id, [m.id for m in meetings])
            return [
                MeetingView(
                    meeting,
                    groups[meeting.group_id or 0],
                    answers.get(meeting.id),
                    await repo.answer_counts(meeting.id),
                    actor.is_officer
                    or (actor.leads is not None and actor.leads.id == meeting.group_id),
                )
                for meeting in meetings
            ]

    # The scheduler

    async def _reminder_due(self, ctx: DueContext) -> str:
        """A reminder before a meeting, to those going, maybe or not answered."""
        session = ctx.session
        repo = MeetingRepository(session)
        meeting = await repo.get(ctx.item.subject_id)
        group = await self._group_in(session, meeting)
        if meeting is None or meeting.status != "scheduled":
            return CANCELLED
        if group is None and not meeting.public:
            return CANCELLED
        if ctx.stale or meeting.starts_at <= ctx.now:
            return MISSED
        if group is None:
            return await self._public_reminder_in(ctx, meeting)
        answers = {i.member_id: i.answer for _, i in await repo.invitees(meeting.id)}
        members = [
            m for m in await self._interested(session, group.id) if answers.get(m.id) != "no"
        ]
        zone = self.settings.zone
        for answered in (True, False):
            recipients = [m for m in members if (answers.get(m.id) is not None) == answered]
            if recipients:
                await self.outbox.enqueue_in(
                    session,
                    kind="reminder",
                    category="meetings",
                    message=msg.meeting_reminder(
                        group.name,
                        meeting.title,
                        meeting.starts_at,
                        meeting.place,
                        zone,
                        meeting.id,
                        "going" if answered else None,
                    ),
                    recipients=recipients,
                    group_id=group.id,
                    audience=f"meeting #{meeting.id} reminder ({ctx.item.key.split('#')[0]})",
                )
        return DONE

    async def _public_reminder_in(self, ctx: DueContext, meeting: MeetingRecord) -> str:
        """A public event's reminder, to those going or maybe (nobody was invited)."""
        session = ctx.session
        coming = ("going", "maybe")
        members = [m for m, _ in await MeetingRepository(session).invitees(meeting.id, coming)]
        chats = await self._chats_in(session, meeting.id, coming)
        if members or chats:
            await self.outbox.enqueue_in(
                session,
                kind="reminder",
                message=msg.meeting_reminder(
                    PUBLIC,
                    meeting.title,
                    meeting.starts_at,
                    meeting.place,
                    self.settings.zone,
                    meeting.id,
                    "going",
                ),
                recipients=members,
                direct=chats,
                audience=f"meeting #{meeting.id} reminder ({ctx.item.key.split('#')[0]})",
            )
        return DONE

    async def _weekly_list_tick(self) -> dict[str, int]:
        listed = await self.send_weekly_list()
        return {f"weekly_meetings_{listed}": 1} if listed is not None else {}

    async def send_weekly_list(self) -> str | None:
        """The officers' weekly list of every group's upcoming meetings, once a week."""
        weekday, at = parse_weekly(self.settings.weekly_meetings_time)
        day, scheduled = latest_weekly(self.clock.now(), weekday, at, self.settings.zone)
        return await self.due.run_list(
            WEEKLY_LIST, day.isoformat(), scheduled, self._weekly_list_in
        )

    async def _weekly_list_in(self, session: AsyncSession) -> None:
        now = self.clock.now()
        repo = MeetingRepository(session)
        lines = []
        for meeting in await repo.upcoming(now, until=now + WEEKLY_HORIZON):
            group = await self._group_in(session, meeting)
            counts = await repo.answer_counts(meeting.id)
            lines.append(
                (
                    host_name(group),
                    meeting.title,
                    meeting.starts_at,
                    meeting.place,
                    counts,
                )
            )
        officers, direct = await self.officers.audience_in(session)
        await self.outbox.enqueue_in(
            session,
            kind="meeting_list",
            message=msg.weekly_meetings(lines, self.settings.zone),
            recipients=officers,
            direct=direct,
            audience="officers",
        )
