"""What was delivered to whom: recent notifications and per-channel outcome counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.audit import AuditService
from core.errors import NotFound, PermissionDenied
from core.names import Names
from core.permissions import Actor
from storage.delivery.records import NotificationRecord, ReportScope
from storage.delivery.repositories import OutboxRepository
from storage.engine import Database

STATUSES = ("queued", "sent", "delivered", "failed", "unknown", "skipped")
IN_PROGRESS = ("queued", "claimed", "sending")
REPORTED_KINDS = ("alert", "scam", "broadcast", "news", "reminder")
REACHED = ("sent", "delivered")
NOT_REACHED_MAX = 30  # names listed in one report; the counts cover everyone

# Why a delivery did not reach its person, from what the outbox and the notifiers recorded;
# the first pattern found in the stored reason wins (a face says each in words).
_WHY = (
    ("blocked the bot", "blocked"),
    ("forbidden", "blocked"),
    ("user is deactivated", "telegram_gone"),
    ("chat not found", "telegram_gone"),
    ("stopped all messages", "stopped"),
    ("no telegram chat", "no_chat"),
    ("no address for telegram", "no_chat"),
    ("21610", "opted_out"),
    ("opted out", "opted_out"),
    ("21211", "invalid_number"),
    ("phone number invalid", "invalid_number"),
    ("21614", "not_mobile"),
    ("not mobile", "not_mobile"),
    ("not confirmed", "unconfirmed"),
    ("no phone number", "no_phone"),
    ("no address for sms", "no_phone"),
    ("sms is not configured", "sms_off"),
    ("recipient forgotten", "forgotten"),
    ("cancelled", "cancelled"),
    ("taken back", "cancelled"),
    ("twilio 300", "carrier"),
    ("gave up after", "gave_up"),
)


def why_not(status: str, reason: str, attempts: int) -> str:
    """A code for why a delivery has not reached its person (blocked, opted_out, retrying, ...):
    the stored reason carries provider details and sometimes a name, and is never shown."""
    if status in IN_PROGRESS:
        return "retrying" if attempts or reason else "waiting"
    lowered = reason.lower()
    for pattern, code in _WHY:
        if pattern in lowered:
            return code
    return "unknown" if status == "unknown" else "failed"


@dataclass(frozen=True, slots=True)
class NotificationLine:
    """One notification in a list."""

    id: int
    kind: str
    urgency: str
    audience: str
    created_at: datetime
    send_at: datetime | None
    cancelled: bool
    preview: str
    total: int
    done: int


@dataclass(frozen=True, slots=True)
class NotReached:
    """A person no channel has reached (yet), and why on each channel tried."""

    who: str  # their name now, or "a former member"; never a phone number or chat id
    why: tuple[tuple[str, str], ...]  # (channel, why_not code)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """Per-channel counts and the reasons behind what did not arrive; who was not reached
    for readers allowed to see the recipients (officers)."""

    line: NotificationLine
    author: str
    counts: dict[str, dict[str, int]]  # channel -> status -> n (queued includes in progress)
    uncertain: int
    reasons: list[tuple[str, str, int]]  # (channel, why_not code, n), most first
    not_reached: list[NotReached] | None  # None: the reader may not see who
    not_reached_total: int = 0


@dataclass(frozen=True, slots=True)
class Activity:
    """A notification and its deliveries: channel -> state -> how many."""

    line: NotificationLine
    counts: dict[str, dict[str, int]]


class ReportService:
    """Reads delivery outcomes for officers (everything) and leaders (their own)."""

    def __init__(self, db: Database, audit: AuditService) -> None:
        self.db = db
        self.audit = audit

    async def _scope(self, actor: Actor, target: str) -> ReportScope | None:
        """What the actor may see: everything (None, officers) or a leader's own notifications
        and group's broadcasts; anyone else is refused, on the audit log."""
        if actor.is_officer:
            return None
        if actor.leads is not None:
            return ReportScope(actor.member.id if actor.member else -1, actor.leads.id)
        await self.audit.record(
            actor,
            "report.view",
            target=target,
            outcome="refused",
            detail="not an officer or leader",
        )
        raise PermissionDenied("Only officers and group leaders can see delivery reports.")

    async def recent(self, actor: Actor, limit: int = 10) -> list[NotificationLine]:
        """The newest notifications the actor may see (alerts, broadcasts, ...)."""
        scope = await self._scope(actor, "recent")
        async with self.db.transaction() as session:
            repo = OutboxRepository(session)
            rows = await repo.recent_notifications(REPORTED_KINDS, limit, scope)
            return [await self._line(repo, row) for row in rows]

    async def activity(self, actor: Actor, limit: int = 8) -> list[Activity]:
        """The newest notifications of every kind (replies, reminders, relays as well as
        alerts) with their deliveries by channel and state: what the last actions set
        going. Officers only."""
        if not actor.is_officer:
            await self.audit.record(
                actor, "report.view", target="activity", outcome="refused", detail="not an officer"
            )
            raise PermissionDenied("Only officers can see everything that was sent.")
        async with self.db.transaction() as session:
            repo = OutboxRepository(session)
            rows = await repo.recent_notifications(None, limit, None)
            found: list[Activity] = []
            for row in rows:
                counts: dict[str, dict[str, int]] = {}
                for (channel, status), n in (await repo.counts(row.id)).items():
                    shown = "queued" if status in IN_PROGRESS else status
                    per = counts.setdefault(channel, {})
                    per[shown] = per.get(shown, 0) + n
                line = await self._line(repo, row)
                found.append(Activity(line, counts))
            return found

    async def detail(self, actor: Actor, notification_id: int) -> DeliveryReport:
        """Counts per channel and status, with reasons, for one notification."""
        scope = await self._scope(actor, f"notification #{notification_id}")
        async with self.db.transaction() as session:
            repo = OutboxRepository(session)
            row = await repo.notification(notification_id, scope)
            if row is None:
                raise NotFound(f"There is no report #{notification_id} you can see. Try /report.")
            raw = await repo.counts(row.id)
            counts: dict[str, dict[str, int]] = {}
            for (channel, status), n in raw.items():
                shown = "queued" if status in IN_PROGRESS else status
                per = counts.setdefault(channel, dict.fromkeys(STATUSES, 0))
                per[shown] += n
            outcomes = await repo.outcomes(row.id)
            reasons: dict[tuple[str, str], int] = {}
            reached: set[object] = set()
            missed: dict[object, list[tuple[str, str]]] = {}
            for delivery_id, member_id, direct, channel, status, reason, attempts in outcomes:
                person: object = member_id if member_id is not None else ("d", delivery_id)
                if status in REACHED:
                    reached.add(person)
                    continue
                code = why_not(status, reason, attempts)
                reasons[(channel, code)] = reasons.get((channel, code), 0) + 1
                missed.setdefault(person if not direct else ("a", delivery_id), []).append(
                    (channel, code)
                )
            not_reached = [(p, why) for p, why in missed.items() if p not in reached]
            # Only officers see who: a leader's roster rights do not cover how each member
            # can be reached (blocked the bot, opted out of texts).
            listed: list[NotReached] | None = None
            if scope is None:
                names = Names(session)
                listed = [
                    NotReached(await self._who(names, person), tuple(why))
                    for person, why in not_reached[:NOT_REACHED_MAX]
                ]
            author = await Names(session).author(row.author_member_id, row.author_label)
            return DeliveryReport(
                line=await self._line(repo, row),
                author=author,
                counts=counts,
                uncertain=await repo.uncertain_count(row.id),
                reasons=[
                    (c, code, n)
                    for (c, code), n in sorted(reasons.items(), key=lambda item: -item[1])
                ],
                not_reached=listed,
                not_reached_total=len(not_reached),
            )

    @staticmethod
    async def _who(names: Names, person: object) -> str:
        if isinstance(person, int):
            return await names.recipient(person)
        if isinstance(person, tuple) and person[0] == "a":
            return "someone who is not a member"  # an officer's own chat, say; never its address
        return await names.recipient(None)

    @staticmethod
    async def _line(repo: OutboxRepository, row: NotificationRecord) -> NotificationLine:
        counts = await repo.counts(row.id)
        total = sum(counts.values())
        done = sum(n for (_, status), n in counts.items() if status not in IN_PROGRESS)
        return NotificationLine(
            id=row.id,
            kind=row.kind,
            urgency=row.urgency,
            audience=row.audience,
            created_at=row.created_at,
            send_at=row.send_at,
            cancelled=row.cancelled_at is not None,
            preview=row.body_text.split(": ", 1)[-1][:60],
            total=total,
            done=done,
        )
