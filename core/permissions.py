"""Who may do what: pure rules over an `Actor` (`core.access` resolves actors, audits refusals)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.errors import PermissionDenied
from storage.members.records import GroupRecord, MemberRecord


class Role(StrEnum):
    """The roles a person can hold."""

    RESIDENT = "resident"
    LEADER = "leader"
    OFFICER = "officer"


class Action(StrEnum):
    """Privileged actions, named as they appear in the audit log."""

    CREATE_GROUP = "group.create"
    SET_LEADER = "group.set_leader"
    REVIEW_MEMBERS = "group.review_members"
    VIEW_ROSTER = "group.view_roster"
    VIEW_AUDIT = "audit.view"
    SEND_ALERT = "alert.send"
    MANAGE_OFFICERS = "officer.manage"
    OPEN_ELECTION = "election.open"
    REVIEW_ELECTION = "election.review"
    SCHEDULE_MEETING = "meeting.schedule"
    CHECK_VACATION = "vacation.check"
    MANAGE_NEWS = "news.manage"
    TRIAGE_TIPS = "tip.triage"
    WORK_FIXES = "fix.work"
    NAME_OFFICER = "officer.name"
    WORK_SURVEYS = "survey.work"
    WORK_TALKS = "talk.work"
    MANAGE_EVENTS = "event.manage"
    WORK_VICTIMS = "victim.work"
    WORK_CHECKINS = "checkin.work"
    SET_DUTY = "duty.set"
    IMPORT_CRIME_DATA = "data.import"
    SET_AREA = "group.set_area"
    VIEW_GROUP_STATS = "stats.group"
    VIEW_TOWN_STATS = "stats.town"
    VIEW_HOTSPOTS = "stats.hotspots"


# Actions open to a group's leader for their own group; officers may do every action.
LEADER_ACTIONS = frozenset(
    {
        Action.REVIEW_MEMBERS,
        Action.VIEW_ROSTER,
        Action.OPEN_ELECTION,
        Action.SCHEDULE_MEETING,
        Action.SET_AREA,
    }
)

REFUSALS = {
    Action.CREATE_GROUP: "Only a Crime Prevention Officer can create watch groups.",
    Action.SET_LEADER: "Only a Crime Prevention Officer can appoint or remove group leaders.",
    Action.REVIEW_MEMBERS: "Only the group's leader or an officer can approve members.",
    Action.VIEW_ROSTER: "Only the group's leader or an officer can see the member list.",
    Action.VIEW_AUDIT: "Only a Crime Prevention Officer can read the audit log.",
    Action.SEND_ALERT: "Only a Crime Prevention Officer can send alerts. Group leaders can "
    "message their own group with /broadcast.",
    Action.MANAGE_OFFICERS: "Only a Crime Prevention Officer can change who is an officer.",
    Action.OPEN_ELECTION: "Only the group's leader or an officer can open an election.",
    Action.REVIEW_ELECTION: "Only a Crime Prevention Officer can certify or overturn a result.",
    Action.SCHEDULE_MEETING: "Only the group's leader or an officer can schedule its meetings.",
    Action.CHECK_VACATION: "Only an officer can log vacation house checks.",
    Action.MANAGE_NEWS: "Only a Crime Prevention Officer can manage the safety news.",
    Action.TRIAGE_TIPS: "Only a Crime Prevention Officer can see and answer tips. To send a "
    "tip yourself, use /tip; /mytips shows yours.",
    Action.NAME_OFFICER: "Only officers choose the name shown on their work. Your own name is "
    "in /profile.",
    Action.WORK_FIXES: "Only a Crime Prevention Officer can work the environment reports. To "
    "report a dark street light, graffiti or the like yourself, use /fix; /myfixes shows yours.",
    Action.WORK_SURVEYS: "Only a Crime Prevention Officer can work the security survey requests. "
    "To ask for a survey of your home, business or boat, use /survey; /mysurveys shows yours.",
    Action.WORK_TALKS: "Only a Crime Prevention Officer can work the requests for talks. To ask "
    "for a presentation, workshop or school program yourself, use /talk; /mytalks shows yours.",
    Action.MANAGE_EVENTS: "Only a Crime Prevention Officer can change public events.",
    Action.WORK_VICTIMS: "Only a Crime Prevention Officer can open and work victim follow-ups. "
    "If you were the victim of a crime and would like help, ask the officer on your case.",
    Action.WORK_CHECKINS: "Only a Crime Prevention Officer can see the list of daily check-ins. "
    "To sign up yourself or someone you look after, use /checkin.",
    Action.SET_DUTY: "Only a Crime Prevention Officer can go on duty for check-in escalations.",
    Action.IMPORT_CRIME_DATA: "Only a Crime Prevention Officer can import crime data.",
    Action.SET_AREA: "Only the group's leader or an officer can set the group's area on the map.",
    Action.VIEW_GROUP_STATS: "You can see the figures for your own watch group's area: /stats. "
    "Officers can see any group's.",
    Action.VIEW_TOWN_STATS: "Only officers can see the whole town's figures; /stats shows your "
    "group's area beside the town.",
    Action.VIEW_HOTSPOTS: "Only a Crime Prevention Officer can see the hotspot map. /stats "
    "shows the figures for your watch group's area.",
}


@dataclass(frozen=True, slots=True)
class Actor:
    """A person acting through one of the faces, with the roles they hold right now."""

    telegram_user_id: int | None
    member: MemberRecord | None
    is_officer: bool
    leads: GroupRecord | None
    system_label: str | None = None
    # The name an officer chose to be shown by (/officername), over their member name.
    officer_name: str | None = None

    @property
    def roles(self) -> frozenset[Role]:
        """Every role held."""
        roles = {Role.RESIDENT} if self.member else set()
        if self.leads:
            roles.add(Role.LEADER)
        if self.is_officer:
            roles.add(Role.OFFICER)
        return frozenset(roles)

    @property
    def name(self) -> str | None:
        """The person's name as others see it: an officer's chosen name, else their member
        name; None when they have neither."""
        if self.is_officer and self.officer_name:
            return self.officer_name
        return self.member.display_name if self.member and self.member.display_name else None

    @property
    def shown(self) -> str:
        """How a timeline, a claim or a report names this actor: their name, else the label."""
        return self.name or self.label

    @property
    def label(self) -> str:
        """How the audit log names this actor (no phone numbers)."""
        if self.system_label:
            return self.system_label
        kind = "officer" if self.is_officer else "leader" if self.leads else "member"
        name = self.name
        ident = f"member #{self.member.id}" if self.member else f"tg {self.telegram_user_id}"
        return f"{name} ({kind}, {ident})" if name else f"{kind} {ident}"

    @classmethod
    def system(cls, label: str) -> Actor:
        """The command line or the scheduler, acting with an officer's powers."""
        return cls(None, None, True, None, system_label=label)


def allowed(actor: Actor, action: Action, group_id: int | None = None) -> bool:
    """Whether the actor may take the action (on the group, for group-scoped actions)."""
    if actor.is_officer:
        return True
    if action in LEADER_ACTIONS and actor.leads is not None:
        return group_id is None or actor.leads.id == group_id
    return False


def check(actor: Actor, action: Action, group_id: int | None = None) -> None:
    """Raise PermissionDenied with the reason when the action is not allowed."""
    if not allowed(actor, action, group_id):
        raise PermissionDenied(REFUSALS[action])
